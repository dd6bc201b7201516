// Object ids: opaque, stable within a token connection, derived from the handle with the connection's secret,
// so that a handle never appears and an id from one connection means nothing in another.
import { createHmac } from "node:crypto";
import { ScwsError } from "@open-scws/errors";
import type { ObjectHandle } from "../pkcs11/host.js";
import type { TokenConnection } from "../tokens/token-connections.js";

/** The id of a handle in a connection, remembered so that later calls can name it. */
export function idForHandle(connection: TokenConnection, handle: ObjectHandle): string {
  const id = `o-${createHmac("sha256", connection.idSecret).update(handle).digest("hex").slice(0, 24)}`;
  connection.objects.set(id, handle);
  return id;
}

/** The handle an id stands for in this connection, or CKR_OBJECT_HANDLE_INVALID. */
export function handleForId(
  connection: TokenConnection,
  id: string,
  code: "CKR_OBJECT_HANDLE_INVALID" | "CKR_KEY_HANDLE_INVALID" = "CKR_OBJECT_HANDLE_INVALID",
): ObjectHandle {
  const handle = connection.objects.get(id);
  if (handle === undefined) throw unknownObject(id, code);
  return handle;
}

/** The error for an object id this caller may not use, whether it never existed or is hidden. */
export function unknownObject(id: string, code: "CKR_OBJECT_HANDLE_INVALID" | "CKR_KEY_HANDLE_INVALID" = "CKR_OBJECT_HANDLE_INVALID"): ScwsError {
  return new ScwsError(`No object has the id ${id} in this token connection; list the objects again.`, code, undefined, { field: "/path/objectId" });
}
