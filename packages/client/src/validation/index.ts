// Entry of @open-scws/client/validation: checks every request and answer against the spec at run time. Opt-in,
// as openapi-fetch leaves validation to its user: the contract tables it loads are most of its weight.
import { checkHead, checkJsonBody, checkRequest, operationContract } from "../contract/check.js";
import { type ContractValidation, setDefaultValidation } from "../transport/validation.js";
import { checkResponse, refuseRequest } from "./exchange-checks.js";

export type { ContractValidation } from "../transport/validation.js";

/**
 * Arguments refused before they are sent (`MWR_SCWS_BAD_PARAMS`), answers the spec does not allow refused
 * (`MWR_SCWS_COMM_ERROR`).
 * @example const client = createScwsClient("http://127.0.0.1:8930", { validation: contractValidation });
 */
export const contractValidation: ContractValidation = { operationContract, checkRequest, checkHead, checkJsonBody, refuseRequest, checkResponse };

/**
 * Turns the validation on for every client and SCWS object made afterwards without a `validation` option.
 * @example validateByDefault(); // in a test set-up file
 */
export function validateByDefault(): void {
  setDefaultValidation(contractValidation);
}
