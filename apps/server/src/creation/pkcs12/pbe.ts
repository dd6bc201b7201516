// Password-based decryption for PKCS#12 files (RFC 7292 appendices B and C, RFC 8018 PBES2) by node-forge: the
// only well-kept library at hand with the legacy RC2-40 scheme (Node's OpenSSL 3 has RC2 only in its legacy
// provider). Two of forge's key derivations are wrapped here, once, at load: PBKDF2 runs in Node's native crypto
// with the password as UTF-8 (as RFC 8018 section 3 and OpenSSL use it; forge would take the UTF-16 code units),
// and every derivation is charged to a budget, so that a file cannot hold the event loop with huge iteration counts.
import { pbkdf2Sync } from "node:crypto";
import type { AlgorithmIdentifier } from "@peculiar/asn1-x509";
import forge from "node-forge";

/** The parts of forge's PBE module used here (its type definitions leave them out). */
interface ForgePbe {
  getCipher(oid: string, params: forge.asn1.Asn1, password: string): forge.cipher.BlockCipher;
  generatePkcs12Key(
    password: string,
    salt: forge.util.ByteBuffer,
    id: number,
    iterations: number,
    length: number,
    md?: forge.md.MessageDigest,
  ): forge.util.ByteBuffer;
}

const pbe = (forge as unknown as { pki: { pbe: ForgePbe } }).pki.pbe;

/** Password-based schemes read here: PBES2 (RFC 8018), and PKCS#12's 3DES and RC2-40 (RFC 7292 appendix C). */
export const PBE_SCHEMES: ReadonlySet<string> = new Set(["1.2.840.113549.1.5.13", "1.2.840.113549.1.12.1.3", "1.2.840.113549.1.12.1.6"]);

/** A file asked for more key-derivation iterations than the budget allows. */
export class IterationBudgetExceeded extends Error {
  constructor() {
    super("the file's key derivations ask for more iterations than the service allows");
  }
}

let remaining = 0;

function spend(iterations: number): void {
  if (!Number.isSafeInteger(iterations) || iterations < 1 || iterations > remaining) throw new IterationBudgetExceeded();
  remaining -= iterations;
}

(forge.pkcs5 as { pbkdf2: unknown }).pbkdf2 = (password: string, salt: string, iterations: number, length: number, md?: string | forge.md.MessageDigest) => {
  spend(iterations);
  const digest = typeof md === "string" ? md : (md?.algorithm ?? "sha1");
  return pbkdf2Sync(Buffer.from(password, "utf8"), Buffer.from(salt, "binary"), iterations, length, digest).toString("binary");
};

const pkcs12Kdf = pbe.generatePkcs12Key.bind(pbe);
pbe.generatePkcs12Key = (password, salt, id, iterations, length, md) => {
  spend(iterations);
  return pkcs12Kdf(password, salt, id, iterations, length, md);
};

/** Runs synchronous work that may derive keys, allowing this many iterations in all. */
export function withIterationBudget<T>(iterations: number, work: () => T): T {
  remaining = iterations;
  try {
    return work();
  } finally {
    remaining = 0;
  }
}

const binary = (bytes: ArrayBuffer | Uint8Array) => Buffer.from(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)).toString("binary");

/**
 * Decrypts data with a password-based scheme named by its AlgorithmIdentifier; undefined when the padding is
 * wrong, which a wrong password causes. Throws for a scheme or parameters forge cannot read.
 */
export function decryptWithPassword(algorithm: AlgorithmIdentifier, data: Uint8Array, password: string): Uint8Array | undefined {
  if (!PBE_SCHEMES.has(algorithm.algorithm)) throw new Error(`unsupported encryption scheme ${algorithm.algorithm}`);
  const params = forge.asn1.fromDer(forge.util.createBuffer(binary(algorithm.parameters ?? new ArrayBuffer(0))));
  const cipher = pbe.getCipher(algorithm.algorithm, params, password);
  cipher.update(forge.util.createBuffer(binary(data)));
  if (!cipher.finish()) return undefined;
  return new Uint8Array(Buffer.from(cipher.output.getBytes(), "binary"));
}

const MAC_DIGESTS: Readonly<Record<string, { name: "sha1" | "sha256" | "sha384" | "sha512"; create: () => forge.md.MessageDigest }>> = {
  "1.3.14.3.2.26": { name: "sha1", create: () => forge.md.sha1.create() },
  "2.16.840.1.101.3.4.2.1": { name: "sha256", create: () => forge.md.sha256.create() },
  "2.16.840.1.101.3.4.2.2": { name: "sha384", create: () => forge.md.sha384.create() },
  "2.16.840.1.101.3.4.2.3": { name: "sha512", create: () => forge.md.sha512.create() },
};

/** The HMAC digest and key of a PKCS#12 MAC (RFC 7292 appendix B.2, ID 3), or undefined for an unknown digest. */
export function pkcs12MacKey(digestOid: string, password: string, salt: Uint8Array, iterations: number): { digest: string; key: Buffer } | undefined {
  const digest = MAC_DIGESTS[digestOid];
  if (!digest) return undefined;
  const md = digest.create();
  const key = pbe.generatePkcs12Key(password, forge.util.createBuffer(binary(salt)), 3, iterations, md.digestLength, md);
  return { digest: digest.name, key: Buffer.from(key.getBytes(), "binary") };
}
