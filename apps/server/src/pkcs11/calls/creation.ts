// Creation calls on one PKCS#11 session: objects, keys and key pairs (PKCS#11 v3.1 sections 5.7 and 5.14).
import type { AttributeInput, ObjectHandle } from "../host.js";
import type { Handle, PKCS11 } from "../pkcs11js.js";
import { handleToHex } from "../text.js";
import { toTemplate } from "./objects.js";

/** `C_CreateObject`. */
export function createObject(module: PKCS11, session: Handle, template: readonly AttributeInput[]): ObjectHandle {
  return handleToHex(module.C_CreateObject(session, toTemplate(template)));
}

/** `C_GenerateKeyPair`, on the libuv pool: RSA key generation takes seconds. */
export async function generateKeyPair(
  module: PKCS11,
  session: Handle,
  mechanism: number,
  publicTemplate: readonly AttributeInput[],
  privateTemplate: readonly AttributeInput[],
): Promise<{ publicKey: ObjectHandle; privateKey: ObjectHandle }> {
  const keys = await module.C_GenerateKeyPairAsync(session, { mechanism }, toTemplate(publicTemplate), toTemplate(privateTemplate));
  return { publicKey: handleToHex(keys.publicKey), privateKey: handleToHex(keys.privateKey) };
}

/** `C_GenerateKey`. */
export async function generateKey(module: PKCS11, session: Handle, mechanism: number, template: readonly AttributeInput[]): Promise<ObjectHandle> {
  return handleToHex(await module.C_GenerateKeyAsync(session, { mechanism }, toTemplate(template)));
}
