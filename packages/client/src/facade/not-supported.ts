// The one way a member of SCWS's API that open SCWS cannot honour answers: an SCWS.Error whose code is
// CKR_FUNCTION_NOT_SUPPORTED and whose message says why, so that SCWS code's error handling runs.
import { ScwsError } from "@open-scws/errors";

/** Rejects a call to `member` because `why`. */
export function notSupported(member: string, why: string): ScwsError {
  return new ScwsError(`${member} is not supported by open SCWS: ${why}`, "CKR_FUNCTION_NOT_SUPPORTED", undefined, { member });
}
