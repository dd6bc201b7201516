import type { components } from "@open-scws/spec";
import { describe, expect, it } from "vitest";
import type { ReaderEventSink } from "../facade/reader-registry.js";
import { createScws } from "../facade/scws.js";
import { Changes } from "../testing/changes.js";
import { readerWithToken, serviceInfo } from "../testing/fake-services.js";
import { createScwsClient } from "../typed-client.js";
import { serviceEvents } from "./service-events.js";

// The event follower against a scripted service (an injected fetch): what it asks, and what reaches the sink.

type ServiceEvent = components["schemas"]["ServiceEvent"];
type Reader = components["schemas"]["Reader"];

const BASE = "http://127.0.0.1:8930";
const TOKEN_ID = "t-6f1c2b3a4d5e6f708192a3b4c5d6e7f8";
const readerA: Reader = { ...readerWithToken, id: "r-000000000000000a", name: "A" };
const readerB: Reader = { ...readerWithToken, id: "r-000000000000000b", name: "B" };
const event = (id: number, type: ServiceEvent["type"], reader: Reader): ServiceEvent => ({ id, type, time: "2026-01-01T00:00:00.000Z", reader });
const frame = (e: ServiceEvent) => `id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`;
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
const CREDENTIAL = "events-test-credential-0123456789abcdefghij";
const CHALLENGE = "ab".repeat(32);
/** The answers of a development registration's environment: a challenge, then the environment without a signature. */
const environmentResponses: Record<string, () => Response> = {
  "/v1/environments/challenges": () =>
    json(
      { challengeId: `c-${"1".repeat(32)}`, challenge: CHALLENGE, message: `open-scws-environment:${CHALLENGE}`, expiresAt: "2026-11-29T16:31:00.000Z" },
      201,
    ),
  "/v1/environments": () =>
    json(
      {
        id: `e-${"2".repeat(32)}`,
        applicationId: "demo",
        createdAt: "2026-11-29T16:30:00.000Z",
        expiresAt: "2026-11-29T16:45:00.000Z",
        idleTimeoutSeconds: 900,
        connections: 0,
        credential: CREDENTIAL,
      },
      201,
    ),
};

/**
 * A scripted service: each GET /v1/events answer is taken in turn from `answers`; readers from `readers()`; it makes
 * environments without a signature. `credentials` records the environment header of each events request.
 */
function scriptedService(answers: Array<(url: URL) => Response>, readers: () => Reader[]) {
  const asked = recorded();
  const credentials: Array<string | null> = [];
  const fetch = async (request: Request) => {
    const url = new URL(request.url);
    const streaming = request.headers.get("accept") === "text/event-stream";
    asked.push(`${url.pathname}${url.search}${streaming ? " (stream)" : ""}`);
    if (url.pathname === "/v1/service") return json(serviceInfo);
    const environment = environmentResponses[url.pathname];
    if (environment) return environment();
    if (url.pathname === "/v1/events") credentials.push(request.headers.get("x-scws-environment"));
    if (url.pathname === "/v1/readers") return json({ readers: readers() });
    const next = answers.shift();
    if (!next) return new Promise<Response>(() => {}); // no more script: a poll that never answers
    return next(url);
  };
  return { fetch, asked, credentials };
}

/** An SSE answer that sends `events` and then stays open (or ends, with `end`). */
const sse =
  (events: ServiceEvent[], end = false) =>
  () =>
    new Response(
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (const e of events) controller.enqueue(new TextEncoder().encode(frame(e)));
          if (end) controller.close();
        },
      }),
      { status: 200, headers: { "content-type": "text/event-stream" } },
    );

function recordingSink() {
  const calls = recorded();
  const sink: ReaderEventSink = {
    upsert: (state) => void calls.push(`upsert ${state.name} ${state.cardPresent}`),
    remove: (id) => void calls.push(`remove ${id}`),
    replaceAll: (states) => void calls.push(`replaceAll ${states.map((s) => s.name).join(",")}`),
    login: (change) => void calls.push(`login ${change.tokenId} ${change.reason}`),
  };
  return { calls, sink };
}

const changes = new Changes();
const recorded = () => changes.list();
const until = (condition: () => boolean) => changes.until(condition);

function follow(fetch: (request: Request) => Promise<Response>, transport: "fetch" | "poll" = "fetch") {
  const { calls, sink } = recordingSink();
  const service = { baseUrl: BASE, info: serviceInfo, client: createScwsClient(BASE, { fetch }) };
  const stop = serviceEvents({ transport, retryMs: 10 })(service, sink);
  return { calls, stop };
}

describe("serviceEvents", () => {
  it("reads the reader list once, then applies streamed events in order from the cursor it started at", async () => {
    const removedA = { ...readerA, cardPresent: false, token: undefined };
    const answers = [
      () => json({ events: [], cursor: 5 }),
      sse([event(6, "readerStateChanged", removedA), event(7, "readerAdded", readerB), event(8, "readerRemoved", readerA)]),
    ];
    const service = scriptedService(answers, () => [readerA]);
    const { calls, stop } = follow(service.fetch);
    await until(() => calls.length === 4);
    stop();
    expect(calls).toEqual(["replaceAll A", "upsert A false", "upsert B true", `remove ${readerA.id}`]);
    expect(service.asked).toEqual(["/v1/events?wait=0", "/v1/readers", "/v1/events?since=5 (stream)"]);
  });

  it("catches up from the last event seen when the stream ends, without applying an event twice", async () => {
    const answers = [
      () => json({ events: [], cursor: 1 }),
      sse([event(2, "readerAdded", readerB)], true),
      () => json({ events: [event(2, "readerAdded", readerB), event(3, "readerStateChanged", readerA)], cursor: 3 }),
      sse([]),
    ];
    const service = scriptedService(answers, () => [readerA]);
    const { calls, stop } = follow(service.fetch);
    await until(() => service.asked.length === 5);
    stop();
    expect(calls).toEqual(["replaceAll A", "upsert B true", "upsert A true"]);
    expect(service.asked.slice(2)).toEqual(["/v1/events?since=1 (stream)", "/v1/events?since=2&wait=0", "/v1/events?since=3 (stream)"]);
  });

  it("reads the whole reader list again when the service lost events or restarted (its cursor went back)", async () => {
    const answers = [
      () => json({ events: [], cursor: 10 }),
      sse([], true),
      () => json({ events: [], cursor: 2 }), // restarted: numbering began again
      sse([], true),
      () => json({ events: [], cursor: 40, missed: true }),
      sse([]),
    ];
    let listing = [readerA];
    const service = scriptedService(answers, () => listing);
    const { calls, stop } = follow(service.fetch);
    await until(() => calls.length === 1);
    listing = [readerB];
    await until(() => service.asked.filter((asked) => asked === "/v1/readers").length === 3);
    await until(() => service.asked.at(-1) === "/v1/events?since=40 (stream)");
    stop();
    expect(calls).toEqual(["replaceAll A", "replaceAll B", "replaceAll B"]);
  });

  it("polls with since and wait when the service answers a stream request with JSON", async () => {
    const answers = [
      () => json({ events: [], cursor: 1 }),
      () => json({ events: [], cursor: 1 }), // a proxy that drops the stream
      () => json({ events: [event(2, "readerAdded", readerB)], cursor: 2 }),
    ];
    const service = scriptedService(answers, () => [readerA]);
    const { calls, stop } = follow(service.fetch);
    await until(() => calls.length === 2);
    stop();
    expect(service.asked.slice(2, 4)).toEqual(["/v1/events?since=1 (stream)", "/v1/events?since=1&wait=25"]);
    expect(calls).toEqual(["replaceAll A", "upsert B true"]);
  });

  it("passes the caller's login changes on, and ignores an event that breaks the spec by reconnecting", async () => {
    const login = { tokenId: TOKEN_ID, readerId: readerA.id, validated: false, soValidated: false, reason: "tokenRemoved" as const };
    const broken = { id: 2, type: "readerAdded", time: "now", reader: { name: "no id" } } as unknown as ServiceEvent;
    const answers = [
      () => json({ events: [], cursor: 1 }),
      sse([broken]),
      () => json({ events: [{ id: 2, type: "loginStateChanged", time: "2026-01-01T00:00:00.000Z", login }], cursor: 2 }),
      sse([]),
    ];
    const service = scriptedService(answers, () => [readerA]);
    const { calls, stop } = follow(service.fetch);
    await until(() => calls.length === 2);
    stop();
    expect(calls).toEqual(["replaceAll A", `login ${TOKEN_ID} tokenRemoved`]);
  });

  it("makes no request once stopped, even while it waits to retry", async () => {
    const service = scriptedService([() => new Response("down", { status: 503 })], () => []);
    const { stop } = follow(service.fetch);
    await until(() => service.asked.length === 1);
    // Stopped means ended, retry timer included: nothing can be asked after this.
    await stop();
    expect(service.asked).toEqual(["/v1/events?wait=0"]);
  });
});

describe("SCWS with the service's events", () => {
  it("follows nothing once the service is found, and from createEnvironment on fires onreaderadded for the list and onreaderremoved for a removal event", async () => {
    const service = scriptedService([() => json({ events: [], cursor: 1 }), sse([event(2, "readerRemoved", readerA)])], () => [readerA]);
    const scws = createScws({ fetch: service.fetch, ports: [8930], events: "fetch" });
    const seen = recorded();
    scws.onreaderadded = (reader) => void seen.push(`added ${reader.name}`);
    scws.onreaderremoved = (reader) => void seen.push(`removed ${reader.name} ${reader.status}`);
    await scws.findService("demo");
    await scws.createEnvironment();
    await until(() => seen.length === 2);
    // Nothing about events was asked before the environment was created: its requests come first, in order.
    expect(service.asked.slice(0, 3)).toEqual(["/v1/service", "/v1/environments/challenges", "/v1/environments"]);
    scws.close();
    expect(seen).toEqual(["added A", "removed A unavailable"]);
    expect(scws.readers).toEqual([]);
    // The stream carries the environment's credential in its header, never in the URL.
    expect(service.credentials.length).toBeGreaterThanOrEqual(2);
    expect(service.credentials.every((credential) => credential === CREDENTIAL)).toBe(true);
    expect(service.asked.every((asked) => !asked.includes(CREDENTIAL))).toBe(true);
  });

  // A follower's first request goes out before createEnvironment resolves, so a call made after it is answered after
  // that request: the list read afterwards marks the point by which events would have been asked (shown with "poll").
  for (const [events, expected] of [
    ["off", ["/v1/service", "/v1/environments/challenges", "/v1/environments", "/v1/readers", "/v1/readers"]],
    ["poll", ["/v1/service", "/v1/environments/challenges", "/v1/environments", "/v1/events?wait=0", "/v1/readers", "/v1/readers"]],
  ] as const) {
    it(`follows ${events === "off" ? "no events with events: 'off'" : "events with events: 'poll' (the comparison)"}`, async () => {
      const service = scriptedService([() => json({ events: [], cursor: 1 })], () => [readerA]);
      const scws = createScws({ fetch: service.fetch, ports: [8930], events });
      await scws.findService("demo");
      await scws.createEnvironment();
      await scws.updateReaderList();
      scws.close();
      // The first six requests: with "off" there is no sixth, with "poll" the events request is among them.
      expect(service.asked.slice(0, 6)).toEqual(expected);
    });
  }
});
