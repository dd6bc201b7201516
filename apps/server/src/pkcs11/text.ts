// Conversions of PKCS#11's fixed-width, blank-padded fields (PKCS#11 v3.1 section 3.2) into plain values.

/** Removes the blank (and NUL) padding PKCS#11 puts after text fields. */
export function unpad(text: string): string {
  return text.replace(/[\s\0]+$/u, "");
}

/** A `CK_VERSION` as "major.minor". */
export function versionText(version: { major: number; minor: number }): string {
  return `${version.major}.${version.minor}`;
}

/** A handle buffer as hex, the form handles take outside the PKCS#11 host. */
export function handleToHex(handle: Buffer): string {
  return handle.toString("hex");
}

/** The handle buffer for a hex string made by `handleToHex`. */
export function hexToHandle(hex: string): Buffer {
  return Buffer.from(hex, "hex");
}
