// The four operations measured, the same bytes in and out whether pkcs11js calls the token directly or the service
// is asked over HTTP: ECDSA P-256 and RSA-2048 PKCS#1 v1.5 signatures, RSA-2048 decryption, AES-256-GCM of 1 KiB.
import { createHash } from "node:crypto";

/** An operation the benchmark measures, by id. */
export type OperationId = "ecdsa-sign" | "rsa-sign" | "rsa-decrypt" | "aes-gcm-encrypt";

/** Every measured operation, in the order of the report. */
export const OPERATIONS: readonly OperationId[] = ["ecdsa-sign", "rsa-sign", "rsa-decrypt", "aes-gcm-encrypt"];

/** What the report calls each operation. */
export const OPERATION_TITLES: Readonly<Record<OperationId, string>> = {
  "ecdsa-sign": "ECDSA P-256 sign",
  "rsa-sign": "RSA-2048 PKCS#1 v1.5 sign",
  "rsa-decrypt": "RSA-2048 decrypt",
  "aes-gcm-encrypt": "AES-256-GCM encrypt 1 KiB",
};

/** The labels the benchmark's keys have on its token. */
export const KEY_LABELS = { ec: "bench-ec", rsa: "bench-rsa", aes: "bench-aes" } as const;

/** The SHA-256 hash every signature is made over. */
export const HASH = createHash("sha256").update("open SCWS benchmark").digest();

/** The DER DigestInfo prefix of SHA-256 (RFC 8017 section 9.2, note 1): what PKCS#1 v1.5 signs before the hash. */
const SHA256_DIGEST_INFO_PREFIX = Buffer.from("3031300d060960864801650304020105000420", "hex");

/** The PKCS#1 v1.5 input for HASH, as the service builds it for `algorithm: "sha256"`. */
export const RSA_SIGN_INPUT = Buffer.concat([SHA256_DIGEST_INFO_PREFIX, HASH]);

/** The plaintext RSA decryption recovers (its ciphertext is made on the token when it is provisioned). */
export const RSA_PLAINTEXT = Buffer.from("a 32-byte session key, for bench");

/** The 1 KiB AES-GCM encrypts. */
export const AES_PLAINTEXT = Buffer.alloc(1024, 0x5a);

/** The IV length the service draws for AES-GCM (NIST SP 800-38D's 96 bits); the raw loop draws it the same way. */
export const GCM_IV_LENGTH = 12;
