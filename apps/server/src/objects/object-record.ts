// Reads what the service shows of an object: the attributes every object has, then its class's own, in one host call.
import type { components } from "@open-scws/spec";
import { bitLength } from "../crypto/bit-length.js";
import { curveOfEcParams } from "../crypto/ec-curves.js";
import { CKA, CKC, CKK, CKO } from "../pkcs11/constants.js";
import type { ObjectHandle, Pkcs11Host, SlotHandle } from "../pkcs11/host.js";
import { readBool, readText, readUlong } from "./attribute-codec.js";

type ObjectType = components["schemas"]["ObjectType"];
type KeyAlgorithm = components["schemas"]["KeyAlgorithm"];

/** What the service knows of one object after reading it. */
export interface ObjectRecord {
  readonly handle: ObjectHandle;
  readonly type: ObjectType;
  readonly ckId?: Uint8Array;
  readonly label: string;
  readonly private: boolean;
  readonly modifiable: boolean;
  /** Keys: the algorithm. */
  readonly algorithm?: KeyAlgorithm;
  /** Private keys: CKA_ALWAYS_AUTHENTICATE. */
  readonly alwaysAuthenticate?: boolean;
  /** X.509 certificates: the DER value. */
  readonly certificate?: Uint8Array;
  /** Data containers: CKA_APPLICATION. */
  readonly application?: string;
}

/** SCWS's type for each PKCS#11 class the service shows; other classes (hardware features, mechanisms) are left out. */
export const TYPE_OF_CLASS: ReadonlyMap<number, ObjectType> = new Map([
  [CKO.CERTIFICATE, "certificate"],
  [CKO.PUBLIC_KEY, "publicKey"],
  [CKO.PRIVATE_KEY, "privateKey"],
  [CKO.SECRET_KEY, "secretKey"],
  [CKO.DATA, "dataContainer"],
]);

/** The PKCS#11 class of each SCWS type. */
export const CLASS_OF_TYPE: Readonly<Record<ObjectType, number>> = {
  certificate: CKO.CERTIFICATE,
  publicKey: CKO.PUBLIC_KEY,
  privateKey: CKO.PRIVATE_KEY,
  secretKey: CKO.SECRET_KEY,
  dataContainer: CKO.DATA,
};

const ALGORITHM_OF_KEY_TYPE: ReadonlyMap<number, KeyAlgorithm> = new Map([
  [CKK.RSA, "RSA"],
  [CKK.EC, "ECDSA"],
  [CKK.EC_EDWARDS, "EdDSA"],
  [CKK.AES, "AES"],
  [CKK.DES3, "DES3"],
  [CKK.GENERIC_SECRET, "GENERIC_SECRET"],
]);

/** The spec's algorithm name for a CKK_* key type. */
export function algorithmOfKeyType(keyType: number | undefined): KeyAlgorithm {
  return (keyType !== undefined && ALGORITHM_OF_KEY_TYPE.get(keyType)) || "OTHER";
}

const COMMON = [CKA.CLASS, CKA.ID, CKA.LABEL, CKA.PRIVATE, CKA.MODIFIABLE];
/** What each class adds to COMMON, read by the host in the same round trip. */
const BY_CLASS: Readonly<Record<number, readonly number[]>> = {
  [CKO.CERTIFICATE]: [CKA.CERTIFICATE_TYPE, CKA.VALUE],
  [CKO.PRIVATE_KEY]: [CKA.KEY_TYPE, CKA.ALWAYS_AUTHENTICATE],
  [CKO.PUBLIC_KEY]: [CKA.KEY_TYPE],
  [CKO.SECRET_KEY]: [CKA.KEY_TYPE],
  [CKO.DATA]: [CKA.APPLICATION],
};

/** Reads an object in one host call; undefined for a class the service does not show. */
export async function readObjectRecord(host: Pkcs11Host, slot: SlotHandle, handle: ObjectHandle): Promise<ObjectRecord | undefined> {
  const [klass, id, label, isPrivate, modifiable, ...specific] = await host.getObjectAttributes(slot, handle, COMMON, BY_CLASS);
  const type = TYPE_OF_CLASS.get(readUlong(klass) ?? -1);
  if (!type) return undefined;
  const base = {
    handle,
    type,
    label: readText(label) ?? "",
    private: readBool(isPrivate) ?? false,
    modifiable: readBool(modifiable) ?? true,
    ...(id && type !== "dataContainer" ? { ckId: id } : {}),
  };
  switch (type) {
    case "certificate": {
      const [certificateType, value] = specific;
      return readUlong(certificateType) === CKC.X_509 && value ? { ...base, certificate: value } : base;
    }
    case "privateKey": {
      const [keyType, alwaysAuthenticate] = specific;
      return { ...base, algorithm: algorithmOfKeyType(readUlong(keyType)), alwaysAuthenticate: readBool(alwaysAuthenticate) ?? false };
    }
    case "publicKey":
    case "secretKey":
      return { ...base, algorithm: algorithmOfKeyType(readUlong(specific[0])) };
    case "dataContainer": {
      const name = readText(specific[0]);
      return name ? { ...base, application: name } : base;
    }
  }
}

/** Key sizes read so far, by record: a record stands for one object in one cache generation, whose size never changes. */
const keySizes = new WeakMap<ObjectRecord, number | undefined>();

/**
 * The size in bits of an RSA key (its modulus) or an EC key (its curve), read from the token at the record's first
 * need and kept with the record after that; undefined when the token does not show it.
 */
export async function keySizeBits(host: Pkcs11Host, slot: SlotHandle, record: ObjectRecord): Promise<number | undefined> {
  if (keySizes.has(record)) return keySizes.get(record);
  let bits: number | undefined;
  if (record.algorithm === "RSA") {
    const [modulus] = await host.getAttributes(slot, record.handle, [CKA.MODULUS]);
    bits = modulus ? bitLength(modulus) : undefined;
  } else if (record.algorithm === "ECDSA") {
    const [ecParams] = await host.getAttributes(slot, record.handle, [CKA.EC_PARAMS]);
    bits = ecParams ? curveOfEcParams(ecParams)?.curve?.sizeBits : undefined;
  }
  keySizes.set(record, bits);
  return bits;
}
