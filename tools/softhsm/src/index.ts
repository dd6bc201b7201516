// Public entry of @open-scws/softhsm.
export { pkcs11Tool } from "./pkcs11-tool.js";
export { SoftHsmSandbox, type SoftHsmToken, softHsmModule, uniquePin } from "./sandbox.js";
