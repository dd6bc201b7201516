// ScwsError: the SCWS.Error of the SCWS conventions, and its conversion to and from a problem body.
import type { components } from "@open-scws/spec";
import type { ErrorCode } from "./catalogue/types.js";
import { httpStatusOf, isErrorCode } from "./codes.js";

/** The RFC 9457 problem body the service sends with every error. */
export type Problem = components["schemas"]["Problem"];
/** The structured extras of an error. */
export type CustomData = components["schemas"]["CustomData"];

/** Where the documentation of a code lives, relative to the service. */
export function problemTypeFor(code: ErrorCode): string {
  return `/docs/errors#${code}`;
}

/** The options form of a ScwsError, as Hono's `HTTPException(status, { message, cause })` takes them. */
export interface ScwsErrorOptions {
  /** What went wrong, for the caller; never a PIN or another secret. */
  readonly message: string;
  /** The HTTP status (default: the code's). */
  readonly httpStatus?: number;
  /** Structured extras: the offending field, remaining PIN tries... */
  readonly customData?: CustomData;
  /** What caused it, kept for the log; never sent. */
  readonly cause?: unknown;
}

/**
 * An error from the SCWS service or the client library: `new ScwsError(code, { message, httpStatus, customData, cause })`,
 * or positionally `new ScwsError(message, code, httpStatus, customData)`, as `SCWS.Error(message, code, status,
 * customData)` is defined by the SCWS conventions.
 * @example throw new ScwsError("CKR_ARGUMENTS_BAD", { message: "Invalid argument /body/label.", customData: { field: "/body/label" } });
 * @example if (error instanceof ScwsError && error.code === "CKR_PIN_INCORRECT") showTries(error.customData.remainingTries);
 */
export class ScwsError extends Error {
  override readonly name = "ScwsError";
  /** The SCWS error code; match on it, never on the message. */
  readonly code: ErrorCode;
  /** The HTTP status of the answer, or 0 when none was received. */
  readonly httpStatus: number;
  /** Structured extras: the offending field, remaining PIN tries, the PKCS#11 value... */
  readonly customData: CustomData;

  constructor(code: ErrorCode, options: ScwsErrorOptions);
  constructor(message: string, code: ErrorCode, httpStatus?: number, customData?: CustomData, options?: ErrorOptions);
  constructor(first: string, second: ErrorCode | ScwsErrorOptions, httpStatus?: number, customData?: CustomData, options?: ErrorOptions) {
    const named = typeof second === "object" ? second : undefined;
    super(named ? named.message : first, named ? ("cause" in named ? { cause: named.cause } : undefined) : options);
    this.code = (named ? first : second) as ErrorCode;
    this.httpStatus = (named ? named.httpStatus : httpStatus) ?? httpStatusOf(this.code);
    this.customData = (named ? named.customData : customData) ?? {};
  }

  /**
   * Rebuilds the error a problem body describes. A body that is not a problem becomes
   * `MWR_SCWS_COMM_ERROR`; a code this catalogue does not know becomes `MWR_SCWS_UNKNOWN_ERROR`.
   */
  static fromProblem(body: unknown, httpStatus: number): ScwsError {
    if (!isProblemLike(body)) {
      return new ScwsError(`The service answered HTTP ${httpStatus} without a problem body.`, "MWR_SCWS_COMM_ERROR", httpStatus);
    }
    const customData = isPlainObject(body.customData) ? (body.customData as CustomData) : {};
    if (!isErrorCode(body.code)) {
      return new ScwsError(body.detail, "MWR_SCWS_UNKNOWN_ERROR", httpStatus, { ...customData, receivedCode: body.code });
    }
    return new ScwsError(body.detail, body.code, httpStatus, customData);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isProblemLike(value: unknown): value is { code: string; detail: string; customData?: unknown } {
  return isPlainObject(value) && typeof value.code === "string" && typeof value.detail === "string";
}
