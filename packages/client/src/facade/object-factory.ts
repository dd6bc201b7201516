// Turns the objects of a listing into SCWS's classes by type: Certificate, Key or DataContainer.
import { communicationError } from "../transport/client-errors.js";
import { Certificate } from "./certificate.js";
import { DataContainer } from "./data-container.js";
import { Key } from "./key.js";
import type { ObjectState } from "./objects.js";
import type { FacadeContext } from "./service-connection.js";
import type { Token } from "./token.js";

/** What `Token.getObjects()` returns: each object as its kind's class; narrow on `type` or with `instanceof`. */
export type TokenObject = Certificate | Key | DataContainer;

/** The facade object for a listed object. */
export function objectFrom(context: FacadeContext, token: Token, state: ObjectState): TokenObject {
  switch (state.type) {
    case "certificate":
      return new Certificate(context, token, state);
    case "dataContainer":
      return new DataContainer(context, token, state);
    default:
      return new Key(context, token, state);
  }
}

/** The facade object for an object the service just made or named, which the spec says is of class `expected`. */
export function objectOf<Expected extends TokenObject>(
  context: FacadeContext,
  token: Token,
  state: ObjectState,
  expected: abstract new (...args: never[]) => Expected,
): Expected {
  const object = objectFrom(context, token, state);
  if (!(object instanceof expected)) throw communicationError(`the service answered a ${state.type} where a ${expected.name} was expected`);
  return object;
}
