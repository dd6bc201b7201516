import { generateKeyPairSync, sign, verify } from "node:crypto";
import { connectByLabel, login, pinState, signChallenge, startTestService, type TestService, testApplication } from "@open-scws/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { environmentMessage, serviceMessage } from "../security/signatures.js";

const LABEL = "env-token";

describe("environments: an application proves itself and gets a credential", () => {
  const ecApp = testApplication("ec-app");
  const rsaKeys = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const rsaApp = { ...ecApp, config: { ...ecApp.config, id: "rsa-app", publicKey: rsaKeys.publicKey.export({ type: "spki", format: "pem" }) as string } };
  const p256 = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const p256App = {
    config: {
      id: "p256-app",
      origins: ["http://127.0.0.1:1"],
      publicKey: p256.publicKey.export({ type: "spki", format: "pem" }) as string,
      trustOrigin: false,
    },
  };
  const devApp = { id: "dev-app", origins: ["http://localhost:3000"], trustOrigin: true };
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({
      tokenLabels: [LABEL],
      configure: (config) => ({
        ...config,
        applications: [...config.applications, ecApp.config, rsaApp.config, p256App.config, devApp],
        environments: { ...config.environments, maxEnvironmentsPerApplication: 3, maxConnectionsPerEnvironment: 2 },
      }),
    });
  });
  afterAll(() => t.close());

  const challenge = async (applicationId: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) => {
    const { data, error, response } = await t.anonymous.POST("/v1/environments/challenges", { body: { applicationId, ...extra }, headers });
    return { data: data!, error, response };
  };
  const environment = (challengeId: string, signature?: string, headers: Record<string, string> = {}) =>
    t.anonymous.POST("/v1/environments", { body: { challengeId, ...(signature ? { signature } : {}) }, headers });

  it.each([
    ["Ed25519", (message: string) => signChallenge(ecApp, message), "ec-app"],
    ["RSA PKCS#1 v1.5 with SHA-256", (message: string) => sign("sha256", Buffer.from(message), rsaKeys.privateKey).toString("hex"), "rsa-app"],
    ["ECDSA P-256, DER", (message: string) => sign("sha256", Buffer.from(message), p256.privateKey).toString("hex"), "p256-app"],
    [
      "ECDSA P-256, raw r||s",
      (message: string) => sign("sha256", Buffer.from(message), { key: p256.privateKey, dsaEncoding: "ieee-p1363" }).toString("hex"),
      "p256-app",
    ],
  ])("creates an environment from a challenge signed with %s", async (_name, signer, applicationId) => {
    const issued = await challenge(applicationId);
    expect(issued.response.status).toBe(201);
    expect(issued.data.message).toBe(environmentMessage(issued.data.challenge));
    const created = await environment(issued.data.challengeId, signer(issued.data.message));
    expect(created.response.status).toBe(201);
    expect(created.data).toMatchObject({ applicationId, connections: 0, idleTimeoutSeconds: 900, credential: expect.stringMatching(/^[\w-]{43}$/) });
    t.addCanary(created.data!.credential!);
  });

  it("refuses a wrong signature with CKR_SIGNATURE_INVALID, and the challenge cannot be used again", async () => {
    const issued = await challenge("ec-app");
    const wrong = await environment(issued.data.challengeId, signChallenge(ecApp, environmentMessage("00".repeat(32))));
    expect(wrong.response.status).toBe(422);
    expect(wrong.error).toMatchObject({ code: "CKR_SIGNATURE_INVALID", customData: { field: "/body/signature" } });
    const again = await environment(issued.data.challengeId, signChallenge(ecApp, issued.data.message));
    expect(again.response.status).toBe(401);
    expect(again.error?.code).toBe("SCWS_CHALLENGE_INVALID");
  });

  it("refuses an unknown application, and a key-less development registration asked without its origin", async () => {
    expect((await challenge("nobody")).error?.code).toBe("SCWS_APPLICATION_UNKNOWN");
    expect((await challenge("dev-app")).error?.code).toBe("SCWS_APPLICATION_UNKNOWN");
  });

  it("gives a development registration an environment without a signature, for its origin only", async () => {
    const origin = { origin: "http://localhost:3000" };
    const issued = await challenge("dev-app", {}, origin);
    const created = await environment(issued.data.challengeId, undefined, origin);
    expect(created.data).toMatchObject({ applicationId: "dev-app", origin: "http://localhost:3000" });
    expect(created.response.headers.get("access-control-allow-origin")).toBe("http://localhost:3000");
    const credential = created.data!.credential!;
    t.addCanary(credential);
    const fromPage = await t.fetch("/v1/readers", { headers: { "x-scws-environment": credential, ...origin } });
    expect(fromPage.status).toBe(200);
    const fromProgram = await t.fetch("/v1/readers", { headers: { "x-scws-environment": credential } });
    expect(fromProgram.status).toBe(200);
    // Another registered origin cannot use it: the environment is bound to the origin that made it.
    const fromOtherPage = await t.fetch("/v1/readers", { headers: { "x-scws-environment": credential, origin: "http://127.0.0.1:1" } });
    expect(fromOtherPage.status).toBe(403);
    expect((await fromOtherPage.json()).code).toBe("SCWS_ORIGIN_REFUSED");
  });

  it("signs the client's challenge with the service key (mutual mode), checkable with the pinned public key", async () => {
    const clientChallenge = "a1".repeat(16);
    const issued = await challenge("ec-app", { clientChallenge });
    const proof = issued.data.serviceProof!;
    expect(proof).toMatchObject({ algorithm: "Ed25519", keyId: t.service.services.access.serviceKey.keyId });
    const publicKey = t.service.services.access.serviceKey.publicKeyPem;
    expect(verify(null, Buffer.from(serviceMessage(clientChallenge)), publicKey, Buffer.from(proof.cryptogram, "hex"))).toBe(true);
    expect(verify(null, Buffer.from(serviceMessage("b2".repeat(16))), publicKey, Buffer.from(proof.cryptogram, "hex"))).toBe(false);
  });

  it("answers calls without a credential with 401 SCWS_CREDENTIAL_REQUIRED, and with a bad one SCWS_CREDENTIAL_INVALID", async () => {
    const missing = await t.anonymous.GET("/v1/readers");
    expect(missing.response.status).toBe(401);
    expect(missing.response.headers.get("www-authenticate")).toBe('SCWS-Environment realm="open-scws"');
    expect(missing.error).toMatchObject({ code: "SCWS_CREDENTIAL_REQUIRED", customData: { field: "/header/x-scws-environment" } });
    const forged = await t.fetch("/v1/readers", { headers: { "x-scws-environment": "A".repeat(43) } });
    expect((await forged.json()).code).toBe("SCWS_CREDENTIAL_INVALID");
  });

  it("never takes the credential from the query string", async () => {
    const response = await t.anonymous.GET("/v1/readers", { params: { query: { "x-scws-environment": t.credential } as never } });
    expect(response.response.status).toBe(401);
  });

  it("describes the caller's environment, and ending it ends its connections and logins", async () => {
    const other = await t.newEnvironment();
    const tokenId = await connectByLabel({ ...t, client: other.client }, LABEL);
    await other.client.POST("/v1/tokens/{tokenId}/pins/{pinNumber}/login", {
      params: { path: { tokenId, pinNumber: 0 } },
      body: { pin: t.tokens[LABEL]!.pin },
    });
    expect((await other.client.GET("/v1/environments/current")).data).toMatchObject({ id: other.callerId, connections: 1, applicationId: "tests" });
    expect((await other.client.DELETE("/v1/environments/current")).response.status).toBe(204);
    expect((await other.client.GET("/v1/environments/current")).error?.code).toBe("SCWS_CREDENTIAL_INVALID");
    const mine = await connectByLabel(t, LABEL);
    expect((await pinState(t, mine)).data?.validated).toBe(false);
    expect((await login(t, mine, t.tokens[LABEL]!.pin)).data?.validated).toBe(true);
  });

  it("ends an environment that idles past its timeout", async () => {
    const other = await t.newEnvironment();
    await connectByLabel({ ...t, client: other.client }, LABEL);
    await t.service.services.access.environments.sweep(Date.now() + 901_000);
    expect((await other.client.GET("/v1/readers")).error?.code).toBe("SCWS_CREDENTIAL_INVALID");
  });

  it("caps environments per application and connections per environment, with Retry-After", async () => {
    for (let i = 0; i < 3; i += 1) {
      const issued = await challenge("p256-app");
      await environment(issued.data.challengeId, sign("sha256", Buffer.from(issued.data.message), p256.privateKey).toString("hex"));
    }
    const issued = await challenge("p256-app");
    const refused = await environment(issued.data.challengeId, sign("sha256", Buffer.from(issued.data.message), p256.privateKey).toString("hex"));
    expect(refused.response.status).toBe(429);
    expect(refused.response.headers.get("retry-after")).toBe("30");
    expect(refused.error).toMatchObject({ code: "SCWS_LIMIT_REACHED", customData: { limit: 3 } });

    const other = await t.newEnvironment();
    const asOther = { ...t, client: other.client };
    await connectByLabel(asOther, LABEL);
    await connectByLabel(asOther, LABEL);
    await expect(connectByLabel(asOther, LABEL)).rejects.toThrow(/SCWS_LIMIT_REACHED/);
  });
});
