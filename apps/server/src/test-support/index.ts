// Test support of @open-scws/server, for its own tests and the client's: a real service over SoftHSM.

export { type RawAnswer, rawRequest } from "./raw-http.js";
export { assertConforms, pathTemplateOf, specViolations } from "./spec-conformance.js";
export { startTestService, type TestService, type TestServiceOptions } from "./test-service.js";
