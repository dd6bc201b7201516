// Starts the real service on a loopback port over a fresh SoftHSM sandbox, with a typed client that checks
// every answer against the spec.

import { SoftHsmSandbox, type SoftHsmToken, softHsmModule } from "@open-scws/softhsm";
import type { paths } from "@open-scws/spec";
import createClient, { type Client } from "openapi-fetch";
import { type Logger, pino } from "pino";
import { configFromEnvironment } from "../config/load-config.js";
import type { ServiceConfig } from "../config/service-config.js";
import { type RunningService, startService } from "../server.js";
import { assertConforms } from "./spec-conformance.js";

/** A service under test and what it runs on. */
export interface TestService {
  readonly service: RunningService;
  readonly sandbox: SoftHsmSandbox;
  /** The tokens made for this run, by label. */
  readonly tokens: Readonly<Record<string, SoftHsmToken>>;
  /** The typed client; every answer it receives is checked against the spec, and a violation fails the call. */
  readonly client: Client<paths>;
  /** `fetch` against the service, for requests the typed client cannot express; answers are checked too. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

/** What to start. */
export interface TestServiceOptions {
  /** Labels of tokens to create; each gets unique canary PINs. */
  readonly tokenLabels?: readonly string[];
  /** Runs after the tokens are made and before the service starts, to prepare the sandbox. */
  readonly beforeStart?: (sandbox: SoftHsmSandbox) => void;
  /** Changes to the configuration. */
  readonly configure?: (config: ServiceConfig) => ServiceConfig;
  /** The service's logger; silent by default. */
  readonly logger?: Logger;
}

/** Starts a service on 127.0.0.1 and an ephemeral port over a new SoftHSM sandbox. */
export async function startTestService(options: TestServiceOptions = {}): Promise<TestService> {
  const sandbox = SoftHsmSandbox.temporary();
  const tokens: Record<string, SoftHsmToken> = {};
  for (const label of options.tokenLabels ?? []) tokens[label] = sandbox.initToken(label);
  options.beforeStart?.(sandbox);
  // SoftHSM reads SOFTHSM2_CONF when the module initialises, in this process: each test file runs in its own.
  process.env.SOFTHSM2_CONF = sandbox.confPath;
  const base = configFromEnvironment({ SCWS_PORT: "0", SCWS_PKCS11_MODULE: softHsmModule });
  const config = options.configure ? options.configure(base) : base;
  const service = await startService(config, { logger: options.logger ?? pino({ level: "silent" }) });

  const checkedFetch = async (input: Request): Promise<Response> => {
    const response = await fetch(input);
    await assertConforms(input.method, response);
    return response;
  };
  const client = createClient<paths>({ baseUrl: service.url, fetch: checkedFetch });
  return {
    service,
    sandbox,
    tokens,
    client,
    fetch: (path, init) => checkedFetch(new Request(`${service.url}${path}`, init)),
    async close() {
      await service.close();
      sandbox.remove();
    },
  };
}
