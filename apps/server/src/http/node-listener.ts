// The Node side of the HTTP server, around the Hono app: answers as problem+json what never reaches the app.
// - A Host header that is not allowed is refused here (421 SCWS_HOST_REFUSED), because @hono/node-server cannot
//   build a request from some of them (127.0.0.1:8930@evil.example, 127.0.0.1:8930.evil.example,
//   [::ffff:127.0.0.1]:8930) and answered them with an empty 400. The app's host guard still checks the rest.
// - A request the adapter cannot read otherwise gets 400 CKR_ARGUMENTS_BAD.
// - Node's own refusals (`clientError`: malformed HTTP, headers too large, timeouts) get a problem body too.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { getRequestListener } from "@hono/node-server";
import { ScwsError, toProblem } from "@open-scws/errors";
import type { Logger } from "pino";
import { problemResponse } from "./error-funnel.js";

type Fetch = (request: Request, env: { incoming: IncomingMessage; outgoing: ServerResponse }) => Response | Promise<Response>;

/** What the listener needs: the app's fetch, the listening host name, which Host values are allowed, and the log. */
export interface NodeListenerOptions {
  readonly fetch: Fetch;
  readonly hostname: string;
  readonly hostAllowed: (host: string | undefined) => boolean;
  readonly logger: Logger;
}

const newRequestId = () => `urn:uuid:${randomUUID()}`;

async function send(outgoing: ServerResponse, response: Response): Promise<void> {
  const body = await response.text();
  const headers: Record<string, string> = { connection: "close", "content-length": String(Buffer.byteLength(body)) };
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  outgoing.writeHead(response.status, headers);
  outgoing.end(body);
}

/** The request listener for node:http / node:https. */
export function nodeListener(options: NodeListenerOptions): (incoming: IncomingMessage, outgoing: ServerResponse) => void {
  const unreadable = () =>
    problemResponse(
      new ScwsError("The request could not be read: its target or Host header is malformed.", "CKR_ARGUMENTS_BAD", undefined, {}),
      newRequestId(),
    );
  const app = getRequestListener(options.fetch as never, { hostname: options.hostname, errorHandler: unreadable });
  return (incoming, outgoing) => {
    if (options.hostAllowed(incoming.headers.host)) {
      void app(incoming, outgoing);
      return;
    }
    const requestId = newRequestId();
    const error = new ScwsError("The Host header does not name this service.", "SCWS_HOST_REFUSED", undefined, { field: "/header/host" });
    options.logger.info({ requestId, method: incoming.method, status: error.httpStatus, code: error.code, field: "/header/host" }, "request refused");
    // The body, if any, is not read: the connection closes after the answer.
    void send(outgoing, problemResponse(error, requestId));
  };
}

/** Node's refusals before a request exists, with the status Node itself would give. */
function clientErrorStatus(error: NodeJS.ErrnoException): number {
  if (error.code === "HPE_HEADER_OVERFLOW") return 431;
  if (error.code === "ERR_HTTP_REQUEST_TIMEOUT") return 408;
  return 400;
}

/** Answers Node's `clientError` (a request Node could not parse) with a problem body, then closes the connection. */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  // Nothing to answer on a connection that is gone, or once an answer has started on it.
  if (error.code === "ECONNRESET" || !socket.writable || (socket as { _httpMessage?: unknown })._httpMessage) {
    socket.destroy();
    return;
  }
  const status = clientErrorStatus(error);
  // CKR_ARGUMENTS_BAD for 431 and 408 too: the catalogue has no fitting code. SCWS_PAYLOAD_TOO_LARGE (413) is about
  // a body, MWR_SCWS_COMM_TIMEOUT is the client's own, CXR_FUNCTION_TIMED_OUT a mobile card's; the status and
  // customData.reason say which refusal it was.
  const refusal = new ScwsError("CKR_ARGUMENTS_BAD", {
    message: "The request is not valid HTTP/1.1, or its headers are too large or too slow.",
    httpStatus: status,
    customData: { reason: error.code ?? "unknown" },
  });
  const problem = toProblem(refusal, newRequestId());
  const body = JSON.stringify(problem);
  const reason = status === 431 ? "Request Header Fields Too Large" : status === 408 ? "Request Timeout" : "Bad Request";
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nconnection: close\r\ncontent-type: application/problem+json\r\ncache-control: no-store\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
