// Creation calls on one PKCS#11 session: objects, keys, key pairs (PKCS#11 v3.1 sections 5.7 and 5.14), a
// one-part signature for certificate requests (section 5.11), and what a token says of a mechanism (5.5).
import type { AttributeInput, MechanismKeySizes, ObjectHandle } from "../host.js";
import type { Handle, PKCS11 } from "../pkcs11js.js";
import { handleToHex } from "../text.js";
import { toTemplate } from "./objects.js";

/** Room for any signature this service asks for: an RSA-16384 signature is 2048 bytes. */
const SIGNATURE_BUFFER_BYTES = 2048;

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

/** `C_SignInit` then a one-part `C_Sign`, on the libuv pool. */
export async function signData(module: PKCS11, session: Handle, mechanism: number, key: Handle, data: Uint8Array): Promise<Uint8Array> {
  module.C_SignInit(session, { mechanism }, key);
  const signature = await module.C_SignAsync(session, Buffer.from(data), Buffer.alloc(SIGNATURE_BUFFER_BYTES));
  return new Uint8Array(signature);
}

/** A mechanism's key sizes, or undefined when the token does not offer it (`C_GetMechanismList`). */
export function mechanismKeySizes(module: PKCS11, slot: Handle, mechanism: number): MechanismKeySizes | undefined {
  if (!module.C_GetMechanismList(slot).includes(mechanism)) return undefined;
  const info = module.C_GetMechanismInfo(slot, mechanism);
  return { minKeySize: info.minKeySize, maxKeySize: info.maxKeySize, flags: info.flags };
}
