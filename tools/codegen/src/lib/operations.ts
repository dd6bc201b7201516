// Reads the operations of the bundled OpenAPI document into a flat, generator-friendly list.

type Json = Record<string, unknown>;

export interface ParameterInfo {
  readonly name: string;
  readonly in: "path" | "query" | "header";
  readonly required: boolean;
  readonly schema: Json;
}

export interface OperationInfo {
  readonly operationId: string;
  readonly method: "get" | "post" | "put" | "patch" | "delete";
  /** The OpenAPI path, such as `/v1/readers/{readerId}`. */
  readonly path: string;
  readonly parameters: readonly ParameterInfo[];
  /** The JSON body's schema, when the operation takes one. */
  readonly body?: { readonly schema: Json; readonly required: boolean };
  /** The 2xx statuses the operation can answer. */
  readonly successStatuses: readonly number[];
  /** Whether a credential is needed: the operation's `security`, or the document's, is not empty. */
  readonly needsCredential: boolean;
}

const METHODS = ["get", "post", "put", "patch", "delete"] as const;

function resolveRef<T>(document: Json, value: unknown): T {
  const ref = (value as { $ref?: unknown })?.$ref;
  if (typeof ref !== "string") return value as T;
  if (!ref.startsWith("#/")) throw new Error(`only local $refs are expected in the bundle, got ${ref}`);
  let node: unknown = document;
  for (const segment of ref.slice(2).split("/")) node = (node as Json)[segment.replace(/~1/g, "/").replace(/~0/g, "~")];
  if (node === undefined) throw new Error(`unresolved $ref ${ref}`);
  return resolveRef<T>(document, node);
}

function readParameters(document: Json, raw: unknown): ParameterInfo[] {
  const list = (raw as unknown[] | undefined) ?? [];
  return list.map((entry) => {
    const parameter = resolveRef<Json>(document, entry);
    const location = parameter.in as string;
    if (location !== "path" && location !== "query" && location !== "header") {
      throw new Error(`parameter location ${location} is not supported`);
    }
    return {
      name: parameter.name as string,
      in: location,
      required: parameter.required === true,
      schema: parameter.schema as Json,
    };
  });
}

/** Every operation of the document, in document order. */
export function readOperations(document: Json): OperationInfo[] {
  const operations: OperationInfo[] = [];
  for (const [path, rawItem] of Object.entries(document.paths as Json)) {
    const item = resolveRef<Json>(document, rawItem);
    const shared = readParameters(document, item.parameters);
    for (const method of METHODS) {
      const operation = item[method] as Json | undefined;
      if (!operation) continue;
      const own = readParameters(document, operation.parameters);
      const parameters = [...shared.filter((p) => !own.some((o) => o.name === p.name && o.in === p.in)), ...own];
      const requestBody = operation.requestBody ? resolveRef<Json>(document, operation.requestBody) : undefined;
      const jsonBody = (requestBody?.content as Json | undefined)?.["application/json"] as Json | undefined;
      if (requestBody && !jsonBody) throw new Error(`${String(operation.operationId)}: only JSON bodies are supported`);
      const successStatuses = Object.keys(operation.responses as Json)
        .map(Number)
        .filter((status) => status >= 200 && status < 300);
      operations.push({
        operationId: operation.operationId as string,
        method,
        path,
        parameters,
        ...(jsonBody ? { body: { schema: jsonBody.schema as Json, required: requestBody?.required === true } } : {}),
        successStatuses,
        needsCredential: ((operation.security ?? document.security ?? []) as unknown[]).length > 0,
      });
    }
  }
  return operations;
}
