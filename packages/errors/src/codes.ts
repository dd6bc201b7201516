// The SCWS error codes and their HTTP statuses, without the catalogue's texts: what ScwsError and the browser need.
import type { ErrorCode } from "./catalogue/types.js";
import { codesByStatus } from "./generated/code-statuses.js";

const statusByCode: ReadonlyMap<string, number> = /* @__PURE__ */ new Map(
  Object.entries(codesByStatus).flatMap(([status, codes]) => codes.split(" ").map((code) => [code, Number(status)] as const)),
);

/** Every SCWS error code, in catalogue order within each status. */
export const errorCodes = /* @__PURE__ */ Array.from(statusByCode.keys()) as ErrorCode[];

/** Whether a string is an SCWS error code. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && statusByCode.has(value);
}

/** The HTTP status a code travels with, or 0 for codes the service never sends. */
export function httpStatusOf(code: ErrorCode): number {
  return statusByCode.get(code) ?? 0;
}
