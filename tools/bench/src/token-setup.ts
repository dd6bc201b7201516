// Provisions the benchmark's own SoftHSM token in a temporary folder: an EC P-256 pair, an RSA-2048 pair and an
// AES-256 key, made with pkcs11js, and an RSA ciphertext for the decryption runs.
import { SoftHsmSandbox, type SoftHsmToken, softHsmModule } from "@open-scws/softhsm";
import pkcs11js from "pkcs11js";
import { KEY_LABELS, RSA_PLAINTEXT } from "./operations.js";

/** The token the benchmark runs on. */
export interface BenchToken {
  readonly sandbox: SoftHsmSandbox;
  readonly token: SoftHsmToken;
  readonly module: string;
  /** RSA_PLAINTEXT encrypted with the RSA key (PKCS#1 v1.5), base64. */
  readonly rsaCiphertext: string;
}

/** The token's label. */
export const TOKEN_LABEL = "open-scws-bench";

// DER of the prime256v1 OID (RFC 5480 section 2.1.1.1).
const P256 = Buffer.from("06082a8648ce3d030107", "hex");

/** Makes the sandbox, the token and its keys. */
export function provisionToken(module = softHsmModule): BenchToken {
  const sandbox = SoftHsmSandbox.temporary("scws-bench-");
  const token = sandbox.initToken(TOKEN_LABEL);
  process.env.SOFTHSM2_CONF = sandbox.confPath;
  const p11 = new pkcs11js.PKCS11();
  p11.load(module);
  p11.C_Initialize({ flags: pkcs11js.CKF_OS_LOCKING_OK });
  try {
    const slot = p11.C_GetSlotList(true).find((candidate) => p11.C_GetTokenInfo(candidate).label.trim() === TOKEN_LABEL);
    if (!slot) throw new Error(`SoftHSM shows no token labelled ${TOKEN_LABEL}`);
    const session = p11.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
    p11.C_Login(session, pkcs11js.CKU_USER, token.pin);
    const common = (label: string, id: number) => [
      { type: pkcs11js.CKA_TOKEN, value: true },
      { type: pkcs11js.CKA_LABEL, value: label },
      { type: pkcs11js.CKA_ID, value: Buffer.from([id]) },
    ];
    const privateKey = (label: string, id: number) => [
      ...common(label, id),
      { type: pkcs11js.CKA_PRIVATE, value: true },
      { type: pkcs11js.CKA_SENSITIVE, value: true },
      { type: pkcs11js.CKA_SIGN, value: true },
      { type: pkcs11js.CKA_DECRYPT, value: true },
    ];
    p11.C_GenerateKeyPair(
      session,
      { mechanism: pkcs11js.CKM_EC_KEY_PAIR_GEN },
      [...common(KEY_LABELS.ec, 1), { type: pkcs11js.CKA_EC_PARAMS, value: P256 }, { type: pkcs11js.CKA_VERIFY, value: true }],
      privateKey(KEY_LABELS.ec, 1).filter((attribute) => attribute.type !== pkcs11js.CKA_DECRYPT),
    );
    const rsa = p11.C_GenerateKeyPair(
      session,
      { mechanism: pkcs11js.CKM_RSA_PKCS_KEY_PAIR_GEN },
      [
        ...common(KEY_LABELS.rsa, 2),
        { type: pkcs11js.CKA_MODULUS_BITS, value: 2048 },
        { type: pkcs11js.CKA_PUBLIC_EXPONENT, value: Buffer.from([1, 0, 1]) },
        { type: pkcs11js.CKA_VERIFY, value: true },
        { type: pkcs11js.CKA_ENCRYPT, value: true },
      ],
      privateKey(KEY_LABELS.rsa, 2),
    );
    p11.C_GenerateKey(session, { mechanism: pkcs11js.CKM_AES_KEY_GEN }, [
      ...common(KEY_LABELS.aes, 3),
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
      { type: pkcs11js.CKA_PRIVATE, value: true },
      { type: pkcs11js.CKA_SENSITIVE, value: true },
      { type: pkcs11js.CKA_VALUE_LEN, value: 32 },
      { type: pkcs11js.CKA_ENCRYPT, value: true },
      { type: pkcs11js.CKA_DECRYPT, value: true },
    ]);
    p11.C_EncryptInit(session, { mechanism: pkcs11js.CKM_RSA_PKCS }, rsa.publicKey);
    const ciphertext = p11.C_Encrypt(session, RSA_PLAINTEXT, Buffer.alloc(512));
    p11.C_Logout(session);
    p11.C_CloseSession(session);
    return { sandbox, token, module, rsaCiphertext: Buffer.from(ciphertext).toString("base64") };
  } finally {
    p11.C_Finalize();
    p11.close();
  }
}
