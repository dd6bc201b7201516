// Public entry of @open-scws/server: start the service from code.
export { ConfigError, configFromEnvironment, type LoadedConfig, type LoadOptions, loadConfig } from "./config/load-config.js";
export { matchesPkcs11Uri, type Pkcs11Uri, Pkcs11UriError, parsePkcs11Uri } from "./config/pkcs11-uri.js";
export {
  type ApplicationConfig,
  DEFAULT_PORT,
  type LogLevel,
  type ModuleConfig,
  type ServiceConfig,
  SOFTHSM_LIBRARY,
} from "./config/service-config.js";
export type { Pkcs11Host } from "./pkcs11/host.js";
export { type RunningService, type StartOptions, startService } from "./server.js";
