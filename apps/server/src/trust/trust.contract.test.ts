import {
  connectByLabel,
  issueCertificate,
  makeRootCa,
  type OpensslCredential,
  openssl,
  pkcs11ToolAs,
  startTestService,
  type TestService,
  tamperedCertificate,
  writeFixture,
} from "@open-scws/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const LABEL = "trust-token";

describe("getCertificateTrust over certificates pkcs11-tool wrote, against a configured anchor", () => {
  let t: TestService;
  let tokenId: string;
  const pki: Record<string, OpensslCredential> = {};
  const objectIds: Record<string, string> = {};
  const trust = (objectId: string) => t.client.GET("/v1/tokens/{tokenId}/objects/{objectId}/trust", { params: { path: { tokenId, objectId } } });

  beforeAll(async () => {
    t = await startTestService({
      tokenLabels: [LABEL],
      beforeStart: (sandbox) => {
        const dir = sandbox.dir;
        pki.rootA = makeRootCa(dir, "root-a", "/CN=Trusted Root/O=Example/C=FR");
        pki.intermediateA = issueCertificate(dir, pki.rootA, "intermediate-a", "/CN=Trusted Issuing CA/O=Example/C=FR", { ca: true });
        pki.leafA = issueCertificate(dir, pki.intermediateA, "leaf-a", "/CN=Alice Trusted/O=Example/C=FR");
        pki.expired = issueCertificate(dir, pki.intermediateA, "expired", "/CN=Alice Expired/O=Example/C=FR", {
          validity: { start: "20200101000000Z", end: "20200201000000Z" },
        });
        pki.tampered = tamperedCertificate(dir, issueCertificate(dir, pki.intermediateA, "to-tamper", "/CN=Alice Tampered/O=Example/C=FR"), "tampered");
        const absent = issueCertificate(dir, pki.rootA, "absent-ca", "/CN=Absent Issuing CA/O=Example/C=FR", { ca: true });
        pki.orphan = issueCertificate(dir, absent, "orphan", "/CN=Alice Orphan/O=Example/C=FR");
        pki.rootB = makeRootCa(dir, "root-b", "/CN=Unknown Root/O=Elsewhere/C=FR");
        pki.leafB = issueCertificate(dir, pki.rootB, "leaf-b", "/CN=Bob Untrusted/O=Elsewhere/C=FR");
      },
      configure: (config) => ({ ...config, trustAnchors: [pki.rootA!.certificatePath] }),
    });
    let id = 0x10;
    for (const name of ["intermediateA", "leafA", "expired", "tampered", "orphan", "rootB", "leafB"]) {
      const der = `${pki[name]!.certificatePath}.der`;
      openssl(t.sandbox.dir, ["x509", "-in", pki[name]!.certificatePath, "-outform", "DER", "-out", der]);
      const args = ["--write-object", der, "--type", "cert", "--id", (id++).toString(16), "--label", name];
      pkcs11ToolAs(t, LABEL, ...args);
    }
    tokenId = await connectByLabel(t, LABEL);
    const listed = await t.client.GET("/v1/tokens/{tokenId}/objects", { params: { path: { tokenId }, query: { type: "certificate" } } });
    for (const object of listed.data!.objects) objectIds[object.ckLabel] = object.id;
  });
  afterAll(() => t.close());

  it("answers ok with the chain as token objects up to the anchor's PEM, and the usages the leaf allows", async () => {
    const { data, response } = await trust(objectIds.leafA!);
    expect(response.status).toBe(200);
    expect(data).toMatchObject({
      trustStatus: "ok",
      revocationChecked: false,
      usages: [
        { oid: "1.3.6.1.5.5.7.3.2", shortName: "clientAuth", longName: "TLS Web Client Authentication" },
        { oid: "1.3.6.1.5.5.7.3.4", shortName: "emailProtection", longName: "E-mail Protection" },
      ],
    });
    expect(data?.certPath).toEqual([
      { subject: "CN=Alice Trusted, O=Example, C=FR", objectId: objectIds.leafA, trustAnchor: false },
      { subject: "CN=Trusted Issuing CA, O=Example, C=FR", objectId: objectIds.intermediateA, trustAnchor: false },
      { subject: "CN=Trusted Root, O=Example, C=FR", pem: expect.stringContaining("-----BEGIN CERTIFICATE-----"), trustAnchor: true },
    ]);
    expect(data?.certPath[2]?.pem?.replace(/\s/g, "")).toBe(pki.rootA!.certificatePem.replace(/\s/g, ""));
  });

  it("answers untrustedRoot for a chain that ends in a root on the token that is not an anchor", async () => {
    const { data } = await trust(objectIds.leafB!);
    expect(data?.trustStatus).toEqual(["untrustedRoot"]);
    expect(data?.certPath.map((entry) => entry.objectId)).toEqual([objectIds.leafB, objectIds.rootB]);
  });

  it("answers notTimeValid for an expired certificate", async () => {
    const { data } = await trust(objectIds.expired!);
    expect(data?.trustStatus).toContain("notTimeValid");
    expect(data?.trustStatus).not.toContain("signatureInvalid");
  });

  it("answers signatureInvalid for a certificate whose signature was tampered with", async () => {
    expect((await trust(objectIds.tampered!)).data?.trustStatus).toEqual(["signatureInvalid"]);
  });

  it("answers partialChain when the issuing CA is neither on the token nor an anchor", async () => {
    const { data } = await trust(objectIds.orphan!);
    expect(data?.trustStatus).toEqual(["partialChain"]);
    expect(data?.certPath).toHaveLength(1);
  });

  it("answers CKR_ARGUMENTS_BAD for an object that is not a certificate, and 404 for an unknown one", async () => {
    pkcs11ToolAs(t, LABEL, "--write-object", writeFixture(t.sandbox.dir, "note.txt", "a note"), "--type", "data", "--label", "not-a-cert");
    const data = await t.client.GET("/v1/tokens/{tokenId}/objects", { params: { path: { tokenId }, query: { label: "not-a-cert" } } });
    const notCertificate = await trust(data.data!.objects[0]!.id);
    expect(notCertificate.response.status).toBe(400);
    expect(notCertificate.error).toMatchObject({ code: "CKR_ARGUMENTS_BAD", customData: { field: "/path/objectId" } });
    const unknown = await trust("o-000000000000000000000000");
    expect(unknown.response.status).toBe(404);
    expect(unknown.error?.code).toBe("CKR_OBJECT_HANDLE_INVALID");
  });
});
