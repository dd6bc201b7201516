// Starts the real service on a loopback port over a fresh SoftHSM sandbox, with a typed client that checks
// every response against the spec.

import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  configFromEnvironment,
  createLogger,
  type Pkcs11Host,
  type RunningService,
  type ServiceConfig,
  startService,
  withDemoApplication,
} from "@open-scws/server";
import { SoftHsmSandbox, type SoftHsmToken, softHsmModule } from "@open-scws/softhsm";
import type { paths } from "@open-scws/spec";
import createClient, { type Client } from "openapi-fetch";
import type { Logger } from "pino";
import { findLeak } from "./canaries.js";
import { freePort } from "./free-port.js";
import { assertConforms } from "./spec-conformance.js";
import { createEnvironment, type TestApplication, testApplication } from "./test-environment.js";

/** A service under test and what it runs on. */
export interface TestService {
  readonly service: RunningService;
  readonly sandbox: SoftHsmSandbox;
  /** The tokens made for this run, by label. */
  readonly tokens: Readonly<Record<string, SoftHsmToken>>;
  /**
   * The typed client, with an environment's credential on every call; every response it receives is checked
   * against the spec, and a violation or a leaked secret fails the call.
   */
  readonly client: Client<paths>;
  /** The same client without a credential. */
  readonly anonymous: Client<paths>;
  /** The credential `client` carries. */
  readonly credential: string;
  /** The id of `client`'s environment: the owner of what it connects and logs in to. */
  readonly callerId: string;
  /** The application the test environments belong to, with its private key. */
  readonly application: TestApplication;
  /** A client for a new environment of the test application: another caller. */
  newEnvironment(): Promise<{ client: Client<paths>; credential: string; callerId: string }>;
  /** Every log line the service wrote, as JSON text. */
  readonly logs: readonly string[];
  /** Adds secrets that no response or log line may contain from now on. */
  addCanary(secret: string): void;
  /** `fetch` against the service, with the credential unless the request sets its own; answers are checked too. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

/** What to start. */
export interface TestServiceOptions {
  /** An existing sandbox to run on (kept when the service closes), to restart over the same tokens. */
  readonly sandbox?: SoftHsmSandbox;
  /** The data folder; by default one inside the sandbox. */
  readonly dataDir?: string;
  /** The PKCS#11 module to load instead of SoftHSM's (such as the fault-injecting one, which wraps SoftHSM). */
  readonly module?: string;
  /** Environment variables the module reads when it loads (this process's, since the host runs in it). */
  readonly moduleEnv?: Readonly<Record<string, string>>;
  /** Wraps the PKCS#11 host, to observe the calls it receives. */
  readonly decorateHost?: (host: Pkcs11Host) => Pkcs11Host;
  /** The service's logger; by default the service's own (redacting) logger at debug level, captured in `logs`. */
  readonly logger?: Logger;
  /** More secrets the responses and logs must never contain. */
  readonly canaries?: readonly string[];
  /** Labels of tokens to create; each gets unique canary PINs. */
  readonly tokenLabels?: readonly string[];
  /** Runs after the tokens are made and before the service starts, to prepare the sandbox and its tokens. */
  readonly beforeStart?: (sandbox: SoftHsmSandbox, tokens: Readonly<Record<string, SoftHsmToken>>) => void;
  /** The demo page's built files, to serve under /demo as `open-scws start --demo` does. */
  readonly demoDir?: string;
  /**
   * Listens on a port chosen before the start and registers the demo's development application ("demo") for the
   * service's own origins, as `open-scws start --demo` does, so that a page the service serves gets an environment.
   */
  readonly demoRegistration?: boolean;
  /** Registers the test application as opted in to confirming the last PIN try (`confirmFinalTry`). */
  readonly confirmFinalTry?: boolean;
  /** Changes to the configuration. */
  readonly configure?: (config: ServiceConfig) => ServiceConfig;
}

/** Starts a service on 127.0.0.1 and an ephemeral port over a new SoftHSM sandbox. */
export async function startTestService(options: TestServiceOptions = {}): Promise<TestService> {
  const sandbox = options.sandbox ?? SoftHsmSandbox.temporary();
  const tokens: Record<string, SoftHsmToken> = {};
  for (const label of options.tokenLabels ?? []) tokens[label] = sandbox.initToken(label);
  options.beforeStart?.(sandbox, tokens);
  const canaries = new Set([...(options.canaries ?? []), ...Object.values(tokens).flatMap((token) => [token.pin, token.soPin])]);
  const logs: string[] = [];
  const logger = options.logger ?? createLogger("debug", { write: (line: string) => void logs.push(line) });
  // SoftHSM reads SOFTHSM2_CONF when the module initialises, in this process: each test file runs in its own.
  process.env.SOFTHSM2_CONF = sandbox.confPath;
  Object.assign(process.env, options.moduleEnv);
  const port = options.demoRegistration ? await freePort() : 0;
  const environment = { SCWS_PORT: String(port), SCWS_PKCS11_MODULE: options.module ?? softHsmModule, SCWS_READER_POLL_MS: "100" };
  const application = testApplication(undefined, undefined, options.confirmFinalTry);
  const defaults = configFromEnvironment(environment);
  // Idle connections stay open for the test's life: with the service's 5 s keep-alive, a test client on a loaded
  // machine can reuse a connection just as the service closes it, and fetch reports the race as ECONNRESET.
  // (Tests of the keep-alive timeout itself set theirs through `configure`.)
  const http = { ...defaults.http, keepAliveTimeoutMs: 10 * 60_000 };
  const registered = { ...defaults, http, dataDir: options.dataDir ?? join(sandbox.dir, "data"), applications: [application.config] };
  const base = options.demoRegistration ? withDemoApplication(registered) : registered;
  const config = options.configure ? options.configure(base) : base;
  const service = await startService(config, {
    logger,
    ...(options.decorateHost ? { decorateHost: options.decorateHost } : {}),
    ...(options.demoDir ? { demoDir: options.demoDir } : {}),
  });

  const checkedFetch = async (input: Request): Promise<Response> => {
    const response = await fetch(input);
    await assertConforms(input.method, response);
    const streaming = response.headers.get("content-type")?.startsWith("text/event-stream") === true;
    const leak = streaming ? undefined : findLeak(await response.clone().text(), canaries);
    if (leak) throw new Error(`A response to ${input.method} ${new URL(input.url).pathname} contains a secret (canary ${leak.slice(0, 4)}...).`);
    return response;
  };
  const anonymous = createClient<paths>({ baseUrl: service.url, fetch: checkedFetch });
  const newEnvironment = async () => {
    const credential = await createEnvironment(anonymous, application);
    // The credential is a secret too: from now on no log line or answer may hold it.
    canaries.add(credential);
    const bound = createClient<paths>({ baseUrl: service.url, fetch: checkedFetch, headers: { "x-scws-environment": credential } });
    const current = await bound.GET("/v1/environments/current");
    return { credential, client: bound, callerId: current.data!.id };
  };
  const { client, credential, callerId } = await newEnvironment();
  return {
    service,
    sandbox,
    tokens,
    client,
    anonymous,
    credential,
    callerId,
    application,
    newEnvironment,
    logs,
    addCanary: (secret) => void canaries.add(secret),
    fetch: (path, init = {}) => {
      const headers = new Headers(init.headers);
      if (!headers.has("x-scws-environment")) headers.set("x-scws-environment", credential);
      return checkedFetch(new Request(`${service.url}${path}`, { ...init, headers }));
    },
    async close() {
      await service.close();
      const audit = readAuditLog(config);
      if (!options.sandbox) sandbox.remove();
      const leak = findLeak(logs.join("\n"), canaries);
      if (leak) throw new Error(`The service's log contains a secret (canary ${leak.slice(0, 4)}...).`);
      const auditLeak = findLeak(audit, canaries);
      if (auditLeak) throw new Error(`The audit log contains a secret (canary ${auditLeak.slice(0, 4)}...).`);
    },
  };
}

/** The audit log the service wrote, or "" when it wrote none (or to standard output). */
export function readAuditLog(config: ServiceConfig): string {
  const path = resolve(config.dataDir, config.auditLog);
  return config.auditLog !== "-" && existsSync(path) ? readFileSync(path, "utf8") : "";
}
