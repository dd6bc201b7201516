// The hash functions and mechanisms behind SCWS's algorithm names (PKCS#11 v3.1 sections 6.1, 6.3, 6.23).

import type { components } from "@open-scws/spec";
import * as rsa from "@peculiar/asn1-rsa";
import type { AlgorithmIdentifier } from "@peculiar/asn1-x509";

type HashAlgorithm = components["schemas"]["HashAlgorithm"];
type DigestAlgorithm = components["schemas"]["DigestAlgorithm"];

/** Mechanisms the service uses (CKM_*). */
export const CKM = {
  RSA_PKCS: 0x1,
  RSA_PKCS_OAEP: 0x9,
  RSA_PKCS_PSS: 0xd,
  ECDSA: 0x1041,
  AES_CBC_PAD: 0x1085,
  AES_GCM: 0x1087,
} as const;

/** A hash function: its node:crypto name, output length, digest mechanism, MGF1 generator and DigestInfo algorithm. */
export interface HashFunction {
  readonly node: string;
  readonly length: number;
  readonly digestMechanism: number;
  readonly mgf: number;
  readonly digestInfoAlgorithm: AlgorithmIdentifier;
}

/** SHA-1 and SHA-2 (CKM_SHA_*, CKG_MGF1_*). */
export const HASHES: Readonly<Record<HashAlgorithm, HashFunction>> = {
  sha1: { node: "sha1", length: 20, digestMechanism: 0x220, mgf: 0x1, digestInfoAlgorithm: rsa.sha1 },
  sha224: { node: "sha224", length: 28, digestMechanism: 0x255, mgf: 0x5, digestInfoAlgorithm: rsa.sha224 },
  sha256: { node: "sha256", length: 32, digestMechanism: 0x250, mgf: 0x2, digestInfoAlgorithm: rsa.sha256 },
  sha384: { node: "sha384", length: 48, digestMechanism: 0x260, mgf: 0x3, digestInfoAlgorithm: rsa.sha384 },
  sha512: { node: "sha512", length: 64, digestMechanism: 0x270, mgf: 0x4, digestInfoAlgorithm: rsa.sha512 },
};

/** The digest mechanism of every hash the token may compute. */
export const DIGEST_MECHANISMS: Readonly<Record<DigestAlgorithm, number>> = {
  sha1: 0x220,
  sha224: 0x255,
  sha256: 0x250,
  sha384: 0x260,
  sha512: 0x270,
  "sha3-256": 0x2b0,
  "sha3-384": 0x2c0,
  "sha3-512": 0x2d0,
};

/** CK_MECHANISM_INFO.flags, by the spec's MechanismFlags names. */
export const MECHANISM_FLAGS = {
  hardware: 0x1,
  encrypt: 0x100,
  decrypt: 0x200,
  digest: 0x400,
  sign: 0x800,
  verify: 0x2000,
  generate: 0x8000,
  generateKeyPair: 0x10000,
  wrap: 0x20000,
  unwrap: 0x40000,
  derive: 0x80000,
} as const;
