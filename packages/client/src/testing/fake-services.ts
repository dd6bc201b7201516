// Test helpers: small servers on 127.0.0.1 that misbehave on purpose (hang, answer garbage, cut answers off,
// send codes from the future), and values that pass for open SCWS answers. Used by tests only; not built.
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createTcpServer, type Server, type Socket } from "node:net";
import type { components } from "@open-scws/spec";

/** A server listening on a loopback port. */
export interface Listening {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** A request handler of node:http. */
export type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/** What a genuine service says about itself. */
export const serviceInfo: components["schemas"]["ServiceInfo"] = {
  name: "open SCWS",
  version: "0.1.0",
  apiVersion: "1.0.0",
  mode: "local",
  capabilities: ["readers", "tokens"],
  modules: [{ id: "softhsm", status: "ready" }],
};

/** A reader with a token in it. */
export const readerWithToken: components["schemas"]["Reader"] = {
  id: "r-0123456789abcdef",
  name: "Fake reader 0",
  cardPresent: true,
  status: "ok",
  moduleId: "softhsm",
  token: { label: "fake", serialNumber: "0001", initialized: true },
};

async function listening(server: Server, sockets: Set<Socket>): Promise<Listening> {
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** An HTTP server with the given handler. */
export function httpServer(handler: Handler): Promise<Listening> {
  return listening(createHttpServer(handler), new Set());
}

/** A TCP server that does whatever `onConnection` does with each connection, without speaking HTTP. */
export function tcpServer(onConnection: (socket: Socket) => void): Promise<Listening> {
  return listening(createTcpServer(onConnection), new Set());
}

/** A port on 127.0.0.1 where nothing listens (it was free a moment ago). */
export async function closedPort(): Promise<number> {
  const server = await httpServer(() => {});
  await server.close();
  return server.port;
}

/** Sends JSON with a status and content type. */
export function sendJson(response: ServerResponse, status: number, body: unknown, contentType = "application/json"): void {
  response.writeHead(status, { "content-type": contentType }).end(JSON.stringify(body));
}

/**
 * A service that passes for open SCWS in `GET /v1/service` and `GET /v1/readers`, and handles other requests (or
 * overrides those two) with `routes`, keyed `"METHOD /path"`.
 */
export function fakeOpenScws(routes: Record<string, Handler> = {}): Promise<Listening> {
  return httpServer((request, response) => {
    const key = `${request.method} ${request.url}`;
    const route = routes[key];
    if (route) return route(request, response);
    if (key === "GET /v1/service") return sendJson(response, 200, serviceInfo);
    if (key === "GET /v1/readers") return sendJson(response, 200, { readers: [readerWithToken] });
    sendJson(response, 404, { type: "/x", title: "x", status: 404, detail: "x", code: "SCWS_ROUTE_NOT_FOUND", customData: {} }, "application/problem+json");
  });
}

/** A handler that never answers. */
export const hang: Handler = () => {};
