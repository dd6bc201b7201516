// The facade's one error funnel: every service answer the facade reads goes through here, so that SCWS code only
// ever meets the 92 codes SCWS documents; the service's own code stays in customData.serviceCode. The typed client
// (and its `unwrap`) keeps the service's codes as they are.
import { asScwsCodeError, type Problem, ScwsError } from "@open-scws/errors";
import { type DataOf, unwrap as unwrapTyped } from "../transport/unwrap.js";

/**
 * The data of a typed client's result, or throws its problem as an `SCWS.Error` with an SCWS code.
 * @example const { readers } = unwrap(await client.GET("/v1/readers"));
 */
export function unwrap<Result extends { data?: unknown; error?: unknown; response: Response }>(result: Result): DataOf<Result> {
  try {
    return unwrapTyped(result);
  } catch (error) {
    throw error instanceof ScwsError ? asScwsCodeError(error) : error;
  }
}

/** The `SCWS.Error` of a problem found inside a successful answer (such as one item of a batch). */
export function scwsErrorOf(problem: Problem, httpStatus: number): ScwsError {
  return asScwsCodeError(ScwsError.fromProblem(problem, httpStatus));
}
