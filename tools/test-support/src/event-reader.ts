// Reads a Server-Sent Events stream in tests, and waits for the event a test expects.
import type { components } from "@open-scws/spec";

type ServiceEvent = components["schemas"]["ServiceEvent"];

/** The events of a stream as they arrive, and a way to wait for one. */
export interface EventReader {
  /** Every event received so far. */
  readonly received: ServiceEvent[];
  /** Resolves with the first event (already received or to come) that matches, or rejects after `timeoutMs`. */
  next(matches: (event: ServiceEvent) => boolean, timeoutMs?: number): Promise<ServiceEvent>;
  close(): void;
}

/** Parses an event stream answer; each message's `data` line is a ServiceEvent, checked against its `id` and `event` lines. */
export function readEvents(response: Response, controller: AbortController): EventReader {
  const received: ServiceEvent[] = [];
  const waiters: Array<() => void> = [];
  const decoder = new TextDecoder();
  let pending = "";
  void (async () => {
    const reader = response.body!.getReader();
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      pending += decoder.decode(value, { stream: true });
      let end = pending.indexOf("\n\n");
      while (end >= 0) {
        const message = pending.slice(0, end);
        pending = pending.slice(end + 2);
        const fields = Object.fromEntries(
          message
            .split("\n")
            .filter((line) => line && !line.startsWith(":"))
            .map((line) => [line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 2)]),
        );
        if (fields.data) {
          const event = JSON.parse(fields.data) as ServiceEvent;
          if (String(event.id) !== fields.id || event.type !== fields.event) throw new Error(`inconsistent SSE message: ${message}`);
          received.push(event);
          for (const wake of waiters.splice(0)) wake();
        }
        end = pending.indexOf("\n\n");
      }
    }
  })();
  return {
    received,
    next(matches, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        const deadline = setTimeout(
          () => reject(new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(received.map((e) => e.type))}`)),
          timeoutMs,
        );
        const check = () => {
          const found = received.find(matches);
          if (found) {
            clearTimeout(deadline);
            resolve(found);
          } else waiters.push(check);
        };
        check();
      });
    },
    close: () => controller.abort(),
  };
}

/** Opens the service's event stream (GET /v1/events as text/event-stream) of a test service's environment and reads it. */
export async function followEvents(service: { fetch(path: string, init?: RequestInit): Promise<Response> }): Promise<EventReader> {
  const controller = new AbortController();
  const response = await service.fetch("/v1/events", { headers: { accept: "text/event-stream" }, signal: controller.signal });
  return readEvents(response, controller);
}
