// Turns the first failure of a generated validator into a ScwsError naming the offending field.
// Only the failure's location, keyword and message are used: the offending value never leaves here.
import { ScwsError } from "@open-scws/errors";
import { schemaErrorCodes } from "../generated/routes.js";
import type { ValidationFailure } from "../generated/validation-types.js";

/** Where a validated value came from; the body validator reports paths relative to the body. */
export type InputLocation = "params" | "body";

function fieldOf(failure: ValidationFailure, location: InputLocation): string {
  const base = location === "body" ? `/body${failure.instancePath}` : failure.instancePath;
  const child = failure.params.missingProperty ?? failure.params.additionalProperty;
  return typeof child === "string" ? `${base}/${child}` : base;
}

function reasonOf(failure: ValidationFailure): string {
  if (failure.keyword === "additionalProperties") return "is not a known field";
  if (failure.keyword === "required") return "is required";
  return failure.message ?? `fails ${failure.keyword}`;
}

function codeOf(failure: ValidationFailure) {
  return schemaErrorCodes[failure.schemaPath] ?? "CKR_ARGUMENTS_BAD";
}

/** The error for a request that a generated validator refused. */
export function validationError(failures: readonly ValidationFailure[] | null | undefined, location: InputLocation): ScwsError {
  const failure = failures?.[0];
  if (!failure) return new ScwsError("CKR_ARGUMENTS_BAD", { message: "The request is invalid.", customData: { field: `/${location}` } });
  const field = fieldOf(failure, location) || "/body";
  const reason = reasonOf(failure);
  return new ScwsError(codeOf(failure), { message: `Invalid request: ${field} ${reason}.`, customData: { field, reason } });
}
