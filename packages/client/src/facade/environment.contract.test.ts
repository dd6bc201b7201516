import { randomBytes, verify } from "node:crypto";
import { assertConforms, signChallenge, startTestService, type TestService, testApplication } from "@open-scws/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rejection } from "../testing/rejection.js";
import { environmentMessage, serviceMessage } from "../transport/environment.js";
import { createScws, type Scws } from "./scws.js";

// SCWS.findService(webAppCert[, challenge]) and SCWS.createEnvironment(signature) against the real service over
// SoftHSM: the back end's part is this process, signing with the test application's key as a web application's
// server would. Every answer is checked against the spec, and every credential is a canary for the service's log.

const LABEL = "env-facade";
const DEV_ORIGIN = "http://localhost:3000";

describe("SCWS environments against the service", () => {
  let t: TestService;
  const liveEnvironments = () => t.service.services.access.environments.size;
  /** The back end's signature of a challenge from findService. */
  const backEnd = (challenge: string) => signChallenge(t.application, environmentMessage(challenge));

  /** The global fetch (as a page of `origin`, when given), with answers checked against the spec and credentials made canaries. */
  const fetchFor = (origin?: string) => async (request: Request) => {
    const headers = new Headers(request.headers);
    if (origin) headers.set("origin", origin);
    const response = await fetch(new Request(request, { headers }));
    await assertConforms(request.method, response);
    if (new URL(request.url).pathname === "/v1/environments" && response.ok) {
      const { credential } = (await response.clone().json()) as { credential: string };
      t.addCanary(credential);
    }
    return response;
  };
  const scwsFor = (origin?: string): Scws => createScws({ ports: [t.service.port], fetch: fetchFor(origin) });

  beforeAll(async () => {
    t = await startTestService({
      tokenLabels: [LABEL],
      configure: (config) => ({ ...config, applications: [...config.applications, { id: "dev-app", origins: [DEV_ORIGIN], trustOrigin: true }] }),
    });
  });
  afterAll(() => t.close());

  it("creates an environment with the back end's signature of findService's challenge, then lists the readers and connects", async () => {
    const scws = scwsFor();
    const added: string[] = [];
    scws.onreaderadded = (reader) => added.push(reader.name);
    const before = liveEnvironments();
    const challenge = await scws.findService(t.application.config.id);
    expect(challenge).toMatch(/^[0-9a-f]{64}$/);
    expect(scws.readers).toEqual([]);
    await scws.createEnvironment(backEnd(challenge));
    expect(liveEnvironments()).toBe(before + 1);
    expect(scws.environment).toMatchObject({ applicationId: t.application.config.id, connections: 0, idleTimeoutSeconds: 900 });
    expect(scws.environment).not.toHaveProperty("credential");
    const reader = scws.readers.find((candidate) => candidate.tokenSummary?.label === LABEL);
    expect(added).toContain(reader?.name);
    const token = await reader!.connect();
    expect(token.label).toBe(LABEL);
    await token.disconnect();
  });

  it("in mutual mode, resolves the service's cryptogram of the page's challenge, which the service's public key verifies, and keyID names that key", async () => {
    const scws = scwsFor();
    const clientChallenge = randomBytes(32).toString("hex");
    const answer = await scws.findService(t.application.config.id, clientChallenge);
    const serviceKey = t.service.services.access.serviceKey;
    expect(answer).toMatchObject({ keyID: Number.parseInt(serviceKey.keyId.slice(0, 8), 16), serviceKeyId: serviceKey.keyId, algorithm: "Ed25519" });
    const cryptogram = Buffer.from(answer.cryptogram, "hex");
    expect(verify(null, Buffer.from(serviceMessage(clientChallenge)), serviceKey.publicKeyPem, cryptogram)).toBe(true);
    expect(verify(null, Buffer.from(serviceMessage(randomBytes(32).toString("hex"))), serviceKey.publicKeyPem, cryptogram)).toBe(false);
    // The back end trusts the service now, and signs; the signature may go in as bytes.
    await scws.createEnvironment(Buffer.from(backEnd(answer.challenge), "hex"));
    expect(scws.readers.map((reader) => reader.tokenSummary?.label)).toContain(LABEL);
  });

  it("rejects a signature by another key with CKR_SIGNATURE_INVALID, makes no environment, and spends the challenge", async () => {
    const scws = scwsFor();
    const impostor = testApplication(t.application.config.id);
    const before = liveEnvironments();
    const challenge = await scws.findService(t.application.config.id);
    const error = await rejection(scws.createEnvironment(signChallenge(impostor, environmentMessage(challenge))));
    expect(error).toMatchObject({ code: "CKR_SIGNATURE_INVALID", httpStatus: 422, customData: { field: "/body/signature" } });
    expect(liveEnvironments()).toBe(before);
    expect(scws.environment).toBeUndefined();
    expect(await rejection(scws.updateReaderList())).toMatchObject({
      code: "CXR_BROKEN_AUTHENTICATION",
      customData: { serviceCode: "SCWS_CREDENTIAL_REQUIRED" },
    });
    expect((await rejection(scws.createEnvironment(backEnd(challenge)))).code).toBe("MWR_SCWS_BAD_PARAMS");
  });

  it("rejects an application the service does not know with CXR_NOT_PERMITTED (the service's SCWS_APPLICATION_UNKNOWN)", async () => {
    const error = await rejection(scwsFor().findService("nobody"));
    expect(error).toMatchObject({ code: "CXR_NOT_PERMITTED", httpStatus: 403, customData: { serviceCode: "SCWS_APPLICATION_UNKNOWN" } });
  });

  it("gives a development registration's page an environment without a signature, bound to its origin", async () => {
    const scws = scwsFor(DEV_ORIGIN);
    const challenge = await scws.findService("dev-app");
    expect(challenge).toMatch(/^[0-9a-f]{64}$/);
    await scws.createEnvironment();
    expect(scws.environment).toMatchObject({ applicationId: "dev-app", origin: DEV_ORIGIN });
    expect(scws.readers.map((reader) => reader.tokenSummary?.label)).toContain(LABEL);
  });

  it("ends the environment: the service forgets it and its connections, and later calls need a new one", async () => {
    const scws = scwsFor();
    const challenge = await scws.findService(t.application.config.id);
    await scws.createEnvironment(backEnd(challenge));
    const token = await scws.readers.find((reader) => reader.tokenSummary?.label === LABEL)!.connect();
    const before = liveEnvironments();
    await scws.endEnvironment();
    expect(liveEnvironments()).toBe(before - 1);
    expect(scws.environment).toBeUndefined();
    expect(await rejection(token.getMechanisms())).toMatchObject({
      code: "CXR_BROKEN_AUTHENTICATION",
      customData: { serviceCode: "SCWS_CREDENTIAL_REQUIRED" },
    });
    await scws.createEnvironment(backEnd(await scws.findService(t.application.config.id)));
    // A new environment does not inherit the old one's connection.
    expect(await rejection(token.getMechanisms())).toMatchObject({ code: "CKR_TOKEN_NOT_PRESENT", customData: { serviceCode: "CKR_SESSION_HANDLE_INVALID" } });
  });
});
