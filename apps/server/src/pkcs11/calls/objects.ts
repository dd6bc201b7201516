// Object calls on one PKCS#11 session: find, read, write and destroy (PKCS#11 v3.1 sections 5.7 and 5.8).
import { isPkcs11Failure } from "@open-scws/errors";
import type { AttributeInput } from "../host.js";
import type { Handle, PKCS11, Template } from "../pkcs11js.js";

const FIND_BATCH = 64;

/** A template for pkcs11js, which takes Buffers for byte values. */
export function toTemplate(attributes: readonly AttributeInput[]): Template {
  return attributes.map(({ type, value }) => ({ type, value: value instanceof Uint8Array && !Buffer.isBuffer(value) ? Buffer.from(value) : value }));
}

/** Every object matching the template, found in batches. */
export function findObjects(module: PKCS11, session: Handle, template: readonly AttributeInput[]): Handle[] {
  module.C_FindObjectsInit(session, toTemplate(template));
  try {
    const found: Handle[] = [];
    for (;;) {
      const batch = module.C_FindObjects(session, FIND_BATCH);
      found.push(...batch);
      if (batch.length < FIND_BATCH) return found;
    }
  } finally {
    module.C_FindObjectsFinal(session);
  }
}

function isAttributeRefusal(error: unknown): boolean {
  // The object keeps this one secret, or lacks it.
  return isPkcs11Failure(error, "CKR_ATTRIBUTE_SENSITIVE", "CKR_ATTRIBUTE_TYPE_INVALID");
}

/** Attribute values in order; one the object lacks or keeps secret is null. Asks one by one only when a batch is refused. */
export function getAttributes(module: PKCS11, session: Handle, object: Handle, types: readonly number[]): Array<Uint8Array | null> {
  try {
    return module
      .C_GetAttributeValue(
        session,
        object,
        types.map((type) => ({ type })),
      )
      .map((attribute) => attribute.value);
  } catch (error) {
    if (!isAttributeRefusal(error)) throw error;
  }
  return types.map((type) => {
    try {
      return module.C_GetAttributeValue(session, object, [{ type }])[0]?.value ?? null;
    } catch (error) {
      if (isAttributeRefusal(error)) return null;
      throw error;
    }
  });
}

/** A CK_ULONG attribute value (8 bytes on 64-bit Unix, 4 elsewhere), little-endian as on every platform served. */
function ulongOf(value: Uint8Array | null | undefined): number | undefined {
  if (!value) return undefined;
  const view = new DataView(value.buffer, value.byteOffset, value.byteLength);
  if (value.length === 8) return Number(view.getBigUint64(0, true));
  return value.length === 4 ? view.getUint32(0, true) : undefined;
}

/** `common` (CKA_CLASS first), then the attributes `byClass` names for the object's class, on one session. */
export function getObjectAttributes(
  module: PKCS11,
  session: Handle,
  object: Handle,
  common: readonly number[],
  byClass: Readonly<Record<number, readonly number[]>>,
): Array<Uint8Array | null> {
  const first = getAttributes(module, session, object, common);
  const klass = ulongOf(first[0]);
  const more = klass === undefined ? undefined : byClass[klass];
  return more && more.length > 0 ? [...first, ...getAttributes(module, session, object, more)] : first;
}
