// Starts the real service in shared mode (API keys instead of environments) on a loopback port over a fresh
// SoftHSM sandbox, optionally over HTTPS with an openssl certificate, with one checked client per API key.
import { createHash, randomBytes } from "node:crypto";
import { join } from "node:path";
import { type ApiKeyConfig, configFromEnvironment, createLogger, type RunningService, type ServiceConfig, startService } from "@open-scws/server";
import { SoftHsmSandbox, type SoftHsmToken, softHsmModule } from "@open-scws/softhsm";
import type { paths } from "@open-scws/spec";
import createClient, { type Client } from "openapi-fetch";
import { Agent, fetch as undiciFetch } from "undici";
import { findLeak } from "./canaries.js";
import { makeOpensslIdentity, type OpensslIdentity } from "./fixtures.js";
import { assertConforms } from "./spec-conformance.js";
import { readAuditLog } from "./test-service.js";

/** An API key to issue: the tokens it is bound to (RFC 7512 URIs; none: all) and its rate. */
export interface TestApiKey {
  readonly tokens?: readonly string[];
  readonly requestsPerSecond?: number;
  readonly burst?: number;
}

/** What to start. */
export interface SharedTestServiceOptions<Key extends string> {
  readonly apiKeys: Readonly<Record<Key, TestApiKey>>;
  readonly tokenLabels?: readonly string[];
  /** Serves HTTPS with a certificate for 127.0.0.1 made by openssl. */
  readonly tls?: boolean;
  /** The PKCS#11 module to load instead of SoftHSM's (such as the fault-injecting one). */
  readonly module?: string;
  /** Environment variables the module reads when it loads. */
  readonly moduleEnv?: Readonly<Record<string, string>>;
  readonly configure?: (config: ServiceConfig) => ServiceConfig;
}

/** A shared-mode service under test. */
export interface SharedTestService<Key extends string> {
  readonly service: RunningService;
  readonly sandbox: SoftHsmSandbox;
  readonly tokens: Readonly<Record<string, SoftHsmToken>>;
  /** The API keys, by name. */
  readonly keys: Readonly<Record<Key, string>>;
  /** A checked client per API key, sending it as a Bearer token. */
  readonly clients: Readonly<Record<Key, Client<paths>>>;
  /** A checked client without a key. */
  readonly anonymous: Client<paths>;
  /** The TLS certificate, when serving HTTPS. */
  readonly tls: OpensslIdentity | undefined;
  /** The service's data folder (where the audit log is). */
  readonly dataDir: string;
  readonly logs: readonly string[];
  /** Adds secrets that no response or log line may contain from now on. */
  addCanary(secret: string): void;
  close(): Promise<void>;
}

/** The `sha256:` hash of an API key, as the configuration holds it. */
export function apiKeyHash(key: string): string {
  return `sha256:${createHash("sha256").update(key, "utf8").digest("hex")}`;
}

/** Starts a shared-mode service on 127.0.0.1 and an ephemeral port. */
export async function startSharedTestService<Key extends string>(options: SharedTestServiceOptions<Key>): Promise<SharedTestService<Key>> {
  const sandbox = SoftHsmSandbox.temporary();
  const tokens: Record<string, SoftHsmToken> = {};
  for (const label of options.tokenLabels ?? []) tokens[label] = sandbox.initToken(label);
  const names = Object.keys(options.apiKeys) as Key[];
  const keys = Object.fromEntries(names.map((name) => [name, `scws_${randomBytes(32).toString("base64url")}`])) as Record<Key, string>;
  const canaries = new Set([...Object.values(tokens).flatMap((token) => [token.pin, token.soPin]), ...Object.values<string>(keys)]);
  const logs: string[] = [];
  const dataDir = join(sandbox.dir, "data");
  const tls = options.tls
    ? makeOpensslIdentity(sandbox.dir, "service-tls", { subject: "/CN=open SCWS test", extensions: ["subjectAltName=IP:127.0.0.1"] })
    : undefined;
  process.env.SOFTHSM2_CONF = sandbox.confPath;
  Object.assign(process.env, options.moduleEnv);
  const apiKeys: ApiKeyConfig[] = names.map((name) => ({
    id: name,
    keyHash: apiKeyHash(keys[name]),
    tokens: options.apiKeys[name].tokens ?? [],
    requestsPerSecond: options.apiKeys[name].requestsPerSecond ?? 100,
    burst: options.apiKeys[name].burst ?? 100,
  }));
  const base: ServiceConfig = {
    ...configFromEnvironment({ SCWS_PORT: "0", SCWS_PKCS11_MODULE: options.module ?? softHsmModule, SCWS_READER_POLL_MS: "100" }),
    mode: "shared",
    dataDir,
    apiKeys,
    ...(tls ? { tls: { certFile: tls.certificatePemPath, keyFile: join(sandbox.dir, "service-tls.key.pem") } } : {}),
  };
  const config = options.configure ? options.configure(base) : base;
  const service = await startService(config, {
    logger: createLogger("debug", { write: (line: string) => void logs.push(line) }),
  });

  const dispatcher = tls ? new Agent({ connect: { ca: tls.certificatePem } }) : undefined;
  const send = async (request: Request): Promise<Response> => {
    if (!dispatcher) return fetch(request);
    // Node's fetch cannot be given a CA; undici's, with its own dispatcher, can.
    const body = request.body ? await request.arrayBuffer() : undefined;
    const answer = await undiciFetch(request.url, { method: request.method, headers: [...request.headers], body, dispatcher, signal: request.signal });
    const content = answer.status === 204 || answer.status === 304 ? null : answer.body;
    const response = new Response(content as ReadableStream | null, { status: answer.status, headers: [...answer.headers] });
    Object.defineProperty(response, "url", { value: answer.url });
    return response;
  };
  const checkedFetch = async (request: Request): Promise<Response> => {
    const response = await send(request);
    await assertConforms(request.method, response);
    const streaming = response.headers.get("content-type")?.startsWith("text/event-stream") === true;
    const leak = streaming ? undefined : findLeak(await response.clone().text(), canaries);
    if (leak) throw new Error(`A response to ${request.method} ${new URL(request.url).pathname} contains a secret (canary ${leak.slice(0, 4)}...).`);
    return response;
  };
  const clientWith = (headers: Record<string, string>) => createClient<paths>({ baseUrl: service.url, fetch: checkedFetch, headers });
  const clients = Object.fromEntries(names.map((name) => [name, clientWith({ authorization: `Bearer ${keys[name]}` })])) as Record<Key, Client<paths>>;

  return {
    service,
    sandbox,
    tokens,
    keys,
    clients,
    anonymous: clientWith({}),
    tls,
    dataDir,
    logs,
    addCanary: (secret) => void canaries.add(secret),
    async close() {
      await service.close();
      await dispatcher?.close();
      const leak = findLeak(`${logs.join("\n")}\n${readAuditLog(config)}`, canaries);
      sandbox.remove();
      if (leak) throw new Error(`The service's log or audit log contains a secret (canary ${leak.slice(0, 4)}...).`);
    },
  };
}
