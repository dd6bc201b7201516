// Handler signatures derived from the spec's generated types: one handler per operationId, with its
// parameters, body and answers typed from the spec, so that nothing here restates a shape.
import type { operations } from "@open-scws/spec";
import type { OperationId } from "../generated/routes.js";
import type { RequestContext } from "./request-context.js";

type Operation<Id extends OperationId> = operations[Id];
type OrEmpty<T> = [T] extends [never] ? Record<string, never> : [T] extends [undefined] ? Record<string, never> : NonNullable<T>;

/** The path parameters of an operation. */
export type PathParams<Id extends OperationId> = OrEmpty<Operation<Id>["parameters"]["path"]>;
/** The query parameters of an operation. */
export type QueryParams<Id extends OperationId> = OrEmpty<Operation<Id>["parameters"]["query"]>;
/** The JSON body of an operation, or `undefined` when it takes none. */
export type RequestBody<Id extends OperationId> = Operation<Id>["requestBody"] extends { content: { "application/json": infer Body } }
  ? Body
  : Operation<Id>["requestBody"] extends { content: { "application/json": infer Body } } | undefined
    ? Body | undefined
    : undefined;

type Responses<Id extends OperationId> = Operation<Id>["responses"];
type SuccessStatus<Id extends OperationId> = Extract<keyof Responses<Id>, 200 | 201 | 202 | 204>;

/** A streamed answer, for a response the spec declares as `text/event-stream`. */
type StreamResult<Status, Response_> = Response_ extends { content: { "text/event-stream": unknown } } ? { status: Status; raw: Response } : never;

/** One of the 2xx answers the spec allows for an operation. */
export type SuccessResult<Id extends OperationId> = {
  [Status in SuccessStatus<Id>]:
    | (Responses<Id>[Status] extends { content: { "application/json": infer Body } }
        ? { status: Status; body: Body; headers?: Record<string, string> }
        : Responses<Id>[Status] extends { content: { "text/plain": string } }
          ? { status: Status; text: string; contentType: `text/plain${string}`; headers?: Record<string, string> }
          : Responses<Id>[Status] extends { content: { "text/html": string } }
            ? { status: Status; text: string; contentType: `text/html${string}`; headers?: Record<string, string> }
            : { status: Status; headers?: Record<string, string> })
    | StreamResult<Status, Responses<Id>[Status]>;
}[SuccessStatus<Id>];

/** What a handler receives: validated parameters and body, and the request's context. */
export interface HandlerInput<Id extends OperationId> {
  readonly params: PathParams<Id>;
  readonly query: QueryParams<Id>;
  readonly body: RequestBody<Id>;
  readonly context: RequestContext;
}

/** The handler of one operation. It answers success, or throws (ScwsError, or a PKCS#11 failure). */
export type OperationHandler<Id extends OperationId> = (input: HandlerInput<Id>) => Promise<SuccessResult<Id>>;

/** A handler for every operation of the spec: a missing one does not compile. */
export type Handlers = { readonly [Id in OperationId]: OperationHandler<Id> };
