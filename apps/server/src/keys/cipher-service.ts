// Encryption and decryption with RSA (PKCS#1 v1.5, OAEP) and AES (GCM, CBC) keys on tokens
// (PKCS#11 v3.1 sections 5.10, 5.11, 6.1.6, 6.1.7, 6.14).
import { isPkcs11Failure, ScwsError, scwsErrorFromPkcs11 } from "@open-scws/errors";
import type { components } from "@open-scws/spec";
import { keySizeBits, type ObjectRecord } from "../objects/object-record.js";
import type { ObjectService } from "../objects/object-service.js";
import type { PinService } from "../pins/pin-service.js";
import type { MechanismInput } from "../pkcs11/host.js";
import type { TokenConnection } from "../tokens/token-connections.js";
import { CKM, HASHES } from "./algorithms.js";
import { usableKey, withKeyPin } from "./key-guard.js";
import type { MechanismCatalog } from "./mechanism-catalog.js";

type EncryptionAlgorithm = components["schemas"]["EncryptionAlgorithm"];
type EncryptRequest = components["schemas"]["EncryptRequest"];
type DecryptRequest = components["schemas"]["DecryptRequest"];

const fromBase64 = (value: string) => new Uint8Array(Buffer.from(value, "base64"));
const toBase64 = (value: Uint8Array) => Buffer.from(value).toString("base64");

/** Which members of EncryptionAlgorithm each algorithm takes. */
const MEMBERS: Readonly<Record<EncryptionAlgorithm["name"], ReadonlyArray<keyof EncryptionAlgorithm>>> = {
  "RSA-PKCS1": ["name"],
  "RSA-OAEP": ["name", "hash", "label"],
  "AES-GCM": ["name", "iv", "aad", "tagLength"],
  "AES-CBC": ["name", "iv"],
};

/** A GCM IV of 96 bits is what NIST SP 800-38D recommends; CBC's IV is one AES block. */
const DEFAULT_IV_LENGTH = { "AES-GCM": 12, "AES-CBC": 16 } as const;

function checkMembers(algorithm: EncryptionAlgorithm): void {
  const extra = Object.keys(algorithm).find((member) => !MEMBERS[algorithm.name].includes(member as keyof EncryptionAlgorithm));
  if (extra) {
    throw new ScwsError("CKR_ARGUMENTS_BAD", {
      message: `${algorithm.name} takes no ${extra}.`,
      customData: {
        field: `/body/algorithm/${extra}`,
        reason: `is not used by ${algorithm.name}`,
      },
    });
  }
}

function checkKeyAlgorithm(key: ObjectRecord, algorithm: EncryptionAlgorithm): void {
  const needs = algorithm.name.startsWith("RSA") ? "RSA" : "AES";
  if (key.algorithm !== needs) {
    throw new ScwsError("CKR_KEY_TYPE_INCONSISTENT", {
      message: `${algorithm.name} needs an ${needs} key; this is ${key.algorithm ?? "another kind of"} key.`,
    });
  }
}

function mechanismOf(algorithm: EncryptionAlgorithm, iv: Uint8Array | undefined): MechanismInput {
  switch (algorithm.name) {
    case "RSA-PKCS1":
      return { mechanism: CKM.RSA_PKCS };
    case "RSA-OAEP": {
      const hash = HASHES[algorithm.hash ?? "sha1"];
      const label = algorithm.label === undefined ? undefined : fromBase64(algorithm.label);
      return { mechanism: CKM.RSA_PKCS_OAEP, parameter: { kind: "rsa-oaep", hashAlg: hash.digestMechanism, mgf: hash.mgf, ...(label ? { label } : {}) } };
    }
    case "AES-GCM": {
      const aad = algorithm.aad === undefined ? undefined : fromBase64(algorithm.aad);
      return { mechanism: CKM.AES_GCM, parameter: { kind: "aes-gcm", iv: iv!, tagBits: algorithm.tagLength ?? 128, ...(aad ? { aad } : {}) } };
    }
    case "AES-CBC":
      return { mechanism: CKM.AES_CBC_PAD, parameter: { kind: "iv", iv: iv! } };
  }
}

/**
 * The longest message an RSA key of `modulusBits` encrypts (RFC 8017 sections 7.1.1 and 7.2.1: k - 2hLen - 2 bytes
 * for OAEP, k - 11 for PKCS#1 v1.5). Checked before the token is asked: SoftHSM answers a longer one with
 * CKR_GENERAL_ERROR, which would read as the service's fault.
 */
function checkRsaMessageLength(modulusBits: number, algorithm: EncryptionAlgorithm, length: number): void {
  const k = Math.ceil(modulusBits / 8);
  const largest = algorithm.name === "RSA-OAEP" ? k - 2 * HASHES[algorithm.hash ?? "sha1"].length - 2 : k - 11;
  if (length <= largest) return;
  throw new ScwsError("CKR_DATA_LEN_RANGE", {
    message: `A ${modulusBits}-bit RSA key encrypts at most ${Math.max(0, largest)} bytes with ${algorithm.name}${algorithm.name === "RSA-OAEP" ? ` and ${algorithm.hash ?? "sha1"}` : ""}, not ${length}.`,
    customData: { field: "/body/data", reason: `is longer than ${Math.max(0, largest)} bytes` },
  });
}

/**
 * A decryption that failed on the data. PKCS#11 v3.1 has a tag that does not verify (AES-GCM, section 2.14.3)
 * and padding that does not check out (RSA PKCS#1 and OAEP, AES-CBC-PAD) answer CKR_ENCRYPTED_DATA_INVALID
 * (or CKR_ENCRYPTED_DATA_LEN_RANGE); SoftHSM answers CKR_GENERAL_ERROR instead, which would read as the
 * service's fault (a 500). Such a failure is reported as the caller's data, with the module's own value kept
 * in customData.
 */
function decryptionFailure(error: unknown, algorithm: EncryptionAlgorithm["name"]): unknown {
  if (!isPkcs11Failure(error) || (error.code !== 0x5 && error.code !== 0x6)) return error;
  const original = scwsErrorFromPkcs11(error).customData.pkcs11;
  const detail =
    algorithm === "AES-GCM"
      ? "The ciphertext or its associated data does not match the authentication tag."
      : `The ciphertext does not decrypt with this key under ${algorithm}: its length or padding is wrong.`;
  return new ScwsError("CKR_ENCRYPTED_DATA_INVALID", { message: detail, customData: { field: "/body/ciphertext", pkcs11: original } });
}

/** Encrypts and decrypts with keys on tokens. */
export class CipherService {
  constructor(
    private readonly objects: ObjectService,
    private readonly pins: PinService,
    private readonly mechanisms: MechanismCatalog,
  ) {}

  /** Encrypts with an RSA public key or an AES key; an AES IV is drawn from the token's generator when absent. */
  async encrypt(connection: TokenConnection, keyId: string, request: EncryptRequest): Promise<{ ciphertext: string; iv?: string }> {
    const { algorithm } = request;
    checkMembers(algorithm);
    const key = await usableKey(this.objects, connection, keyId, algorithm.name.startsWith("RSA") ? ["publicKey"] : ["secretKey"], "encrypt");
    checkKeyAlgorithm(key, algorithm);
    let iv: Uint8Array | undefined;
    if (algorithm.name === "AES-GCM" || algorithm.name === "AES-CBC") {
      iv = algorithm.iv === undefined ? await connection.host.generateRandom(connection.slot, DEFAULT_IV_LENGTH[algorithm.name]) : fromBase64(algorithm.iv);
    }
    const data = fromBase64(request.data);
    if (algorithm.name === "RSA-PKCS1" || algorithm.name === "RSA-OAEP") {
      const bits = await keySizeBits(connection.host, connection.slot, key);
      if (bits !== undefined) checkRsaMessageLength(bits, algorithm, data.length);
    }
    const mechanism = mechanismOf(algorithm, iv);
    await this.mechanisms.require(connection, mechanism.mechanism, "encrypt");
    const ciphertext = await connection.host.encrypt(connection.slot, mechanism, key.handle, data);
    return { ciphertext: toBase64(ciphertext), ...(iv ? { iv: toBase64(iv) } : {}) };
  }

  /** `Key.decrypt(data)`: RSA-PKCS1 with a private key unless another algorithm is named. */
  async decrypt(connection: TokenConnection, keyId: string, request: DecryptRequest): Promise<{ plaintext: string }> {
    const algorithm = request.algorithm ?? { name: "RSA-PKCS1" };
    checkMembers(algorithm);
    const key = await usableKey(this.objects, connection, keyId, algorithm.name.startsWith("RSA") ? ["privateKey"] : ["secretKey"], "decrypt");
    checkKeyAlgorithm(key, algorithm);
    if ((algorithm.name === "AES-GCM" || algorithm.name === "AES-CBC") && algorithm.iv === undefined) {
      throw new ScwsError("CKR_ARGUMENTS_BAD", {
        message: `${algorithm.name} needs the iv the data was encrypted with.`,
        customData: {
          field: "/body/algorithm/iv",
          reason: "is required to decrypt",
        },
      });
    }
    const mechanism = mechanismOf(algorithm, algorithm.iv === undefined ? undefined : fromBase64(algorithm.iv));
    await this.mechanisms.require(connection, mechanism.mechanism, "decrypt");
    const plaintext = await withKeyPin(this.pins, connection, key, request.pin, (contextPin) =>
      connection.host.decrypt(connection.slot, mechanism, key.handle, fromBase64(request.ciphertext), contextPin),
    ).catch((error: unknown) => {
      throw decryptionFailure(error, algorithm.name);
    });
    return { plaintext: toBase64(plaintext) };
  }
}
