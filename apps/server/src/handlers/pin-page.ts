// Handlers of the service's PIN page and auto-login (tag "pins"): SCWS's Pin.login(false), requestCredential,
// login(credentialValue), startAutoLogin and stopAutoLogin.
import type { Handlers } from "../http/operation-types.js";
import { PIN_PAGE_HEADERS, pinEntryPage } from "../pin-page/pin-entry-page.js";
import type { Services } from "../services.js";

type PinPageOperations =
  | "createPinRequest"
  | "getPinRequest"
  | "logInWithCredential"
  | "showPinEntryPage"
  | "submitPinEntry"
  | "startAutoLogin"
  | "stopAutoLogin";

/** Handlers of the PIN page's operations. */
export function pinPageHandlers(services: Services): Pick<Handlers, PinPageOperations> {
  const { pinRequests, tokens, autoLogin, pins } = services;
  return {
    async createPinRequest({ params, body, context }) {
      const connection = tokens.get(params.tokenId, context.caller);
      const { label } = await tokens.tokenInfo(connection);
      const request = pinRequests.create(connection, params.pinNumber, body, context.environment?.origin, label);
      return { status: 201, body: request };
    },
    async getPinRequest({ params, query, context }) {
      return { status: 200, body: await pinRequests.follow(params.requestId, context.caller, query?.waitSeconds ?? 0, context.signal) };
    },
    async logInWithCredential({ params, context }) {
      return { status: 200, body: await pinRequests.logInWith(params.requestId, context.caller) };
    },
    async showPinEntryPage({ params }) {
      const page = pinEntryPage(pinRequests.pageFacts(params.requestId));
      return { status: 200, text: page, contentType: "text/html; charset=utf-8", headers: PIN_PAGE_HEADERS };
    },
    async submitPinEntry({ params, body }) {
      return { status: 200, body: await pinRequests.submit(params.requestId, body), headers: { "cache-control": "no-store" } };
    },
    async startAutoLogin({ params, body, context }) {
      const connection = tokens.get(params.tokenId, context.caller);
      await pins.state(connection, params.pinNumber);
      return { status: 200, body: autoLogin.start(connection.owner, connection.tokenKey, body?.counter) };
    },
    async stopAutoLogin({ params, context }) {
      const connection = tokens.get(params.tokenId, context.caller);
      await pins.state(connection, params.pinNumber);
      autoLogin.stop(connection.owner, connection.tokenKey);
      return { status: 204 };
    },
  };
}
