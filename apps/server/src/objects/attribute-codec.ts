// Reads PKCS#11 attribute values from the raw bytes a host returns (PKCS#11 v3.1 section 3.1: CK_BBOOL is one
// byte; CK_ULONG is the platform's unsigned long, 8 bytes on 64-bit Unix, 4 on Windows; text is UTF-8).

/** A CK_BBOOL, or undefined when absent. */
export function readBool(value: Uint8Array | null | undefined): boolean | undefined {
  return value && value.length > 0 ? value[0] !== 0 : undefined;
}

/** A CK_ULONG in the machine's byte order (little-endian on every platform this service runs on). */
export function readUlong(value: Uint8Array | null | undefined): number | undefined {
  if (!value) return undefined;
  const view = new DataView(value.buffer, value.byteOffset, value.byteLength);
  if (value.length === 8) return Number(view.getBigUint64(0, true));
  if (value.length === 4) return view.getUint32(0, true);
  return undefined;
}

/** A UTF-8 text attribute. */
export function readText(value: Uint8Array | null | undefined): string | undefined {
  return value ? Buffer.from(value).toString("utf8") : undefined;
}

/** Bytes as lower-case hex. */
export function toHex(value: Uint8Array | null | undefined): string | undefined {
  return value ? Buffer.from(value).toString("hex") : undefined;
}
