// Binary values between the facade and the wire: callers pass bytes (and hex where SCWS used hex), the spec carries
// base64 (RFC 4648 section 4), and results come back as ArrayBuffer, as SCWS returns them. Browser-safe: no Buffer.
import { badParams, communicationError } from "../transport/client-errors.js";

/** Bytes as the facade takes them: an `ArrayBuffer`, or a view on one (`Uint8Array`, `DataView`...). */
export type Bytes = ArrayBuffer | ArrayBufferView;
/** Bytes, or the same bytes as a hex string (accepted for hashes and signatures, which SCWS handles as hex). */
export type BytesOrHex = Bytes | string;

const HEX = /^(?:[0-9a-fA-F]{2})*$/;

function viewOf(value: unknown): Uint8Array | undefined {
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  return undefined;
}

/** Reads bytes given as an ArrayBuffer or a view; anything else is `MWR_SCWS_BAD_PARAMS` naming `field`. */
export function bytesOf(field: string, value: unknown): Uint8Array {
  const view = viewOf(value);
  if (view) return view;
  // A string here could be text as well as hex: the caller says which by encoding it.
  const hint = typeof value === "string" ? " (encode text with TextEncoder)" : "";
  throw badParams(field, `must be an ArrayBuffer or a typed array${hint}`);
}

/** Reads bytes given as an ArrayBuffer, a view, or a hex string. */
export function bytesOrHexOf(field: string, value: unknown): Uint8Array {
  if (typeof value !== "string") return viewOf(value) ?? fail(field);
  if (!HEX.test(value)) throw badParams(field, "must be an ArrayBuffer, a typed array or a hex string of whole bytes");
  const bytes = new Uint8Array(value.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(value.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

function fail(field: string): never {
  throw badParams(field, "must be an ArrayBuffer, a typed array or a hex string");
}

/** Base64 of bytes, as the spec's `Base64` strings are. */
export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  // In chunks: String.fromCharCode takes its arguments on the stack.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/**
 * The bytes of a base64 string the service sent, in a fresh ArrayBuffer. The client's checker does not check
 * formats, so a string that is not base64 is caught here, as an answer the spec does not allow.
 */
export function fromBase64(text: string): ArrayBuffer {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    throw communicationError("a binary value in the answer is not base64");
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes.buffer;
}
