// The typed low-level client: openapi-fetch over the spec's generated types, with the guard (a deadline per call;
// with the opt-in validation, arguments checked before sending and answers against the spec) and the credential.
import type { paths } from "@open-scws/spec";
import createClient, { type Client, type ClientOptions } from "openapi-fetch";
import { badParams } from "./transport/client-errors.js";
import { environmentCredential } from "./transport/environment.js";
import { contractGuard } from "./transport/guard.js";
import { type ContractValidation, defaultValidation } from "./transport/validation.js";

/** A client whose paths, parameters, bodies and answers are typed from the spec. */
export type ScwsClient = Client<paths>;

/** How long a call may take, answer included, unless the client is told otherwise. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/** Options of {@link createScwsClient}: openapi-fetch's, plus a deadline and the environment credential. */
export interface ScwsClientOptions extends Omit<ClientOptions, "baseUrl"> {
  /** Milliseconds a call may take, reading the answer included; then it fails with `MWR_SCWS_COMM_TIMEOUT`. */
  readonly timeoutMs?: number;
  /** Returns the environment credential to send with each call, if there is one. */
  readonly credential?: () => string | undefined;
  /** Checks requests and answers against the spec: `contractValidation` from `@open-scws/client/validation`. */
  readonly validation?: ContractValidation;
}

/** Checks a deadline in milliseconds, as setTimeout can hold it. */
export function checkTimeout(field: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > 2_147_483_647) {
    throw badParams(field, "must be a whole number of milliseconds between 1 and 2147483647");
  }
  return value;
}

/** Checks that a base URL is an absolute http(s) URL, and returns it without a trailing slash. */
export function checkBaseUrl(field: string, value: unknown): string {
  let url: URL | undefined;
  try {
    url = typeof value === "string" ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:") || url.search || url.hash || url.username || url.password) {
    throw badParams(field, "must be an absolute http or https URL without query, fragment or user info");
  }
  return (value as string).replace(/\/+$/, "");
}

/**
 * Creates a typed client for a service at `baseUrl`. Calls return `{ data, error, response }`, where `error` is the
 * service's problem; a call that gets no answer (or, with `validation`, one the spec does not allow) rejects with a
 * `ScwsError` (`MWR_SCWS_*`).
 * @example const { data } = await createScwsClient("http://127.0.0.1:8930").GET("/v1/readers", { signal });
 */
export function createScwsClient(baseUrl: string, options: ScwsClientOptions = {}): ScwsClient {
  const { timeoutMs = DEFAULT_TIMEOUT_MS, credential, validation = defaultValidation(), ...clientOptions } = options;
  const client = createClient<paths>({ ...clientOptions, baseUrl: checkBaseUrl("baseUrl", baseUrl) });
  if (credential) client.use(environmentCredential(credential));
  client.use(contractGuard(checkTimeout("timeoutMs", timeoutMs), validation));
  return client;
}
