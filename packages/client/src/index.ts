// Public entry of @open-scws/client: the typed client, and the SCWS-compatible facade.
export { type CustomData, type ErrorCode, isErrorCode, type Problem, ScwsError } from "@open-scws/errors";
export { type EventTransport, type ServiceEventsOptions, serviceEvents } from "./events/service-events.js";
export type { Bytes, BytesOrHex } from "./facade/bytes.js";
export type { CallOptions } from "./facade/call-options.js";
export { Certificate, type CertificateTrust, type TrustAnchorEntry } from "./facade/certificate.js";
export { DataContainer } from "./facade/data-container.js";
export type { EnvironmentInfo, ServiceChallenge } from "./facade/environment.js";
export {
  type BatchSignature,
  type CertificateRequest,
  type CertificateRequestOptions,
  type DecryptOptions,
  type Encrypted,
  type EncryptionAlgorithm,
  Key,
  type KeyAlgorithm,
  type KeyType,
  type SignAlgorithm,
  type SignOptions,
  type VerifyOptions,
} from "./facade/key.js";
export type { TokenObject } from "./facade/object-factory.js";
export { type DetailsOf, type ObjectChanges, type ObjectDetails, type ObjectState, type ObjectType, ScwsObject } from "./facade/objects.js";
export { type ChangeOptions, type LoginOptions, Pin, type PinState } from "./facade/pin.js";
export { Reader, type ReaderState, type TokenSummary } from "./facade/reader.js";
export type { LoginChange, ReaderChange, ReaderEventSink, ReaderEventSource } from "./facade/reader-registry.js";
export {
  createScws,
  DEFAULT_DISCOVERY_TIMEOUT_MS,
  DEFAULT_PORTS,
  type LoginCallback,
  type LoginChangeReason,
  type ReaderCallback,
  SCWS,
  Scws,
  type ScwsOptions,
} from "./facade/scws.js";
export type { ServiceConnection, ServiceInfo } from "./facade/service-connection.js";
export { type DigestAlgorithm, type Mechanism, type ObjectFilter, Token, type TokenState } from "./facade/token.js";
export type {
  CertificateImportOptions,
  DataContainerRequest,
  ImportedPkcs12,
  KeyPair,
  KeyPairRequest,
  Pkcs12ImportOptions,
  SecretKeyRequest,
} from "./facade/token-creation.js";
export { ENVIRONMENT_HEADER, environmentCredential, environmentMessage, serviceMessage } from "./transport/environment.js";
export { type DataOf, unwrap } from "./transport/unwrap.js";
export type { ContractValidation } from "./transport/validation.js";
export { createScwsClient, DEFAULT_TIMEOUT_MS, type ScwsClient, type ScwsClientOptions } from "./typed-client.js";
export { version } from "./version.js";
