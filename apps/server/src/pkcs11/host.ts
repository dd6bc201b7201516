// The PKCS#11 host: the one interface through which the service reaches a PKCS#11 module. Arguments and
// results are plain data (strings, numbers, Uint8Array), so that a host can live in another process.

/** A slot, named by the hex of its PKCS#11 slot id. Internal only: it never appears in URLs. */
export type SlotHandle = string;

/** An object on a token, named by the hex of its PKCS#11 handle. Internal only: it never appears in URLs. */
export type ObjectHandle = string;

/** An attribute to match or write. Numbers travel as CK_ULONG, booleans as CK_BBOOL, strings as UTF-8. */
export interface AttributeInput {
  readonly type: number;
  readonly value: number | boolean | string | Uint8Array;
}

/** Who logs in: the PKCS#11 user (CKU_USER) or the Security Officer (CKU_SO). */
export type LoginUser = "user" | "so";

/** What `C_GetInfo` says about the module. */
export interface ModuleInfo {
  readonly cryptokiVersion: string;
  readonly manufacturer: string;
  readonly description: string;
  readonly libraryVersion: string;
}

/** What `C_GetTokenInfo` says about a token, with PKCS#11's blank padding removed. */
export interface TokenInfo {
  readonly label: string;
  readonly manufacturer: string;
  readonly model: string;
  readonly serialNumber: string;
  /** `CK_TOKEN_INFO.flags`. */
  readonly flags: number;
  readonly minPinLength: number;
  readonly maxPinLength: number;
  readonly hardwareVersion: string;
  readonly firmwareVersion: string;
}

/** What `C_GetSlotInfo` (and `C_GetTokenInfo`, when a token is present) says about a slot. */
export interface SlotInfo {
  readonly handle: SlotHandle;
  readonly description: string;
  readonly manufacturer: string;
  /** `CK_SLOT_INFO.flags`. */
  readonly flags: number;
  readonly tokenPresent: boolean;
  /** The token's information, when one is present and answered. */
  readonly token?: TokenInfo;
  /** The PKCS#11 value `C_GetTokenInfo` failed with, when a token is present but did not answer. */
  readonly tokenError?: number;
}

/** What `C_GetMechanismInfo` says of a mechanism: key sizes in bits (bytes for some secret keys, per mechanism). */
export interface MechanismKeySizes {
  readonly minKeySize: number;
  readonly maxKeySize: number;
  /** `CK_MECHANISM_INFO.flags`. */
  readonly flags: number;
}

/** A PKCS#11 module behind a host. Every method may reject with a Pkcs11Error-shaped `{ name, code, method }`. */
export interface Pkcs11Host {
  /** The module's id from the configuration. */
  readonly moduleId: string;
  /** Loads the module and initialises it for multi-threaded use (`CKF_OS_LOCKING_OK`). */
  start(): Promise<ModuleInfo>;
  /** Closes every session and finalises the module. */
  stop(): Promise<void>;
  /** Every slot, with or without a token. */
  listSlots(): Promise<SlotInfo[]>;
  /** The token in a slot. */
  getTokenInfo(slot: SlotHandle): Promise<TokenInfo>;
  /**
   * Holds sessions open on a slot until the matching `detach`: PKCS#11 ends logins when a token's last
   * session closes (PKCS#11 v3.1 section 5.6), so a connected token keeps at least one session.
   */
  attach(slot: SlotHandle): Promise<void>;
  /** Releases one `attach`; the last one closes the slot's sessions, which logs the token out. */
  detach(slot: SlotHandle): Promise<void>;

  /** `C_Login`; a null PIN lets a protected authentication path (PIN pad) ask for it. */
  login(slot: SlotHandle, user: LoginUser, pin: string | null): Promise<void>;
  /** `C_Logout`: ends the token's login, for every session of this process. */
  logout(slot: SlotHandle): Promise<void>;
  /** `C_SetPIN`: changes the PIN of whoever is logged in, or the user PIN when nobody is. */
  setPin(slot: SlotHandle, oldPin: string, newPin: string): Promise<void>;
  /** `C_InitPIN`: sets the user PIN; needs the Security Officer logged in. */
  initPin(slot: SlotHandle, newPin: string): Promise<void>;

  /** The objects matching a template (all objects for an empty one), as far as the token shows them. */
  findObjects(slot: SlotHandle, template: readonly AttributeInput[]): Promise<ObjectHandle[]>;
  /** Attribute values in raw bytes, in the order asked; null for one the object lacks or keeps secret. */
  getAttributes(slot: SlotHandle, object: ObjectHandle, types: readonly number[]): Promise<Array<Uint8Array | null>>;
  /** `C_SetAttributeValue`. */
  setAttributes(slot: SlotHandle, object: ObjectHandle, attributes: readonly AttributeInput[]): Promise<void>;
  /** `C_DestroyObject`. */
  destroyObject(slot: SlotHandle, object: ObjectHandle): Promise<void>;

  // --- Creation (issue 3, parts 4 and 5): objects, keys, a signature for certificate requests. ---
  /** `C_CreateObject`. */
  createObject(slot: SlotHandle, template: readonly AttributeInput[]): Promise<ObjectHandle>;
  /** `C_GenerateKeyPair` with a mechanism that takes no parameter (CKM_RSA_PKCS_KEY_PAIR_GEN, CKM_EC_KEY_PAIR_GEN). */
  generateKeyPair(
    slot: SlotHandle,
    mechanism: number,
    publicTemplate: readonly AttributeInput[],
    privateTemplate: readonly AttributeInput[],
  ): Promise<{ publicKey: ObjectHandle; privateKey: ObjectHandle }>;
  /** `C_GenerateKey` with a mechanism that takes no parameter (CKM_AES_KEY_GEN). */
  generateKey(slot: SlotHandle, mechanism: number, template: readonly AttributeInput[]): Promise<ObjectHandle>;
  /** `C_SignInit` and `C_Sign` in one part, with a mechanism that takes no parameter. */
  signData(slot: SlotHandle, mechanism: number, key: ObjectHandle, data: Uint8Array): Promise<Uint8Array>;
  /** A mechanism's key sizes, or undefined when the token does not offer it. */
  mechanismKeySizes(slot: SlotHandle, mechanism: number): Promise<MechanismKeySizes | undefined>;
}
