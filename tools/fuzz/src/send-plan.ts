// The one place where the fuzzer turns a generated request into HTTP: through the test service's `fetch`,
// which attaches the environment credential and checks every response against the spec and for PIN canaries.
import type { TestService } from "@open-scws/test-support";
import { type Resolver, toJsonText, toParameterText, toPathSegment, wellFormed } from "./fuzz-values.js";
import type { RequestPlan } from "./request-arbitrary.js";

/** What came back for one request. */
export type Outcome =
  | { readonly kind: "response"; readonly status: number; readonly body: unknown; readonly text: string; readonly ms: number }
  /** The response broke the spec, or held a secret: the test service's checks threw. */
  | { readonly kind: "spec" | "leak"; readonly status?: number; readonly detail: string; readonly ms: number }
  /** No response: the connection failed or nothing came back in time. */
  | { readonly kind: "no-response"; readonly detail: string; readonly ms: number }
  /** The request could not be built, or its path matched no operation: a fault of the fuzzer, not of the service. */
  | { readonly kind: "harness"; readonly detail: string; readonly ms: number };

/**
 * Each encoded path segment and query value is cut to this many characters, so that the request line stays under
 * Node's 16 KiB header limit: longer ones get Node's bare 431 before the service sees them (the abuse table's case).
 */
const MAX_ENCODED = 1500;

function capped(encoded: string): string {
  return encoded.length <= MAX_ENCODED ? encoded : encoded.slice(0, MAX_ENCODED).replace(/%[0-9A-Fa-f]?$/, "");
}

/** The path and query string of a plan, with placeholders resolved. */
export function targetOf(plan: RequestPlan, resolver: Resolver): string {
  const path = plan.operation.path.replace(/\{([^}]+)\}/g, (_, name: string) => capped(toPathSegment(plan.path[name], resolver)));
  const search = plan.query
    .map(([name, value]) => `${encodeURIComponent(name)}=${capped(encodeURIComponent(wellFormed(toParameterText(value, resolver))))}`)
    .join("&");
  return search ? `${path}?${search}` : path;
}

/** Header values travel as Latin-1 without control characters; anything else is percent-encoded, as a browser would refuse it. */
function headerText(value: unknown, resolver: Resolver): string {
  const text = toParameterText(value, resolver);
  return /^[\x20-\x7e\x80-\xff]*$/.test(text) ? text.trim() : encodeURIComponent(text);
}

/** The fetch init of a plan. */
export function initOf(plan: RequestPlan, resolver: Resolver, timeoutMs: number): RequestInit {
  const headers = new Headers();
  for (const [name, value] of plan.headers) headers.append(name, headerText(value, resolver));
  let body: string | Uint8Array<ArrayBuffer> | undefined;
  const planned = plan.body;
  if (planned) {
    if (planned.contentType) headers.set("content-type", planned.contentType);
    if (planned.kind === "json") body = toJsonText(planned.value, resolver);
    else if (planned.kind === "text") body = planned.text;
    else body = Uint8Array.from(planned.bytes);
  }
  return { method: plan.operation.method, headers, ...(body !== undefined ? { body } : {}), signal: AbortSignal.timeout(timeoutMs) };
}

/** Sends one plan and classifies what came back. */
export async function sendPlan(t: TestService, plan: RequestPlan, resolver: Resolver, timeoutMs: number): Promise<Outcome> {
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  let init: RequestInit;
  let target: string;
  try {
    target = targetOf(plan, resolver);
    init = initOf(plan, resolver, timeoutMs);
  } catch (error) {
    return { kind: "harness", detail: String(error), ms: ms() };
  }
  // Ending the environment would leave every later request without one: endEnvironment ends one of its own, which
  // is ended afterwards in any case (a refused request leaves it alive, and each application may hold only so many).
  let own: string | undefined;
  if (plan.operation.operationId === "endEnvironment") {
    try {
      own = (await t.newEnvironment()).credential;
    } catch (error) {
      return { kind: "harness", detail: `could not open an environment to end: ${String(error)}`, ms: ms() };
    }
    const headers = new Headers(init.headers);
    headers.set("x-scws-environment", own);
    init = { ...init, headers };
  }
  try {
    return await responseOf(t, target, init, started);
  } finally {
    if (own) await t.fetch("/v1/environments/current", { method: "DELETE", headers: { "x-scws-environment": own } }).catch(() => undefined);
  }
}

async function responseOf(t: TestService, target: string, init: RequestInit, started: number): Promise<Outcome> {
  const ms = () => Math.round(performance.now() - started);
  try {
    const response = await t.fetch(target, init);
    const text = await response.text();
    let body: unknown;
    try {
      body = /json/.test(response.headers.get("content-type") ?? "") && text ? JSON.parse(text) : text;
    } catch {
      body = text;
    }
    return { kind: "response", status: response.status, body, text, ms: ms() };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
    if (message.includes("does not conform")) {
      const status = /→ (\d{3})/.exec(message)?.[1];
      return { kind: "spec", ...(status ? { status: Number(status) } : {}), detail: message, ms: ms() };
    }
    if (message.includes("contains a secret")) return { kind: "leak", detail: message, ms: ms() };
    if (message.includes("matches no path of the spec")) return { kind: "harness", detail: message, ms: ms() };
    return { kind: "no-response", detail: `${message}${cause}`, ms: ms() };
  }
}
