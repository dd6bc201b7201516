// Server-Sent Events (HTML Living Standard, section 9.2): an event's id, name and JSON data per message, a
// retry hint, and a comment line every 15 seconds so that proxies and browsers keep the stream open.
import type { components } from "@open-scws/spec";
import type { EventHub, EventReader } from "./event-hub.js";

type ServiceEvent = components["schemas"]["ServiceEvent"];

const HEARTBEAT_MS = 15_000;
const RETRY_MS = 3_000;

function frame(event: ServiceEvent): string {
  return `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** A streaming answer with the caller's events after `since`, then each new one, until the client goes away. */
export function eventStream(hub: EventHub, reader: EventReader, since: number, signal: AbortSignal, onClose: () => void): Response {
  const encoder = new TextEncoder();
  let cleanup = () => {};
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (text: string) => {
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          cleanup();
        }
      };
      send(`retry: ${RETRY_MS}\n\n`);
      let last = since;
      for (const event of hub.after(since, reader).events) {
        send(frame(event));
        last = event.id;
      }
      const unsubscribe = hub.subscribe(reader, (event) => {
        if (event.id > last) send(frame(event));
      });
      const heartbeat = setInterval(() => send(": keep-alive\n\n"), HEARTBEAT_MS);
      let closed = false;
      cleanup = () => {
        if (closed) return;
        closed = true;
        clearInterval(heartbeat);
        unsubscribe();
        signal.removeEventListener("abort", cleanup);
        hub.closed.removeEventListener("abort", cleanup);
        onClose();
        try {
          controller.close();
        } catch {
          // Already closed by the client.
        }
      };
      signal.addEventListener("abort", cleanup);
      hub.closed.addEventListener("abort", cleanup);
      if (hub.closed.aborted) cleanup();
    },
    cancel() {
      cleanup();
    },
  });
  return new Response(body, { status: 200, headers: { "content-type": "text/event-stream", "cache-control": "no-store", "x-accel-buffering": "no" } });
}
