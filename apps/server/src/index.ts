// Public entry of @open-scws/server: start the service from code.
export { configFromEnvironment, DEFAULT_PORT, type ModuleConfig, type ServiceConfig, SOFTHSM_LIBRARY } from "./config/service-config.js";
export type { Pkcs11Host } from "./pkcs11/host.js";
export { type RunningService, type StartOptions, startService } from "./server.js";
