// The bit length of a big-endian unsigned integer, such as an RSA modulus read from a token.

/** How many bits the number needs: leading zero bytes and bits do not count. */
export function bitLength(bytes: Uint8Array): number {
  const start = bytes.findIndex((byte) => byte !== 0);
  if (start < 0) return 0;
  return (bytes.length - start - 1) * 8 + (32 - Math.clz32(bytes[start]!));
}
