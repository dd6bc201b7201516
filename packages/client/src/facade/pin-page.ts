// Pin.login(false) and Pin.requestCredential(): the service's own PIN page, opened as a popup. The facade learns
// the outcome from the service (a long poll of the request's state), never from the popup, which may be closed,
// blocked or navigated by the user at will.
import type { components } from "@open-scws/spec";
import { notSupported } from "./not-supported.js";
import { scwsErrorOf, unwrap } from "./scws-answer.js";
import type { FacadeContext } from "./service-connection.js";

type PinRequest = components["schemas"]["PinRequest"];
type Creation = components["schemas"]["PinRequestCreation"];

/** Shows the PIN page at `url` (the default opens a popup window). (open SCWS addition) */
export type PinPageOpener = (url: string) => void;

/** A popup for the PIN page, opened at once so that it still counts as the user's gesture; navigated later. */
export function defaultPinPageOpener(): PinPageOpener | undefined {
  const open = (globalThis as { open?: (url: string, target: string, features: string) => { location: { href: string } } | null }).open;
  if (typeof open !== "function") return undefined;
  const popup = open("about:blank", "_blank", "popup,width=440,height=420");
  if (!popup) return undefined;
  return (url) => {
    popup.location.href = url;
  };
}

/** Makes a PIN request, shows its page, and resolves to the request once it left `pending`. */
export async function askOnPinPage(
  context: FacadeContext,
  path: { tokenId: string; pinNumber: number },
  creation: Creation,
  member: string,
  init: { signal?: AbortSignal },
): Promise<PinRequest> {
  const open = context.pinPageOpener?.() ?? defaultPinPageOpener();
  if (!open) throw notSupported(member, "there is no window to show the service's PIN page in (or the browser blocked the popup); pass the PIN instead");
  const { client, baseUrl } = context.connection();
  let request = unwrap(await client.POST("/v1/tokens/{tokenId}/pins/{pinNumber}/pin-requests", { params: { path }, body: creation, ...init }));
  open(new URL(request.pagePath, baseUrl).href);
  while (request.state === "pending") {
    const query = { waitSeconds: 20 };
    request = unwrap(await client.GET("/v1/pin-requests/{requestId}", { params: { path: { requestId: request.id }, query }, ...init }));
  }
  if (request.error) throw scwsErrorOf(request.error, request.error.status);
  return request;
}
