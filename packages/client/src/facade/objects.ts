// SCWS.Object: what every object of Token.getObjects() has, its cached properties (from the spec's TokenObject) and
// the calls on /v1/tokens/{tokenId}/objects/{objectId}. Certificate, Key and DataContainer extend it.
import type { components } from "@open-scws/spec";
import { communicationError } from "../transport/client-errors.js";
import type { ScwsClient } from "../typed-client.js";
import { type CallOptions, callInit } from "./call-options.js";
import { unwrap } from "./scws-answer.js";
import type { FacadeContext } from "./service-connection.js";
import type { Token } from "./token.js";

/** An object's properties as the spec describes them. */
export type ObjectState = components["schemas"]["TokenObject"];
/** `"certificate"`, `"publicKey"`, `"privateKey"`, `"secretKey"` or `"dataContainer"`. */
export type ObjectType = components["schemas"]["ObjectType"];
/** `getDetails()`'s answer: the type-specific details are in the member named after the type. */
export type ObjectDetails = components["schemas"]["ObjectDetails"];
/** New values for `update()`: `ckLabel`, `ckId` (hex), or both. */
export type ObjectChanges = components["schemas"]["UpdateObjectRequest"];
/** `getDetails()`'s answer for one kind of object, with that kind's member present. */
export type DetailsOf<Member extends "certificate" | "key" | "dataContainer"> = ObjectDetails & Required<Pick<ObjectDetails, Member>>;

/** What a subclass needs to call the service for its object. */
export interface ObjectCall {
  readonly client: ScwsClient;
  readonly params: { readonly path: { tokenId: string; objectId: string } };
}

let internals: (object: ScwsObject) => { state: ObjectState; context: FacadeContext; call: () => ObjectCall };

/**
 * An object on a token (`SCWS.Object`), from `Token.getObjects()`. Built by the library, never by user code. Its
 * properties are cached from the listing and refreshed by `update()` and `refresh()`.
 */
export class ScwsObject {
  readonly #context: FacadeContext;
  #state: ObjectState;

  static {
    internals = (object) => ({
      state: object.#state,
      context: object.#context,
      call: () => ({ client: object.#context.connection().client, params: { path: { tokenId: object.parent.id, objectId: object.#state.id } } }),
    });
  }

  /** @internal Objects come from `Token.getObjects()`. */
  constructor(
    context: FacadeContext,
    /** The token the object is on. */
    readonly parent: Token,
    state: ObjectState,
  ) {
    this.#context = context;
    this.#state = state;
  }

  /** The object's opaque id: equal handles mean the same object. Valid for the life of the token connection. */
  get handle(): string {
    return this.#state.id;
  }
  /** The same id, as the HTTP API names it. (open SCWS addition) */
  get id(): string {
    return this.#state.id;
  }
  /** The kind of object. */
  get type(): ObjectType {
    return this.#state.type;
  }
  /** `CKA_ID` in hex, which links a certificate to its keys; `undefined` for data containers without one. */
  get ckId(): string | undefined {
    return this.#state.ckId;
  }
  /** `CKA_LABEL`. */
  get ckLabel(): string {
    return this.#state.ckLabel;
  }
  /** Whether the object is protected by a PIN. */
  get private(): boolean {
    return this.#state.private;
  }
  /** Whether the object can be changed or deleted. */
  get modifiable(): boolean {
    return this.#state.modifiable;
  }
  /** Index in `Token.pins` of the PIN that guards the object (for a public object, its private key). */
  get pinNumber(): number {
    return this.#state.pinNumber;
  }

  /** The object's details; their fields depend on its type. */
  async getDetails(options?: CallOptions): Promise<ObjectDetails> {
    const init = callInit(options);
    const { client, params } = internals(this).call();
    return unwrap(await client.GET("/v1/tokens/{tokenId}/objects/{objectId}/details", { params, ...init }));
  }

  /** Reads the object's properties afresh. (open SCWS addition) */
  async refresh(options?: CallOptions): Promise<void> {
    const init = callInit(options);
    const { client, params } = internals(this).call();
    this.#state = unwrap(await client.GET("/v1/tokens/{tokenId}/objects/{objectId}", { params, ...init }));
  }

  /** Changes the object's label or `CKA_ID` (hex) on the token, and its cached properties. (open SCWS addition) */
  async update(changes: ObjectChanges, options?: CallOptions): Promise<void> {
    const init = callInit(options);
    const { client, params } = internals(this).call();
    this.#state = unwrap(await client.PATCH("/v1/tokens/{tokenId}/objects/{objectId}", { params, body: changes, ...init }));
  }

  /** Destroys the object on the token; its handle is not valid afterwards. (open SCWS addition) */
  async delete(options?: CallOptions): Promise<void> {
    const init = callInit(options);
    const { client, params } = internals(this).call();
    unwrap(await client.DELETE("/v1/tokens/{tokenId}/objects/{objectId}", { params, ...init }));
  }
}

/** @internal The cached properties of an object, for its subclass's getters. */
export function stateOf(object: ScwsObject): ObjectState {
  return internals(object).state;
}

/** @internal How the object reaches the service, to make the objects its answers name. */
export function contextOf(object: ScwsObject): FacadeContext {
  return internals(object).context;
}

/** @internal The client and path to call the service about an object. */
export function callFor(object: ScwsObject): ObjectCall {
  return internals(object).call();
}

/** @internal Checks that details carry the member of the object's kind, as the spec says they do for that type. */
export function detailsWith<Member extends "certificate" | "key" | "dataContainer">(details: ObjectDetails, member: Member): DetailsOf<Member> {
  if (details[member] === undefined) throw communicationError(`the details of a ${details.type} lack "${member}"`);
  return details as DetailsOf<Member>;
}
