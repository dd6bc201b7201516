// Starts and stops the whole service: modules, domain objects, the HTTP server.

import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import { type Logger, pino } from "pino";
import type { ServiceConfig } from "./config/service-config.js";
import { CreationService } from "./creation/creation-service.js";
import { createHandlers } from "./handlers/index.js";
import { createApp } from "./http/app.js";
import { ObjectService } from "./objects/object-service.js";
import { LoginRegistry } from "./pins/login-registry.js";
import { PinCounterStore } from "./pins/pin-counters.js";
import { PinService } from "./pins/pin-service.js";
import type { Pkcs11Host } from "./pkcs11/host.js";
import { InProcessHost } from "./pkcs11/in-process-host.js";
import type { Services } from "./services.js";
import { ModuleRegistry } from "./tokens/module-registry.js";
import { ReaderDirectory } from "./tokens/reader-directory.js";
import { TokenConnections } from "./tokens/token-connections.js";
import { loadTrustAnchors } from "./trust/anchors.js";
import { TrustService } from "./trust/trust-service.js";

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
  /** Wraps every host, to observe or measure the calls it receives. */
  readonly decorateHost?: (host: Pkcs11Host) => Pkcs11Host;
}

const packageVersion = (createRequire(import.meta.url)("../package.json") as { version: string }).version;

function hostsFor(config: ServiceConfig): Pkcs11Host[] {
  return config.modules.map((module) => new InProcessHost({ moduleId: module.id, library: module.library, maxSessionsPerToken: module.maxSessionsPerToken }));
}

/** Starts the service and resolves once it listens. */
export async function startService(config: ServiceConfig, options: StartOptions = {}): Promise<RunningService> {
  const logger = options.logger ?? pino({ level: config.logLevel });
  const trustAnchors = loadTrustAnchors(config.trustAnchors);
  const hosts = options.hosts ?? hostsFor(config);
  const modules = await ModuleRegistry.start(options.decorateHost ? hosts.map(options.decorateHost) : hosts);
  for (const module of modules.all()) {
    if (module.status === "failed") logger.warn({ module: module.id, reason: module.reason }, "PKCS#11 module failed to start");
  }
  const readers = new ReaderDirectory(modules);
  const logins = new LoginRegistry();
  const tokens = new TokenConnections(readers, logins);
  const counters = PinCounterStore.load(join(config.dataDir, "pin-counters.json"));
  const objects = new ObjectService(logins);
  const services: Services = {
    config,
    version: packageVersion,
    modules,
    readers,
    tokens,
    pins: new PinService(tokens, logins, counters, config.pinPolicy),
    objects,
    creation: new CreationService(objects),
    trust: new TrustService(objects, trustAnchors),
  };

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
