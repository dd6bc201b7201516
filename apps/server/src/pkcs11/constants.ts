// PKCS#11 constants the service's own code uses (PKCS#11 v3.1 sections 4 and 6), defined here so that code
// outside the host never loads pkcs11js, which will live in a process of its own.

/** Object classes (CKO_*). */
export const CKO = { DATA: 0x0, CERTIFICATE: 0x1, PUBLIC_KEY: 0x2, PRIVATE_KEY: 0x3, SECRET_KEY: 0x4 } as const;

/** Key types (CKK_*). */
export const CKK = { RSA: 0x0, DSA: 0x1, DH: 0x2, EC: 0x3, GENERIC_SECRET: 0x10, DES3: 0x15, AES: 0x1f, EC_EDWARDS: 0x40 } as const;

/** Certificate types (CKC_*). */
export const CKC = { X_509: 0x0 } as const;

/** Attribute types (CKA_*). */
export const CKA = {
  CLASS: 0x0,
  TOKEN: 0x1,
  PRIVATE: 0x2,
  LABEL: 0x3,
  APPLICATION: 0x10,
  VALUE: 0x11,
  OBJECT_ID: 0x12,
  CERTIFICATE_TYPE: 0x80,
  ISSUER: 0x81,
  SERIAL_NUMBER: 0x82,
  TRUSTED: 0x86,
  KEY_TYPE: 0x100,
  SUBJECT: 0x101,
  ID: 0x102,
  SENSITIVE: 0x103,
  ENCRYPT: 0x104,
  DECRYPT: 0x105,
  WRAP: 0x106,
  UNWRAP: 0x107,
  SIGN: 0x108,
  VERIFY: 0x10a,
  DERIVE: 0x10c,
  MODULUS: 0x120,
  MODULUS_BITS: 0x121,
  PUBLIC_EXPONENT: 0x122,
  PRIVATE_EXPONENT: 0x123,
  PRIME_1: 0x124,
  PRIME_2: 0x125,
  EXPONENT_1: 0x126,
  EXPONENT_2: 0x127,
  COEFFICIENT: 0x128,
  PUBLIC_KEY_INFO: 0x129,
  VALUE_LEN: 0x161,
  EXTRACTABLE: 0x162,
  LOCAL: 0x163,
  NEVER_EXTRACTABLE: 0x164,
  ALWAYS_SENSITIVE: 0x165,
  MODIFIABLE: 0x170,
  EC_PARAMS: 0x180,
  EC_POINT: 0x181,
  ALWAYS_AUTHENTICATE: 0x202,
} as const;

/** User types for C_Login (CKU_*). */
export const CKU = { SO: 0x0, USER: 0x1, CONTEXT_SPECIFIC: 0x2 } as const;

/** Mechanisms (CKM_*) that key generation, import checks and certificate requests use. */
export const CKM = {
  RSA_PKCS_KEY_PAIR_GEN: 0x0,
  RSA_PKCS: 0x1,
  SHA256_RSA_PKCS: 0x40,
  EC_KEY_PAIR_GEN: 0x1040,
  ECDSA: 0x1041,
  AES_KEY_GEN: 0x1080,
} as const;
