// Assembles the Hono app: request id and logger, guards, body limit, the generated routes, and the error funnel.
import { randomUUID } from "node:crypto";
import { ScwsError } from "@open-scws/errors";
import { Hono, type HonoRequest } from "hono";
import type { Logger } from "pino";
import { routes } from "../generated/routes.js";
import type { ServiceMetrics } from "../observability/metrics.js";
import type { AccessControl } from "../security/access-control.js";
import { type AnswerHeader, addAnswerHeaders } from "./answer-headers.js";
import type { AppEnv } from "./app-env.js";
import { bodyLimit } from "./body-limit.js";
import { handleError, problemResponse } from "./error-funnel.js";
import { hostGuard } from "./guards/host-guard.js";
import { originGuard } from "./guards/origin-guard.js";
import type { Handlers } from "./operation-types.js";
import { registerRoutes } from "./register-routes.js";
import { mountDemo, mountDocs, mountHome } from "./static-route.js";
import { unmatchedRouteError } from "./unmatched-route.js";

/** What the app needs from the running service. */
export interface AppOptions {
  readonly handlers: Handlers;
  /** Authenticates callers and knows the allowed origins. */
  readonly access: AccessControl;
  readonly logger: Logger;
  /** The port the service listens on, known once it listens. */
  readonly port: () => number;
  readonly allowedHostNames: readonly string[];
  readonly bodyLimitBytes: number;
  /** Counts and times requests, when given. */
  readonly metrics?: ServiceMetrics;
  /** The documentation portal's built files, served under /docs when given. */
  readonly docsDir?: string;
  /** The demo page's built files, served under /demo when given (the service runs on its demo token). */
  readonly demoDir?: string;
  /** Whether the service is stopping: answers then ask the client to close the connection. */
  readonly isDraining?: () => boolean;
}

/** The static sites, by path prefix: requests to them are counted and logged under their name. */
const SITES = ["docs", "demo"] as const;

function siteOf(path: string): string | undefined {
  return SITES.find((site) => path === `/${site}` || path.startsWith(`/${site}/`));
}

/** Whether the request announced a body that nobody read. */
function leftUnread(request: HonoRequest): boolean {
  const length = request.header("content-length");
  const announced = (length !== undefined && length.trim() !== "0") || request.header("transfer-encoding") !== undefined;
  return announced && !request.raw.bodyUsed;
}

/** Operations polled by machines: their answers are logged at debug level only. */
const PROBES = new Set(["getLiveness", "getReadiness", "getMetrics"]);

/** The service's HTTP app. */
export function createApp(options: AppOptions): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const unmatched = unmatchedRouteError(routes);

  app.use(async (c, next) => {
    const started = performance.now();
    const requestId = `urn:uuid:${randomUUID()}`;
    const log = options.logger.child({ requestId });
    c.set("requestId", requestId);
    c.set("log", log);
    options.metrics?.httpInFlight.inc();
    try {
      await next();
    } finally {
      options.metrics?.httpInFlight.dec();
    }
    const answer: AnswerHeader[] = [{ name: "x-request-id", value: requestId }];
    // An answer given before the body was read (a refused request) closes the connection: the unread rest of
    // the body would otherwise be taken for the client's next request, which then gets no answer.
    if (options.isDraining?.() || leftUnread(c.req)) answer.push({ name: "connection", value: "close" });
    addAnswerHeaders(c, answer);
    const site = siteOf(c.req.path);
    const operation = c.get("operationId") ?? site ?? "unmatched";
    const status = c.res.status;
    const code = c.get("errorCode") ?? "none";
    const seconds = (performance.now() - started) / 1000;
    options.metrics?.httpRequests.inc({ operation, status: String(status), code });
    options.metrics?.httpDuration.observe({ operation }, seconds);
    // Paths are not logged for routed operations: they hold token ids. Headers are, at debug, with secrets censored.
    const fields: Record<string, unknown> = { method: c.req.method, operation, status, code, durationMs: Math.round(seconds * 10_000) / 10 };
    if (operation === "unmatched" || operation === site) fields.path = c.req.path.slice(0, 200);
    if (log.isLevelEnabled("debug")) fields.headers = c.req.header();
    if (PROBES.has(operation)) log.debug(fields, "request answered");
    else log.info(fields, "request answered");
  });
  app.use(hostGuard(options.port, options.allowedHostNames));
  app.use(originGuard((origin) => options.access.applications.allowsOrigin(origin)));
  app.use(
    bodyLimit({
      maxSize: options.bodyLimitBytes,
      onError: () => {
        throw new ScwsError("SCWS_PAYLOAD_TOO_LARGE", {
          message: `The request body exceeds the limit of ${options.bodyLimitBytes} bytes.`,
          customData: {
            limit: options.bodyLimitBytes,
          },
        });
      },
    }),
  );
  registerRoutes(app, options.handlers, options.access);
  if (options.docsDir) mountDocs(app, options.docsDir);
  if (options.demoDir) mountDemo(app, options.demoDir);
  mountHome(app, { docs: options.docsDir !== undefined, demo: options.demoDir !== undefined });
  app.notFound((c) => {
    const error = unmatched(c.req.method, c.req.path);
    c.set("errorCode", error.code);
    return problemResponse(error, c.get("requestId"));
  });
  app.onError(handleError);
  return app;
}
