// Certification authorities, certificates, PKCS#12 files and odd keys made with openssl at test time, so that
// what the service reads was written by a tool nobody here wrote.
import { createPrivateKey, generatePrimeSync } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openssl } from "./fixtures.js";

/** A key and certificate made by openssl, as files and PEM. */
export interface OpensslCredential {
  readonly keyPath: string;
  readonly certificatePath: string;
  readonly certificatePem: string;
}

/** Key algorithms of test credentials: EC on a named curve, RSA with a size, or DSA. */
export type TestKeyAlgorithm = { ec: string } | { rsa: number } | "dsa";

const CA_EXTENSIONS = [
  "basicConstraints=critical,CA:TRUE",
  "keyUsage=critical,keyCertSign,cRLSign",
  "subjectKeyIdentifier=hash",
  "authorityKeyIdentifier=keyid",
];
const LEAF_EXTENSIONS = [
  "basicConstraints=CA:FALSE",
  "keyUsage=critical,digitalSignature,nonRepudiation",
  "extendedKeyUsage=clientAuth,emailProtection",
  "subjectKeyIdentifier=hash",
  "authorityKeyIdentifier=keyid",
];

/** Makes a private key file with openssl. */
export function makeKey(dir: string, name: string, algorithm: TestKeyAlgorithm = { ec: "P-256" }): string {
  const keyPath = join(dir, `${name}.key.pem`);
  if (algorithm === "dsa") {
    const paramsPath = join(dir, `${name}.dsaparam.pem`);
    openssl(dir, ["genpkey", "-genparam", "-algorithm", "DSA", "-pkeyopt", "dsa_paramgen_bits:1024", "-out", paramsPath]);
    openssl(dir, ["genpkey", "-paramfile", paramsPath, "-out", keyPath]);
  } else if ("ec" in algorithm) {
    openssl(dir, ["genpkey", "-algorithm", "EC", "-pkeyopt", `ec_paramgen_curve:${algorithm.ec}`, "-out", keyPath]);
  } else {
    openssl(dir, ["genpkey", "-algorithm", "RSA", "-pkeyopt", `rsa_keygen_bits:${algorithm.rsa}`, "-out", keyPath]);
  }
  return keyPath;
}

function credential(keyPath: string, certificatePath: string): OpensslCredential {
  return { keyPath, certificatePath, certificatePem: readFileSync(certificatePath, "utf8") };
}

/** Default extensions with the given ones in place of those of the same name. */
function withExtensions(defaults: readonly string[], extra: readonly string[] = []): string[] {
  const nameOf = (extension: string) => extension.slice(0, extension.indexOf("="));
  return [...defaults.filter((extension) => !extra.some((other) => nameOf(other) === nameOf(extension))), ...extra];
}

/** A self-signed root CA; `extensions` replace the defaults of the same name. */
export function makeRootCa(dir: string, name: string, subject: string, algorithm?: TestKeyAlgorithm, extra?: readonly string[]): OpensslCredential {
  const keyPath = makeKey(dir, name, algorithm);
  const certificatePath = join(dir, `${name}.cert.pem`);
  const defaults = CA_EXTENSIONS.filter((extension) => !extension.startsWith("authorityKeyIdentifier"));
  const extensions = withExtensions(defaults, extra).flatMap((extension) => ["-addext", extension]);
  openssl(dir, ["req", "-x509", "-key", keyPath, "-subj", subject, "-days", "3650", "-out", certificatePath, ...extensions]);
  return credential(keyPath, certificatePath);
}

/** What to issue. */
export interface IssueOptions {
  readonly ca?: boolean;
  readonly algorithm?: TestKeyAlgorithm;
  /** An existing key to certify, instead of a new one. */
  readonly keyPath?: string;
  /** Extensions in place of the defaults of the same name, or added. */
  readonly extensions?: readonly string[];
  /** Days of validity from now: by default 1825 for a CA and 365 for an end entity, so that they nest in a root's 3650. */
  readonly days?: number;
  /** Validity as openssl ca dates (YYYYMMDDHHMMSSZ), for certificates that are expired or not yet valid. */
  readonly validity?: { readonly start: string; readonly end: string };
}

/** A certificate for a new key, signed by an issuer: a CA (`ca: true`) or an end entity. */
export function issueCertificate(dir: string, issuer: OpensslCredential, name: string, subject: string, options: IssueOptions = {}): OpensslCredential {
  const keyPath = options.keyPath ?? makeKey(dir, name, options.algorithm);
  const requestPath = join(dir, `${name}.csr.pem`);
  const certificatePath = join(dir, `${name}.cert.pem`);
  const extensionsPath = join(dir, `${name}.ext`);
  writeFileSync(extensionsPath, `${withExtensions(options.ca ? CA_EXTENSIONS : LEAF_EXTENSIONS, options.extensions).join("\n")}\n`);
  openssl(dir, ["req", "-new", "-key", keyPath, "-subj", subject, "-out", requestPath]);
  if (!options.validity) {
    const signing = ["-CA", issuer.certificatePath, "-CAkey", issuer.keyPath, "-CAcreateserial", "-days", String(options.days ?? (options.ca ? 1825 : 365))];
    openssl(dir, ["x509", "-req", "-in", requestPath, ...signing, "-extfile", extensionsPath, "-out", certificatePath]);
    return credential(keyPath, certificatePath);
  }
  // openssl x509 cannot set past dates; openssl ca can, with a database of its own.
  const caDir = join(dir, `${name}.ca`);
  mkdirSync(caDir, { recursive: true });
  writeFileSync(join(caDir, "index.txt"), "");
  writeFileSync(join(caDir, "serial"), "1000\n");
  const config = `[ca]\ndefault_ca=d\n[d]\ndatabase=${caDir}/index.txt\nnew_certs_dir=${caDir}\nserial=${caDir}/serial\ndefault_md=sha256\npolicy=p\nunique_subject=no\n[p]\ncommonName=supplied\norganizationName=optional\ncountryName=optional\n`;
  const configPath = join(caDir, "ca.cnf");
  writeFileSync(configPath, config);
  const dates = ["-startdate", options.validity.start, "-enddate", options.validity.end];
  const signing = ["-cert", issuer.certificatePath, "-keyfile", issuer.keyPath, "-extfile", extensionsPath, "-notext"];
  openssl(dir, ["ca", "-batch", "-config", configPath, ...signing, ...dates, "-in", requestPath, "-out", certificatePath]);
  return credential(keyPath, certificatePath);
}

/** A self-signed end-entity certificate for a key (any algorithm openssl signs with). */
export function selfSigned(dir: string, name: string, subject: string, algorithm: TestKeyAlgorithm): OpensslCredential {
  const keyPath = makeKey(dir, name, algorithm);
  const certificatePath = join(dir, `${name}.cert.pem`);
  openssl(dir, ["req", "-x509", "-key", keyPath, "-subj", subject, "-days", "30", "-out", certificatePath]);
  return credential(keyPath, certificatePath);
}

/** A PKCS#12 file made by `openssl pkcs12 -export`, as base64; `legacy` uses 3DES and RC2-40 with a SHA-1 MAC. */
export function exportPkcs12(
  dir: string,
  name: string,
  parts: { keyPath: string; certificatePath?: string; chainPaths?: readonly string[] },
  password: string,
  legacy = false,
): string {
  const path = join(dir, `${name}.p12`);
  const chainPath = join(dir, `${name}.chain.pem`);
  const chain = parts.chainPaths ?? [];
  writeFileSync(chainPath, chain.map((file) => readFileSync(file, "utf8")).join(""));
  const certificate = parts.certificatePath ? ["-in", parts.certificatePath] : ["-nocerts"];
  const certfile = chain.length > 0 ? ["-certfile", chainPath] : [];
  openssl(
    dir,
    ["pkcs12", "-export", ...(legacy ? ["-legacy"] : []), "-inkey", parts.keyPath, ...certificate, ...certfile, "-passout", "stdin", "-out", path],
    `${password}\n`,
  );
  return readFileSync(path).toString("base64");
}

/**
 * An RSA key below every token's minimum, which openssl 3 refuses to generate (it makes no key under 512 bits):
 * two random primes from Node, the key in JWK, written as PKCS#8 by Node's crypto.
 */
export function makeShortRsaKey(dir: string, name: string, bits = 384): string {
  const p = generatePrimeSync(bits / 2, { bigint: true });
  const q = generatePrimeSync(bits / 2, { bigint: true });
  const e = 65537n;
  const inverse = (a: bigint, m: bigint) => {
    let [r0, r1, s0, s1] = [a % m, m, 1n, 0n];
    while (r1 !== 0n) {
      const quotient = r0 / r1;
      [r0, r1, s0, s1] = [r1, r0 - quotient * r1, s1, s0 - quotient * s1];
    }
    return ((s0 % m) + m) % m;
  };
  const d = inverse(e, (p - 1n) * (q - 1n));
  const b64 = (value: bigint) => Buffer.from(value.toString(16).padStart(Math.ceil(value.toString(16).length / 2) * 2, "0"), "hex").toString("base64url");
  const jwk = { kty: "RSA", n: b64(p * q), e: b64(e), d: b64(d), p: b64(p), q: b64(q), dp: b64(d % (p - 1n)), dq: b64(d % (q - 1n)), qi: b64(inverse(q, p)) };
  const keyPath = join(dir, `${name}.key.pem`);
  writeFileSync(keyPath, createPrivateKey({ key: jwk, format: "jwk" }).export({ type: "pkcs8", format: "pem" }));
  return keyPath;
}

/** A copy of a certificate whose signature is damaged (its last byte flipped), converted back to PEM by openssl. */
export function tamperedCertificate(dir: string, source: OpensslCredential, name: string): OpensslCredential {
  const derPath = join(dir, `${name}.cert.der`);
  openssl(dir, ["x509", "-in", source.certificatePath, "-outform", "DER", "-out", derPath]);
  const der = readFileSync(derPath);
  der[der.length - 1]! ^= 0x01;
  writeFileSync(derPath, der);
  const certificatePath = join(dir, `${name}.cert.pem`);
  openssl(dir, ["x509", "-inform", "DER", "-in", derPath, "-out", certificatePath]);
  return credential(source.keyPath, certificatePath);
}
