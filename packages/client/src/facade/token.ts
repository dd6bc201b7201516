// SCWS.Token: a connection to the token in a reader, with its properties cached from the service's answer.
import type { components, operations } from "@open-scws/spec";
import { badParams, communicationError } from "../transport/client-errors.js";
import { type Bytes, bytesOf, fromBase64, toBase64 } from "./bytes.js";
import { type CallOptions, callInit } from "./call-options.js";
import { Certificate } from "./certificate.js";
import { DataContainer } from "./data-container.js";
import { Key } from "./key.js";
import { objectFrom, objectOf, type TokenObject } from "./object-factory.js";
import type { ObjectState } from "./objects.js";
import { Pin } from "./pin.js";
import type { Reader } from "./reader.js";
import { unwrap } from "./scws-answer.js";
import type { FacadeContext } from "./service-connection.js";
import {
  type CertificateImportOptions,
  certificateValueOf,
  type DataContainerRequest,
  dataContainerBodyOf,
  type ImportedPkcs12,
  type KeyPair,
  type KeyPairRequest,
  keyRequestOf,
  namingOf,
  type Pkcs12ImportOptions,
  type SecretKeyRequest,
} from "./token-creation.js";

/** A token connection as the spec describes it. */
export type TokenState = components["schemas"]["Token"];
/** Filters of `getObjects`, applied on the token: `type`, `ckId` (hex), `label`. (open SCWS addition) */
export type ObjectFilter = NonNullable<operations["listObjects"]["parameters"]["query"]>;
/** A hash function the token computes: `"sha256"`... */
export type DigestAlgorithm = components["schemas"]["DigestAlgorithm"];
/** A mechanism the token supports, with its key sizes and uses. */
export type Mechanism = components["schemas"]["Mechanism"];

/**
 * A connection to a token, made by `Reader.connect()`. Built by the library, never by user code. Call
 * `disconnect()` when done (for instance on the page's `pagehide`).
 */
export class Token {
  readonly #context: FacadeContext;
  readonly #state: TokenState;
  readonly #pins: readonly Pin[];

  /** @internal Tokens come from `Reader.connect()`. */
  constructor(
    context: FacadeContext,
    /** The reader the token is in. */
    readonly reader: Reader,
    state: TokenState,
  ) {
    this.#context = context;
    this.#state = state;
    this.#pins = state.pins.map((pin) => new Pin(context, this, pin));
    context.tokenConnected?.(this);
  }

  /** The connection's opaque id, as the HTTP API names it. (open SCWS addition) */
  get id(): string {
    return this.#state.id;
  }
  /** The token's serial number. */
  get serialNumber(): string {
    return this.#state.serialNumber;
  }
  /** The token's label. */
  get label(): string {
    return this.#state.label;
  }
  /** The token's PINs; an object's `pinNumber` indexes this list. */
  get pins(): readonly Pin[] {
    return this.#pins;
  }
  /** Whether PINs are entered on the token or its reader (a PIN pad), so that a login may send none. */
  get protectedAuthPath(): boolean {
    return this.#state.protectedAuthPath;
  }
  /** The token's manufacturer. (open SCWS addition) */
  get manufacturer(): string {
    return this.#state.manufacturer;
  }
  /** The token's model. (open SCWS addition) */
  get model(): string {
    return this.#state.model;
  }
  /** The token's PKCS#11 flags. (open SCWS addition) */
  get flags(): TokenState["flags"] {
    return this.#state.flags;
  }
  /** The PIN lengths the token accepts. (open SCWS addition) */
  get pinLength(): TokenState["pinLength"] {
    return this.#state.pinLength;
  }
  /** The token's hardware version, `major.minor`. (open SCWS addition) */
  get hardwareVersion(): string {
    return this.#state.hardwareVersion;
  }
  /** The token's firmware version, `major.minor`. (open SCWS addition) */
  get firmwareVersion(): string {
    return this.#state.firmwareVersion;
  }

  /**
   * The objects on the token that this connection may see: private ones only after a login. Each is a `Certificate`,
   * a `Key` or a `DataContainer`; `filter` narrows the listing on the token (open SCWS addition).
   */
  async getObjects(filter?: ObjectFilter & CallOptions): Promise<TokenObject[]> {
    const init = callInit(filter);
    const query = { type: filter?.type, ckId: filter?.ckId, label: filter?.label };
    const { objects } = unwrap(await this.#client().GET("/v1/tokens/{tokenId}/objects", { params: { path: { tokenId: this.id }, query }, ...init }));
    return objects.map((state) => objectFrom(this.#context, this, state));
  }

  /** Hashes `data` on the token. (open SCWS addition) */
  async digest(data: Bytes, algorithm: DigestAlgorithm, options?: CallOptions): Promise<ArrayBuffer> {
    const body = { data: toBase64(bytesOf("data", data)), algorithm };
    const init = callInit(options);
    return fromBase64(unwrap(await this.#client().POST("/v1/tokens/{tokenId}/digest", { params: { path: { tokenId: this.id } }, body, ...init })).digest);
  }

  /** `length` random bytes (1 to 4096) from the token's generator. (open SCWS addition) */
  async generateRandom(length: number, options?: CallOptions): Promise<ArrayBuffer> {
    const init = callInit(options);
    const body = { length };
    return fromBase64(unwrap(await this.#client().POST("/v1/tokens/{tokenId}/random", { params: { path: { tokenId: this.id } }, body, ...init })).random);
  }

  /** The mechanisms the token supports. (open SCWS addition) */
  async getMechanisms(options?: CallOptions): Promise<Mechanism[]> {
    const init = callInit(options);
    return unwrap(await this.#client().GET("/v1/tokens/{tokenId}/mechanisms", { params: { path: { tokenId: this.id } }, ...init })).mechanisms;
  }

  /**
   * Generates an RSA or EC key pair on the token (after the user's login). Its ckId is the SHA-1 of its public key
   * unless given. (open SCWS addition)
   * @example const { privateKey } = await token.generateKeyPair({ algorithm: "EC", curve: "P-256", ckLabel: "Signature" });
   */
  async generateKeyPair(request: KeyPairRequest, options?: CallOptions): Promise<KeyPair> {
    const created = await this.#generate(keyRequestOf(request, ["RSA", "EC"]), options);
    if (!created.privateKey || !created.publicKey) throw communicationError("a key pair generation answered no key pair");
    return { privateKey: this.#object(created.privateKey, Key), publicKey: this.#object(created.publicKey, Key) };
  }

  /** Generates an AES key on the token (after the user's login). (open SCWS addition) */
  async generateKey(request: SecretKeyRequest, options?: CallOptions): Promise<Key> {
    const { secretKey } = await this.#generate(keyRequestOf(request, ["AES"]), options);
    if (!secretKey) throw communicationError("a key generation answered no secret key");
    return this.#object(secretKey, Key);
  }

  /**
   * Writes an X.509 certificate to the token: PEM text, or its DER bytes. It takes the ckId of its key when the key is
   * on the token. (open SCWS addition)
   */
  async importCertificate(certificate: string | Bytes, options?: CertificateImportOptions): Promise<Certificate> {
    const body = { certificate: certificateValueOf(certificate), ...namingOf(options) };
    const init = callInit(options);
    return this.#object(
      unwrap(await this.#client().POST("/v1/tokens/{tokenId}/certificates", { params: { path: { tokenId: this.id } }, body, ...init })),
      Certificate,
    );
  }

  /** Creates a data container: a label, an application, a value, public or private to the PIN. (open SCWS addition) */
  async createDataContainer(request: DataContainerRequest, options?: CallOptions): Promise<DataContainer> {
    const body = dataContainerBodyOf(request);
    const init = callInit(options);
    const created = unwrap(await this.#client().POST("/v1/tokens/{tokenId}/data-containers", { params: { path: { tokenId: this.id } }, body, ...init }));
    return this.#object(created, DataContainer);
  }

  /**
   * Imports a PKCS#12 file's private key, certificate and chain. The password goes into this one request and is kept
   * nowhere. (open SCWS addition)
   */
  async importPkcs12(file: Bytes, password: string, options?: Pkcs12ImportOptions): Promise<ImportedPkcs12> {
    if (typeof password !== "string") throw badParams("password", "must be a string (empty for a file without one)");
    const body = { file: toBase64(bytesOf("file", file)), password, ...namingOf(options) };
    const init = callInit(options);
    const created = unwrap(await this.#client().POST("/v1/tokens/{tokenId}/pkcs12", { params: { path: { tokenId: this.id } }, body, ...init }));
    return {
      ...(created.privateKey ? { privateKey: this.#object(created.privateKey, Key) } : {}),
      ...(created.publicKey ? { publicKey: this.#object(created.publicKey, Key) } : {}),
      ...(created.certificate ? { certificate: this.#object(created.certificate, Certificate) } : {}),
      chain: (created.chain ?? []).map((state) => this.#object(state, Certificate)),
    };
  }

  /** Ends the connection; the service logs out what it logged in. */
  async disconnect(options?: CallOptions): Promise<void> {
    const init = callInit(options);
    unwrap(await this.#client().DELETE("/v1/tokens/{tokenId}", { params: { path: { tokenId: this.id } }, ...init }));
    this.#context.tokenDisconnected?.(this);
  }

  async #generate(body: components["schemas"]["GenerateKeyRequest"], options: CallOptions | undefined) {
    const init = callInit(options);
    return unwrap(await this.#client().POST("/v1/tokens/{tokenId}/keys", { params: { path: { tokenId: this.id } }, body, ...init }));
  }

  #object<Expected extends TokenObject>(state: ObjectState, expected: abstract new (...args: never[]) => Expected): Expected {
    return objectOf(this.#context, this, state, expected);
  }

  #client() {
    return this.#context.connection().client;
  }
}
