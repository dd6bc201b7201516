// The problem body (RFC 9457) that carries a ScwsError, as the service sends it; its title comes from the catalogue.
import { errorCatalogue } from "./catalogue/index.js";
import { type Problem, problemTypeFor, type ScwsError } from "./scws-error.js";

/**
 * The problem body that carries `error`, as the service sends it.
 * @example return Response.json(toProblem(error, requestId), { status: error.httpStatus });
 */
export function toProblem(error: ScwsError, instance?: string): Problem {
  const problem: Problem = {
    type: problemTypeFor(error.code),
    title: errorCatalogue[error.code].title,
    status: error.httpStatus,
    detail: error.message,
    code: error.code,
    customData: error.customData,
  };
  if (instance !== undefined) problem.instance = instance;
  return problem;
}
