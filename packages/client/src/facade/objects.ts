// SCWS.Object and its kinds (Certificate, Key, DataContainer): what Token.getObjects() will return. Only the class
// hierarchy exists so far; each member is added with the spec's objects schema and endpoints, aliasing those types.
import type { Token } from "./token.js";

/** An object on a token (`SCWS.Object`). Built by the library, never by user code. */
export class ScwsObject {
  /** @internal Objects will come from `Token.getObjects()`. */
  constructor(
    /** The token the object is on. */
    readonly parent: Token,
  ) {}
}

/** A certificate on a token (`SCWS.Certificate`). */
export class Certificate extends ScwsObject {}

/** A public or private key on a token (`SCWS.Key`). */
export class Key extends ScwsObject {}

/** A data object on a token (`SCWS.DataContainer`). */
export class DataContainer extends ScwsObject {}
