// Key.sign, Key.hashAndSign and verification, over PKCS#11 (PKCS#11 v3.1 sections 5.12 and 5.13).
import { createHash } from "node:crypto";
import { ScwsError, toProblem, toScwsError } from "@open-scws/errors";
import type { components } from "@open-scws/spec";
import { keySizeBits, type ObjectRecord } from "../objects/object-record.js";
import type { ObjectService } from "../objects/object-service.js";
import type { PinService } from "../pins/pin-service.js";
import type { TokenConnection } from "../tokens/token-connections.js";
import { HASHES } from "./algorithms.js";
import { derToRaw, rawToDer } from "./ecdsa-signature.js";
import { usableKey, withKeyPin } from "./key-guard.js";
import type { MechanismCatalog } from "./mechanism-catalog.js";
import { mechanismName } from "./mechanism-catalog.js";
import { checkPssSalt, hashOf, planSignature, type SignaturePlan } from "./signature-plan.js";

type SignRequest = components["schemas"]["SignRequest"];
type SignBatchRequest = components["schemas"]["SignBatchRequest"];
type SignBatchResult = components["schemas"]["SignBatchResult"];
type HashAndSignRequest = components["schemas"]["HashAndSignRequest"];
type VerifyRequest = components["schemas"]["VerifyRequest"];
type Signature = components["schemas"]["Signature"];
type SignAlgorithm = components["schemas"]["SignAlgorithm"];
type SignatureFormat = components["schemas"]["SignatureFormat"];

const fromBase64 = (value: string) => new Uint8Array(Buffer.from(value, "base64"));
const toBase64 = (value: Uint8Array) => Buffer.from(value).toString("base64");

/** The hash of data for an algorithm, SHA-256 when it names none. */
function hashData(data: Uint8Array, algorithm: SignAlgorithm | undefined): Uint8Array {
  return new Uint8Array(
    createHash(HASHES[hashOf(algorithm) ?? "sha256"].node)
      .update(data)
      .digest(),
  );
}

/** Signs and verifies with keys on tokens. */
export class SigningService {
  constructor(
    private readonly objects: ObjectService,
    private readonly pins: PinService,
    private readonly mechanisms: MechanismCatalog,
  ) {}

  /** `Key.sign(hash, algorithm)`. */
  async sign(connection: TokenConnection, keyId: string, request: SignRequest): Promise<Signature> {
    return this.signHash(connection, keyId, fromBase64(request.hash), request.algorithm, request.signatureFormat, request.pin);
  }

  /**
   * Signs many hashes with one key in one host call. A hash of the wrong length is refused on its own; what
   * concerns every hash (the key, the login, the mechanism, a per-use PIN) fails the whole request.
   */
  async signBatch(connection: TokenConnection, keyId: string, request: SignBatchRequest): Promise<SignBatchResult> {
    const key = await usableKey(this.objects, connection, keyId, ["privateKey"], "sign");
    const plans = request.hashes.map((hash, index): SignaturePlan | ScwsError => {
      try {
        return planSignature(key.algorithm ?? "OTHER", fromBase64(hash), request.algorithm, `/body/hashes/${index}`);
      } catch (error) {
        if (error instanceof ScwsError && error.code === "CKR_DATA_LEN_RANGE") return error;
        throw error;
      }
    });
    const valid = plans.filter((plan): plan is SignaturePlan => !(plan instanceof ScwsError));
    const mechanism = valid[0]?.mechanism;
    let signed: Awaited<ReturnType<TokenConnection["host"]["signBatch"]>> = [];
    if (mechanism) {
      await this.checkSalt(connection, key, request.algorithm);
      await this.mechanisms.require(connection, mechanism.mechanism, "sign");
      const inputs = valid.map((plan) => plan.input);
      signed = await withKeyPin(this.pins, connection, key, request.pin, (contextPin) =>
        connection.host.signBatch(connection.slot, mechanism, key.handle, inputs, contextPin),
      );
    }
    const name = mechanism ? mechanismName(mechanism.mechanism) : "";
    const der = key.algorithm === "ECDSA" && request.signatureFormat === "der";
    let next = 0;
    const results = plans.map((plan) => {
      if (plan instanceof ScwsError) return { error: toProblem(plan) };
      const item = signed[next++]!;
      if (!item.ok) return { error: toProblem(toScwsError(item.error)) };
      return { signature: toBase64(der ? rawToDer(item.value) : item.value), mechanism: name };
    });
    return { results };
  }

  /** `Key.hashAndSign(data, algorithm)`: SHA-256 with PKCS#1 v1.5 DigestInfo (RSA) or ECDSA when no algorithm is named. */
  async hashAndSign(connection: TokenConnection, keyId: string, request: HashAndSignRequest): Promise<Signature> {
    const algorithm = request.algorithm ?? "sha256";
    return this.signHash(connection, keyId, hashData(fromBase64(request.data), algorithm), algorithm, request.signatureFormat, request.pin);
  }

  /** Verifies a signature over a hash, or over data hashed as `hashAndSign` does. */
  async verify(connection: TokenConnection, keyId: string, request: VerifyRequest): Promise<{ valid: boolean }> {
    const key = await usableKey(this.objects, connection, keyId, ["publicKey"], "verify");
    const fromData = request.data !== undefined;
    const algorithm = fromData ? (request.algorithm ?? "sha256") : request.algorithm;
    const hash = fromData ? hashData(fromBase64(request.data!), algorithm) : fromBase64(request.hash!);
    const plan = planSignature(key.algorithm ?? "OTHER", hash, algorithm);
    await this.checkSalt(connection, key, algorithm);
    await this.mechanisms.require(connection, plan.mechanism.mechanism, "verify");
    let signature: Uint8Array = fromBase64(request.signature);
    if (key.algorithm === "ECDSA" && request.signatureFormat === "der") signature = derToRaw(signature, await this.coordinateSize(connection, key));
    const valid = await connection.host.verify(connection.slot, plan.mechanism, key.handle, plan.input, signature);
    return { valid };
  }

  private async signHash(
    connection: TokenConnection,
    keyId: string,
    hash: Uint8Array,
    algorithm: SignAlgorithm | undefined,
    format: SignatureFormat | undefined,
    pin: string | undefined,
  ): Promise<Signature> {
    const key = await usableKey(this.objects, connection, keyId, ["privateKey"], "sign");
    const plan = planSignature(key.algorithm ?? "OTHER", hash, algorithm);
    await this.checkSalt(connection, key, algorithm);
    await this.mechanisms.require(connection, plan.mechanism.mechanism, "sign");
    const raw = await withKeyPin(this.pins, connection, key, pin, (contextPin) =>
      connection.host.sign(connection.slot, plan.mechanism, key.handle, plan.input, contextPin),
    );
    const signature = key.algorithm === "ECDSA" && format === "der" ? rawToDer(raw) : raw;
    return { signature: toBase64(signature), mechanism: mechanismName(plan.mechanism.mechanism) };
  }

  /** For RSA-PSS, refuses a salt too long for the key's modulus (read once per key record) before the token sees it. */
  private async checkSalt(connection: TokenConnection, key: ObjectRecord, algorithm: SignAlgorithm | undefined): Promise<void> {
    if (typeof algorithm !== "object" || key.algorithm !== "RSA") return;
    const bits = await keySizeBits(connection.host, connection.slot, key);
    if (bits !== undefined) checkPssSalt(bits, algorithm);
  }

  /** The byte length of r and s for an EC key: its curve's size. */
  private async coordinateSize(connection: TokenConnection, key: ObjectRecord): Promise<number> {
    return Math.ceil(((await keySizeBits(connection.host, connection.slot, key)) ?? 256) / 8);
  }
}
