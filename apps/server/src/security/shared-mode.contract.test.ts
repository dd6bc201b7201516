// Shared mode, as an operator runs it in front of an HSM: HTTPS with the operator's certificate, API keys kept
// as hashes, each bound to its tokens and its rate, and an audit log of security events with no secrets in it.
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { paths } from "@open-scws/spec";
import { apiKeyHash, findLeak, type SharedTestService, startSharedTestService } from "@open-scws/test-support";
import type { Client } from "openapi-fetch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

describe("shared mode: HTTPS, API keys bound to tokens, rate limits and an audit log", () => {
  const signedData = randomBytes(48);
  const signatures: string[] = [];
  let t: SharedTestService<"alpha" | "beta" | "slow">;
  let clients: SharedTestService<"alpha" | "beta" | "slow">["clients"] & { none: Client<paths> };

  beforeAll(async () => {
    t = await startSharedTestService({
      tokenLabels: ["shared-a", "shared-b"],
      tls: true,
      apiKeys: { alpha: { tokens: ["pkcs11:token=shared-a"] }, beta: {}, slow: { requestsPerSecond: 0.5, burst: 2 } },
      configure: (config) => ({ ...config, auditLog: "audit.jsonl" }),
    });
    t.addCanary(signedData.toString("base64"));
    clients = { ...t.clients, none: t.anonymous };
  });
  afterAll(() => t.close());

  const readers = async (client: Client<paths>) => (await client.GET("/v1/readers")).data!.readers.filter((reader) => reader.token?.label);
  const connect = async (client: Client<paths>, label: string) => {
    const reader = (await readers(clients.beta)).find((entry) => entry.token?.label === label)!;
    return client.POST("/v1/readers/{readerId}/connect", { params: { path: { readerId: reader.id } } });
  };
  const login = (client: Client<paths>, tokenId: string, pin: string) =>
    client.POST("/v1/tokens/{tokenId}/pins/{pinNumber}/login", { params: { path: { tokenId, pinNumber: 0 } }, body: { pin } });

  it("serves HTTPS with the configured certificate, and nothing over plain HTTP", async () => {
    expect(t.service.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const info = await clients.none.GET("/v1/service");
    expect(info.response.status).toBe(200);
    await expect(fetch(t.service.url.replace("https:", "http:") + "/v1/service")).rejects.toThrow();
  });

  it.each([
    ["no Authorization header", (): Record<string, string> => ({}), "SCWS_CREDENTIAL_REQUIRED"],
    ["an unknown key", () => ({ authorization: `Bearer scws_${randomBytes(24).toString("base64url")}` }), "SCWS_CREDENTIAL_INVALID"],
    ["a key with another scheme", () => ({ authorization: `Basic ${t.keys.alpha}` }), "SCWS_CREDENTIAL_REQUIRED"],
    ["the key's hash instead of the key", () => ({ authorization: `Bearer ${apiKeyHash(t.keys.alpha)}` }), "SCWS_CREDENTIAL_INVALID"],
    ["a local-mode environment header", () => ({ "x-scws-environment": t.keys.alpha }), "SCWS_CREDENTIAL_REQUIRED"],
  ])("refuses %s with 401 and WWW-Authenticate", async (_name, headers, code) => {
    const { error, response } = await clients.none.GET("/v1/readers", { headers: headers() });
    expect(response.status).toBe(401);
    expect(error?.code).toBe(code);
    expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
  });

  it("never takes the key from the query string", async () => {
    const { error, response } = await clients.none.GET("/v1/readers", { params: { query: { api_key: t.keys.alpha } as never } });
    expect(response.status).toBe(401);
    expect(error?.code).toBe("SCWS_CREDENTIAL_REQUIRED");
  });

  it("shows a key only the tokens it is bound to, and answers for the others as if they did not exist", async () => {
    expect((await readers(clients.alpha)).map((reader) => reader.token?.label)).toEqual(["shared-a"]);
    expect((await readers(clients.beta)).map((reader) => reader.token?.label).sort()).toEqual(["shared-a", "shared-b"]);
    const hidden = (await readers(clients.beta)).find((reader) => reader.token?.label === "shared-b")!;
    const looked = await clients.alpha.GET("/v1/readers/{readerId}", { params: { path: { readerId: hidden.id } } });
    const connected = await clients.alpha.POST("/v1/readers/{readerId}/connect", { params: { path: { readerId: hidden.id } } });
    expect([looked.response.status, looked.error?.code]).toEqual([404, "CKR_SLOT_ID_INVALID"]);
    expect([connected.response.status, connected.error?.code]).toEqual([404, "CKR_SLOT_ID_INVALID"]);
  });

  it("keeps each key's logins its own: another key can neither use nor override them", async () => {
    const mine = (await connect(clients.alpha, "shared-a")).data!.id;
    const theirs = (await connect(clients.beta, "shared-a")).data!.id;
    const wrong = await login(clients.alpha, mine, "0000-not-the-pin");
    expect(wrong.error?.code).toBe("CKR_PIN_INCORRECT");
    expect((await login(clients.alpha, mine, t.tokens["shared-a"]!.pin)).response.status).toBe(200);
    const over = await login(clients.beta, theirs, t.tokens["shared-a"]!.pin);
    expect(over.error?.code).toBe("CKR_USER_ANOTHER_ALREADY_LOGGED_IN");
    const borrowed = await clients.beta.GET("/v1/tokens/{tokenId}", { params: { path: { tokenId: mine } } });
    expect([borrowed.response.status, borrowed.error?.code]).toEqual([404, "CKR_SESSION_HANDLE_INVALID"]);

    const generated = await clients.alpha.POST("/v1/tokens/{tokenId}/keys", { params: { path: { tokenId: mine } }, body: { algorithm: "EC", curve: "P-256" } });
    expect(generated.response.status).toBe(201);
    const privateKey = generated.data!.privateKey!.id;
    const signed = await clients.alpha.POST("/v1/tokens/{tokenId}/keys/{objectId}/hash-and-sign", {
      params: { path: { tokenId: mine, objectId: privateKey } },
      body: { data: signedData.toString("base64"), algorithm: "sha256" },
    });
    expect(signed.response.status).toBe(200);
    signatures.push(signed.data!.signature);
    const imported = await clients.alpha.POST("/v1/tokens/{tokenId}/certificates", {
      params: { path: { tokenId: mine } },
      body: { certificate: readFileSync(t.tls!.certificateDerPath).toString("base64"), ckLabel: "service TLS" },
    });
    expect(imported.response.status).toBe(201);
    const deleted = await clients.alpha.DELETE("/v1/tokens/{tokenId}/objects/{objectId}", { params: { path: { tokenId: mine, objectId: privateKey } } });
    expect(deleted.response.status).toBe(204);
    expect(
      (await clients.alpha.POST("/v1/tokens/{tokenId}/pins/{pinNumber}/logout", { params: { path: { tokenId: mine, pinNumber: 0 } } })).response.status,
    ).toBe(200);
  });

  it("limits a key's rate with 429 SCWS_RATE_LIMITED and Retry-After", async () => {
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await clients.slow.GET("/v1/readers"));
    expect(answers.slice(0, 2).map((answer) => answer.response.status)).toEqual([200, 200]);
    const limited = answers[2]!;
    expect(limited.response.status).toBe(429);
    expect(limited.error?.code).toBe("SCWS_RATE_LIMITED");
    expect(Number(limited.response.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    // Another key is not slowed by it.
    expect((await clients.beta.GET("/v1/readers")).response.status).toBe(200);
  });

  it("writes the security events to the audit log, and no PIN, key or signed data", async () => {
    const lines = readFileSync(join(t.dataDir, "audit.jsonl"), "utf8").trim().split("\n");
    const events = lines.map((line) => JSON.parse(line) as Record<string, string>);
    const by = (event: string, caller?: string) => events.filter((entry) => entry.event === event && (caller === undefined || entry.caller === caller));
    expect(by("loginFailed", "k-alpha")[0]).toMatchObject({ code: "CKR_PIN_INCORRECT", token: expect.any(String) });
    expect(by("loginSucceeded", "k-alpha")).toHaveLength(1);
    expect(by("loginFailed", "k-beta")[0]).toMatchObject({ code: "CKR_USER_ANOTHER_ALREADY_LOGGED_IN" });
    expect(
      by("keyGenerated", "k-alpha")
        .map((entry) => entry.objectType)
        .sort(),
    ).toEqual(["privateKey", "publicKey"]);
    expect(by("objectImported", "k-alpha").map((entry) => entry.objectType)).toEqual(["certificate"]);
    expect(by("objectDeleted", "k-alpha")).toHaveLength(1);
    expect(by("logout", "k-alpha")).toHaveLength(1);
    expect(by("credentialRefused").map((entry) => entry.code)).toEqual(
      expect.arrayContaining(["SCWS_CREDENTIAL_REQUIRED", "SCWS_CREDENTIAL_INVALID", "SCWS_RATE_LIMITED"]),
    );
    for (const entry of events) expect(Number.isNaN(Date.parse(entry.time!))).toBe(false);
    const text = lines.join("\n");
    expect(
      findLeak(text, [t.tokens["shared-a"]!.pin, t.tokens["shared-a"]!.soPin, ...Object.values(t.keys), signedData.toString("base64"), ...signatures]),
    ).toBeUndefined();
    expect(text).not.toContain(createHash("sha256").update(signedData).digest("hex"));
  });
});
