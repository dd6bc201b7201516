// createCertificateRequest: a PKCS#10 request (RFC 2986) built by @peculiar/x509's generator, whose WebCrypto
// signing call is answered by the key on the token. SoftHSM has no CKM_ECDSA_SHA256, so ECDSA requests are hashed
// here and signed with CKM_ECDSA; the generator turns the token's raw r||s into the DER that X.509 wants.
import { createHash } from "node:crypto";
import { ScwsError } from "@open-scws/errors";
import type { components } from "@open-scws/spec";
import { id_ecPublicKey } from "@peculiar/asn1-ecc";
import { AsnConvert } from "@peculiar/asn1-schema";
import { SubjectPublicKeyInfo } from "@peculiar/asn1-x509";
import { curveOfEcParams } from "../crypto/ec-curves.js";
import * as x509 from "../crypto/x509.js";
import type { ObjectRecord } from "../objects/object-record.js";
import { CKM } from "../pkcs11/constants.js";
import type { ObjectHandle } from "../pkcs11/host.js";
import type { TokenConnection } from "../tokens/token-connections.js";
import { subjectAlternativeNames, subjectName } from "./distinguished-names.js";

type CertificateRequestOptions = components["schemas"]["CertificateRequestOptions"];
type CertificateRequest = components["schemas"]["CertificateRequest"];
type CsrSignatureAlgorithm = components["schemas"]["CsrSignatureAlgorithm"];

/**
 * Signs the encoded CertificationRequestInfo as `algorithm` says: a PKCS#1 v1.5 signature for RSA-SHA256, a raw
 * r||s (IEEE P1363) signature for the ECDSA ones, as PKCS#11's CKM_SHA256_RSA_PKCS and CKM_ECDSA give them.
 */
export type RequestSigner = (algorithm: CsrSignatureAlgorithm, data: Uint8Array) => Promise<Uint8Array>;

const RSA_ENCRYPTION = "1.2.840.113549.1.1.1";

/** WebCrypto's name of a curve, which the generator uses to size r and s. */
const WEB_CURVE: Readonly<Record<string, string>> = { "P-256": "P-256", "P-384": "P-384", "P-521": "P-521", secp256k1: "K-256" };

function keyTypeError(field: string, reason: string): ScwsError {
  return new ScwsError("CKR_KEY_TYPE_INCONSISTENT", { message: `The key cannot sign this request: ${reason}.`, customData: { field, reason } });
}

/** The WebCrypto algorithm of the key, from its SubjectPublicKeyInfo. */
function keyAlgorithmOf(spki: Uint8Array): { name: "RSASSA-PKCS1-v1_5" } | { name: "ECDSA"; namedCurve: string; curveName: string } {
  const { algorithm } = AsnConvert.parse(spki, SubjectPublicKeyInfo);
  if (algorithm.algorithm === RSA_ENCRYPTION) return { name: "RSASSA-PKCS1-v1_5" };
  if (algorithm.algorithm !== id_ecPublicKey) throw keyTypeError("/path/objectId", "only RSA and EC keys sign requests");
  const named = curveOfEcParams(new Uint8Array(algorithm.parameters ?? new ArrayBuffer(0)));
  const namedCurve = named?.curve ? WEB_CURVE[named.curve.name] : undefined;
  if (!named?.curve || !namedCurve) throw keyTypeError("/path/objectId", `keys on the curve ${named?.oid ?? "in this key"} cannot sign requests here`);
  return { name: "ECDSA", namedCurve, curveName: named.curve.name };
}

function signatureAlgorithmFor(keyAlgorithm: ReturnType<typeof keyAlgorithmOf>, requested?: CsrSignatureAlgorithm): CsrSignatureAlgorithm {
  if (keyAlgorithm.name === "RSASSA-PKCS1-v1_5") {
    if (requested && requested !== "RSA-SHA256") throw keyTypeError("/body/signatureAlgorithm", `${requested} needs an EC key`);
    return "RSA-SHA256";
  }
  if (requested === "RSA-SHA256") throw keyTypeError("/body/signatureAlgorithm", "RSA-SHA256 needs an RSA key");
  return requested ?? (keyAlgorithm.curveName === "P-256" || keyAlgorithm.curveName === "secp256k1" ? "ECDSA-SHA256" : "ECDSA-SHA384");
}

/** A WebCrypto stand-in whose only abilities are the key's SPKI and the signer's signatures. */
function signerCrypto(spki: Uint8Array, algorithm: CsrSignatureAlgorithm, sign: RequestSigner): Crypto {
  const subtle = {
    async exportKey(format: string) {
      if (format !== "spki") throw new Error(`the signing key exports only its spki, not ${format}`);
      return new Uint8Array(spki).buffer;
    },
    async sign(_algorithm: unknown, _key: unknown, data: ArrayBuffer | ArrayBufferView) {
      const bytes = ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
      return toArrayBuffer(await sign(algorithm, new Uint8Array(bytes)));
    },
  };
  return { subtle } as unknown as Crypto;
}

/** The signer that is a private key on a token: SoftHSM has no CKM_ECDSA_SHA256, so ECDSA hashes here first. */
export function tokenSigner(connection: TokenConnection, key: ObjectHandle): RequestSigner {
  const { host } = connection;
  return async (algorithm, data) => {
    if (algorithm === "RSA-SHA256") return host.sign(connection.slot, { mechanism: CKM.SHA256_RSA_PKCS }, key, data);
    const digest = createHash(algorithm === "ECDSA-SHA256" ? "sha256" : "sha384")
      .update(data)
      .digest();
    return host.sign(connection.slot, { mechanism: CKM.ECDSA }, key, digest);
  };
}

const toArrayBuffer = (bytes: Uint8Array): ArrayBuffer => new Uint8Array(bytes).buffer;

/** Refuses a key that is not a private key: only those sign requests. */
export function requirePrivateKey(record: ObjectRecord): void {
  if (record.type !== "privateKey") throw keyTypeError("/path/objectId", `it is a ${record.type}, not a private key`);
}

/**
 * Builds a certificate request for a public key (SPKI) and has it signed; `undefined` when the signature does not
 * verify with that public key, which then is not the signing key's pair.
 */
export async function buildCertificateRequest(
  spki: Uint8Array,
  options: CertificateRequestOptions,
  sign: RequestSigner,
): Promise<CertificateRequest | undefined> {
  const keyAlgorithm = keyAlgorithmOf(spki);
  const signatureAlgorithm = signatureAlgorithmFor(keyAlgorithm, options.signatureAlgorithm);
  const name = subjectName(options.subject);
  const extensions = options.subjectAlternativeNames?.length ? [subjectAlternativeNames(options.subjectAlternativeNames)] : [];
  const hash = { name: signatureAlgorithm === "ECDSA-SHA384" ? "SHA-384" : "SHA-256" };
  const webKey = keyAlgorithm.name === "ECDSA" ? { name: "ECDSA", namedCurve: keyAlgorithm.namedCurve } : { name: keyAlgorithm.name, hash };
  const keys = {
    privateKey: { algorithm: webKey, type: "private", extractable: false, usages: ["sign"] },
    publicKey: { algorithm: webKey, type: "public", extractable: true, usages: ["verify"] },
  } as unknown as CryptoKeyPair;
  const request = await x509.Pkcs10CertificateRequestGenerator.create(
    { name, extensions, keys, signingAlgorithm: { name: keyAlgorithm.name, hash } as Algorithm },
    signerCrypto(spki, signatureAlgorithm, sign),
  );
  if (!(await request.verify())) return undefined;
  return { pem: request.toString("pem"), signatureAlgorithm };
}
