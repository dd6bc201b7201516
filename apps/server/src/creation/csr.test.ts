import { spawnSync } from "node:child_process";
import { generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ScwsError } from "@open-scws/errors";
import { openssl } from "@open-scws/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCertificateRequest, type RequestSigner } from "./csr.js";
import { subjectName } from "./distinguished-names.js";

/** A signer in software that answers as a token does: PKCS#1 v1.5 for RSA, raw r||s for ECDSA. */
function softwareSigner(privateKey: KeyObject): RequestSigner {
  return async (algorithm, data) => {
    if (algorithm === "RSA-SHA256") return new Uint8Array(sign("sha256", data, privateKey));
    return new Uint8Array(sign(algorithm === "ECDSA-SHA256" ? "sha256" : "sha384", data, { key: privateKey, dsaEncoding: "ieee-p1363" }));
  };
}

const spkiOf = (publicKey: KeyObject) => new Uint8Array(publicKey.export({ type: "spki", format: "der" }));

describe("buildCertificateRequest, checked by openssl req", () => {
  let dir: string;
  const inspect = (pem: string, ...args: string[]) => {
    const path = join(dir, `request-${Math.random().toString(16).slice(2)}.pem`);
    writeFileSync(path, pem);
    const verify = spawnSync("openssl", ["req", "-in", path, "-verify", "-noout"], { encoding: "utf8" });
    return { verified: verify.status === 0, output: args.length ? openssl(dir, ["req", "-in", path, "-noout", ...args]) : "" };
  };
  const failure = async (run: () => Promise<unknown>) => {
    try {
      await run();
    } catch (error) {
      if (error instanceof ScwsError) return { code: error.code, field: error.customData.field };
      throw error;
    }
    throw new Error("no failure");
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "scws-csr-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ["P-256", "ECDSA-SHA256", "ecdsa-with-SHA256"],
    ["P-384", "ECDSA-SHA384", "ecdsa-with-SHA384"],
    ["P-521", "ECDSA-SHA384", "ecdsa-with-SHA384"],
  ] as const)("turns raw r||s from a %s key into the DER signature openssl verifies (%s by default)", async (namedCurve, expected, opensslName) => {
    const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve });
    const request = (await buildCertificateRequest(spkiOf(publicKey), { subject: "CN=Curve Check" }, softwareSigner(privateKey)))!;
    expect(request.signatureAlgorithm).toBe(expected);
    const checked = inspect(request.pem, "-text");
    expect(checked.verified).toBe(true);
    expect(checked.output).toContain(opensslName);
  });

  it("signs RSA requests with SHA-256 and PKCS#1 v1.5", async () => {
    const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const request = (await buildCertificateRequest(spkiOf(publicKey), { subject: { commonName: "RSA Check", country: "FR" } }, softwareSigner(privateKey)))!;
    expect(inspect(request.pem).verified).toBe(true);
    expect(inspect(request.pem, "-subject", "-nameopt", "RFC2253").output.trim()).toBe("subject=CN=RSA Check,C=FR");
  });

  it("gives no request for a signer whose key is not the public key's pair, rather than one no CA accepts", async () => {
    const { publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const { privateKey: stranger } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    expect(await buildCertificateRequest(spkiOf(publicKey), { subject: "CN=Mismatch" }, softwareSigner(stranger))).toBeUndefined();
  });

  it("refuses an algorithm that does not fit the key, and a key type that signs no request", async () => {
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
    expect(
      await failure(() => buildCertificateRequest(spkiOf(ec.publicKey), { subject: "CN=x", signatureAlgorithm: "RSA-SHA256" }, softwareSigner(ec.privateKey))),
    ).toEqual({
      code: "CKR_KEY_TYPE_INCONSISTENT",
      field: "/body/signatureAlgorithm",
    });
    const ed = generateKeyPairSync("ed25519");
    expect(await failure(() => buildCertificateRequest(spkiOf(ed.publicKey), { subject: "CN=x" }, softwareSigner(ed.privateKey)))).toEqual({
      code: "CKR_KEY_TYPE_INCONSISTENT",
      field: "/path/objectId",
    });
  });
});

describe("subjectName", () => {
  const der = (subject: Parameters<typeof subjectName>[0]) => subjectName(subject).toString();

  it("reads RFC 4514 strings most specific RDN first, keeping escaped commas in values", () => {
    expect(der("CN=Alice,O=Example\\, Inc.,C=FR")).toBe("C=FR, O=Example\\, Inc., CN=Alice");
  });

  it("knows the UID and emailAddress keywords that tools use, and multi-valued RDNs", () => {
    expect(subjectName("UID=alice,emailAddress=alice@example.com,CN=Alice+OU=Signing").toJSON()).toEqual([
      { CN: ["Alice"], OU: ["Signing"] },
      { emailAddress: ["alice@example.com"] },
      { UID: ["alice"] },
    ]);
  });

  it("orders structured fields C, ST, L, O, OU, CN, E whatever their order in the request", () => {
    expect(der({ commonName: "Alice", organization: "Example", country: "FR", stateOrProvince: "IDF" })).toBe("C=FR, ST=IDF, O=Example, CN=Alice");
  });

  it("refuses what it cannot encode faithfully: hex values, empty values, text that is not a DN", () => {
    for (const subject of ["CN=#0c03616263", "CN=,O=x", "no equals sign"]) {
      expect(() => subjectName(subject), subject).toThrow(ScwsError);
    }
  });
});
