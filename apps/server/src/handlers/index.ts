// Every operation's handler, one module per spec tag; `satisfies Handlers` fails to compile if one is missing.
import type { Handlers } from "../http/operation-types.js";
import type { Services } from "../services.js";
import { withAudit } from "./audited.js";
import { creationHandlers } from "./creation.js";
import { cryptographyHandlers } from "./cryptography.js";
import { environmentHandlers } from "./environments.js";
import { eventHandlers } from "./events.js";
import { monitoringHandlers } from "./monitoring.js";
import { objectHandlers } from "./objects.js";
import { pinPageHandlers } from "./pin-page.js";
import { pinHandlers } from "./pins.js";
import { readerHandlers } from "./readers.js";
import { serviceHandlers } from "./service.js";
import { tokenHandlers } from "./tokens.js";
import { trustHandlers } from "./trust.js";

/** The handlers of all operations. */
export function createHandlers(services: Services): Handlers {
  const handlers = {
    ...serviceHandlers(services),
    ...environmentHandlers(services),
    ...monitoringHandlers(services),
    ...readerHandlers(services),
    ...tokenHandlers(services),
    ...pinHandlers(services),
    ...pinPageHandlers(services),
    ...objectHandlers(services),
    ...cryptographyHandlers(services),
    ...eventHandlers(services),
    ...creationHandlers(services),
    ...trustHandlers(services),
  } satisfies Handlers;
  return withAudit(handlers, services);
}
