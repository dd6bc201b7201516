// Assembles the Hono app: request id and logger, guards, body limit, the generated routes, and the error funnel.
import { randomUUID } from "node:crypto";
import { ScwsError } from "@open-scws/errors";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { Logger } from "pino";
import { routes } from "../generated/routes.js";
import type { AppEnv } from "./app-env.js";
import { handleError, problemResponse } from "./error-funnel.js";
import { hostGuard } from "./guards/host-guard.js";
import type { Handlers } from "./operation-types.js";
import { registerRoutes } from "./register-routes.js";
import { unmatchedRouteError } from "./unmatched-route.js";

/** What the app needs from the running service. */
export interface AppOptions {
  readonly handlers: Handlers;
  readonly logger: Logger;
  /** The port the service listens on, known once it listens. */
  readonly port: () => number;
  readonly allowedHostNames: readonly string[];
  readonly bodyLimitBytes: number;
}

/** The service's HTTP app. */
export function createApp(options: AppOptions): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const unmatched = unmatchedRouteError(routes);

  app.use(async (c, next) => {
    const requestId = `urn:uuid:${randomUUID()}`;
    c.set("requestId", requestId);
    c.set("log", options.logger.child({ requestId }));
    await next();
    c.header("x-request-id", requestId);
  });
  app.use(hostGuard(options.port, options.allowedHostNames));
  app.use(
    bodyLimit({
      maxSize: options.bodyLimitBytes,
      onError: () => {
        throw new ScwsError(`The request body exceeds the limit of ${options.bodyLimitBytes} bytes.`, "SCWS_PAYLOAD_TOO_LARGE", undefined, {
          limit: options.bodyLimitBytes,
        });
      },
    }),
  );
  registerRoutes(app, options.handlers);
  app.notFound((c) => problemResponse(unmatched(c.req.method, c.req.path), c.get("requestId")));
  app.onError(handleError);
  return app;
}
