// Starts and stops the whole service: modules, domain objects, the HTTP server.

import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { type Logger, pino } from "pino";
import type { ServiceConfig } from "./config/service-config.js";
import { createHandlers } from "./handlers/index.js";
import { createApp } from "./http/app.js";
import type { Pkcs11Host } from "./pkcs11/host.js";
import { InProcessHost } from "./pkcs11/in-process-host.js";
import { IsolatedHost } from "./pkcs11/isolated/isolated-host.js";
import type { Services } from "./services.js";
import { ModuleRegistry } from "./tokens/module-registry.js";
import { ReaderDirectory } from "./tokens/reader-directory.js";
import { TokenConnections } from "./tokens/token-connections.js";

/** A running service. */
export interface RunningService {
  /** The base URL, such as `http://127.0.0.1:8930`. */
  readonly url: string;
  readonly port: number;
  readonly services: Services;
  /** Stops accepting requests, ends connections and finalises the modules. */
  close(): Promise<void>;
}

/** Options beyond the configuration, for embedding and tests. */
export interface StartOptions {
  readonly logger?: Logger;
  /** Replaces the hosts made from `config.modules`. */
  readonly hosts?: readonly Pkcs11Host[];
}

const packageVersion = (createRequire(import.meta.url)("../package.json") as { version: string }).version;

function hostsFor(config: ServiceConfig): Pkcs11Host[] {
  return config.modules.map((module) => {
    const options = { moduleId: module.id, library: module.library, maxSessionsPerToken: module.maxSessionsPerToken };
    return config.moduleIsolation === "none" ? new InProcessHost(options) : new IsolatedHost(options);
  });
}

/** Starts the service and resolves once it listens. */
export async function startService(config: ServiceConfig, options: StartOptions = {}): Promise<RunningService> {
  const logger = options.logger ?? pino({ level: config.logLevel });
  const modules = await ModuleRegistry.start(options.hosts ?? hostsFor(config));
  for (const module of modules.all()) {
    if (module.status === "failed") logger.warn({ module: module.id, reason: module.reason }, "PKCS#11 module failed to start");
  }
  // A restarted module process has no sessions and no logins left (see pkcs11/README.md). The token service must
  // also drop that module's token connections and logins: to be wired in src/tokens.
  modules.onHostRestart((restart) => logger.warn(restart, "PKCS#11 module restarted: its sessions and logins are gone"));
  const readers = new ReaderDirectory(modules);
  const services: Services = { config, version: packageVersion, modules, readers, tokens: new TokenConnections(readers) };

  let port = config.listen.port;
  const app = createApp({
    handlers: createHandlers(services),
    logger,
    port: () => port,
    allowedHostNames: config.allowedHostNames,
    bodyLimitBytes: config.bodyLimitBytes,
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const created = serve(
      {
        fetch: app.fetch,
        hostname: config.listen.host,
        port: config.listen.port,
        // Slow senders are cut off (slowloris): headers within 10 s, the whole request within 30 s.
        serverOptions: { headersTimeout: 10_000, requestTimeout: 30_000, keepAliveTimeout: 5_000 },
      },
      () => resolve(created),
    );
    created.once("error", reject);
  });
  port = (server.address() as AddressInfo).port;
  const host = config.listen.host.includes(":") ? `[${config.listen.host}]` : config.listen.host;
  const url = `http://${host}:${port}`;
  logger.info({ url, modules: modules.statuses() }, "open SCWS is listening");

  return {
    url,
    port,
    services,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
      });
      await services.tokens.disconnectAll();
      await modules.stop();
    },
  };
}
