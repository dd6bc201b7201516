import { ScwsError } from "@open-scws/errors";
import { assertConforms, startTestService, type TestService } from "@open-scws/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backEndSignature } from "../testing/facade-token.js";
import { closedPort } from "../testing/fake-services.js";
import type { Reader } from "./reader.js";
import { createScws, type Scws } from "./scws.js";

// The facade against the real service over SoftHSM; every answer it gets is checked against the spec as well.

const LABEL = "facade-main";

describe("the SCWS facade against the service", () => {
  let t: TestService;
  let scws: Scws;
  const added: string[] = [];
  const changed: string[] = [];

  /** The credential the facade's environment sends, as the service sees it. */
  let facadeCredential: string | undefined;

  /** The global fetch, with every answer checked against the spec on top of the client's own checks. */
  const checkedFetch = async (request: Request) => {
    const credential = request.headers.get("x-scws-environment");
    if (credential && credential !== facadeCredential) {
      facadeCredential = credential;
      // A secret like any other: no answer or log line may hold it.
      t.addCanary(credential);
    }
    const response = await fetch(request);
    await assertConforms(request.method, response);
    return response;
  };

  function readerOf(label: string): Reader {
    const reader = scws.readers.find((candidate) => candidate.tokenSummary?.label === label);
    if (!reader) throw new Error(`no reader holds ${label}`);
    return reader;
  }

  beforeAll(async () => {
    t = await startTestService({ tokenLabels: [LABEL] });
    scws = createScws({ ports: [await closedPort(), t.service.port], fetch: checkedFetch });
    scws.onreaderadded = (reader) => added.push(reader.name);
    scws.onreaderstatechanged = (reader) => changed.push(reader.name);
  });
  afterAll(() => t.close());

  it("finds the service by scanning ports on 127.0.0.1, skipping a closed one", async () => {
    await scws.findService();
    expect(scws.service).toMatchObject({ name: "open SCWS", capabilities: expect.arrayContaining(["readers", "tokens"]) });
  });

  it("finds the service at a given base URL", async () => {
    const direct = createScws({ baseUrl: t.service.url, ports: [] });
    await direct.findService();
    expect(direct.service?.name).toBe("open SCWS");
  });

  it("creates an environment with the back end's signature of the challenge, which lists the readers and fires onreaderadded for each, and then nothing while nothing changes", async () => {
    const challenge = await scws.findService(t.application.config.id);
    expect(challenge).toMatch(/^[0-9a-f]{64}$/);
    await scws.createEnvironment(backEndSignature(t, challenge));
    const { readers } = scws;
    expect(await scws.updateReaderList()).toBe(readers);
    expect(readerOf(LABEL)).toMatchObject({ cardPresent: true, status: "ok", tokenSummary: { label: LABEL, initialized: true } });
    expect(added).toEqual(readers.map((reader) => reader.name));
    await scws.updateReaderList();
    expect(added).toHaveLength(readers.length);
    expect(changed).toEqual([]);
  });

  it("gets a reader by name, synchronously, as the same object", () => {
    const reader = readerOf(LABEL);
    expect(scws.getReader(reader.name)).toBe(reader);
    expect(scws.getReader("no such reader")).toBeUndefined();
  });

  it("connects to the token and caches its properties and PINs as the service reports them", async () => {
    const reader = readerOf(LABEL);
    const token = await reader.connect();
    expect(token).toBeInstanceOf(scws.Token);
    expect(token.reader).toBe(reader);
    expect(token).toMatchObject({ label: LABEL, protectedAuthPath: false, manufacturer: "SoftHSM project", model: "SoftHSM v2" });
    expect(token.serialNumber).toBe(reader.tokenSummary?.serialNumber);
    // The connection belongs to the facade's environment: only its credential reads it.
    const answer = await t.fetch(`/v1/tokens/${token.id}`, { headers: { "x-scws-environment": facadeCredential! } });
    const data = (await answer.json()) as { flags: unknown; pinLength: unknown };
    expect(token.flags).toEqual(data.flags);
    expect(token.pinLength).toEqual(data.pinLength);
    expect(token.pins).toHaveLength(1);
    const [pin] = token.pins;
    expect(pin).toBeInstanceOf(scws.Pin);
    expect(pin?.token).toBe(token);
    expect(pin).toMatchObject({ number: 0, initialized: true, blocked: false, toBeChanged: false, validated: false, soValidated: false });
    await token.disconnect();
  });

  it("disconnects, after which the connection answers SCWS's CKR_TOKEN_NOT_PRESENT (the service's CKR_SESSION_HANDLE_INVALID in customData)", async () => {
    const token = await readerOf(LABEL).connect();
    await expect(token.disconnect()).resolves.toBeUndefined();
    const error = await token.disconnect().catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(scws.Error);
    expect(error).toMatchObject({
      code: "CKR_TOKEN_NOT_PRESENT",
      httpStatus: 404,
      customData: { field: "/path/tokenId", serviceCode: "CKR_SESSION_HANDLE_INVALID" },
    });
  });

  it("refuses to connect to a token that is not initialised with CKR_TOKEN_NOT_RECOGNIZED", async () => {
    const blank = scws.readers.find((reader) => reader.cardPresent && reader.tokenSummary?.initialized === false);
    if (!blank) throw new Error("SoftHSM always offers one uninitialised token");
    const error = await blank.connect().catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(ScwsError);
    expect(error).toMatchObject({ code: "CKR_TOKEN_NOT_RECOGNIZED", httpStatus: 422 });
  });

  it("aborts a call when the caller's signal says so", async () => {
    const controller = new AbortController();
    controller.abort(new Error("the user left"));
    await expect(readerOf(LABEL).connect({ signal: controller.signal })).rejects.toThrow("the user left");
  });
});
