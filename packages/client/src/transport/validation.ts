// The seam for the opt-in contract validation (`@open-scws/client/validation`): its type, and the default that
// clients made without a `validation` option use. Nothing here loads the contract tables.
import type { checkHead, checkJsonBody, checkRequest, operationContract } from "../contract/check.js";
import type { checkResponse, refuseRequest } from "../validation/exchange-checks.js";

/** Checks requests and answers against the spec: `contractValidation` from `@open-scws/client/validation`. */
export interface ContractValidation {
  readonly operationContract: typeof operationContract;
  readonly checkRequest: typeof checkRequest;
  readonly checkHead: typeof checkHead;
  readonly checkJsonBody: typeof checkJsonBody;
  /** What the guard runs before a request leaves. */
  readonly refuseRequest: typeof refuseRequest;
  /** What the guard runs on an answer, before the caller reads it. */
  readonly checkResponse: typeof checkResponse;
}

let byDefault: ContractValidation | undefined;

/** Makes `validation` the default of every client made afterwards without a `validation` option. */
export function setDefaultValidation(validation: ContractValidation | undefined): void {
  byDefault = validation;
}

/** The validation clients use when they are given none: none, unless `setDefaultValidation` set one. */
export function defaultValidation(): ContractValidation | undefined {
  return byDefault;
}
