// Starts and stops the whole service: modules (each host counted by the metrics decorator), domain objects,
// the HTTP server; and stops it gracefully: no new connections, event streams ended, requests in flight
// drained, modules finalised.

import { existsSync, readFileSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import type { Logger } from "pino";
import { buildServices } from "./build-services.js";
import type { ServiceConfig } from "./config/service-config.js";
import { createHandlers } from "./handlers/index.js";
import { createApp } from "./http/app.js";
import { allowedHostValues } from "./http/guards/host-guard.js";
import { answerClientError, nodeListener } from "./http/node-listener.js";
import { createLogger } from "./observability/logger.js";
import { ServiceMetrics } from "./observability/metrics.js";
import type { Pkcs11Host } from "./pkcs11/host.js";
import { InProcessHost } from "./pkcs11/in-process-host.js";
import { IsolatedHost } from "./pkcs11/isolated/isolated-host.js";
import type { Services } from "./services.js";
import { ModuleRegistry } from "./tokens/module-registry.js";
import { WatchedHost } from "./tokens/watched-host.js";
import { loadTrustAnchors } from "./trust/anchors.js";

/** A running service. */
export interface RunningService {
  /** The base URL, such as `http://127.0.0.1:8930`. */
  readonly url: string;
  readonly port: number;
  readonly services: Services;
  /**
   * Stops gracefully: stops accepting connections, lets requests in flight finish (closing their
   * connections after `shutdown.drainTimeoutMs`), ends token connections and finalises the modules.
   */
  close(reason?: string): Promise<void>;
}

/** Options beyond the configuration, for embedding and tests. */
export interface StartOptions {
  readonly logger?: Logger;
  /** Replaces the hosts made from `config.modules`. */
  readonly hosts?: readonly Pkcs11Host[];
  /** Wraps every host, to observe the calls it receives (tests). */
  readonly decorateHost?: (host: Pkcs11Host) => Pkcs11Host;
  /** The documentation portal's built files; `null` serves none. Default: @open-scws/docs's dist, when built. */
  readonly docsDir?: string | null;
  /** The demo page's built files, served under /demo; only `open-scws start --demo` gives them (see {@link demoPageDir}). */
  readonly demoDir?: string;
}

const require = createRequire(import.meta.url);
const packageVersion = (require("../package.json") as { version: string }).version;

function hostsFor(config: ServiceConfig): Pkcs11Host[] {
  return config.modules.map((module) => {
    const options = { moduleId: module.id, library: module.library, maxSessionsPerToken: module.maxSessionsPerToken };
    return (module.isolation ?? config.moduleIsolation) === "none" ? new InProcessHost(options) : new IsolatedHost(options);
  });
}

/** The `dist` folder of a workspace package that builds a static site, if it was built. */
function builtSite(packageName: string): string | undefined {
  try {
    const dir = join(dirname(require.resolve(`${packageName}/package.json`)), "dist");
    return existsSync(join(dir, "index.html")) ? dir : undefined;
  } catch {
    return undefined;
  }
}

/** Where the built documentation portal is, if it was built. */
export function defaultDocsDir(): string | undefined {
  return builtSite("@open-scws/docs");
}

/**
 * Where the built demo page is (@open-scws/demo's dist), if it was built. The demo package uses the browser client,
 * whose tests use this server, so it is found at run time rather than declared as a dependency (which would be a cycle).
 */
export function demoPageDir(): string | undefined {
  return builtSite("@open-scws/demo");
}

/** Starts the service and resolves once it listens. */
export async function startService(config: ServiceConfig, options: StartOptions = {}): Promise<RunningService> {
  const startedAt = performance.now();
  const logger = options.logger ?? createLogger(config.logLevel);
  // Unreadable trust anchors stop the start before any module loads: the operator named them on purpose.
  const trustAnchors = loadTrustAnchors(config.trustAnchors);
  let services: Services | undefined;
  const metrics = new ServiceMetrics(
    () => services?.tokens.size ?? 0,
    () => services?.access.environments.size ?? 0,
  );
  const decorate = options.decorateHost ?? ((host: Pkcs11Host) => host);
  const watched = (options.hosts ?? hostsFor(config)).map((host) => new WatchedHost(decorate(host), metrics));
  const modules = await ModuleRegistry.start(watched);
  for (const module of modules.all()) {
    metrics.moduleReady.set({ module: module.id }, module.status === "ready" ? 1 : 0);
    if (module.status === "failed") logger.warn({ module: module.id, reason: module.reason }, "PKCS#11 module failed to start");
  }
  services = await buildServices({ config, version: packageVersion, modules, metrics, startedAt }, trustAnchors);
  const { events, readerWatch, tokens, access } = services;
  access.environments.start();
  // A restarted module process has no sessions and no logins left (pkcs11/README.md): the connections to its
  // tokens end (they answer CKR_DEVICE_REMOVED) and their owners are told with a loginStateChanged event.
  modules.onHostRestart((restart) => {
    logger.warn(restart, "PKCS#11 module restarted: its sessions and logins are gone");
    tokens.tokenLost(undefined, "moduleRestarted", restart.moduleId);
  });
  // A call that fails because its token is gone (removed, or reinserted) ends the connections to that token.
  for (const host of watched) host.onTokenGone((slot) => tokens.tokenGone(host.moduleId, slot));

  let port = config.listen.port;
  let draining = false;
  const docsDir = options.docsDir === null ? undefined : (options.docsDir ?? defaultDocsDir());
  if (!docsDir) logger.warn("the documentation portal is not built (npm run build -w @open-scws/docs); /docs answers 404");
  const app = createApp({
    handlers: createHandlers(services),
    access,
    logger,
    port: () => port,
    allowedHostNames: config.allowedHostNames,
    bodyLimitBytes: config.bodyLimitBytes,
    metrics,
    ...(docsDir ? { docsDir } : {}),
    ...(options.demoDir ? { demoDir: options.demoDir } : {}),
    isDraining: () => draining,
  });
  const server = await new Promise<import("node:http").Server>((resolve, reject) => {
    // Slow senders are cut off (slowloris): headers within 10 s, the whole request within 30 s by default. Node
    // checks those limits every connectionsCheckingInterval (30 s by default), so it runs a few times per limit.
    const timeouts = {
      headersTimeout: config.http.headersTimeoutMs,
      requestTimeout: config.http.requestTimeoutMs,
      keepAliveTimeout: config.http.keepAliveTimeoutMs,
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(config.http.headersTimeoutMs / 4))),
    };
    let allowed: { port: number; values: Set<string> } | undefined;
    const listener = nodeListener({
      fetch: app.fetch,
      hostname: config.listen.host,
      hostAllowed: (host) => {
        if (allowed?.port !== port) allowed = { port, values: allowedHostValues(port, config.allowedHostNames) };
        return host !== undefined && allowed.values.has(host.toLowerCase());
      },
      logger,
    });
    const created = config.tls
      ? createHttpsServer({ ...timeouts, cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) }, listener)
      : createHttpServer(timeouts, listener);
    created.on("clientError", answerClientError);
    created.once("error", reject);
    created.listen(config.listen.port, config.listen.host, () => resolve(created));
  });
  const http = server;
  port = (server.address() as AddressInfo).port;
  const host = config.listen.host.includes(":") ? `[${config.listen.host}]` : config.listen.host;
  const url = `${config.tls ? "https" : "http"}://${host}:${port}`;
  const sites = { ...(docsDir ? { docs: `${url}/docs/` } : {}), ...(options.demoDir ? { demo: `${url}/demo/` } : {}) };
  logger.info({ url, ...sites, mode: config.mode, modules: modules.statuses() }, "open SCWS is listening");

  let closing: Promise<void> | undefined;
  const stop = async (reason: string) => {
    draining = true;
    events.close();
    readerWatch.stop();
    logger.info({ reason, drainTimeoutMs: config.shutdown.drainTimeoutMs }, "stopping: no new connections, draining requests in flight");
    const closed = new Promise<void>((resolve) => http.close(() => resolve()));
    // Keep-alive connections that fall idle while draining are closed at once, not after their keep-alive timeout.
    http.closeIdleConnections();
    const sweep = setInterval(() => http.closeIdleConnections(), 50);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), config.shutdown.drainTimeoutMs);
    });
    const expired = await Promise.race([closed.then(() => false), timedOut]);
    clearInterval(sweep);
    clearTimeout(timer);
    if (expired) {
      logger.warn({ drainTimeoutMs: config.shutdown.drainTimeoutMs }, "drain timeout reached: closing the connections still open");
      http.closeAllConnections();
      await closed;
    }
    await access.environments.stop();
    await tokens.disconnectAll();
    await access.audit.close();
    await modules.stop();
    logger.info({ reason }, "open SCWS stopped");
  };
  return {
    url,
    port,
    services,
    close(reason = "close") {
      closing ??= stop(reason);
      return closing;
    },
  };
}
