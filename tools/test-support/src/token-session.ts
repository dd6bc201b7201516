// Shortcuts for contract tests: connect to a token by label and call its PIN operations through the typed client
// of a test service, or of any other environment (`t.newEnvironment()`), since each takes only its client.
import type { paths } from "@open-scws/spec";
import type { Client } from "openapi-fetch";

/** Whoever calls: a test service (its main environment) or another environment of it. */
export interface ApiCaller {
  readonly client: Client<paths>;
}

/** Connects to the token with this label and returns its connection id. */
export async function connectByLabel(t: ApiCaller, label: string): Promise<string> {
  const { data } = await t.client.GET("/v1/readers");
  const reader = data?.readers.find((entry) => entry.token?.label === label);
  if (!reader) throw new Error(`no reader holds ${label}`);
  const connected = await t.client.POST("/v1/readers/{readerId}/connect", { params: { path: { readerId: reader.id } } });
  if (!connected.data) throw new Error(`connecting to ${label} failed: ${JSON.stringify(connected.error)}`);
  return connected.data.id;
}

/** Logs in to PIN 0 of a connection. */
export function login(t: ApiCaller, tokenId: string, pin: string | null, extra: { userType?: "user" | "so"; confirmFinalTry?: boolean } = {}) {
  return t.client.POST("/v1/tokens/{tokenId}/pins/{pinNumber}/login", { params: { path: { tokenId, pinNumber: 0 } }, body: { pin, ...extra } });
}

/** Reads PIN 0 of a connection. */
export function pinState(t: ApiCaller, tokenId: string) {
  return t.client.GET("/v1/tokens/{tokenId}/pins/{pinNumber}", { params: { path: { tokenId, pinNumber: 0 } } });
}

/** Logs out of a connection's token. */
export function logout(t: ApiCaller, tokenId: string) {
  return t.client.POST("/v1/tokens/{tokenId}/pins/{pinNumber}/logout", { params: { path: { tokenId, pinNumber: 0 } } });
}
