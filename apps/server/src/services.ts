// What handlers work with: the configuration and the service's domain objects.
import type { ServiceConfig } from "./config/service-config.js";
import type { ServiceMetrics } from "./observability/metrics.js";
import type { ModuleRegistry } from "./tokens/module-registry.js";
import type { ReaderDirectory } from "./tokens/reader-directory.js";
import type { TokenConnections } from "./tokens/token-connections.js";

/** The service's parts, shared by all handlers. */
export interface Services {
  readonly config: ServiceConfig;
  /** The service's release, from its package.json. */
  readonly version: string;
  readonly modules: ModuleRegistry;
  readonly readers: ReaderDirectory;
  readonly tokens: TokenConnections;
  readonly metrics: ServiceMetrics;
  /** When the service started, from `performance.now()`. */
  readonly startedAt: number;
}
