// Handlers of the "events" tag: reader and login events, streamed or polled.

import { eventStream } from "../events/event-stream.js";
import type { Handlers } from "../http/operation-types.js";
import type { Services } from "../services.js";

/** Handlers of the events tag. */
export function eventHandlers(services: Services): Pick<Handlers, "listEvents"> {
  return {
    async listEvents({ query, context }) {
      const resumeFrom = context.header("last-event-id");
      const since = query.since ?? (resumeFrom === undefined ? services.events.cursor : Number(resumeFrom));
      const reader = { caller: context.caller, ...(context.scope ? { scope: context.scope } : {}) };
      const release = services.readerWatch.hold();
      if (context.header("accept")?.includes("text/event-stream")) {
        return { status: 200, raw: eventStream(services.events, reader, since, context.signal, release) };
      }
      try {
        const page = await services.events.waitAfter(since, reader, (query.wait ?? 0) * 1000, context.signal);
        return { status: 200, body: page.missed ? page : { events: page.events, cursor: page.cursor } };
      } finally {
        release();
      }
    },
  };
}
