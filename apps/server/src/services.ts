// What handlers work with: the configuration and the service's domain objects.
import type { ServiceConfig } from "./config/service-config.js";
import type { CreationService } from "./creation/creation-service.js";
import type { TokenCrypto } from "./crypto/token-crypto.js";
import type { EventHub } from "./events/event-hub.js";
import type { ReaderWatch } from "./events/reader-watch.js";
import type { CipherService } from "./keys/cipher-service.js";
import type { SigningService } from "./keys/signing-service.js";
import type { ObjectService } from "./objects/object-service.js";
import type { ServiceMetrics } from "./observability/metrics.js";
import type { AutoLoginKeeper } from "./pin-page/auto-login.js";
import type { PinRequests } from "./pin-page/pin-requests.js";
import type { PinService } from "./pins/pin-service.js";
import type { AccessControl } from "./security/access-control.js";
import type { ModuleRegistry } from "./tokens/module-registry.js";
import type { ReaderDirectory } from "./tokens/reader-directory.js";
import type { TokenConnections } from "./tokens/token-connections.js";
import type { TrustService } from "./trust/trust-service.js";

/** The service's parts, shared by all handlers. */
export interface Services {
  readonly config: ServiceConfig;
  /** The service's release, from its package.json. */
  readonly version: string;
  readonly modules: ModuleRegistry;
  readonly readers: ReaderDirectory;
  readonly tokens: TokenConnections;
  readonly pins: PinService;
  /** One-time PIN requests answered on the service's PIN page (SCWS's login(false), requestCredential). */
  readonly pinRequests: PinRequests;
  /** PINs kept for auto-login (SCWS's startAutoLogin). */
  readonly autoLogin: AutoLoginKeeper;
  readonly objects: ObjectService;
  readonly signing: SigningService;
  readonly ciphers: CipherService;
  readonly tokenCrypto: TokenCrypto;
  readonly events: EventHub;
  readonly readerWatch: ReaderWatch;
  readonly metrics: ServiceMetrics;
  /** When the service started, from `performance.now()`. */
  readonly startedAt: number;
  /** Key generation, imports and certificate requests. */
  readonly creation: CreationService;
  /** Applications, environments, API keys, the audit log. */
  readonly access: AccessControl;
  /** Certificate trust against the configured anchors. */
  readonly trust: TrustService;
}
