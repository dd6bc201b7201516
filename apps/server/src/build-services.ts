// Builds the service's domain objects over started modules: readers, connections, PINs, objects, keys, events.
import { join, resolve } from "node:path";
import type { ServiceConfig } from "./config/service-config.js";
import { slotFilterFor } from "./config/token-filter.js";
import { CreationService } from "./creation/creation-service.js";
import { TokenCrypto } from "./crypto/token-crypto.js";
import { EventHub } from "./events/event-hub.js";
import { ReaderWatch } from "./events/reader-watch.js";
import { CipherService } from "./keys/cipher-service.js";
import { MechanismCatalog } from "./keys/mechanism-catalog.js";
import { SigningService } from "./keys/signing-service.js";
import { ObjectService } from "./objects/object-service.js";
import type { ServiceMetrics } from "./observability/metrics.js";
import { AutoLoginKeeper } from "./pin-page/auto-login.js";
import { PIN_PAGE_LIMITS } from "./pin-page/limits.js";
import { PinRequests } from "./pin-page/pin-requests.js";
import { LoginRegistry } from "./pins/login-registry.js";
import { PinCounterStore } from "./pins/pin-counters.js";
import { PinService } from "./pins/pin-service.js";
import { AccessControl } from "./security/access-control.js";
import { AuditLog } from "./security/audit-log.js";
import { loadOrCreateServiceKey } from "./security/service-key.js";
import type { Services } from "./services.js";
import type { ModuleRegistry } from "./tokens/module-registry.js";
import { ReaderDirectory } from "./tokens/reader-directory.js";
import { TokenConnections } from "./tokens/token-connections.js";
import { TrustService } from "./trust/trust-service.js";

/** What the rest of the service needs to know at start. */
export interface ServiceParts {
  readonly config: ServiceConfig;
  readonly version: string;
  readonly modules: ModuleRegistry;
  readonly metrics: ServiceMetrics;
  readonly startedAt: number;
}

/** The domain objects, wired together; the reader watch has its first listing. */
export async function buildServices(parts: ServiceParts, trustAnchors: readonly Uint8Array[]): Promise<Services> {
  const { config, modules } = parts;
  const readers = new ReaderDirectory(modules, slotFilterFor(config));
  const logins = new LoginRegistry();
  const events = new EventHub();
  const tokens = new TokenConnections(readers, logins, events, config.environments.maxConnectionsPerEnvironment);
  const audit = new AuditLog(config.auditLog === "-" ? "-" : resolve(config.dataDir, config.auditLog));
  const serviceKey = loadOrCreateServiceKey(config.serviceKeyFile ?? join(config.dataDir, "service-key.pem"));
  const autoLogin = new AutoLoginKeeper(logins, PIN_PAGE_LIMITS.autoLogin);
  let pinRequests: PinRequests | undefined;
  const access = new AccessControl(config, serviceKey, audit, (environment) => {
    autoLogin.forgetOwner(environment.id);
    pinRequests?.forgetOwner(environment.id);
    return tokens.disconnectOwner(environment.id);
  });
  const readerWatch = new ReaderWatch(readers, tokens, events, config.readerPollMs);
  await readerWatch.baseline();
  const pins = new PinService(
    tokens,
    logins,
    PinCounterStore.load(join(config.dataDir, "pin-counters.json")),
    config.pinPolicy,
    events,
    (owner) => access.confirmsFinalTry(owner),
    autoLogin,
  );
  pinRequests = new PinRequests(tokens, pins, PIN_PAGE_LIMITS.requests);
  const objects = new ObjectService(logins);
  const mechanisms = new MechanismCatalog();
  return {
    ...parts,
    readers,
    tokens,
    pins,
    pinRequests,
    autoLogin,
    objects,
    signing: new SigningService(objects, pins, mechanisms),
    ciphers: new CipherService(objects, pins, mechanisms),
    tokenCrypto: new TokenCrypto(mechanisms),
    events,
    readerWatch,
    access,
    creation: new CreationService(objects),
    trust: new TrustService(objects, trustAnchors),
  };
}
