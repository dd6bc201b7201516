// pkcs11js 2.1.7 wraps most failures in its Pkcs11Error, but the methods its PKCS11 class overrides to convert
// attribute values (C_CreateObject, C_SetAttributeValue, C_CopyObject) throw a plain Error whose message is
// "CKR_NAME:value". Left as is, a token's refusal of a new object would become a 500; this restores the shape.
import { pkcs11Failure } from "@open-scws/errors";

const PKCS11_MESSAGE = /^(CKR_[A-Z0-9_]+):(\d+)$/u;

/** The error as the rest of the service expects a PKCS#11 failure: `{ name: "Pkcs11Error", code, message }`. */
export function asPkcs11Failure(error: unknown): unknown {
  if (!(error instanceof Error) || error.name === "Pkcs11Error" || typeof (error as { code?: unknown }).code === "number") return error;
  const match = PKCS11_MESSAGE.exec(error.message);
  if (!match) return error;
  return pkcs11Failure(Number(match[2]), { cause: error });
}
