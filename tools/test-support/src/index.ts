// @open-scws/test-support: the real service over SoftHSM for the tests of the server, the client, the demo and the tools.

export { countingHost } from "./call-counter.js";
export { findLeak, leakedForms } from "./canaries.js";
export { CARD_PIN, CARD_PUK, type CardTestService, type CardTestServiceOptions, startCardTestService } from "./card-service.js";
export { type ChromiumLaunchOptions, chromiumLaunchOptions } from "./chromium.js";
export { type CryptoToken, KEY_LABELS, startCryptoToken } from "./crypto-token.js";
export { blocksOf, type DocBlock, documentedBlocks, exampleName, markerProblem, RUNNABLE_LANGUAGES, runsFromRepositoryRoot, skipReason } from "./doc-blocks.js";
export { type EventReader, followEvents, readEvents } from "./event-reader.js";
export { type FaultModuleSetup, faultModuleSetup } from "./fault-module.js";
export { makeOpensslIdentity, type OpensslIdentity, openssl, writeFixture } from "./fixtures.js";
export { freePort } from "./free-port.js";
export { signWithPkcs11ToolAndVerify } from "./independent-signing.js";
export { pkcs11ToolAs } from "./pkcs11-tool-as.js";
export {
  exportPkcs12,
  type IssueOptions,
  issueCertificate,
  makeKey,
  makeRootCa,
  makeShortRsaKey,
  type OpensslCredential,
  selfSigned,
  type TestKeyAlgorithm,
  tamperedCertificate,
} from "./pki-fixtures.js";
export { type RawResponse, rawRequest } from "./raw-http.js";
export { completeResponses, exchange, type SocketExchange, type SocketStep, trickle } from "./raw-socket.js";
export { apiKeyHash, type SharedTestService, type SharedTestServiceOptions, startSharedTestService, type TestApiKey } from "./shared-test-service.js";
export { assertConforms, pathTemplateOf, specViolations } from "./spec-conformance.js";
export { createEnvironment, signChallenge, type TestApplication, testApplication } from "./test-environment.js";
export { startTestService, type TestService, type TestServiceOptions } from "./test-service.js";
export { type ApiCaller, connectByLabel, login, logout, pinState } from "./token-session.js";
