import { readFileSync } from "node:fs";
import { ScwsError } from "@open-scws/errors";
import { afterEach, describe, expect, it, vi } from "vitest";
import { readerWithToken, serviceInfo } from "../testing/fake-services.js";
import { rejection } from "../testing/rejection.js";
import { version } from "../version.js";
import { Certificate } from "./certificate.js";
import { DataContainer } from "./data-container.js";
import { Key } from "./key.js";
import { ScwsObject } from "./objects.js";
import { createScws, SCWS, type Scws, type ScwsOptions } from "./scws.js";

// The facade with an injected fetch that plays several services, one per base URL.

type Behaviour = "open SCWS" | "other product" | "refused" | { readers: unknown[] };

function services(byOrigin: Record<string, Behaviour>) {
  const asked: string[] = [];
  const fetch = async (request: Request) => {
    const url = new URL(request.url);
    asked.push(`${url.origin}${url.pathname}`);
    const behaviour = byOrigin[url.origin] ?? "refused";
    if (behaviour === "refused") throw new TypeError("fetch failed", { cause: Object.assign(new Error("refused"), { code: "ECONNREFUSED" }) });
    const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json" } });
    if (url.pathname === "/v1/service") return json(behaviour === "other product" ? { ...serviceInfo, name: "Other" } : serviceInfo);
    return json({ readers: typeof behaviour === "object" ? behaviour.readers : [readerWithToken] });
  };
  return { fetch, asked };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("SCWS.findService", () => {
  it("keeps the first candidate, in the order given, that answers as open SCWS", async () => {
    const { fetch } = services({ "http://127.0.0.1:8931": "other product", "http://127.0.0.1:8932": "open SCWS", "http://10.0.0.1:9000": "open SCWS" });
    const scws = createScws({ fetch });
    await expect(scws.findService()).resolves.toBeUndefined();
    expect(scws.service).toEqual(serviceInfo);
    await scws.updateReaderList();
    expect(scws.readers.map((reader) => reader.name)).toEqual([readerWithToken.name]);
  });

  it("tries the given base URL before the ports", async () => {
    const { fetch, asked } = services({ "http://127.0.0.1:8930": "open SCWS", "https://scws.example:9443": { readers: [] } });
    const scws = createScws({ fetch, baseUrl: "https://scws.example:9443/" });
    await scws.findService();
    await scws.updateReaderList();
    expect(asked.at(-1)).toBe("https://scws.example:9443/v1/readers");
  });

  it("rejects with MWR_SCWS_UNREACHABLE, saying what each candidate did, when none answers as open SCWS", async () => {
    const { fetch } = services({ "http://127.0.0.1:8931": "other product" });
    const error = await rejection(createScws({ fetch }).findService());
    expect(error.code).toBe("MWR_SCWS_UNREACHABLE");
    expect(error.customData.candidates).toEqual([
      { url: "http://127.0.0.1:8930", code: "MWR_SCWS_UNREACHABLE" },
      { url: "http://127.0.0.1:8931", code: "MWR_SCWS_COMM_ERROR" },
      { url: "http://127.0.0.1:8932", code: "MWR_SCWS_UNREACHABLE" },
    ]);
  });

  it("says the service is not running (customData.reason) where there is no Local Network Access permission, as in Node", async () => {
    const error = await rejection(createScws({ fetch: services({}).fetch }).findService());
    expect(error).toMatchObject({ code: "MWR_SCWS_UNREACHABLE", customData: { reason: "not-running" } });
    expect(error.message).toMatch(/service is running/);
  });
});

describe("SCWS.updateReaderList", () => {
  it("rejects with MWR_SCWS_UNREACHABLE before findService found the service", async () => {
    const error = await rejection(createScws({ fetch: services({}).fetch }).updateReaderList());
    expect(error.code).toBe("MWR_SCWS_UNREACHABLE");
  });

  it("resolves to SCWS.readers and fires the callbacks, going on past one that throws", async () => {
    const { fetch } = services({ "http://127.0.0.1:8930": "open SCWS" });
    const reported = vi.spyOn(console, "error").mockImplementation(() => {});
    const scws = createScws({ fetch });
    await scws.findService();
    const seen: string[] = [];
    scws.onreaderadded = (reader) => {
      seen.push(reader.name);
      throw new Error("a bug in the application");
    };
    await expect(scws.updateReaderList()).resolves.toBe(scws.readers);
    expect(seen).toEqual([readerWithToken.name]);
    expect(reported).toHaveBeenCalledWith(expect.objectContaining({ message: "a bug in the application" }));
  });
});

describe("arguments refused with MWR_SCWS_BAD_PARAMS before anything is sent", () => {
  it.each<[string, ScwsOptions, string]>([
    ["a port out of range", { ports: [70_000] }, "ports"],
    ["ports that are not a list", { ports: "8930" as unknown as number[] }, "ports"],
    ["no candidate at all", { ports: [] }, "ports"],
    ["a base URL that is not a URL", { baseUrl: "scws" }, "baseUrl"],
    ["a zero timeout", { timeoutMs: 0 }, "timeoutMs"],
    ["an endless discovery timeout", { discoveryTimeoutMs: Number.POSITIVE_INFINITY }, "discoveryTimeoutMs"],
  ])("createScws with %s", (_name, options, field) => {
    expect(() => createScws(options)).toThrow(expect.objectContaining({ code: "MWR_SCWS_BAD_PARAMS", customData: expect.objectContaining({ field }) }));
  });

  it.each<[string, (scws: Scws) => Promise<unknown>, string]>([
    ["findService with a certificate that is not a string", (scws) => scws.findService(42 as unknown as string), "webAppCert"],
    ["findService with a challenge that is not hex", (scws) => scws.findService("intranet", "xyz"), "/body/clientChallenge"],
    ["updateReaderList with a signal that is not one", (scws) => scws.updateReaderList({ signal: "stop" as unknown as AbortSignal }), "options.signal"],
  ])("%s", async (_name, call, field) => {
    const { fetch, asked } = services({ "http://127.0.0.1:8930": "open SCWS" });
    const error = await rejection(call(createScws({ fetch })));
    expect(error).toMatchObject({ code: "MWR_SCWS_BAD_PARAMS", customData: { field } });
    expect(asked).toEqual([]);
  });

  it("getReader with a name that is not a string, synchronously", () => {
    expect(() => createScws().getReader(7 as unknown as string)).toThrow(expect.objectContaining({ code: "MWR_SCWS_BAD_PARAMS" }));
  });
});

describe("the SCWS object", () => {
  it("reports the library's version", () => {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
    expect(SCWS.version).toBe(pkg.version);
    expect(version).toBe(pkg.version);
  });

  it("offers SCWS.Error and the classes of the SCWS API", () => {
    expect(SCWS.Error).toBe(ScwsError);
    expect(new SCWS.Error("Wrong PIN", "CKR_PIN_INCORRECT", 403, { remainingTries: 2 })).toMatchObject({ code: "CKR_PIN_INCORRECT", httpStatus: 403 });
    for (const kind of [Certificate, Key, DataContainer]) expect(kind.prototype).toBeInstanceOf(ScwsObject);
    expect(SCWS.Object).toBe(ScwsObject);
  });

  it("starts with no readers and no service", () => {
    const scws = createScws();
    expect(scws.readers).toEqual([]);
    expect(scws.service).toBeUndefined();
    expect(scws.getReader("anything")).toBeUndefined();
  });
});
