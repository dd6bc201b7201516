import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pkcs11Tool } from "@open-scws/softhsm";
import {
  connectByLabel,
  issueCertificate,
  login,
  logout,
  makeRootCa,
  type OpensslCredential,
  openssl,
  rawRequest,
  specViolations,
  startTestService,
  type TestService,
} from "@open-scws/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CKA } from "../pkcs11/constants.js";

const LABEL = "cert-import-token";

describe("importCertificate against SoftHSM, compared with what pkcs11-tool and openssl write and read", () => {
  let t: TestService;
  let tokenId: string;
  let root: OpensslCredential;
  let other: OpensslCredential;
  const tool = (...args: string[]) => pkcs11Tool(t.sandbox, ["--token-label", LABEL, "--login", "--pin", t.tokens[LABEL]!.pin, ...args]);
  const importCertificate = (body: { certificate: string; ckLabel?: string; ckId?: string }) =>
    t.client.POST("/v1/tokens/{tokenId}/certificates", { params: { path: { tokenId } }, body });
  /** CKA_SUBJECT, CKA_ISSUER and CKA_SERIAL_NUMBER as SoftHSM holds them, read raw through the service's PKCS#11 host. */
  const rawFields = async (handle: string) => {
    const connection = t.service.services.tokens.get(tokenId, t.callerId);
    return (await connection.module.host.getAttributes(connection.slot, handle, [CKA.SUBJECT, CKA.ISSUER, CKA.SERIAL_NUMBER])).map((value) =>
      Buffer.from(value ?? []).toString("hex"),
    );
  };
  const handleOf = (objectId: string) => t.service.services.tokens.get(tokenId, t.callerId).objects.get(objectId)!.handle;
  const derOf = (credential: OpensslCredential) => {
    const path = `${credential.certificatePath}.der`;
    openssl(t.sandbox.dir, ["x509", "-in", credential.certificatePath, "-outform", "DER", "-out", path]);
    return path;
  };

  beforeAll(async () => {
    t = await startTestService({ tokenLabels: [LABEL] });
    root = makeRootCa(t.sandbox.dir, "root", "/CN=Import Test Root/O=Example/C=FR");
    other = issueCertificate(t.sandbox.dir, root, "other", "/CN=Someone Else/O=Example/C=FR");
    tokenId = await connectByLabel(t, LABEL);
    await login(t, tokenId, t.tokens[LABEL]!.pin);
  });
  afterAll(() => t.close());

  it("files a certificate for a key pkcs11-tool made under the key's ckId, with the fields OpenSC would write", async () => {
    tool("--keypairgen", "--key-type", "EC:prime256v1", "--id", "77", "--label", "enrolled-key");
    const keyId = (await t.client.GET("/v1/tokens/{tokenId}/objects", { params: { path: { tokenId }, query: { type: "privateKey", ckId: "77" } } })).data!
      .objects[0]!.id;
    const csr = await t.client.POST("/v1/tokens/{tokenId}/keys/{objectId}/csr", {
      params: { path: { tokenId, objectId: keyId } },
      body: { subject: "CN=Enrolled Holder,O=Example,C=FR" },
    });
    const csrPath = join(t.sandbox.dir, "enrolled.csr.pem");
    const certificatePath = join(t.sandbox.dir, "enrolled.cert.pem");
    writeFileSync(csrPath, csr.data!.pem);
    openssl(t.sandbox.dir, [
      "x509",
      "-req",
      "-in",
      csrPath,
      "-CA",
      root.certificatePath,
      "-CAkey",
      root.keyPath,
      "-CAcreateserial",
      "-days",
      "30",
      "-out",
      certificatePath,
    ]);

    const { data, response } = await importCertificate({ certificate: readFileSync(certificatePath, "utf8"), ckId: "ffff" });
    expect(response.status).toBe(201);
    expect(data).toMatchObject({ type: "certificate", ckId: "77", ckLabel: "Enrolled Holder", private: false, root: false });

    const listing = tool("--list-objects", "--type", "cert");
    const serial = openssl(t.sandbox.dir, ["x509", "-in", certificatePath, "-noout", "-serial"]).trim().replace("serial=", "");
    expect(listing).toMatch(
      new RegExp(`label:\\s+Enrolled Holder\\s+subject:\\s+DN: C=FR, O=Example, CN=Enrolled Holder\\s+serial:\\s+${serial}\\s+ID:\\s+77`),
    );

    tool("--write-object", derOf({ ...root, certificatePath }), "--type", "cert", "--id", "7777", "--label", "written-by-opensc");
    const opensc = (await t.client.GET("/v1/tokens/{tokenId}/objects", { params: { path: { tokenId }, query: { label: "written-by-opensc" } } })).data!
      .objects[0]!;
    expect(await rawFields(handleOf(data!.id))).toEqual(await rawFields(handleOf(opensc.id)));

    const details = await t.client.GET("/v1/tokens/{tokenId}/objects/{objectId}/details", { params: { path: { tokenId, objectId: data!.id } } });
    expect(details.data?.certificate?.privateKeyId).toBe(keyId);
  });

  it("takes the caller's ckId for a certificate whose key is not on the token, and accepts base64 DER", async () => {
    const der = readFileSync(derOf(other)).toString("base64");
    const { data, response } = await importCertificate({ certificate: der, ckId: "0BEEF0", ckLabel: "other by DER" });
    expect(response.status).toBe(201);
    expect(data).toMatchObject({ ckId: "0beef0", ckLabel: "other by DER" });
  });

  it("derives the ckId as openssl derives the subject key identifier when none is given and no key matches", async () => {
    const { data } = await importCertificate({ certificate: root.certificatePem });
    const ski = openssl(t.sandbox.dir, ["x509", "-in", root.certificatePath, "-noout", "-ext", "subjectKeyIdentifier"]);
    expect(data?.ckId).toBe(ski.split("\n")[1]!.trim().replaceAll(":", "").toLowerCase());
    expect(data).toMatchObject({ root: true, ckLabel: "Import Test Root" });
  });

  it("answers CXR_CONTAINER_EXISTS for a second certificate with the same ckId", async () => {
    const { response, error } = await importCertificate({ certificate: root.certificatePem });
    expect(response.status).toBe(409);
    expect(error?.code).toBe("CXR_CONTAINER_EXISTS");
  });

  it("answers MWR_IMPORT_FILE_INVALID for what is not a certificate", async () => {
    const keyPem = readFileSync(root.keyPath, "utf8");
    for (const certificate of [
      "not a certificate",
      Buffer.from("not DER either").toString("base64"),
      keyPem,
      `${root.certificatePem}${other.certificatePem}`,
    ]) {
      const { response, error } = await importCertificate({ certificate });
      expect(response.status).toBe(400);
      expect(error).toMatchObject({ code: "MWR_IMPORT_FILE_INVALID", customData: { field: "/body/certificate" } });
    }
  });

  it("refuses a body over the service's limit with SCWS_PAYLOAD_TOO_LARGE, before reading it", async () => {
    // node:http on its own connection: the service closes it after answering, which would break fetch's pool.
    const answer = await rawRequest(`${t.service.url}/v1/tokens/${tokenId}/certificates`, {
      method: "POST",
      headers: { host: `127.0.0.1:${t.service.port}`, "content-type": "application/json" },
      body: JSON.stringify({ certificate: "A".repeat(2 * 1024 * 1024) }),
    });
    expect(answer.status).toBe(413);
    expect(specViolations("POST", "/v1/tokens/{tokenId}/certificates", answer.status, String(answer.headers["content-type"]), answer.json)).toEqual([]);
    expect(answer.json).toMatchObject({ code: "SCWS_PAYLOAD_TOO_LARGE" });
  });

  it("refuses without the user login, with CKR_USER_NOT_LOGGED_IN", async () => {
    await logout(t, tokenId);
    const { response, error } = await importCertificate({ certificate: other.certificatePem, ckId: "abab" });
    await login(t, tokenId, t.tokens[LABEL]!.pin);
    expect(response.status).toBe(403);
    expect(error?.code).toBe("CKR_USER_NOT_LOGGED_IN");
    expect(tool("--list-objects", "--type", "cert")).not.toMatch(/ID:\s+abab/);
  });
});
