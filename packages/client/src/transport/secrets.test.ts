import { inspect } from "node:util";
import type { ScwsError } from "@open-scws/errors";
import { describe, expect, it } from "vitest";
import { createScwsClient } from "../typed-client.js";

// Canary values: a credential and a request body that must appear in no error the client raises.
const CREDENTIAL = "canary-credential-5f1d0c";
const BODY_CANARY = "canary-pin-9a7e21";
const READER = { params: { path: { readerId: "r-0123456789abcdef" } } };

const answer = (status: number, body: string, contentType: string) => async () => new Response(body, { status, headers: { "content-type": contentType } });
const holding = new Set<Request>();
const silent = (request: Request) =>
  new Promise<Response>((_resolve, reject) => {
    holding.add(request);
    request.signal.addEventListener("abort", () => reject(request.signal.reason), { once: true });
  }).finally(() => holding.delete(request));
const failing = (code: string) => async () => {
  throw new TypeError("fetch failed", { cause: Object.assign(new Error(code), { code }) });
};
const unknownCode = JSON.stringify({ type: "/x", title: "x", status: 409, detail: "x", code: "CKR_FUTURE", customData: {} });

function everythingIn(error: ScwsError): string {
  return [JSON.stringify(error, Object.getOwnPropertyNames(error)), String(error.stack), inspect(error, { depth: 20, showHidden: true })].join("\n");
}

describe("errors raised by the client", () => {
  it.each([
    ["MWR_SCWS_COMM_ERROR", answer(200, "<html>", "text/html")],
    ["MWR_SCWS_UNKNOWN_ERROR", answer(409, unknownCode, "application/problem+json")],
    ["MWR_SCWS_COMM_TIMEOUT", silent],
    ["MWR_SCWS_UNREACHABLE", failing("ECONNREFUSED")],
    ["MWR_SCWS_COMM_ERROR", failing("ECONNRESET")],
  ])("carry neither the credential nor the request body (%s)", async (code, fetch) => {
    const client = createScwsClient("http://127.0.0.1:8930", { fetch, timeoutMs: 20, credential: () => CREDENTIAL });
    // @ts-expect-error a body the operation does not take, sent anyway as a canary
    const error = (await client.request("post", "/v1/readers/{readerId}/connect", { ...READER, body: { pin: BODY_CANARY } }).catch((e) => e)) as ScwsError;
    // The body is refused before sending; the same canary must not survive that path either.
    expect(error.code).toBe("MWR_SCWS_BAD_PARAMS");
    const sent = (await client.POST("/v1/readers/{readerId}/connect", READER).catch((e) => e)) as ScwsError;
    expect(sent.code).toBe(code);
    for (const raised of [error, sent]) {
      expect(raised.cause).toBeUndefined();
      expect(everythingIn(raised)).not.toContain(CREDENTIAL);
      expect(everythingIn(raised)).not.toContain(BODY_CANARY);
    }
  });
});
