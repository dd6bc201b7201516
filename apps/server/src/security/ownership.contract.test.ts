import { createHash, randomBytes } from "node:crypto";
import { pkcs11Tool } from "@open-scws/softhsm";
import { openApiDocument } from "@open-scws/spec";
import { type ApiCaller, connectByLabel, countingHost, login, logout, pinState, startTestService, type TestService } from "@open-scws/test-support";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

const LABEL = "own-token";
const COUNTED = "own-counter";
const MAKE_KEY = ["--keypairgen", "--key-type", "EC:prime256v1", "--id", "01", "--label", "own-key"];
const HASH = createHash("sha256").update("signed by whoever holds the login").digest("base64");

type Json = Record<string, unknown>;
interface TokenOperation {
  readonly operationId: string;
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
}

/** Every operation of the spec on a token connection, with its request schema's example as the body. */
const tokenOperations: TokenOperation[] = Object.entries(openApiDocument.paths as Record<string, Json>)
  .filter(([path]) => path.startsWith("/v1/tokens/{tokenId}"))
  .flatMap(([path, item]) =>
    ["get", "post", "put", "patch", "delete"]
      .filter((method) => item[method] !== undefined)
      .map((method) => {
        const operation = item[method] as { operationId: string; requestBody?: { content: Record<string, { schema: { $ref: string } }> } };
        const ref = operation.requestBody?.content["application/json"]?.schema.$ref;
        const schemas = (openApiDocument.components as { schemas: Record<string, { example?: unknown }> }).schemas;
        return { operationId: operation.operationId, method: method.toUpperCase(), path, body: ref ? schemas[ref.split("/").pop()!]!.example : undefined };
      }),
  );

/** A problem body without what differs between any two answers (its request id) and with the id it names masked. */
async function comparable(response: Response, id: string): Promise<Json> {
  const { instance: _instance, ...problem } = (await response.json()) as Json & { detail: string };
  return { ...problem, detail: problem.detail.replaceAll(id, "<id>") };
}

describe("ownership: an environment uses only the connections, logins and objects it made", () => {
  let t: TestService;
  const counter = countingHost();
  const environments: string[] = [];
  beforeAll(async () => {
    t = await startTestService({ tokenLabels: [LABEL, COUNTED], decorateHost: counter.decorate, confirmFinalTry: true });
    const { pin } = t.tokens[LABEL]!;
    pkcs11Tool(t.sandbox, ["--token-label", LABEL, "--login", "--pin", pin, ...MAKE_KEY]);
  });
  // Ending every environment a test made ends its connections and logins, so that no test depends on another.
  afterEach(async () => {
    for (const credential of environments.splice(0))
      await t.fetch("/v1/environments/current", { method: "DELETE", headers: { "x-scws-environment": credential } });
  });
  afterAll(() => t.close());

  const environment = async () => {
    const created = await t.newEnvironment();
    environments.push(created.credential);
    return created;
  };
  const pinOf = (label: string) => t.tokens[label]!.pin;
  const list = (caller: ApiCaller, tokenId: string, type?: "privateKey" | "publicKey") =>
    caller.client.GET("/v1/tokens/{tokenId}/objects", { params: { path: { tokenId }, query: type ? { type } : {} } });
  const privateKeyId = async (caller: ApiCaller, tokenId: string) => (await list(caller, tokenId, "privateKey")).data!.objects[0]!.id;
  const sign = (caller: ApiCaller, tokenId: string, objectId: string) =>
    caller.client.POST("/v1/tokens/{tokenId}/keys/{objectId}/sign", { params: { path: { tokenId, objectId } }, body: { hash: HASH } });

  it("finds every operation on a token connection in the spec, to try each below", () => {
    expect(tokenOperations.map((operation) => operation.operationId)).toEqual(
      expect.arrayContaining(["getToken", "logInWithPin", "signWithKey", "importPkcs12"]),
    );
  });

  it.each(tokenOperations)(
    "answers $operationId ($method $path) on another environment's connection exactly as on a never-issued one: 404 CKR_SESSION_HANDLE_INVALID",
    async ({ method, path, body }) => {
      const a = await environment();
      const b = await environment();
      const aToken = await connectByLabel(a, LABEL);
      await login(a, aToken, pinOf(LABEL));
      const objectId = await privateKeyId(a, aToken);
      await connectByLabel(b, LABEL);
      const call = (tokenId: string) =>
        t.fetch(path.replace("{tokenId}", tokenId).replace("{objectId}", objectId).replace("{pinNumber}", "0"), {
          method,
          headers: { "x-scws-environment": b.credential, ...(body === undefined ? {} : { "content-type": "application/json" }) },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
      const neverIssued = `t-${randomBytes(16).toString("hex")}`;
      const foreign = await call(aToken);
      const unknown = await call(neverIssued);
      expect(foreign.status).toBe(404);
      const problem = await comparable(foreign, aToken);
      expect(problem.code).toBe("CKR_SESSION_HANDLE_INVALID");
      expect(problem).toEqual(await comparable(unknown, neverIssued));
      // And A's connection and login are as they were: B's call did nothing to them.
      const state = await pinState(a, aToken);
      expect(state.data).toMatchObject({ validated: true });
    },
  );

  it("shows B, connected to the same reader, not logged in while A is, and none of the private objects", async () => {
    const a = await environment();
    const b = await environment();
    const aToken = await connectByLabel(a, LABEL);
    const bToken = await connectByLabel(b, LABEL);
    expect((await login(a, aToken, pinOf(LABEL))).data).toMatchObject({ validated: true });
    expect((await list(a, aToken, "privateKey")).data!.objects.map((object) => object.ckLabel)).toEqual(["own-key"]);

    expect((await pinState(b, bToken)).data).toMatchObject({ validated: false, soValidated: false });
    const described = await b.client.GET("/v1/tokens/{tokenId}", { params: { path: { tokenId: bToken } } });
    expect(described.data?.pins[0]).toMatchObject({ validated: false, soValidated: false });
    expect((await list(b, bToken, "privateKey")).data!.objects).toEqual([]);
    expect((await list(b, bToken)).data!.objects.every((object) => !object.private)).toBe(true);
    const logoutOfA = await logout(b, bToken);
    expect(logoutOfA.error?.code).toBe("CKR_USER_NOT_LOGGED_IN");
    expect((await pinState(a, aToken)).data?.validated).toBe(true);
  });

  it.each([
    ["the right PIN", () => pinOf(LABEL), {}],
    ["a wrong PIN", () => "wrong-pin-of-b", {}],
    ["the SO PIN", () => t.tokens[LABEL]!.soPin, { userType: "so" as const }],
  ])("refuses B's login with %s while A is logged in: 409 CKR_USER_ANOTHER_ALREADY_LOGGED_IN, no try spent", async (_case, pin, extra) => {
    const a = await environment();
    const b = await environment();
    const aToken = await connectByLabel(a, LABEL);
    const bToken = await connectByLabel(b, LABEL);
    await login(a, aToken, pinOf(LABEL));
    const tries = counter.total("login");
    const refused = await login(b, bToken, pin(), extra);
    expect(refused.response.status).toBe(409);
    expect(refused.error?.code).toBe("CKR_USER_ANOTHER_ALREADY_LOGGED_IN");
    expect(counter.total("login")).toBe(tries);
    expect((await pinState(b, bToken)).data).toMatchObject({ validated: false, tryCountLow: false, remainingTries: 3, soRemainingTries: 3 });
  });

  it("refuses B a private key it listed under its own login once A holds the login: 403 CKR_USER_NOT_LOGGED_IN", async () => {
    const a = await environment();
    const b = await environment();
    const aToken = await connectByLabel(a, LABEL);
    const bToken = await connectByLabel(b, LABEL);
    await login(b, bToken, pinOf(LABEL));
    const bKey = await privateKeyId(b, bToken);
    expect((await sign(b, bToken, bKey)).response.status).toBe(200);
    await logout(b, bToken);
    await login(a, aToken, pinOf(LABEL));

    for (const refused of [
      await sign(b, bToken, bKey),
      await b.client.POST("/v1/tokens/{tokenId}/keys/{objectId}/hash-and-sign", {
        params: { path: { tokenId: bToken, objectId: bKey } },
        body: { data: HASH },
      }),
      await b.client.GET("/v1/tokens/{tokenId}/objects/{objectId}", { params: { path: { tokenId: bToken, objectId: bKey } } }),
    ]) {
      expect(refused.response.status).toBe(403);
      expect(refused.error?.code).toBe("CKR_USER_NOT_LOGGED_IN");
    }
    expect((await sign(a, aToken, await privateKeyId(a, aToken))).response.status).toBe(200);
  });

  it.each([
    ["logs out", (a: ApiCaller, aToken: string) => logout(a, aToken)],
    ["disconnects", (a: ApiCaller, aToken: string) => a.client.DELETE("/v1/tokens/{tokenId}", { params: { path: { tokenId: aToken } } })],
    ["ends its environment", (a: ApiCaller) => a.client.DELETE("/v1/environments/current")],
  ])("lets B log in, sign and see private objects once A %s", async (_case, release) => {
    const a = await environment();
    const b = await environment();
    const aToken = await connectByLabel(a, LABEL);
    const bToken = await connectByLabel(b, LABEL);
    await login(a, aToken, pinOf(LABEL));
    expect((await login(b, bToken, pinOf(LABEL))).error?.code).toBe("CKR_USER_ANOTHER_ALREADY_LOGGED_IN");
    expect((await release(a, aToken)).response.ok).toBe(true);
    expect((await login(b, bToken, pinOf(LABEL))).data).toMatchObject({ validated: true, remainingTries: 3 });
    expect((await sign(b, bToken, await privateKeyId(b, bToken))).response.status).toBe(200);
  });

  it("answers A's object ids on B's connection as never-issued ones: 404 CKR_OBJECT_HANDLE_INVALID, CKR_KEY_HANDLE_INVALID on key routes", async () => {
    const a = await environment();
    const b = await environment();
    const aToken = await connectByLabel(a, LABEL);
    const bToken = await connectByLabel(b, LABEL);
    await login(a, aToken, pinOf(LABEL));
    const aObjects = (await list(a, aToken)).data!.objects;
    await logout(a, aToken);
    // Even with the login now B's, A's ids mean nothing on B's connection, public or private.
    await login(b, bToken, pinOf(LABEL));
    const asB = { "x-scws-environment": b.credential };
    const getObject = (objectId: string) => t.fetch(`/v1/tokens/${bToken}/objects/${objectId}`, { headers: asB });
    const signWith = (objectId: string) =>
      t.fetch(`/v1/tokens/${bToken}/keys/${objectId}/sign`, {
        method: "POST",
        headers: { ...asB, "content-type": "application/json" },
        body: JSON.stringify({ hash: HASH }),
      });
    for (const object of aObjects) {
      const neverIssued = `o-${randomBytes(12).toString("hex")}`;
      const foreign = await b.client.GET("/v1/tokens/{tokenId}/objects/{objectId}", { params: { path: { tokenId: bToken, objectId: object.id } } });
      expect(foreign.response.status).toBe(404);
      expect(foreign.error?.code).toBe("CKR_OBJECT_HANDLE_INVALID");
      expect(await comparable(await getObject(object.id), object.id)).toEqual(await comparable(await getObject(neverIssued), neverIssued));
      if (object.type !== "privateKey") continue;
      const foreignSign = await signWith(object.id);
      expect(foreignSign.status).toBe(404);
      const signProblem = await comparable(foreignSign, object.id);
      expect(signProblem.code).toBe("CKR_KEY_HANDLE_INVALID");
      expect(signProblem).toEqual(await comparable(await signWith(neverIssued), neverIssued));
    }
    expect(aObjects.some((object) => object.type === "privateKey")).toBe(true);
  });

  it("counts wrong PINs from A and B against the one counter of the token, and asks either to confirm the final try", async () => {
    const a = await environment();
    const b = await environment();
    const aToken = await connectByLabel(a, COUNTED);
    const bToken = await connectByLabel(b, COUNTED);
    expect((await login(a, aToken, "wrong-pin-of-a")).error).toMatchObject({ code: "CKR_PIN_INCORRECT", customData: { remainingTries: 2 } });
    expect((await pinState(b, bToken)).data).toMatchObject({ tryCountLow: true, lastTry: false, remainingTries: 2 });
    expect((await login(b, bToken, "wrong-pin-of-b")).error).toMatchObject({ code: "CKR_PIN_INCORRECT", customData: { remainingTries: 1 } });
    expect((await pinState(a, aToken)).data).toMatchObject({ tryCountLow: true, lastTry: true, remainingTries: 1, blocked: false });

    const tries = counter.total("login");
    for (const [caller, tokenId, pin] of [
      [a, aToken, "wrong-pin-of-a"],
      [b, bToken, "wrong-pin-of-b"],
      [b, bToken, pinOf(COUNTED)],
    ] as const) {
      const unconfirmed = await login(caller, tokenId, pin);
      expect(unconfirmed.response.status).toBe(409);
      expect(unconfirmed.error).toMatchObject({ code: "SCWS_FINAL_TRY_UNCONFIRMED", customData: { remainingTries: 1 } });
    }
    expect(counter.total("login")).toBe(tries);

    expect((await login(b, bToken, pinOf(COUNTED), { confirmFinalTry: true })).data).toMatchObject({ validated: true, remainingTries: 3 });
    expect((await pinState(a, aToken)).data).toMatchObject({ validated: false, tryCountLow: false, lastTry: false, remainingTries: 3 });
  });
});
