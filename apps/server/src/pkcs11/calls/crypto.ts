// Cryptographic calls on one PKCS#11 session (PKCS#11 v3.1 sections 5.9 to 5.13). Init calls are synchronous in
// pkcs11js; the operations themselves use its ...Async variants, which run on the libuv pool.

import { isPkcs11Failure } from "@open-scws/errors";
import { CKU } from "../constants.js";
import type { MechanismInfo, MechanismInput } from "../host.js";
import type { Handle, Mechanism, PKCS11 } from "../pkcs11js.js";
import pkcs11js from "../pkcs11js.js";

// CKZ_DATA_SPECIFIED (PKCS#11 v3.1 section 2.1.8), missing from pkcs11js's constants.
const CKZ_DATA_SPECIFIED = 1;
// The largest signature or RSA block any key the service may meet makes: RSA-16384 (SoftHSM's limit) is 2048 bytes.
const MAX_BLOCK = 2048;

const buffer = (bytes: Uint8Array) => (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));

/** The pkcs11js form of a mechanism. */
export function toMechanism({ mechanism, parameter }: MechanismInput): Mechanism {
  if (!parameter) return { mechanism };
  switch (parameter.kind) {
    case "rsa-pss":
      return {
        mechanism,
        parameter: { type: pkcs11js.CK_PARAMS_RSA_PSS, hashAlg: parameter.hashAlg, mgf: parameter.mgf, saltLen: parameter.saltLength } as never,
      };
    case "rsa-oaep":
      return {
        mechanism,
        parameter: {
          type: pkcs11js.CK_PARAMS_RSA_OAEP,
          hashAlg: parameter.hashAlg,
          mgf: parameter.mgf,
          source: CKZ_DATA_SPECIFIED,
          ...(parameter.label && parameter.label.length > 0 ? { sourceData: buffer(parameter.label) } : {}),
        } as never,
      };
    case "aes-gcm":
      return {
        mechanism,
        parameter: {
          type: pkcs11js.CK_PARAMS_AES_GCM,
          iv: buffer(parameter.iv),
          ivBits: parameter.iv.length * 8,
          tagBits: parameter.tagBits,
          ...(parameter.aad && parameter.aad.length > 0 ? { aad: buffer(parameter.aad) } : {}),
        } as never,
      };
    case "iv":
      return { mechanism, parameter: buffer(parameter.iv) };
  }
}

/** Marks an error after which the session may still hold an unfinished operation, so that the pool replaces it. */
export const OPERATION_LEFT_ACTIVE = Symbol("operationLeftActive");

/**
 * The context-specific login between an operation's Init and the operation. When it fails, the operation stays
 * active on the session (only the operation itself ends it), so the session must not serve another call.
 */
function contextLogin(module: PKCS11, session: Handle, pin: string | undefined): void {
  if (pin === undefined) return;
  try {
    module.C_Login(session, CKU.CONTEXT_SPECIFIC, pin);
  } catch (error) {
    throw Object.assign(error as object, { [OPERATION_LEFT_ACTIVE]: true });
  }
}

/** Starts a signature or decryption with a key: its Init, then the key's context-specific login if it asks for one. */
function initWithKey(
  module: PKCS11,
  init: "C_SignInit" | "C_DecryptInit",
  session: Handle,
  mechanism: MechanismInput,
  key: Handle,
  contextPin: string | undefined,
): void {
  module[init](session, toMechanism(mechanism), key);
  contextLogin(module, session, contextPin);
}

/** Signs on one session. */
export async function sign(
  module: PKCS11,
  session: Handle,
  mechanism: MechanismInput,
  key: Handle,
  data: Uint8Array,
  contextPin?: string,
): Promise<Uint8Array> {
  initWithKey(module, "C_SignInit", session, mechanism, key, contextPin);
  return module.C_SignAsync(session, buffer(data), Buffer.alloc(MAX_BLOCK));
}

/** Signs on one session synchronously, blocking the thread: for a batch's quick items (see batch.ts). */
export function signNow(module: PKCS11, session: Handle, mechanism: MechanismInput, key: Handle, data: Uint8Array, contextPin?: string): Uint8Array {
  initWithKey(module, "C_SignInit", session, mechanism, key, contextPin);
  return module.C_Sign(session, buffer(data), Buffer.alloc(MAX_BLOCK));
}

/** Verifies on one session; a signature that does not verify is false rather than an error. */
export async function verify(
  module: PKCS11,
  session: Handle,
  mechanism: MechanismInput,
  key: Handle,
  data: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  module.C_VerifyInit(session, toMechanism(mechanism), key);
  try {
    return await module.C_VerifyAsync(session, buffer(data), buffer(signature));
  } catch (error) {
    if (isPkcs11Failure(error, "CKR_SIGNATURE_INVALID")) return false;
    throw error;
  }
}

/** Encrypts on one session. */
export async function encrypt(module: PKCS11, session: Handle, mechanism: MechanismInput, key: Handle, data: Uint8Array): Promise<Uint8Array> {
  module.C_EncryptInit(session, toMechanism(mechanism), key);
  return module.C_EncryptAsync(session, buffer(data), Buffer.alloc(data.length + MAX_BLOCK));
}

/** Decrypts on one session. */
export async function decrypt(
  module: PKCS11,
  session: Handle,
  mechanism: MechanismInput,
  key: Handle,
  data: Uint8Array,
  contextPin?: string,
): Promise<Uint8Array> {
  initWithKey(module, "C_DecryptInit", session, mechanism, key, contextPin);
  return module.C_DecryptAsync(session, buffer(data), Buffer.alloc(data.length + MAX_BLOCK));
}

/** Hashes on one session. */
export async function digest(module: PKCS11, session: Handle, mechanism: MechanismInput, data: Uint8Array): Promise<Uint8Array> {
  module.C_DigestInit(session, toMechanism(mechanism));
  return module.C_DigestAsync(session, buffer(data), Buffer.alloc(128));
}

/** The token's mechanisms. */
export function getMechanisms(module: PKCS11, slot: Handle): MechanismInfo[] {
  return module.C_GetMechanismList(slot).map((type) => ({ type, ...module.C_GetMechanismInfo(slot, type) }));
}
