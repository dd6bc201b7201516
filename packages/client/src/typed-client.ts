// The typed low-level client: openapi-fetch over the spec's generated types.
import type { paths } from "@open-scws/spec";
import createClient, { type Client, type ClientOptions } from "openapi-fetch";

/** A client whose paths, parameters, bodies and answers are typed from the spec. */
export type ScwsClient = Client<paths>;

/**
 * Creates a typed client for a service at `baseUrl`. Calls return `{ data, error, response }`.
 * @example const { data } = await createScwsClient("http://127.0.0.1:8930").GET("/v1/readers");
 */
export function createScwsClient(baseUrl: string, options: Omit<ClientOptions, "baseUrl"> = {}): ScwsClient {
  return createClient<paths>({ ...options, baseUrl });
}
