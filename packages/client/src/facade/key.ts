// SCWS.Key: a public, private or secret key on a token, and the cryptography done with it on the token. Binary
// arguments are bytes (hashes and signatures also hex, as SCWS handles them); results are ArrayBuffers.
import { ScwsError } from "@open-scws/errors";
import type { components } from "@open-scws/spec";
import { badParams } from "../transport/client-errors.js";
import { type Bytes, type BytesOrHex, bytesOf, bytesOrHexOf, fromBase64, toBase64 } from "./bytes.js";
import { type CallOptions, callInit } from "./call-options.js";
import { callFor, type DetailsOf, detailsWith, type ObjectType, ScwsObject, stateOf } from "./objects.js";
import { scwsErrorOf, unwrap } from "./scws-answer.js";

type Schemas = components["schemas"];
/** The kinds of key. SCWS has `"publicKey"` and `"privateKey"`; `"secretKey"` is an open SCWS addition. */
export type KeyType = Extract<ObjectType, "publicKey" | "privateKey" | "secretKey">;
/** `"RSA"`, `"ECDSA"`, and the algorithms SCWS does not name (`"EdDSA"`, `"AES"`...). */
export type KeyAlgorithm = Schemas["KeyAlgorithm"];
/** SCWS's `algorithm` of `sign`: a hash name (`"sha256"`...) or RSA-PSS's `{ mgf, saltLen }`; `null` for none. */
export type SignAlgorithm = Schemas["SignAlgorithm"];
/** Options of `sign` and `hashAndSign`: ECDSA's `signatureFormat` (`"raw"` r‖s by default, or `"der"`) and the per-use `pin` of an `alwaysAuthenticate` key. */
export type SignOptions = CallOptions & Pick<Schemas["SignRequest"], "signatureFormat" | "pin">;
/** What `signBatch` answers for each hash, in order: its signature, or the error that hash met. */
export type BatchSignature = ArrayBuffer | ScwsError;
/** Options of `verify` and `verifyData`: the signature's format, as `sign` made it. */
export type VerifyOptions = CallOptions & Pick<Schemas["VerifyRequest"], "signatureFormat">;
/** Options of `decrypt`: the per-use `pin` of an `alwaysAuthenticate` key. */
export type DecryptOptions = CallOptions & Pick<Schemas["DecryptRequest"], "pin">;
type BinaryMembers = "label" | "iv" | "aad";
/** How to encrypt or decrypt (`{ name: "RSA-OAEP" }`, `{ name: "AES-GCM", iv, aad }`...), with its binary members as bytes. */
export type EncryptionAlgorithm = Omit<Schemas["EncryptionAlgorithm"], BinaryMembers> & { [Member in BinaryMembers]?: Bytes };
/** What `createCertificateRequest` takes: the subject (RFC 4514 text or fields), alternative names, signature algorithm. */
export type CertificateRequestOptions = Schemas["CertificateRequestOptions"];
/** A PKCS#10 request signed by the key: `pem` and the `signatureAlgorithm` used. */
export type CertificateRequest = Schemas["CertificateRequest"];
/** What `encrypt` returns: the ciphertext, and the IV the token drew when the algorithm takes one. */
export type Encrypted = { [Member in keyof Schemas["EncryptResult"]]: ArrayBuffer };

function signAlgorithmOf(algorithm: SignAlgorithm | null | undefined): { algorithm?: SignAlgorithm } {
  return algorithm === null || algorithm === undefined ? {} : { algorithm };
}

/** The members that are set; the service's schema (checked by the client first) refuses wrong types. */
function definedOf<Values extends object>(values: Values): Partial<Values> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<Values>;
}

function encryptionAlgorithmOf(field: string, algorithm: unknown): Schemas["EncryptionAlgorithm"] {
  if (typeof algorithm !== "object" || algorithm === null) throw badParams(field, 'must be an object such as { name: "RSA-PKCS1" }');
  const { label, iv, aad, ...rest } = algorithm as EncryptionAlgorithm;
  const binary = { label, iv, aad };
  const encoded: Partial<Record<BinaryMembers, string>> = {};
  for (const [name, value] of Object.entries(binary)) if (value !== undefined) encoded[name as BinaryMembers] = toBase64(bytesOf(`${field}.${name}`, value));
  return { ...rest, ...encoded };
}

/** A public, private or secret key on a token (`SCWS.Key`), from `Token.getObjects()`. */
export class Key extends ScwsObject {
  override get type(): KeyType {
    return stateOf(this).type as KeyType;
  }
  /** `"publicKey"`, `"privateKey"` (or `"secretKey"`). */
  get keyType(): KeyType {
    return this.type;
  }
  /** The key's algorithm: `"RSA"` or `"ECDSA"` in SCWS's terms. */
  get algorithmName(): KeyAlgorithm | undefined {
    return stateOf(this).algorithmName;
  }
  /** SCWS's qualified-signature flag; always false over PKCS#11. */
  get partialHash(): boolean {
    return stateOf(this).partialHash ?? false;
  }
  /** Whether each use needs the PIN again (`CKA_ALWAYS_AUTHENTICATE`): pass it as `{ pin }` to `sign`, `hashAndSign` or `decrypt`. */
  get alwaysAuthenticate(): boolean {
    return stateOf(this).alwaysAuthenticate ?? false;
  }

  /** A public key's value, as SubjectPublicKeyInfo PEM. A private or secret key answers `CKR_ATTRIBUTE_SENSITIVE`. */
  async getValue(options?: CallOptions): Promise<string> {
    const init = callInit(options);
    const { client, params } = callFor(this);
    const { value } = unwrap(await client.GET("/v1/tokens/{tokenId}/objects/{objectId}/value", { params: { ...params, query: { encoding: "pem" } }, ...init }));
    return value;
  }

  /** Algorithm, size or curve, usages, and the matching certificate's id. */
  override async getDetails(options?: CallOptions): Promise<DetailsOf<"key">> {
    return detailsWith(await super.getDetails(options), "key");
  }

  /**
   * Signs a hash the caller computed, with a private key: RSA PKCS#1 v1.5 (with the DigestInfo of `algorithm`'s hash,
   * or none), RSA-PSS for `{ mgf, saltLen }`, or ECDSA, raw r‖s as SCWS returns it.
   * @example const signature = await key.sign(await crypto.subtle.digest("SHA-256", data), "sha256");
   */
  async sign(hash: BytesOrHex, algorithm?: SignAlgorithm | null, options?: SignOptions): Promise<ArrayBuffer> {
    const body = {
      hash: toBase64(bytesOrHexOf("hash", hash)),
      ...signAlgorithmOf(algorithm),
      ...definedOf({ signatureFormat: options?.signatureFormat, pin: options?.pin }),
    };
    const init = callInit(options);
    const { client, params } = callFor(this);
    return this.#countingPin(async () =>
      fromBase64(unwrap(await client.POST("/v1/tokens/{tokenId}/keys/{objectId}/sign", { params, body, ...init })).signature),
    );
  }

  /**
   * Signs many hashes (at most 256) with this private key in one request, as `sign` would each (open SCWS addition).
   * Answers one entry per hash, in order: an ArrayBuffer, or the ScwsError that hash met (such as `CKR_DATA_LEN_RANGE`
   * for a hash of the wrong length); one bad hash does not fail the others. What concerns every hash (the key, the
   * login, a wrong per-use PIN) rejects the whole call.
   * @example const [first, second] = await key.signBatch([hash1, hash2], "sha256");
   */
  async signBatch(hashes: readonly BytesOrHex[], algorithm?: SignAlgorithm | null, options?: SignOptions): Promise<BatchSignature[]> {
    if (!Array.isArray(hashes)) throw badParams("hashes", "must be an array of hashes");
    const body = {
      hashes: hashes.map((hash, index) => toBase64(bytesOrHexOf(`hashes[${index}]`, hash))),
      ...signAlgorithmOf(algorithm),
      ...definedOf({ signatureFormat: options?.signatureFormat, pin: options?.pin }),
    };
    const init = callInit(options);
    const { client, params } = callFor(this);
    const { results } = await this.#countingPin(async () =>
      unwrap(await client.POST("/v1/tokens/{tokenId}/keys/{objectId}/sign-batch", { params, body, ...init })),
    );
    return results.map((result) => ("signature" in result ? fromBase64(result.signature) : scwsErrorOf(result.error, result.error.status)));
  }

  /** Hashes `data` with `algorithm`'s hash (SHA-256 by default) on the token, then signs as `sign` does. */
  async hashAndSign(data: Bytes, algorithm?: SignAlgorithm | null, options?: SignOptions): Promise<ArrayBuffer> {
    const body = {
      data: toBase64(bytesOf("data", data)),
      ...signAlgorithmOf(algorithm),
      ...definedOf({ signatureFormat: options?.signatureFormat, pin: options?.pin }),
    };
    const init = callInit(options);
    const { client, params } = callFor(this);
    return this.#countingPin(async () =>
      fromBase64(unwrap(await client.POST("/v1/tokens/{tokenId}/keys/{objectId}/hash-and-sign", { params, body, ...init })).signature),
    );
  }

  /** Checks, with a public key, a signature `sign` made over `hash`: false when it does not verify. (open SCWS addition) */
  async verify(hash: BytesOrHex, signature: BytesOrHex, algorithm?: SignAlgorithm | null, options?: VerifyOptions): Promise<boolean> {
    return this.#verify({ hash: toBase64(bytesOrHexOf("hash", hash)) }, signature, algorithm, options);
  }

  /** Checks, with a public key, a signature `hashAndSign` made over `data`. (open SCWS addition) */
  async verifyData(data: Bytes, signature: BytesOrHex, algorithm?: SignAlgorithm | null, options?: VerifyOptions): Promise<boolean> {
    return this.#verify({ data: toBase64(bytesOf("data", data)) }, signature, algorithm, options);
  }

  /** Encrypts with a public or secret key; AES IVs are drawn by the token when not given. (open SCWS addition) */
  async encrypt(data: Bytes, algorithm: EncryptionAlgorithm, options?: CallOptions): Promise<Encrypted> {
    const body = { data: toBase64(bytesOf("data", data)), algorithm: encryptionAlgorithmOf("algorithm", algorithm) };
    const init = callInit(options);
    const { client, params } = callFor(this);
    const { ciphertext, iv } = unwrap(await client.POST("/v1/tokens/{tokenId}/keys/{objectId}/encrypt", { params, body, ...init }));
    return { ciphertext: fromBase64(ciphertext), ...(iv === undefined ? {} : { iv: fromBase64(iv) }) };
  }

  /** Decrypts with a private key (RSA PKCS#1 v1.5 unless `algorithm` says otherwise, as SCWS does) or a secret key. */
  async decrypt(data: Bytes, algorithm?: EncryptionAlgorithm | null, options?: DecryptOptions): Promise<ArrayBuffer> {
    const body = {
      ciphertext: toBase64(bytesOf("data", data)),
      ...(algorithm === null || algorithm === undefined ? {} : { algorithm: encryptionAlgorithmOf("algorithm", algorithm) }),
      ...definedOf({ pin: options?.pin }),
    };
    const init = callInit(options);
    const { client, params } = callFor(this);
    return this.#countingPin(async () =>
      fromBase64(unwrap(await client.POST("/v1/tokens/{tokenId}/keys/{objectId}/decrypt", { params, body, ...init })).plaintext),
    );
  }

  /**
   * A PKCS#10 certificate request (RFC 2986) for this private key's pair, signed by the key on the token, after the
   * user's login; `request` may be just the subject. (open SCWS addition)
   * @example const { pem } = await privateKey.createCertificateRequest("CN=Alice Martin,O=Example,C=FR");
   */
  async createCertificateRequest(request: CertificateRequestOptions | string, options?: CallOptions): Promise<CertificateRequest> {
    const body = typeof request === "string" ? { subject: request } : request;
    const init = callInit(options);
    const { client, params } = callFor(this);
    return unwrap(await client.POST("/v1/tokens/{tokenId}/keys/{objectId}/csr", { params, body, ...init }));
  }

  /** A per-use PIN that was wrong moved the PIN's counters: `Token.pins` follows (best effort) before the error is passed on. */
  async #countingPin<Result>(call: () => Promise<Result>): Promise<Result> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof ScwsError && error.customData.remainingTries !== undefined) await this.parent.pins[this.pinNumber]?.refresh().catch(() => {});
      throw error;
    }
  }

  async #verify(input: { hash: string } | { data: string }, signature: BytesOrHex, algorithm: SignAlgorithm | null | undefined, options?: VerifyOptions) {
    const body = {
      ...input,
      signature: toBase64(bytesOrHexOf("signature", signature)),
      ...signAlgorithmOf(algorithm),
      ...definedOf({ signatureFormat: options?.signatureFormat }),
    };
    const init = callInit(options);
    const { client, params } = callFor(this);
    return unwrap(await client.POST("/v1/tokens/{tokenId}/keys/{objectId}/verify", { params, body, ...init })).valid;
  }
}
