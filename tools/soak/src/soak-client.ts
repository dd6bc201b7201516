// One soak client: connects to its token, logs in, and then does what an application does, at random:
// list readers and objects, sign and verify, poll events, mistype its PIN, log out and in, disconnect.
// A lost connection or login (after a removal or a module restart) is taken up again, as an application would.
import { createHash, randomBytes } from "node:crypto";
import { signChallenge, type TestApplication } from "@open-scws/test-support";
import { RESPONSE_DEADLINE_MS, type RequestOutcome } from "./soak-accounting.js";

/** Where the client sends its requests, and what it does with each outcome. */
export interface SoakClientOptions {
  readonly url: string;
  /** The registered application whose back end signs the client's environment challenges. */
  readonly application: TestApplication;
  readonly label: string;
  readonly pin: string;
  /** Milliseconds since the soak started. */
  readonly clock: () => number;
  readonly record: (outcome: RequestOutcome) => void;
  readonly running: () => boolean;
  /** Pause between requests, so that clients behave like applications rather than a load generator. */
  readonly thinkMs: number;
}

type Json = Record<string, unknown>;

/** What a soak request carries: its method, its JSON body, and the environment credential it runs in. */
export interface SoakRequest {
  readonly method?: string;
  readonly body?: unknown;
  readonly credential?: string;
}

/** The one place that builds the soak's requests. */
export function soakFetch(url: string, path: string, init: SoakRequest = {}): Promise<Response> {
  const headers: Record<string, string> = {};
  if (init.body !== undefined) headers["content-type"] = "application/json";
  if (init.credential !== undefined) headers["x-scws-environment"] = init.credential;
  return fetch(`${url}${path}`, {
    method: init.method ?? "GET",
    headers,
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    signal: AbortSignal.timeout(RESPONSE_DEADLINE_MS),
  });
}

/** Sends one soak request and reads its JSON answer; `operation` names it for the accounting, when there is one. */
export type SoakSend = (operation: string, path: string, init: SoakRequest) => Promise<{ readonly body: Json }>;

/** Sends without counting: for the soak's own fault injection, which is not traffic. */
export function uncountedSend(url: string): SoakSend {
  return async (_operation, path, init) => ({ body: (await (await soakFetch(url, path, init)).json()) as Json });
}

/** Creates an environment through the challenge flow, the application's back end signing; its credential or undefined. */
export async function openSoakEnvironment(send: SoakSend, application: TestApplication): Promise<string | undefined> {
  const challenge = await send("createEnvironmentChallenge", "/v1/environments/challenges", { method: "POST", body: { applicationId: application.config.id } });
  if (typeof challenge.body.challengeId !== "string" || typeof challenge.body.message !== "string") return undefined;
  const signature = signChallenge(application, challenge.body.message);
  const created = await send("createEnvironment", "/v1/environments", { method: "POST", body: { challengeId: challenge.body.challengeId, signature } });
  return typeof created.body.credential === "string" ? created.body.credential : undefined;
}

async function call(options: SoakClientOptions & { credential?: string }, operation: string, path: string, init: SoakRequest = {}) {
  const at = options.clock();
  const started = performance.now();
  try {
    const response = await soakFetch(options.url, path, { ...init, ...(options.credential ? { credential: options.credential } : {}) });
    const text = await response.text();
    const body = (text && response.headers.get("content-type")?.includes("json") ? JSON.parse(text) : {}) as Json;
    const ms = Math.round(performance.now() - started);
    options.record({ operation, at, ms, status: response.status, ...(typeof body.code === "string" ? { code: body.code } : {}) });
    return { status: response.status, body };
  } catch {
    options.record({ operation, at, ms: Math.round(performance.now() - started) });
    return { status: 0, body: {} as Json };
  }
}

/** Runs until `running()` turns false, then disconnects. */
export async function runSoakClient(client: SoakClientOptions): Promise<void> {
  // Each client is an application's page with its own environment, opened again if the service lets it go.
  const options: SoakClientOptions & { credential?: string } = { ...client };
  let tokenId: string | undefined;
  let keys: { privateKey?: string; publicKey?: string } = {};
  const pause = () => new Promise((wake) => setTimeout(wake, options.thinkMs));
  const base = () => `/v1/tokens/${tokenId}`;
  // A private object's id lasts as long as the login it was found in: after each new login, the keys are found again.
  const findKeys = async () => {
    const listed = await call(options, "listObjects", `${base()}/objects?label=ec`);
    const objects = (listed.body.objects as Json[] | undefined) ?? [];
    keys = {
      privateKey: objects.find((object) => object.type === "privateKey")?.id as string | undefined,
      publicKey: objects.find((object) => object.type === "publicKey")?.id as string | undefined,
    };
  };
  const login = async (pin: string) => {
    const answer = await call(options, "logInWithPin", `${base()}/pins/0/login`, { method: "POST", body: { pin } });
    if (answer.status === 200) await findKeys();
    return answer;
  };

  const openEnvironment = async () => {
    options.credential = await openSoakEnvironment((operation, path, init) => call(options, operation, path, init), options.application);
  };

  const connect = async () => {
    // A connection that did not get as far as its keys (its login or listing failed) is let go first.
    if (tokenId) await call(options, "disconnectToken", base(), { method: "DELETE" });
    tokenId = undefined;
    const readers = await call(options, "listReaders", "/v1/readers");
    const reader = ((readers.body.readers as Json[] | undefined) ?? []).find((entry) => (entry.token as Json | undefined)?.label === options.label);
    if (!reader) return;
    const connected = await call(options, "connectToken", `/v1/readers/${reader.id}/connect`, { method: "POST" });
    tokenId = connected.status === 201 ? (connected.body.id as string) : undefined;
    if (!tokenId) return;
    keys = {};
    await login(options.pin);
  };

  // Answers that mean the connection or the login is gone: let the connection go (as an application closes
  // what failed) and take it up again next time round.
  const react = async (status: number, body: Json) => {
    if (status === 401) {
      options.credential = undefined;
      tokenId = undefined;
    } else if (status === 404 || status === 409 || status === 0 || status >= 500) {
      if (tokenId) await call(options, "disconnectToken", base(), { method: "DELETE" });
      tokenId = undefined;
    } else if (status === 403 && body.code === "CKR_USER_NOT_LOGGED_IN") await login(options.pin);
  };

  while (options.running()) {
    await pause();
    if (!options.credential) {
      await openEnvironment();
      continue;
    }
    if (!tokenId || !keys.privateKey || !keys.publicKey) {
      await connect();
      continue;
    }
    const roll = Math.random();
    if (roll < 0.35) {
      const hash = createHash("sha256").update(randomBytes(32)).digest();
      const signed = await call(options, "signWithKey", `${base()}/keys/${keys.privateKey}/sign`, {
        method: "POST",
        body: { hash: hash.toString("base64"), algorithm: "sha256" },
      });
      await react(signed.status, signed.body);
      if (signed.status === 200 && Math.random() < 0.5) {
        const body = { hash: hash.toString("base64"), signature: signed.body.signature, algorithm: "sha256" };
        const verified = await call(options, "verifyWithKey", `${base()}/keys/${keys.publicKey}/verify`, { method: "POST", body });
        await react(verified.status, verified.body);
      }
    } else if (roll < 0.5) {
      const listed = await call(options, "listObjects", `${base()}/objects`);
      await react(listed.status, listed.body);
    } else if (roll < 0.6) {
      await call(options, "listReaders", "/v1/readers");
    } else if (roll < 0.67) {
      const got = await call(options, "getToken", base());
      await react(got.status, got.body);
    } else if (roll < 0.75) {
      await call(options, "listEvents", "/v1/events?wait=1");
    } else if (roll < 0.82) {
      // Logged out, a mistyped PIN, then the right one: the service counts, answers CKR_PIN_INCORRECT, and resets the count.
      await call(options, "logOutOfPin", `${base()}/pins/0/logout`, { method: "POST" });
      await login(`${options.pin}-typo`);
      await login(options.pin);
    } else if (roll < 0.88) {
      await call(options, "logOutOfPin", `${base()}/pins/0/logout`, { method: "POST" });
      await login(options.pin);
    } else if (roll < 0.93) {
      await call(options, "getMetrics", "/metrics");
    } else {
      await call(options, "disconnectToken", base(), { method: "DELETE" });
      tokenId = undefined;
    }
  }
  if (tokenId) await call(options, "disconnectToken", base(), { method: "DELETE" });
  if (options.credential) await call(options, "endEnvironment", "/v1/environments/current", { method: "DELETE" });
}
