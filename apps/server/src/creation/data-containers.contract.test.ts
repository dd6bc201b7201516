import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pkcs11Tool } from "@open-scws/softhsm";
import type { components } from "@open-scws/spec";
import { connectByLabel, login, logout, startTestService, type TestService } from "@open-scws/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const LABEL = "data-token";
type CreateDataContainerRequest = components["schemas"]["CreateDataContainerRequest"];

describe("createDataContainer against SoftHSM, read back by pkcs11-tool", () => {
  let t: TestService;
  let tokenId: string;
  const create = (body: Record<string, unknown>) =>
    t.client.POST("/v1/tokens/{tokenId}/data-containers", { params: { path: { tokenId } }, body: body as CreateDataContainerRequest });
  /** The CKA_VALUE of a data object with this label, as pkcs11-tool reads it. */
  const readWithTool = (label: string, loggedIn = false) => {
    const out = join(t.sandbox.dir, `${label}.out`);
    const auth = loggedIn ? ["--login", "--pin", t.tokens[LABEL]!.pin] : [];
    pkcs11Tool(t.sandbox, ["--token-label", LABEL, ...auth, "--read-object", "--type", "data", "--label", label, "--output-file", out]);
    return readFileSync(out);
  };

  beforeAll(async () => {
    t = await startTestService({ tokenLabels: [LABEL] });
    tokenId = await connectByLabel(t, LABEL);
    await login(t, tokenId, t.tokens[LABEL]!.pin);
  });
  afterAll(() => t.close());

  it("creates a public container that pkcs11-tool reads without a login, and getObjectValue gives back", async () => {
    const value = Buffer.from([0, 1, 2, 250, 255, ...Buffer.from("settings v1")]);
    const { data, response } = await create({ ckLabel: "settings", application: "open-scws-tests", value: value.toString("base64") });
    expect(response.status).toBe(201);
    expect(data).toMatchObject({ type: "dataContainer", ckLabel: "settings", application: "open-scws-tests", private: false, modifiable: true });
    expect(data?.ckId).toBeUndefined();
    expect(readWithTool("settings")).toEqual(value);
    const read = await t.client.GET("/v1/tokens/{tokenId}/objects/{objectId}/value", { params: { path: { tokenId, objectId: data!.id } } });
    expect(Buffer.from(read.data!.value, "base64")).toEqual(value);
  });

  it("creates a private container that only a logged-in caller sees", async () => {
    const { data } = await create({ ckLabel: "secret-note", value: Buffer.from("for the holder only").toString("base64"), private: true });
    expect(data?.private).toBe(true);
    expect(readWithTool("secret-note", true).toString()).toBe("for the holder only");
    await logout(t, tokenId);
    const hidden = await t.client.GET("/v1/tokens/{tokenId}/objects", { params: { path: { tokenId }, query: { label: "secret-note" } } });
    await login(t, tokenId, t.tokens[LABEL]!.pin);
    expect(hidden.data?.objects).toEqual([]);
  });

  it("answers CXR_CONTAINER_EXISTS for the same label and application, and allows the label for another application", async () => {
    await create({ ckLabel: "shared-name", application: "app-a", value: "AA==" });
    const again = await create({ ckLabel: "shared-name", application: "app-a", value: "AQ==" });
    expect(again.response.status).toBe(409);
    expect(again.error).toMatchObject({ code: "CXR_CONTAINER_EXISTS", customData: { field: "/body/ckLabel" } });
    const otherApplication = await create({ ckLabel: "shared-name", application: "app-b", value: "AQ==" });
    expect(otherApplication.response.status).toBe(201);
  });

  it("refuses a value that is not base64 (format byte) and a missing label, naming the field", async () => {
    const notBase64 = await create({ ckLabel: "x", value: "not base64!" });
    expect(notBase64.error).toMatchObject({ code: "CKR_ARGUMENTS_BAD", customData: { field: "/body/value" } });
    const noLabel = await create({ value: "AA==" });
    expect(noLabel.error).toMatchObject({ code: "CKR_ARGUMENTS_BAD", customData: { field: "/body/ckLabel" } });
  });

  it("refuses without the user login, with CKR_USER_NOT_LOGGED_IN", async () => {
    await logout(t, tokenId);
    const { response, error } = await create({ ckLabel: "not-written", value: "AA==" });
    await login(t, tokenId, t.tokens[LABEL]!.pin);
    expect(response.status).toBe(403);
    expect(error?.code).toBe("CKR_USER_NOT_LOGGED_IN");
    expect(pkcs11Tool(t.sandbox, ["--token-label", LABEL, "--list-objects", "--type", "data"])).not.toContain("not-written");
  });
});
