// Public entry of @open-scws/softhsm.
export { pkcs11Tool, pkcs11ToolAsUser } from "./pkcs11-tool.js";
export { SoftHsmSandbox, type SoftHsmToken, softHsmModule, uniquePin } from "./sandbox.js";
