// Signs with a token key through pkcs11-tool and verifies with openssl: two independent tools check that a key
// the service made or imported works, and that the public key or certificate the service shows belongs to it.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pkcs11Tool } from "@open-scws/softhsm";
import { openssl } from "./fixtures.js";
import type { TestService } from "./test-service.js";

/**
 * Signs a message with the private key of `ckId` (pkcs11-tool: SHA256-RSA-PKCS, or ECDSA over a SHA-256 digest as
 * SoftHSM lacks ECDSA-SHA256) and returns what `openssl dgst -verify` says with the given public key or
 * certificate (PEM); openssl exits with an error, and this throws, when the signature does not verify.
 */
export function signWithPkcs11ToolAndVerify(t: TestService, label: string, ckId: string, algorithm: "RSA" | "EC", verifierPem: string): string {
  const dir = t.sandbox.dir;
  const name = `check-${ckId.slice(0, 16)}-${Date.now()}`;
  const message = join(dir, `${name}.txt`);
  writeFileSync(message, `a message signed on the token ${label} by key ${ckId}\n`);
  const signature = join(dir, `${name}.sig`);
  const tool = ["--token-label", label, "--login", "--pin", t.tokens[label]!.pin, "--sign", "--id", ckId, "--output-file", signature];
  if (algorithm === "RSA") {
    pkcs11Tool(t.sandbox, [...tool, "--mechanism", "SHA256-RSA-PKCS", "--input-file", message]);
  } else {
    const digest = join(dir, `${name}.sha256`);
    openssl(dir, ["dgst", "-sha256", "-binary", "-out", digest, message]);
    pkcs11Tool(t.sandbox, [...tool, "--mechanism", "ECDSA", "--signature-format", "openssl", "--input-file", digest]);
  }
  const verifier = join(dir, `${name}.verifier.pem`);
  writeFileSync(verifier, verifierPem);
  const publicKey = verifierPem.includes("CERTIFICATE") ? openssl(dir, ["x509", "-in", verifier, "-pubkey", "-noout"]) : verifierPem;
  const publicKeyPath = join(dir, `${name}.pub.pem`);
  writeFileSync(publicKeyPath, publicKey);
  return openssl(dir, ["dgst", "-sha256", "-verify", publicKeyPath, "-signature", signature, message]).trim();
}
