// getValue(): certificates as PEM or DER, public keys as SubjectPublicKeyInfo, data containers' bytes.
// Private and secret keys never leave: sensitive ones are refused as PKCS#11 would, the others by policy.
import { createPublicKey } from "node:crypto";
import { ScwsError } from "@open-scws/errors";
import type { components } from "@open-scws/spec";
import { spkiOf } from "../crypto/public-key.js";
import { CKA } from "../pkcs11/constants.js";
import type { TokenConnection } from "../tokens/token-connections.js";
import { readBool } from "./attribute-codec.js";
import { parseCertificate } from "./certificate-view.js";
import type { ObjectRecord } from "./object-record.js";

type ObjectValue = components["schemas"]["ObjectValue"];
type ValueEncoding = components["schemas"]["ValueEncoding"];

function wrongEncoding(encoding: ValueEncoding, allowed: ValueEncoding[]): ScwsError {
  return new ScwsError("CKR_ARGUMENTS_BAD", {
    message: `This object's value cannot be given as ${encoding}.`,
    customData: {
      field: "/query/encoding",
      reason: `must be one of ${allowed.join(", ")}`,
      allowed,
    },
  });
}

/** A public (or RSA private) key's SubjectPublicKeyInfo, from CKA_PUBLIC_KEY_INFO or its components. */
export async function publicKeyDer(connection: TokenConnection, record: Pick<ObjectRecord, "handle">): Promise<Uint8Array> {
  const [info, modulus, exponent, ecParams, ecPoint] = await connection.host.getAttributes(connection.slot, record.handle, [
    CKA.PUBLIC_KEY_INFO,
    CKA.MODULUS,
    CKA.PUBLIC_EXPONENT,
    CKA.EC_PARAMS,
    CKA.EC_POINT,
  ]);
  if (info && info.length > 0) return info;
  if (modulus && exponent) return spkiOf({ algorithm: "RSA", modulus, publicExponent: exponent });
  if (ecParams && ecPoint) return spkiOf({ algorithm: "EC", ecParams, ecPoint });
  throw new ScwsError("CKR_FUNCTION_NOT_SUPPORTED", { message: "This public key's type cannot be exported." });
}

/** The object's value in the requested encoding. */
export async function objectValueOf(connection: TokenConnection, record: ObjectRecord, id: string, requested?: ValueEncoding): Promise<ObjectValue> {
  const answer = (encoding: ValueEncoding, value: string): ObjectValue => ({ id, type: record.type, encoding, value });
  switch (record.type) {
    case "certificate": {
      const encoding = requested ?? "pem";
      if (encoding === "raw") throw wrongEncoding(encoding, ["pem", "der"]);
      if (!record.certificate) throw new ScwsError("CKR_FUNCTION_NOT_SUPPORTED", { message: "This certificate is not an X.509 certificate." });
      return answer(encoding, encoding === "pem" ? parseCertificate(record.certificate).toString("pem") : Buffer.from(record.certificate).toString("base64"));
    }
    case "publicKey": {
      const encoding = requested ?? "pem";
      if (encoding === "raw") throw wrongEncoding(encoding, ["pem", "der"]);
      const der = Buffer.from(await publicKeyDer(connection, record));
      return answer(
        encoding,
        encoding === "der"
          ? der.toString("base64")
          : (createPublicKey({ key: der, format: "der", type: "spki" }).export({ type: "spki", format: "pem" }) as string),
      );
    }
    case "dataContainer": {
      const encoding = requested ?? "raw";
      if (encoding !== "raw") throw wrongEncoding(encoding, ["raw"]);
      const [value] = await connection.host.getAttributes(connection.slot, record.handle, [CKA.VALUE]);
      return answer("raw", Buffer.from(value ?? new Uint8Array()).toString("base64"));
    }
    default: {
      const [sensitive] = await connection.host.getAttributes(connection.slot, record.handle, [CKA.SENSITIVE]);
      if (readBool(sensitive) ?? true) throw new ScwsError("CKR_ATTRIBUTE_SENSITIVE", { message: "The key's value is sensitive: it never leaves the token." });
      throw new ScwsError("CKR_ACTION_PROHIBITED", { message: "The service never gives out private or secret key values." });
    }
  }
}
