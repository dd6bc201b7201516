// The benchmark's HTTP client for the service: connects to the token, logs in, finds the keys, and says what each
// scenario sends. Every /v1 request's headers come from `headersFor`, the one place a credential header is added.
import { createScwsClient, ENVIRONMENT_HEADER } from "@open-scws/client";
import { createEnvironment, type TestApplication } from "@open-scws/test-support";
import { AES_PLAINTEXT, HASH, KEY_LABELS } from "./operations.js";

/** The headers of every /v1 request: JSON, and the environment credential once the service issues one. */
export function headersFor(credential?: string): Record<string, string> {
  return { "content-type": "application/json", ...(credential === undefined ? {} : { [ENVIRONMENT_HEADER]: credential }) };
}

/** A logged-in connection to the benchmark's token. */
export interface ServiceSession {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly tokenId: string;
  readonly keys: { readonly ec: string; readonly rsa: string; readonly aes: string };
}

async function call<Body>(url: string, headers: Record<string, string>, method: string, path: string, body?: unknown): Promise<Body> {
  const response = await fetch(`${url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as Body;
}

/** In a new environment, connects to the token labelled `label`, logs in with `pin` and finds the benchmark's keys. */
export async function openSession(url: string, application: TestApplication, label: string, pin: string): Promise<ServiceSession> {
  // The application's back end (this process) signs the challenge, through the test support's one challenge flow.
  const headers = headersFor(await createEnvironment(createScwsClient(url), application));
  const { readers } = await call<{ readers: Array<{ id: string; token?: { label: string } }> }>(url, headers, "GET", "/v1/readers");
  const reader = readers.find((candidate) => candidate.token?.label === label);
  if (!reader) throw new Error(`no reader holds the token ${label}`);
  const { id: tokenId } = await call<{ id: string }>(url, headers, "POST", `/v1/readers/${reader.id}/connect`);
  await call(url, headers, "POST", `/v1/tokens/${tokenId}/pins/0/login`, { pin });
  const find = async (type: string, keyLabel: string) => {
    const { objects } = await call<{ objects: Array<{ id: string }> }>(url, headers, "GET", `/v1/tokens/${tokenId}/objects?type=${type}&label=${keyLabel}`);
    if (!objects[0]) throw new Error(`no ${type} labelled ${keyLabel}`);
    return objects[0].id;
  };
  const keys = { ec: await find("privateKey", KEY_LABELS.ec), rsa: await find("privateKey", KEY_LABELS.rsa), aes: await find("secretKey", KEY_LABELS.aes) };
  return { url, headers, tokenId, keys };
}

/** One request the load generator repeats. */
export interface RequestShape {
  readonly method: "GET" | "POST";
  readonly path: string;
  readonly body?: string;
}

const hashBase64 = HASH.toString("base64");

/** The request of each scenario that calls the token. */
export function tokenRequests(session: ServiceSession, rsaCiphertext: string, batchSize: number) {
  const keyPath = (key: string, operation: string) => `/v1/tokens/${session.tokenId}/keys/${key}/${operation}`;
  const post = (path: string, body: unknown): RequestShape => ({ method: "POST", path, body: JSON.stringify(body) });
  return {
    "ecdsa-sign": post(keyPath(session.keys.ec, "sign"), { hash: hashBase64, algorithm: "sha256" }),
    "rsa-sign": post(keyPath(session.keys.rsa, "sign"), { hash: hashBase64, algorithm: "sha256" }),
    "rsa-decrypt": post(keyPath(session.keys.rsa, "decrypt"), { ciphertext: rsaCiphertext }),
    "aes-gcm-encrypt": post(keyPath(session.keys.aes, "encrypt"), { data: AES_PLAINTEXT.toString("base64"), algorithm: { name: "AES-GCM" } }),
    "ecdsa-sign-batch": post(keyPath(session.keys.ec, "sign-batch"), {
      hashes: Array.from({ length: batchSize }, () => hashBase64),
      algorithm: "sha256",
    }),
  } satisfies Record<string, RequestShape>;
}

/** The body the service answers GET /v1/readers with, for the bare server to answer too. */
export async function readerListing(session: ServiceSession): Promise<string> {
  const response = await fetch(`${session.url}/v1/readers`, { headers: session.headers });
  return response.text();
}
