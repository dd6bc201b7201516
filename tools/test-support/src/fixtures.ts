// Keys, certificates and files made with openssl, an independent tool, for tests to load onto tokens.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** A key pair and self-signed certificate made by openssl, in PEM and DER files. */
export interface OpensslIdentity {
  readonly keyPem: string;
  readonly keyDerPath: string;
  readonly certificatePem: string;
  readonly certificateDerPath: string;
  readonly certificatePemPath: string;
}

/** Runs openssl with arguments, in a folder. */
export function openssl(dir: string, args: readonly string[], input?: string): string {
  return execFileSync("openssl", args, { cwd: dir, encoding: "utf8", input, stdio: ["pipe", "pipe", "pipe"] });
}

/** Makes an EC P-256 (or RSA) key and a self-signed certificate with the given subject and extensions. */
export function makeOpensslIdentity(
  dir: string,
  name: string,
  options: { subject: string; keyAlgorithm?: "ec" | "rsa"; extensions?: string[] },
): OpensslIdentity {
  const keyPem = join(dir, `${name}.key.pem`);
  const certificatePemPath = join(dir, `${name}.cert.pem`);
  const keyArgs = options.keyAlgorithm === "rsa" ? ["-newkey", "rsa:2048"] : ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"];
  const extensions = (options.extensions ?? []).flatMap((extension) => ["-addext", extension]);
  openssl(dir, ["req", "-x509", ...keyArgs, "-keyout", keyPem, "-out", certificatePemPath, "-nodes", "-subj", options.subject, "-days", "30", ...extensions]);
  const keyDerPath = join(dir, `${name}.key.der`);
  const certificateDerPath = join(dir, `${name}.cert.der`);
  openssl(dir, ["pkcs8", "-topk8", "-nocrypt", "-in", keyPem, "-outform", "DER", "-out", keyDerPath]);
  openssl(dir, ["x509", "-in", certificatePemPath, "-outform", "DER", "-out", certificateDerPath]);
  return { keyPem: readFileSync(keyPem, "utf8"), keyDerPath, certificatePem: readFileSync(certificatePemPath, "utf8"), certificateDerPath, certificatePemPath };
}

/** Writes a file and returns its path. */
export function writeFixture(dir: string, name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}
