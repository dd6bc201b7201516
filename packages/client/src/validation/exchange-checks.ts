// The guard's two checks of an exchange against the spec, kept with the opt-in validation so that clients without
// it (and the browser bundles) carry none of their code: the request's arguments before it leaves, and the answer
// (status, content type, body) before the caller reads it.
import { ScwsError } from "@open-scws/errors";
import { checkHead, checkJsonBody, checkRequest, operationContract } from "../contract/check.js";
import { badParams, communicationError } from "../transport/client-errors.js";

async function requestBody(request: Request): Promise<unknown> {
  if (request.body === null) return undefined;
  const text = await request.clone().text();
  if (text === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badParams("/body", "must be JSON");
  }
}

/** Refuses (`MWR_SCWS_BAD_PARAMS`) a request whose path parameters or JSON body the spec does not allow. */
export async function refuseRequest(request: Request, schemaPath: string, pathParams: Record<string, unknown>): Promise<void> {
  const contract = operationContract(request.method, schemaPath);
  if (!contract) return;
  const refusal = checkRequest(contract, pathParams, await requestBody(request));
  if (refusal) throw badParams(refusal.field, refusal.reason);
}

/** Checks an answer against the spec; throws the client's error (`MWR_SCWS_COMM_ERROR`) for one the spec does not allow. */
export async function checkResponse(request: Request, response: Response, schemaPath: string): Promise<void> {
  const head = checkHead(operationContract(request.method, schemaPath), response.status, response.headers.get("content-type"));
  if (head.kind === "violation") {
    await response.body?.cancel().catch(() => {});
    throw communicationError(head.reason, response.status);
  }
  if (head.kind === "other" || head.kind === "unchecked") return;
  // Read a copy under the deadline; openapi-fetch then reads the original, already buffered.
  const text = await response.clone().text();
  if (head.kind === "empty") {
    if (text !== "") throw communicationError(`a body came with HTTP ${response.status}, where the spec declares none`, response.status);
    return;
  }
  const verdict = checkJsonBody(head.schema, text);
  if (verdict.kind === "violation") throw communicationError(verdict.reason, response.status);
  if (verdict.kind === "unknown-code") throw ScwsError.fromProblem(verdict.body, response.status);
}
