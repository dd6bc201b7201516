// Mounts every operation of the generated route table: read and validate the input, call its handler, answer.
import type { Context, Hono } from "hono";
import type { SlotFilter } from "../config/token-filter.js";
import { type OperationId, type RouteDefinition, routes } from "../generated/routes.js";
import type { AccessControl, Caller } from "../security/access-control.js";
import type { Environment } from "../security/environments.js";
import type { AppEnv } from "./app-env.js";
import type { HandlerInput, Handlers } from "./operation-types.js";
import { readJsonBody, readParams, refuseNonFinite } from "./read-input.js";
import { ANONYMOUS_CALLER, type RequestContext } from "./request-context.js";
import { validationError } from "./validation-error.js";

type AnyHandler = (
  input: HandlerInput<OperationId>,
) => Promise<{ status: number; body?: unknown; text?: string; contentType?: string; headers?: Record<string, string>; raw?: Response }>;

/** A request's context; a class, so that each request allocates one small object of one shape (no literal with spreads). */
class HandlerContext implements RequestContext {
  declare readonly environment?: Environment;
  declare readonly scope?: SlotFilter;
  readonly #c: Context<AppEnv>;

  constructor(
    c: Context<AppEnv>,
    readonly requestId: string,
    readonly caller: string,
    environment: Environment | undefined,
    scope: SlotFilter | undefined,
  ) {
    this.#c = c;
    if (environment) (this as { environment?: Environment }).environment = environment;
    if (scope) (this as { scope?: SlotFilter }).scope = scope;
  }

  /** Read on demand: the request's AbortSignal is made when first asked for, and few operations ask. */
  get signal(): AbortSignal {
    return this.#c.req.raw.signal;
  }

  header(name: string): string | undefined {
    return this.#c.req.header(name);
  }
}

function contextOf(c: Context<AppEnv>, caller: Caller | undefined, access: AccessControl): RequestContext {
  const scope = caller ? access.scopeOf(caller.id, caller.client) : undefined;
  return new HandlerContext(c, c.get("requestId"), caller?.id ?? ANONYMOUS_CALLER, caller?.environment, scope);
}

async function serve(c: Context<AppEnv>, route: RouteDefinition, handler: AnyHandler, access: AccessControl): Promise<Response> {
  c.set("operationId", route.operationId);
  // The credential is checked before the input: a caller without one learns nothing about the operation.
  const caller = route.needsCredential ? access.authenticate((name) => c.req.header(name)) : undefined;
  const leave = caller ? access.inFlight.enter(caller.id) : () => {};
  try {
    return await answer(c, route, handler, contextOf(c, caller, access));
  } finally {
    leave();
  }
}

async function answer(c: Context<AppEnv>, route: RouteDefinition, handler: AnyHandler, context: RequestContext): Promise<Response> {
  const params = readParams(c, route);
  if (!route.validateParams(params)) throw validationError(route.validateParams.errors, "params");
  refuseNonFinite(params);
  let body: unknown;
  if (route.body) {
    body = await readJsonBody(c, route.body.required);
    if (body !== undefined && !route.body.validate(body)) throw validationError(route.body.validate.errors, "body");
  }
  const result = await handler({
    params: params.path,
    query: params.query,
    body,
    context,
  } as HandlerInput<OperationId>);
  if (result.raw) return result.raw;
  if (result.text !== undefined) return c.body(result.text, result.status as 200, { ...result.headers, "content-type": result.contentType ?? "text/plain" });
  if (result.body === undefined) return c.body(null, result.status as 204, result.headers);
  return c.json(result.body as object, result.status as 200, result.headers);
}

/** Registers a handler for each operation of the spec on the app. */
export function registerRoutes(app: Hono<AppEnv>, handlers: Handlers, access: AccessControl): void {
  for (const route of routes) {
    const handler = handlers[route.operationId] as unknown as AnyHandler;
    app.on(route.method, route.honoPath, (c) => serve(c, route, handler, access));
  }
}
