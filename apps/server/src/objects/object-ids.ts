// Object ids: opaque, derived from the handle with the connection's secret, so that a handle never appears and an
// id from one connection means nothing in another. An id lives as long as its handle: the connection for a public
// object, the login for a private one on modules that hand out new handles at each login (SoftHSM does).
import { createHmac } from "node:crypto";
import { ScwsError } from "@open-scws/errors";
import type { ObjectHandle } from "../pkcs11/host.js";
import type { TokenConnection } from "../tokens/token-connections.js";

type UnknownCode = "CKR_OBJECT_HANDLE_INVALID" | "CKR_KEY_HANDLE_INVALID";

/** The id of a handle in a connection, remembered (with whether the object is private) so that later calls can name it. */
export function idForHandle(connection: TokenConnection, handle: ObjectHandle, isPrivate: boolean): string {
  const id = `o-${createHmac("sha256", connection.idSecret).update(handle).digest("hex").slice(0, 24)}`;
  connection.objects.set(id, { handle, private: isPrivate });
  return id;
}

/** What an id stands for in this connection, or CKR_OBJECT_HANDLE_INVALID (CKR_KEY_HANDLE_INVALID for keys). */
export function objectForId(
  connection: TokenConnection,
  id: string,
  code: UnknownCode = "CKR_OBJECT_HANDLE_INVALID",
): { readonly handle: ObjectHandle; readonly private: boolean } {
  const known = connection.objects.get(id);
  if (known === undefined) throw unknownObject(id, code);
  return known;
}

/** The error for an object id this caller may not use, whether it never existed or is hidden. */
export function unknownObject(id: string, code: UnknownCode = "CKR_OBJECT_HANDLE_INVALID"): ScwsError {
  return new ScwsError(code, {
    message: `No object has the id ${id} in this token connection; list the objects again.`,
    customData: { field: "/path/objectId" },
  });
}
