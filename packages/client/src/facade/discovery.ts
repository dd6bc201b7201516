// Service discovery, as SCWS's findService does it: ask every candidate address at once, keep the first (in the
// order given) whose GET /v1/service answer names "open SCWS" (and matches the spec, with the validation on).
import { ScwsError } from "@open-scws/errors";
import type { components } from "@open-scws/spec";
import { communicationError, unreachable } from "../transport/client-errors.js";
import type { ContractValidation } from "../transport/validation.js";
import { createScwsClient } from "../typed-client.js";
import { unreachableReason } from "./local-network-access.js";
import { unwrap } from "./scws-answer.js";
import type { ServiceConnection } from "./service-connection.js";

/** How to look for the service. */
export interface DiscoveryOptions {
  /** Base URLs in order of preference. */
  readonly candidates: readonly string[];
  /** Milliseconds each candidate has to answer. */
  readonly probeTimeoutMs: number;
  /** Milliseconds each later call has, for the client made for the found service. */
  readonly timeoutMs: number;
  readonly fetch?: (request: Request) => Promise<Response>;
  /** Checks requests and answers against the spec (default: the default validation, if any). */
  readonly validation?: ContractValidation;
  readonly signal?: AbortSignal;
  /** The environment credential the found service's client sends with each call, read per call. */
  readonly credential?: () => string | undefined;
}

/** The product name the spec requires of the service: the compiler checks it against the spec's `const`. */
const SERVICE_NAME: components["schemas"]["ServiceInfo"]["name"] = "open SCWS";

type Probe = { readonly found: ServiceConnection } | { readonly url: string; readonly code: string };

async function probe(url: string, options: DiscoveryOptions, signal: AbortSignal): Promise<Probe> {
  const common = { ...(options.fetch ? { fetch: options.fetch } : {}), ...(options.validation ? { validation: options.validation } : {}) };
  try {
    const prober = createScwsClient(url, { ...common, timeoutMs: options.probeTimeoutMs });
    const info = unwrap(await prober.GET("/v1/service", { signal }));
    if (info?.name !== SERVICE_NAME) throw communicationError(`the service at ${url} is not ${SERVICE_NAME}`);
    const credential = options.credential ? { credential: options.credential } : {};
    return { found: { baseUrl: url, info, client: createScwsClient(url, { ...common, ...credential, timeoutMs: options.timeoutMs }) } };
  } catch (error) {
    if (options.signal?.aborted) throw error;
    return { url, code: error instanceof ScwsError ? error.code : "MWR_SCWS_UNREACHABLE" };
  }
}

/**
 * Finds the service; rejects with `MWR_SCWS_UNREACHABLE` when no candidate answers as open SCWS, with
 * `customData.candidates` telling what each one did, and `customData.reason`: `"local-network-access-denied"` when
 * the browser's Local Network Access permission is denied, `"local-network-access-prompt"` when it is not granted,
 * `"not-running"` otherwise.
 */
export async function discoverService(options: DiscoveryOptions): Promise<ServiceConnection> {
  // One signal ends the probes that lost, and follows the caller's.
  const probing = new AbortController();
  const fromCaller = () => probing.abort(options.signal?.reason);
  if (options.signal?.aborted) fromCaller();
  else options.signal?.addEventListener("abort", fromCaller, { once: true });
  const probes = options.candidates.map((url) => probe(url, options, probing.signal));
  // Settle every probe so that none is left to reject unobserved.
  const outcomes = Promise.allSettled(probes);
  const failures: { url: string; code: string }[] = [];
  try {
    for (const pending of probes) {
      const outcome = await pending;
      if ("found" in outcome) return outcome.found;
      failures.push(outcome);
    }
  } finally {
    options.signal?.removeEventListener("abort", fromCaller);
    probing.abort();
    void outcomes;
  }
  const { reason, advice } = failures.every((failure) => failure.code === "MWR_SCWS_UNREACHABLE")
    ? await unreachableReason()
    : { reason: "not-running" as const, advice: "No candidate answered as open SCWS." };
  throw unreachable(`No open SCWS service answered at ${options.candidates.join(", ")}. ${advice}`, { candidates: failures, reason });
}
