import { pkcs11Tool } from "@open-scws/softhsm";
import {
  connectByLabel,
  exportPkcs12,
  faultModuleSetup,
  issueCertificate,
  login,
  makeRootCa,
  type OpensslCredential,
  startTestService,
  type TestService,
} from "@open-scws/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const LABEL = "failing-token";

describe("creation and trust when the token fails, through the fault-injecting PKCS#11 module", () => {
  let t: TestService;
  let tokenId: string;
  const faults = faultModuleSetup("softhsm");
  let root: OpensslCredential;
  const password = "failing-token-p12";
  const listing = () => pkcs11Tool(t.sandbox, ["--token-label", LABEL, "--login", "--pin", t.tokens[LABEL]!.pin, "--list-objects"]);

  beforeAll(async () => {
    t = await startTestService({
      tokenLabels: [LABEL],
      ...faults.options,
    });
    t.addCanary(password);
    root = makeRootCa(t.sandbox.dir, "root", "/CN=Failure Test Root");
    tokenId = await connectByLabel(t, LABEL);
    await login(t, tokenId, t.tokens[LABEL]!.pin);
  });
  afterAll(async () => {
    faults.control().reset();
    await t.close();
  });

  it("answers 502 CKR_DEVICE_ERROR when key generation fails on the token, and generates on the next try", async () => {
    faults.control().fail("C_GenerateKeyPair", "CKR_DEVICE_ERROR", { count: 1 });
    const failed = await t.client.POST("/v1/tokens/{tokenId}/keys", { params: { path: { tokenId } }, body: { algorithm: "EC", curve: "P-256" } });
    expect(failed.response.status).toBe(502);
    expect(failed.error).toMatchObject({ code: "CKR_DEVICE_ERROR", customData: { pkcs11: { name: "CKR_DEVICE_ERROR", value: 0x30 } } });
    const retried = await t.client.POST("/v1/tokens/{tokenId}/keys", { params: { path: { tokenId } }, body: { algorithm: "EC", curve: "P-256" } });
    expect(retried.response.status).toBe(201);
  });

  it("removes the key it wrote when writing the rest of a PKCS#12 import fails, and imports on the next try", async () => {
    const leaf = issueCertificate(t.sandbox.dir, root, "rollback", "/CN=Rollback Holder");
    const file = exportPkcs12(t.sandbox.dir, "rollback", leaf, password);
    const before = listing();
    faults.control().fail("C_CreateObject", "CKR_DEVICE_ERROR", { after: 1, count: 1 });
    const failed = await t.client.POST("/v1/tokens/{tokenId}/pkcs12", { params: { path: { tokenId } }, body: { file, password } });
    expect(failed.response.status).toBe(502);
    expect(failed.error?.code).toBe("CKR_DEVICE_ERROR");
    expect(listing()).toBe(before);
    const retried = await t.client.POST("/v1/tokens/{tokenId}/pkcs12", { params: { path: { tokenId } }, body: { file, password } });
    expect(retried.response.status).toBe(201);
    expect(listing()).toContain("Rollback Holder");
  });

  it("answers 502 when the token fails to write a certificate or a data container", async () => {
    faults.control().fail("C_CreateObject", "CKR_DEVICE_ERROR", { count: 2 });
    const certificate = await t.client.POST("/v1/tokens/{tokenId}/certificates", { params: { path: { tokenId } }, body: { certificate: root.certificatePem } });
    const container = await t.client.POST("/v1/tokens/{tokenId}/data-containers", { params: { path: { tokenId } }, body: { ckLabel: "never", value: "AA==" } });
    expect([certificate.response.status, container.response.status]).toEqual([502, 502]);
    expect(listing()).not.toMatch(/label:\s+never\n/);
  });

  it("answers 507 CKR_DEVICE_MEMORY when the token is full", async () => {
    faults.control().fail("C_CreateObject", "CKR_DEVICE_MEMORY", { count: 1 });
    const full = await t.client.POST("/v1/tokens/{tokenId}/data-containers", { params: { path: { tokenId } }, body: { ckLabel: "no-room", value: "AA==" } });
    expect(full.response.status).toBe(507);
    expect(full.error?.code).toBe("CKR_DEVICE_MEMORY");
  });

  it("answers 502 when the token fails to sign a certificate request", async () => {
    const key = await t.client.POST("/v1/tokens/{tokenId}/keys", { params: { path: { tokenId } }, body: { algorithm: "RSA", sizeBits: 2048 } });
    // C_SignInit, not C_Sign: a C_Sign failure ends the operation in PKCS#11, but the fault module would leave it active.
    faults.control().fail("C_SignInit", "CKR_DEVICE_ERROR", { count: 1 });
    const failed = await t.client.POST("/v1/tokens/{tokenId}/keys/{objectId}/csr", {
      params: { path: { tokenId, objectId: key.data!.privateKey!.id } },
      body: { subject: "CN=Never Signed" },
    });
    expect(failed.response.status).toBe(502);
    expect(failed.error?.code).toBe("CKR_DEVICE_ERROR");
  });

  it("answers 502 when the token fails while the chain is looked for", async () => {
    const imported = await t.client.POST("/v1/tokens/{tokenId}/certificates", { params: { path: { tokenId } }, body: { certificate: root.certificatePem } });
    expect(imported.response.status).toBe(201);
    faults.control().fail("C_FindObjectsInit", "CKR_DEVICE_ERROR", { count: 1 });
    const failed = await t.client.GET("/v1/tokens/{tokenId}/objects/{objectId}/trust", { params: { path: { tokenId, objectId: imported.data!.id } } });
    expect(failed.response.status).toBe(502);
    expect(failed.error?.code).toBe("CKR_DEVICE_ERROR");
  });
});
