// Object.getDetails(): key attributes, parsed certificates, data container sizes.
import type { components } from "@open-scws/spec";
import { bitLength } from "../crypto/bit-length.js";
import { curveOfEcParams } from "../crypto/ec-curves.js";
import { CKA } from "../pkcs11/constants.js";
import type { ObjectHandle } from "../pkcs11/host.js";
import type { TokenConnection } from "../tokens/token-connections.js";
import { readBool, readUlong, toHex } from "./attribute-codec.js";
import { certificateDetailsOf } from "./certificate-view.js";
import type { ObjectRecord } from "./object-record.js";

type ObjectDetails = components["schemas"]["ObjectDetails"];
type KeyDetails = components["schemas"]["KeyDetails"];
type ObjectType = components["schemas"]["ObjectType"];

/** Finds the id of a visible object of a type with a given CKA_ID, for linking certificates and keys. */
export type FindLinked = (type: ObjectType, ckId: Uint8Array) => Promise<string | undefined>;

const KEY_ATTRIBUTES = [
  CKA.SIGN,
  CKA.VERIFY,
  CKA.ENCRYPT,
  CKA.DECRYPT,
  CKA.WRAP,
  CKA.UNWRAP,
  CKA.DERIVE,
  CKA.LOCAL,
  CKA.SENSITIVE,
  CKA.EXTRACTABLE,
  CKA.ALWAYS_AUTHENTICATE,
  CKA.MODULUS_BITS,
  CKA.MODULUS,
  CKA.EC_PARAMS,
  CKA.VALUE_LEN,
];

async function keyDetails(connection: TokenConnection, record: ObjectRecord, findLinked: FindLinked): Promise<KeyDetails> {
  const values = await connection.host.getAttributes(connection.slot, record.handle as ObjectHandle, KEY_ATTRIBUTES);
  const [sign, verify, encrypt, decrypt, wrap, unwrap, derive, local, sensitive, extractable, alwaysAuthenticate, modulusBits, modulus, ecParams, valueLength] =
    values;
  const details: KeyDetails = {
    algorithm: record.algorithm ?? "OTHER",
    usage: {
      sign: readBool(sign) ?? false,
      verify: readBool(verify) ?? false,
      encrypt: readBool(encrypt) ?? false,
      decrypt: readBool(decrypt) ?? false,
      wrap: readBool(wrap) ?? false,
      unwrap: readBool(unwrap) ?? false,
      derive: readBool(derive) ?? false,
    },
    local: readBool(local) ?? false,
  };
  const curve = ecParams ? curveOfEcParams(ecParams) : undefined;
  const sizeBits = readUlong(modulusBits) ?? (modulus ? bitLength(modulus) : undefined) ?? curve?.curve?.sizeBits ?? (readUlong(valueLength) ?? 0) * 8;
  if (sizeBits) details.sizeBits = sizeBits;
  if (curve) details.curve = curve.curve?.name ?? curve.oid;
  if (record.type !== "publicKey") {
    details.sensitive = readBool(sensitive) ?? true;
    details.extractable = readBool(extractable) ?? false;
  }
  if (record.type === "privateKey") details.alwaysAuthenticate = readBool(alwaysAuthenticate) ?? false;
  const certificateId = record.ckId && record.type !== "secretKey" ? await findLinked("certificate", record.ckId) : undefined;
  if (certificateId) details.certificateId = certificateId;
  return details;
}

/** The details of an object, by its type. */
export async function objectDetailsOf(connection: TokenConnection, record: ObjectRecord, id: string, findLinked: FindLinked): Promise<ObjectDetails> {
  const details: ObjectDetails = { id, type: record.type };
  if (record.type === "certificate" && record.certificate) {
    details.certificate = certificateDetailsOf(record.certificate);
    if (record.ckId) {
      const privateKeyId = await findLinked("privateKey", record.ckId);
      const publicKeyId = await findLinked("publicKey", record.ckId);
      if (privateKeyId) details.certificate.privateKeyId = privateKeyId;
      if (publicKeyId) details.certificate.publicKeyId = publicKeyId;
    }
  } else if (record.type === "dataContainer") {
    const [value, objectIdentifier] = await connection.host.getAttributes(connection.slot, record.handle, [CKA.VALUE, CKA.OBJECT_ID]);
    details.dataContainer = { size: value?.length ?? 0 };
    if (record.application) details.dataContainer.application = record.application;
    const oid = toHex(objectIdentifier);
    if (oid) details.dataContainer.objectIdentifier = oid;
  } else if (record.type !== "certificate") {
    details.key = await keyDetails(connection, record, findLinked);
  }
  return details;
}
