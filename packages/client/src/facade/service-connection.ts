// The service findService settled on: its address, its description and the typed client the facade calls it with.
import type { components } from "@open-scws/spec";
import type { ScwsClient } from "../typed-client.js";
import type { PinPageOpener } from "./pin-page.js";
import type { Token } from "./token.js";

/** The service's description, `GET /v1/service`. */
export type ServiceInfo = components["schemas"]["ServiceInfo"];

/** A service that answered as open SCWS. */
export interface ServiceConnection {
  readonly baseUrl: string;
  readonly info: ServiceInfo;
  readonly client: ScwsClient;
}

/** What facade objects need from the SCWS object that made them. */
export interface FacadeContext {
  /** The found service; rejects with MWR_SCWS_UNREACHABLE before findService succeeded. */
  connection(): ServiceConnection;
  /** Told of each token connection made and ended, so that login events reach its PINs. */
  tokenConnected?(token: Token): void;
  tokenDisconnected?(token: Token): void;
  /** How to show the service's PIN page, when the application chose (`ScwsOptions.openPinPage`). */
  pinPageOpener?(): PinPageOpener | undefined;
}
