// The opt-in throwing style: turns a typed client's `{ data, error, response }` into its data, or throws ScwsError.
import { ScwsError } from "@open-scws/errors";

/** The success data of a typed client's result; `undefined` for an answer without a body. */
export type DataOf<Result> = Result extends { data: infer Data } ? ([Data] extends [never] ? undefined : Data) : never;

/**
 * Returns the data of a success, or throws the problem as a `ScwsError` (`code`, `httpStatus`, `customData`).
 * @example const { readers } = unwrap(await client.GET("/v1/readers"));
 */
export function unwrap<Result extends { data?: unknown; error?: unknown; response: Response }>(result: Result): DataOf<Result> {
  if (result.error !== undefined || !result.response.ok) throw ScwsError.fromProblem(result.error, result.response.status);
  return result.data as DataOf<Result>;
}
