// The openapi-fetch middleware that holds every call to time and, when a validation is given, to the spec: each
// call has a deadline that also covers reading the answer; a broken connection or a silent service, and with the
// validation an argument or an answer the spec does not allow, become the client's own MWR_SCWS_* errors.
import { ScwsError } from "@open-scws/errors";
import type { Middleware } from "openapi-fetch";
import { communicationError, timedOut, unreachable } from "./client-errors.js";
import type { ContractValidation } from "./validation.js";

/** The client's own deadline, as an abort reason distinct from any the caller gives. */
class Deadline extends Error {}

interface InFlight {
  /**
   * The request as openapi-fetch made it. Held until the call ends: undici's Request follows the caller's signal
   * through a weak reference only, so an unreferenced request would stop hearing the caller's abort.
   */
  readonly original: Request;
  readonly signal: AbortSignal;
  /** Whether the caller's own signal ended the call. */
  callerAborted: boolean;
  release(): void;
}

/** Error codes of Node's HTTP stack that mean a connection was made and then broke, or answered no HTTP. */
const BROKEN = /^(ECONNRESET|EPIPE|ECONNABORTED|UND_ERR_SOCKET|UND_ERR_CLOSED|HPE_\w+)$/;

function errorCode(error: unknown): string | undefined {
  const code = (error as { cause?: { code?: unknown }; code?: unknown } | null)?.cause?.code ?? (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^[A-Z][A-Z0-9_]*$/.test(code) ? code : undefined;
}

/** Whether an answer is a stream, which the caller reads as it comes, outside the deadline. */
function isStream(response: Response): boolean {
  return (response.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase() === "text/event-stream";
}

/**
 * Creates the guard middleware for calls that may take `timeoutMs` each, including the answer's body, checked
 * against the spec by `validation` when there is one.
 * @example client.use(contractGuard(30_000, contractValidation));
 */
export function contractGuard(timeoutMs: number, validation?: ContractValidation): Middleware {
  const inFlight = new Map<string, InFlight>();

  function failure(error: unknown, call: InFlight | undefined, origin: string): Error | undefined {
    if (error instanceof ScwsError) return error;
    if (call?.signal.reason instanceof Deadline) return timedOut(timeoutMs);
    if (call?.callerAborted || (error as Error | null)?.name === "AbortError") {
      // The caller's own abort is passed on as it is, except AbortSignal.timeout(), which is a timeout.
      return (error as Error | null)?.name === "TimeoutError" ? timedOut() : undefined;
    }
    const code = errorCode(error);
    if (code && BROKEN.test(code)) return communicationError(`the connection broke (${code})`);
    return unreachable(`The service at ${origin} could not be reached${code ? ` (${code})` : ""}.`, code ? { reason: code } : {});
  }

  return {
    async onRequest({ request, schemaPath, params, id }) {
      await validation?.refuseRequest(request, schemaPath, (params.path ?? {}) as Record<string, unknown>);

      const controller = new AbortController();
      const call: InFlight = { original: request, signal: controller.signal, callerAborted: false, release: () => {} };
      const fromCaller = () => {
        call.callerAborted = true;
        controller.abort(call.original.signal.reason);
      };
      // The timer holds the call, and so the original request, for as long as the call may last.
      const timer = setTimeout(() => {
        if (!call.original.signal.aborted) controller.abort(new Deadline());
      }, timeoutMs);
      if (request.signal.aborted) fromCaller();
      else request.signal.addEventListener("abort", fromCaller, { once: true });
      call.release = () => {
        clearTimeout(timer);
        request.signal.removeEventListener("abort", fromCaller);
        inFlight.delete(id);
      };
      inFlight.set(id, call);
      return new Request(request, { signal: controller.signal });
    },

    onError({ error, request, id }) {
      const call = inFlight.get(id);
      call?.release();
      return failure(error, call, new URL(request.url).origin);
    },

    async onResponse({ request, response, schemaPath, id }) {
      const call = inFlight.get(id);
      try {
        if (validation) await validation.checkResponse(request, response, schemaPath);
        // Read a copy under the deadline; openapi-fetch then reads the original, already buffered.
        else if (!isStream(response)) await response.clone().arrayBuffer();
        return undefined;
      } catch (error) {
        const mapped = failure(error, call, new URL(request.url).origin);
        // A body that stops arriving is a broken connection, even where fetch reports no code.
        throw mapped instanceof ScwsError && mapped.code === "MWR_SCWS_UNREACHABLE"
          ? communicationError("the answer was cut off", response.status)
          : (mapped ?? error);
      } finally {
        call?.release();
      }
    },
  };
}
