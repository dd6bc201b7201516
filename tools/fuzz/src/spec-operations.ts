// Every operation of the bundled spec, read at run time with its parameters and body schema resolved, so that
// the fuzzer covers operations (and parameters) added later without a change here.
import { openApiDocument } from "@open-scws/spec";

/** A JSON Schema node as the spec writes it. */
export type Schema = Record<string, unknown>;

/** One parameter of an operation. */
export interface ParameterSpec {
  readonly name: string;
  readonly in: "path" | "query" | "header";
  readonly required: boolean;
  readonly schema: Schema;
}

/** One operation of the spec, as the fuzzer needs it. */
export interface OperationSpec {
  readonly operationId: string;
  readonly method: string;
  /** The path template, such as `/v1/readers/{readerId}`. */
  readonly path: string;
  readonly parameters: readonly ParameterSpec[];
  /** The JSON body's schema, when the operation takes one. */
  readonly body?: { readonly schema: Schema; readonly required: boolean };
}

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options"];

type Json = Record<string, unknown>;

function lookup(document: Json, ref: string): Json {
  let target: unknown = document;
  for (const segment of ref.slice(2).split("/")) target = (target as Json)[segment];
  if (target === undefined) throw new Error(`unresolvable $ref ${ref}`);
  return target as Json;
}

/** A copy of `node` with every local `$ref` replaced by its target (the spec's schemas are not recursive). */
export function resolveSchema(node: unknown, document: Json = openApiDocument as Json, depth = 0): unknown {
  if (depth > 64) throw new Error("the spec's schemas nest too deep (a recursive $ref?)");
  if (Array.isArray(node)) return node.map((item) => resolveSchema(item, document, depth + 1));
  if (node === null || typeof node !== "object") return node;
  const ref = (node as Json).$ref;
  if (typeof ref === "string") {
    // Siblings of a $ref (OpenAPI 3.1 allows them: descriptions, examples) sit beside the target's keywords.
    const { $ref: _, ...siblings } = node as Json;
    return { ...(resolveSchema(lookup(document, ref), document, depth + 1) as Json), ...(resolveSchema(siblings, document, depth + 1) as Json) };
  }
  const copy: Json = {};
  for (const [key, value] of Object.entries(node)) {
    copy[key] = key === "examples" || key === "example" ? value : resolveSchema(value, document, depth + 1);
  }
  return copy;
}

/** The operations of an OpenAPI document (by default the bundled spec), in document order. */
export function specOperations(document: Json = openApiDocument as Json): OperationSpec[] {
  const operations: OperationSpec[] = [];
  for (const [path, rawItem] of Object.entries(document.paths as Json)) {
    const item = rawItem as Json;
    for (const method of METHODS) {
      const operation = item[method] as Json | undefined;
      if (!operation) continue;
      const raw = [...((item.parameters as unknown[]) ?? []), ...((operation.parameters as unknown[]) ?? [])];
      const parameters = raw.map((parameter) => {
        const resolved = resolveSchema(parameter, document) as Json;
        return {
          name: resolved.name as string,
          in: resolved.in as ParameterSpec["in"],
          required: resolved.required === true,
          schema: (resolved.schema ?? {}) as Schema,
        };
      });
      const requestBody = operation.requestBody ? (resolveSchema(operation.requestBody, document) as Json) : undefined;
      const json = (requestBody?.content as Json | undefined)?.["application/json"] as Json | undefined;
      operations.push({
        operationId: operation.operationId as string,
        method: method.toUpperCase(),
        path,
        parameters: parameters.filter((parameter) => parameter.in !== ("cookie" as string)),
        ...(json ? { body: { schema: json.schema as Schema, required: requestBody?.required === true } } : {}),
      });
    }
  }
  return operations;
}
