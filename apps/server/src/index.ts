// Public entry of @open-scws/server: start the service from code.

export { withDemoApplication } from "./cli/demo.js";
export { ConfigError, configFromEnvironment, type LoadedConfig, type LoadOptions, loadConfig } from "./config/load-config.js";
export { matchesPkcs11Uri, type Pkcs11Uri, Pkcs11UriError, parsePkcs11Uri } from "./config/pkcs11-uri.js";
export {
  type ApiKeyConfig,
  type ApplicationConfig,
  DEFAULT_PORT,
  type LogLevel,
  type ModuleConfig,
  type ServiceConfig,
  SOFTHSM_LIBRARY,
} from "./config/service-config.js";
export { createLogger } from "./observability/logger.js";
export type { Pkcs11Host } from "./pkcs11/host.js";
export { type RunningService, type StartOptions, startService } from "./server.js";
