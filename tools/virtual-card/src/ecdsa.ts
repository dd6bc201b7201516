// ECDSA P-256 over an already-computed hash (FIPS 186-4 §6.4). Node's crypto always hashes the input
// itself, but a PIV card signs the hash the host sends (SP 800-73-4 part 2 §3.2.4), so the card does the
// curve arithmetic here with BigInt. Test-only card: not constant time.
import { type KeyObject, randomBytes } from "node:crypto";

const p = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const n = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const a = p - 3n;
const G: Point = [0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n, 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n];

type Point = readonly [bigint, bigint] | null;

function mod(x: bigint, m: bigint): bigint {
  const r = x % m;
  return r < 0n ? r + m : r;
}

function inverse(x: bigint, m: bigint): bigint {
  let [r0, r1] = [mod(x, m), m];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return mod(s0, m);
}

function add(P: Point, Q: Point): Point {
  if (!P) return Q;
  if (!Q) return P;
  const [x1, y1] = P;
  const [x2, y2] = Q;
  let slope: bigint;
  if (x1 === x2) {
    if (mod(y1 + y2, p) === 0n) return null;
    slope = mod((3n * x1 * x1 + a) * inverse(2n * y1, p), p);
  } else {
    slope = mod((y2 - y1) * inverse(x2 - x1, p), p);
  }
  const x3 = mod(slope * slope - x1 - x2, p);
  return [x3, mod(slope * (x1 - x3) - y1, p)];
}

function multiply(k: bigint, P: Point): Point {
  let result: Point = null;
  let addend = P;
  for (let e = k; e > 0n; e >>= 1n) {
    if (e & 1n) result = add(result, addend);
    addend = add(addend, addend);
  }
  return result;
}

function toBigInt(bytes: Buffer): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${bytes.toString("hex")}`);
}

function derInteger(x: bigint): Buffer {
  let hex = x.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let bytes = Buffer.from(hex, "hex");
  if (bytes[0]! & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return Buffer.concat([Buffer.from([0x02, bytes.length]), bytes]);
}

/** Signs `hash` (any length; truncated to 256 bits as FIPS 186-4 says) with a P-256 private key; DER signature. */
export function signHashP256(privateKey: KeyObject, hash: Buffer): Buffer {
  const jwk = privateKey.export({ format: "jwk" });
  if (jwk.crv !== "P-256" || !jwk.d) throw new Error("not a P-256 private key");
  const d = toBigInt(Buffer.from(jwk.d, "base64url"));
  const z = toBigInt(hash.subarray(0, 32)) >> BigInt(Math.max(0, 8 * Math.min(hash.length, 32) - 256));
  for (;;) {
    const k = mod(toBigInt(randomBytes(40)), n - 1n) + 1n;
    const R = multiply(k, G);
    if (!R) continue;
    const r = mod(R[0], n);
    if (r === 0n) continue;
    const s = mod(inverse(k, n) * (z + r * d), n);
    if (s === 0n) continue;
    const body = Buffer.concat([derInteger(r), derInteger(s)]);
    return Buffer.concat([Buffer.from([0x30, body.length]), body]);
  }
}
