// Turns SCWS's `Key.sign(hash, algorithm)` arguments into a PKCS#11 mechanism and the bytes to sign, checking
// the hash's length and the key's type before anything reaches the token.
import { ScwsError } from "@open-scws/errors";
import type { components } from "@open-scws/spec";
import * as rsa from "@peculiar/asn1-rsa";
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import type { MechanismInput } from "../pkcs11/host.js";
import { CKM, HASHES } from "./algorithms.js";

type SignAlgorithm = components["schemas"]["SignAlgorithm"];
type HashAlgorithm = components["schemas"]["HashAlgorithm"];
type KeyAlgorithm = components["schemas"]["KeyAlgorithm"];

/** What to ask the token for. */
export interface SignaturePlan {
  readonly mechanism: MechanismInput;
  /** The bytes the token signs: the hash, or for PKCS#1 v1.5 with a hash name, its DigestInfo. */
  readonly input: Uint8Array;
}

/** The hash function an algorithm names, if it names one. */
export function hashOf(algorithm: SignAlgorithm | undefined): HashAlgorithm | undefined {
  if (algorithm === undefined) return undefined;
  return typeof algorithm === "string" ? algorithm : (algorithm.hash ?? algorithm.mgf);
}

function checkHashLength(hash: Uint8Array, algorithm: HashAlgorithm, field: string): void {
  const expected = HASHES[algorithm].length;
  if (hash.length !== expected) {
    throw new ScwsError("CKR_DATA_LEN_RANGE", {
      message: `A ${algorithm} hash is ${expected} bytes long, not ${hash.length}.`,
      customData: {
        field,
        reason: `must be ${expected} bytes for ${algorithm}`,
      },
    });
  }
}

/** The DER of a DigestInfo before its digest, by hash: the same bytes for every hash of that algorithm. */
const digestInfoPrefixes = new Map<HashAlgorithm, Uint8Array>();

/**
 * The DER DigestInfo of a hash (RFC 8017 section 9.2, step 2): the algorithm's fixed prefix, serialised once, then
 * the hash (note 1 of that section lists the prefixes).
 */
export function digestInfoOf(algorithm: HashAlgorithm, hash: Uint8Array): Uint8Array {
  if (hash.length !== HASHES[algorithm].length) {
    const info = new rsa.DigestInfo({ digestAlgorithm: HASHES[algorithm].digestInfoAlgorithm, digest: new OctetString(hash) });
    return new Uint8Array(AsnConvert.serialize(info));
  }
  let prefix = digestInfoPrefixes.get(algorithm);
  if (!prefix) {
    const length = HASHES[algorithm].length;
    const info = new rsa.DigestInfo({ digestAlgorithm: HASHES[algorithm].digestInfoAlgorithm, digest: new OctetString(new Uint8Array(length)) });
    const der = new Uint8Array(AsnConvert.serialize(info));
    prefix = der.slice(0, der.length - length);
    digestInfoPrefixes.set(algorithm, prefix);
  }
  const info = new Uint8Array(prefix.length + hash.length);
  info.set(prefix);
  info.set(hash, prefix.length);
  return info;
}

/**
 * RSA-PSS's largest salt for a modulus (RFC 8017 section 9.1.1: emLen >= hLen + sLen + 2, with emLen the modulus's
 * bit length less one, in bytes). A larger salt is refused here: tokens answer it with whatever code they like
 * (SoftHSM says CKR_GENERAL_ERROR).
 */
export function checkPssSalt(modulusBits: number, algorithm: SignAlgorithm | undefined): void {
  if (typeof algorithm !== "object") return;
  const hashName = hashOf(algorithm)!;
  const largest = Math.ceil((modulusBits - 1) / 8) - HASHES[hashName].length - 2;
  if (algorithm.saltLen <= largest) return;
  throw new ScwsError("CKR_MECHANISM_PARAM_INVALID", {
    message: `A ${modulusBits}-bit RSA key takes a PSS salt of at most ${Math.max(0, largest)} bytes with ${hashName}, not ${algorithm.saltLen}.`,
    customData: { field: "/body/algorithm/saltLen", reason: `must be at most ${Math.max(0, largest)} for this key` },
  });
}

/** Plans a signature (or its verification) of a hash by a key of the given algorithm. */
export function planSignature(keyAlgorithm: KeyAlgorithm, hash: Uint8Array, algorithm: SignAlgorithm | undefined, field = "/body/hash"): SignaturePlan {
  const hashName = hashOf(algorithm);
  if (hashName) checkHashLength(hash, hashName, field);
  if (keyAlgorithm === "ECDSA") {
    if (typeof algorithm === "object") {
      throw new ScwsError("CKR_KEY_TYPE_INCONSISTENT", { message: "RSA-PSS needs an RSA key; this is an EC key.", customData: { field: "/body/algorithm" } });
    }
    return { mechanism: { mechanism: CKM.ECDSA }, input: hash };
  }
  if (keyAlgorithm !== "RSA") {
    throw new ScwsError("CKR_KEY_TYPE_INCONSISTENT", { message: `A ${keyAlgorithm} key cannot sign with SCWS's algorithms.` });
  }
  if (algorithm === undefined) return { mechanism: { mechanism: CKM.RSA_PKCS }, input: hash };
  if (typeof algorithm === "string") return { mechanism: { mechanism: CKM.RSA_PKCS }, input: digestInfoOf(algorithm, hash) };
  const hashFunction = HASHES[hashName!];
  return {
    mechanism: {
      mechanism: CKM.RSA_PKCS_PSS,
      parameter: { kind: "rsa-pss", hashAlg: hashFunction.digestMechanism, mgf: HASHES[algorithm.mgf].mgf, saltLength: algorithm.saltLen },
    },
    input: hash,
  };
}
