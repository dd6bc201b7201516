// Small helpers shared by the creation operations: answering with created objects, refusing duplicates, undoing.
import { ScwsError } from "@open-scws/errors";
import type { components } from "@open-scws/spec";
import { idForHandle } from "../objects/object-ids.js";
import { readObjectRecord } from "../objects/object-record.js";
import { tokenObjectOf } from "../objects/object-view.js";
import { CKA } from "../pkcs11/constants.js";
import type { AttributeInput, ObjectHandle } from "../pkcs11/host.js";
import type { TokenConnection } from "../tokens/token-connections.js";

type TokenObject = components["schemas"]["TokenObject"];

/** An object the service just created or found, as the spec shows it, with an id valid in the connection. */
export async function tokenObjectFor(connection: TokenConnection, handle: ObjectHandle): Promise<TokenObject> {
  const record = await readObjectRecord(connection.host, connection.slot, handle);
  if (!record) throw new ScwsError("CKR_FUNCTION_FAILED", { message: "The token did not show the object it created." });
  return tokenObjectOf(record, idForHandle(connection, handle, record.private));
}

/** The handles of objects matching a template. */
export function findObjects(connection: TokenConnection, template: readonly AttributeInput[]): Promise<ObjectHandle[]> {
  return connection.host.findObjects(connection.slot, template);
}

/** Refuses with CXR_CONTAINER_EXISTS when an object of a class already has this ckId (other than `except`). */
export async function refuseExisting(connection: TokenConnection, klass: number, ckId: Uint8Array, what: string, except: ObjectHandle[] = []): Promise<void> {
  const found = await findObjects(connection, [
    { type: CKA.CLASS, value: klass },
    { type: CKA.ID, value: ckId },
  ]);
  if (found.some((handle) => !except.includes(handle))) {
    const hex = Buffer.from(ckId).toString("hex");
    throw new ScwsError("CXR_CONTAINER_EXISTS", { message: `A ${what} with the ckId ${hex} is already on the token.`, customData: { ckId: hex } });
  }
}

/** Destroys objects made by a request that then failed; the original failure matters more than a second one. */
export async function destroyQuietly(connection: TokenConnection, handles: readonly ObjectHandle[]): Promise<void> {
  for (const handle of handles) await connection.host.destroyObject(connection.slot, handle).catch(() => undefined);
}

/** Bytes of a hex ckId from a request. */
export function ckIdBytes(hex: string): Uint8Array {
  return new Uint8Array(Buffer.from(hex, "hex"));
}
