import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScws } from "./facade/scws.js";
import { closedPort, fakeOpenScws, hang, httpServer, type Listening, readerWithToken, sendJson, tcpServer } from "./testing/fake-services.js";
import { rejection } from "./testing/rejection.js";
import { createScwsClient } from "./typed-client.js";

// The errors the client raises itself, over real sockets on 127.0.0.1: nothing listening, a server that never
// answers, servers that answer garbage, and a service that sends a code this client does not know.

const servers: Listening[] = [];
async function started(server: Promise<Listening>): Promise<Listening> {
  servers.push(await server);
  return servers.at(-1)!;
}
afterAll(() => Promise.all(servers.map((server) => server.close())));

describe("MWR_SCWS_UNREACHABLE", () => {
  let port: number;
  beforeAll(async () => {
    port = await closedPort();
  });

  it("is raised by a call to a closed port", async () => {
    const error = await rejection(createScwsClient(`http://127.0.0.1:${port}`).GET("/v1/readers"));
    expect(error).toMatchObject({ code: "MWR_SCWS_UNREACHABLE", httpStatus: 0, customData: { reason: "ECONNREFUSED" } });
  });

  it("is raised by findService when no candidate port answers", async () => {
    const error = await rejection(createScws({ ports: [port] }).findService());
    expect(error.code).toBe("MWR_SCWS_UNREACHABLE");
    expect(error.customData.candidates).toEqual([{ url: `http://127.0.0.1:${port}`, code: "MWR_SCWS_UNREACHABLE" }]);
  });
});

describe("MWR_SCWS_COMM_TIMEOUT", () => {
  it("is raised when a server accepts the call and never answers", async () => {
    const silent = await started(httpServer(hang));
    const error = await rejection(createScwsClient(silent.url, { timeoutMs: 200 }).GET("/v1/readers"));
    expect(error).toMatchObject({ code: "MWR_SCWS_COMM_TIMEOUT", customData: { limit: 200 } });
  });

  it("is raised when the answer's body stops coming", async () => {
    const stalled = await started(
      httpServer((_request, response) => {
        response.writeHead(200, { "content-type": "application/json", "content-length": "100" }).write('{"readers":');
      }),
    );
    const error = await rejection(createScwsClient(stalled.url, { timeoutMs: 200 }).GET("/v1/readers"));
    expect(error.code).toBe("MWR_SCWS_COMM_TIMEOUT");
  });

  it("is raised by a facade call after the service was found", async () => {
    const service = await started(fakeOpenScws({ "GET /v1/readers": hang }));
    const scws = createScws({ baseUrl: service.url, ports: [], timeoutMs: 200 });
    await scws.findService();
    expect((await rejection(scws.updateReaderList())).code).toBe("MWR_SCWS_COMM_TIMEOUT");
  });

  it("makes findService pass over a candidate that does not answer in time", async () => {
    const silent = await started(httpServer(hang));
    const error = await rejection(createScws({ ports: [silent.port], discoveryTimeoutMs: 200 }).findService());
    expect(error.customData.candidates).toEqual([{ url: silent.url, code: "MWR_SCWS_COMM_TIMEOUT" }]);
  });
});

describe("MWR_SCWS_COMM_ERROR", () => {
  it.each([
    [
      "HTML instead of JSON",
      () =>
        httpServer((_request, response) => {
          response.writeHead(200, { "content-type": "text/html" }).end("<html>It works!</html>");
        }),
      /content type text\/html is not declared/,
    ],
    ["JSON of another shape", () => httpServer((_request, response) => sendJson(response, 200, { items: [] })), /must have the property readers/],
    [
      "bytes that are not HTTP",
      () =>
        tcpServer((socket) => {
          socket.end("SSH-2.0-OpenSSH_9.2\r\n\r\n");
        }),
      /the connection broke \(HPE_/,
    ],
    [
      "an answer cut off in the middle",
      () =>
        httpServer((_request, response) => {
          response.writeHead(200, { "content-type": "application/json", "content-length": "100" }).write('{"readers":', () => response.destroy());
        }),
      /cut off|the connection broke/,
    ],
  ])("is raised by a server that answers %s", async (_name, start, reason) => {
    const server = await started(start());
    const error = await rejection(createScwsClient(server.url).GET("/v1/readers"));
    expect(error.code).toBe("MWR_SCWS_COMM_ERROR");
    expect(error.customData.reason).toMatch(reason);
  });

  it("is raised by a facade call when a reader list breaks the spec", async () => {
    const service = await started(
      fakeOpenScws({ "GET /v1/readers": (_request, response) => sendJson(response, 200, { readers: [{ ...readerWithToken, status: "on fire" }] }) }),
    );
    const scws = createScws({ baseUrl: service.url, ports: [] });
    await scws.findService();
    const error = await rejection(scws.updateReaderList());
    expect(error).toMatchObject({ code: "MWR_SCWS_COMM_ERROR", httpStatus: 200 });
    expect(error.customData.reason).toMatch(/\/readers\/0\/status must be one of the values the spec lists/);
  });
});

describe("MWR_SCWS_UNKNOWN_ERROR", () => {
  it("is raised, with the HTTP status and what the service sent, for a code the catalogue does not know", async () => {
    const future = {
      type: "/docs/errors#CKR_FUTURE",
      title: "Future",
      status: 409,
      detail: "A newer service's error.",
      code: "CKR_FUTURE",
      customData: { limit: 3 },
    };
    const service = await started(
      fakeOpenScws({ [`POST /v1/readers/${readerWithToken.id}/connect`]: (_request, response) => sendJson(response, 409, future, "application/problem+json") }),
    );
    const scws = createScws({ baseUrl: service.url, ports: [] });
    await scws.findService();
    const [reader] = await scws.updateReaderList();
    const error = await rejection(reader!.connect());
    expect(error).toMatchObject({ code: "MWR_SCWS_UNKNOWN_ERROR", httpStatus: 409, message: future.detail });
    expect(error.customData).toEqual({ limit: 3, receivedCode: "CKR_FUTURE" });
  });
});
