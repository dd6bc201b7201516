import { describe, expect, expectTypeOf, it, vi } from "vitest";
import { readerWithToken, serviceInfo } from "../testing/fake-services.js";
import { reachableText } from "../testing/reachable-text.js";
import { rejection } from "../testing/rejection.js";
import type { BytesOrHex } from "./bytes.js";
import type { EnvironmentInfo, ServiceChallenge } from "./environment.js";
import type { ReaderEventSink, ReaderEventSource } from "./reader-registry.js";
import { createScws, type Scws } from "./scws.js";

// SCWS.findService(webAppCert[, challenge]) and SCWS.createEnvironment(signature) with an injected fetch that plays
// services with environments: what is sent, what is resolved, and where the credential goes (every call, and
// nowhere a page could read it).

const CHALLENGE = "9f".repeat(32);
const SIGNATURE = "5a".repeat(64);
const CREDENTIAL = "canaryCredential-0123456789abcdefghijklmnop";
const CRYPTOGRAM = "c3".repeat(64);

interface Sent {
  readonly origin: string;
  readonly method: string;
  readonly path: string;
  readonly credential: string | null;
  readonly body: unknown;
}

/** Services at these origins, each with environments; `refuseSignature` answers every signature CKR_SIGNATURE_INVALID. */
function services(origins: readonly string[], { refuseSignature = false } = {}) {
  const sent: Sent[] = [];
  const json = (status: number, body: unknown, type = "application/json") => new Response(JSON.stringify(body), { status, headers: { "content-type": type } });
  const fetch = async (request: Request) => {
    const url = new URL(request.url);
    if (!origins.includes(url.origin)) throw new TypeError("fetch failed", { cause: Object.assign(new Error("refused"), { code: "ECONNREFUSED" }) });
    const text = await request.text();
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
    sent.push({ origin: url.origin, method: request.method, path: url.pathname, credential: request.headers.get("x-scws-environment"), body });
    const route = `${request.method} ${url.pathname}`;
    if (route === "GET /v1/service") return json(200, serviceInfo);
    if (route === "POST /v1/environments/challenges") {
      const proof = body?.clientChallenge ? { serviceProof: { cryptogram: CRYPTOGRAM, keyId: "3f2a9c1b7d4e5f60", algorithm: "Ed25519" } } : {};
      return json(201, {
        challengeId: `c-${"1".repeat(32)}`,
        challenge: CHALLENGE,
        message: `open-scws-environment:${CHALLENGE}`,
        expiresAt: "2026-11-29T16:31:00.000Z",
        ...proof,
      });
    }
    if (route === "POST /v1/environments") {
      // A missing signature passes, as for a development registration; a wrong one does not.
      if (refuseSignature || (body?.signature !== undefined && body.signature !== SIGNATURE)) {
        const problem = { type: "/x", title: "x", status: 422, detail: "x", code: "CKR_SIGNATURE_INVALID", customData: { field: "/body/signature" } };
        return json(422, problem, "application/problem+json");
      }
      const environment = {
        id: `e-${"2".repeat(32)}`,
        applicationId: "intranet",
        createdAt: "2026-11-29T16:30:00.000Z",
        expiresAt: "2026-11-29T16:45:00.000Z",
      };
      return json(201, { ...environment, idleTimeoutSeconds: 900, connections: 0, credential: CREDENTIAL });
    }
    if (route === "DELETE /v1/environments/current") return new Response(null, { status: 204 });
    if (route === "GET /v1/readers") return json(200, { readers: [readerWithToken] });
    return json(404, { type: "/x", title: "x", status: 404, detail: "x", code: "SCWS_ROUTE_NOT_FOUND", customData: {} }, "application/problem+json");
  };
  return { fetch, sent };
}

describe("SCWS.findService with the application's id", () => {
  it("resolves to the service's challenge, a hex string, after asking for it for the application", async () => {
    const { fetch, sent } = services(["http://127.0.0.1:8930"]);
    const challenge = await createScws({ fetch }).findService("intranet");
    expect(challenge).toBe(CHALLENGE);
    expect(sent.at(-1)).toMatchObject({ method: "POST", path: "/v1/environments/challenges", body: { applicationId: "intranet" }, credential: null });
  });

  it("in mutual mode, sends the page's challenge and resolves to SCWS's challenge, cryptogram and keyID", async () => {
    const { fetch, sent } = services(["http://127.0.0.1:8930"]);
    const clientChallenge = "0F1E2D3C4B5A69788796A5B4C3D2E1F0";
    const answer = await createScws({ fetch }).findService("intranet", clientChallenge);
    expect(answer).toEqual({ challenge: CHALLENGE, cryptogram: CRYPTOGRAM, keyID: 0x3f2a9c1b, serviceKeyId: "3f2a9c1b7d4e5f60", algorithm: "Ed25519" });
    expect(sent.at(-1)?.body).toEqual({ applicationId: "intranet", clientChallenge });
  });

  it.each<[string, (scws: Scws) => Promise<unknown>, string]>([
    ["an id that is not a string", (scws) => scws.findService(42 as unknown as string), "webAppCert"],
    ["an id the spec does not allow", (scws) => scws.findService("Intranet App"), "/body/applicationId"],
    ["a challenge that is not hex", (scws) => scws.findService("intranet", "xyz"), "/body/clientChallenge"],
    ["a challenge shorter than 16 bytes", (scws) => scws.findService("intranet", "abcd"), "/body/clientChallenge"],
    ["a challenge without an id", (scws) => scws.findService(undefined, "ab".repeat(16) as never), "webAppCert"],
  ])("refuses %s with MWR_SCWS_BAD_PARAMS before looking for the service", async (_name, call, field) => {
    const { fetch, sent } = services(["http://127.0.0.1:8930"]);
    expect(await rejection(call(createScws({ fetch })))).toMatchObject({ code: "MWR_SCWS_BAD_PARAMS", customData: { field } });
    expect(sent).toEqual([]);
  });
});

describe("SCWS.createEnvironment", () => {
  it("answers the challenge with the signature, fills SCWS.readers, and every later call carries the credential", async () => {
    const { fetch, sent } = services(["http://127.0.0.1:8930"]);
    // Events off: the calls this test counts are the page's own (the event stream's credential is tested with events).
    const scws = createScws({ fetch, events: "off" });
    const added: string[] = [];
    scws.onreaderadded = (reader) => added.push(reader.name);
    await scws.findService("intranet");
    await expect(scws.createEnvironment(SIGNATURE.toUpperCase())).resolves.toBeUndefined();
    expect(sent.find((request) => request.path === "/v1/environments")?.body).toEqual({ challengeId: `c-${"1".repeat(32)}`, signature: SIGNATURE });
    expect(added).toEqual([readerWithToken.name]);
    expect(scws.environment).toEqual({
      id: `e-${"2".repeat(32)}`,
      applicationId: "intranet",
      createdAt: "2026-11-29T16:30:00.000Z",
      expiresAt: "2026-11-29T16:45:00.000Z",
      idleTimeoutSeconds: 900,
      connections: 0,
    });
    await scws.updateReaderList();
    const after = sent.slice(sent.findIndex((request) => request.path === "/v1/environments") + 1);
    expect(after.map((request) => `${request.method} ${request.path} ${request.credential}`)).toEqual([
      `GET /v1/readers ${CREDENTIAL}`,
      `GET /v1/readers ${CREDENTIAL}`,
    ]);
  });

  it("takes the signature as bytes too, and none for a development registration", async () => {
    const { fetch, sent } = services(["http://127.0.0.1:8930"]);
    const scws = createScws({ fetch });
    await scws.findService("intranet");
    await scws.createEnvironment(Uint8Array.from(Buffer.from(SIGNATURE, "hex")).buffer);
    await scws.findService("intranet");
    await scws.createEnvironment();
    expect(sent.filter((request) => request.path === "/v1/environments").map((request) => request.body)).toEqual([
      { challengeId: `c-${"1".repeat(32)}`, signature: SIGNATURE },
      { challengeId: `c-${"1".repeat(32)}` },
    ]);
  });

  it("keeps no credential after a wrong signature, and asks for a new challenge before another try", async () => {
    const { fetch, sent } = services(["http://127.0.0.1:8930"], { refuseSignature: true });
    const scws = createScws({ fetch });
    await scws.findService("intranet");
    expect(await rejection(scws.createEnvironment(SIGNATURE))).toMatchObject({ code: "CKR_SIGNATURE_INVALID", httpStatus: 422 });
    expect(scws.environment).toBeUndefined();
    expect(scws.readers).toEqual([]);
    const again = await rejection(scws.createEnvironment(SIGNATURE));
    expect(again).toMatchObject({ code: "MWR_SCWS_BAD_PARAMS", customData: { field: "signature" } });
    expect(sent.filter((request) => request.path === "/v1/environments")).toHaveLength(1);
  });

  it.each<[string, (scws: Scws) => Promise<unknown>, string]>([
    ["a signature that is neither bytes nor hex", (scws) => scws.createEnvironment("not hex"), "signature"],
    ["a signature that is a number", (scws) => scws.createEnvironment(42 as unknown as string), "signature"],
    ["a signature shorter than 16 bytes", (scws) => scws.createEnvironment("abcd"), "/body/signature"],
  ])("refuses %s with MWR_SCWS_BAD_PARAMS, sending nothing", async (_name, call, field) => {
    const { fetch, sent } = services(["http://127.0.0.1:8930"]);
    const scws = createScws({ fetch });
    await scws.findService("intranet");
    const before = sent.length;
    expect(await rejection(call(scws))).toMatchObject({ code: "MWR_SCWS_BAD_PARAMS", customData: { field } });
    expect(sent).toHaveLength(before);
  });

  it("rejects with MWR_SCWS_UNREACHABLE before the service is found", async () => {
    expect((await rejection(createScws({ fetch: services([]).fetch }).createEnvironment(SIGNATURE))).code).toBe("MWR_SCWS_UNREACHABLE");
  });

  it("leaves the credential nowhere a page can read it: not on SCWS, its readers, its environment or its errors", async () => {
    const { fetch } = services(["http://127.0.0.1:8930"]);
    const scws = createScws({ fetch });
    await scws.findService("intranet");
    await scws.createEnvironment(SIGNATURE);
    // An error of a call that carried the credential (the fake knows no connect), and one raised before sending.
    const errors = [await rejection(scws.readers[0]!.connect()), await rejection(scws.createEnvironment(SIGNATURE))];
    expect(errors.map((error) => error.code)).toEqual(["CKR_FUNCTION_NOT_SUPPORTED", "MWR_SCWS_BAD_PARAMS"]);
    expect(errors[0]!.customData.serviceCode).toBe("SCWS_ROUTE_NOT_FOUND");
    expect(reachableText(scws, scws.readers, scws.environment, errors)).not.toContain(CREDENTIAL);
  });
});

describe("the environment's life", () => {
  it("starts the reader event source once an environment exists, and forgets both when another service is found", async () => {
    const running = ["http://127.0.0.1:8930"];
    const { fetch, sent } = services(running);
    const stop = vi.fn();
    const sinks: ReaderEventSink[] = [];
    const readerEvents = vi.fn<ReaderEventSource>((_service, sink) => {
      sinks.push(sink);
      return stop;
    });
    const scws = createScws({ fetch, ports: [8930, 8931], readerEvents });
    const changed: string[] = [];
    scws.onreaderstatechanged = (reader) => changed.push(`${reader.name} ${reader.cardPresent}`);
    await scws.findService("intranet");
    expect(readerEvents).not.toHaveBeenCalled();
    await scws.createEnvironment(SIGNATURE);
    expect(readerEvents).toHaveBeenCalledTimes(1);
    sinks[0]!.upsert({ ...readerWithToken, cardPresent: false });
    expect(changed).toEqual([`${readerWithToken.name} false`]);
    await scws.findService();
    expect(scws.environment).toBeDefined();
    running.splice(0, 1, "http://127.0.0.1:8931");
    await scws.findService();
    expect(stop).toHaveBeenCalledTimes(1);
    expect(scws.environment).toBeUndefined();
    expect(scws.readers).toEqual([]);
    await scws.updateReaderList();
    expect(sent.at(-1)).toMatchObject({ origin: "http://127.0.0.1:8931", path: "/v1/readers", credential: null });
  });

  it("ends the environment on the service, and later calls carry no credential", async () => {
    const { fetch, sent } = services(["http://127.0.0.1:8930"]);
    const scws = createScws({ fetch });
    await scws.findService("intranet");
    await scws.endEnvironment();
    expect(sent.some((request) => request.method === "DELETE")).toBe(false);
    await scws.createEnvironment(SIGNATURE);
    await scws.endEnvironment();
    expect(sent.at(-1)).toMatchObject({ method: "DELETE", path: "/v1/environments/current", credential: CREDENTIAL });
    expect(scws.environment).toBeUndefined();
    await scws.updateReaderList();
    expect(sent.at(-1)?.credential).toBeNull();
  });
});

describe("the environment's types", () => {
  it("types findService by its arguments, as SCWS's two forms resolve", () => {
    expectTypeOf<ReturnType<typeof call0>>().toEqualTypeOf<Promise<void>>();
    expectTypeOf<ReturnType<typeof call1>>().toEqualTypeOf<Promise<string>>();
    expectTypeOf<ReturnType<typeof call2>>().toEqualTypeOf<Promise<ServiceChallenge>>();
    expectTypeOf<ServiceChallenge>().toEqualTypeOf<{
      readonly challenge: string;
      readonly cryptogram: string;
      readonly keyID: number;
      readonly serviceKeyId: string;
      readonly algorithm: "Ed25519";
    }>();
    expectTypeOf<Scws["createEnvironment"]>().parameters.toEqualTypeOf<[signature?: BytesOrHex | null, options?: { readonly signal?: AbortSignal }]>();
    expectTypeOf<EnvironmentInfo>().not.toHaveProperty("credential");
    expectTypeOf<Scws["environment"]>().toEqualTypeOf<EnvironmentInfo | undefined>();
  });
});

const call0 = (scws: Scws) => scws.findService();
const call1 = (scws: Scws) => scws.findService("intranet");
const call2 = (scws: Scws) => scws.findService("intranet", "ab".repeat(16));
