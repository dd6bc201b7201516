// The PKCS#11 host: the one interface through which the service reaches a PKCS#11 module. Arguments and
// results are plain data (strings, numbers, Uint8Array), so that a host can live in another process.
// Every method is listed in host-calls.ts, which says where the host process runs it; a method about one token
// takes its SlotHandle first, and the compiler holds the table to that.

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

/** Parameters of a mechanism, in plain data; the host turns them into its binding's structures. */
export type MechanismParameter =
  | { readonly kind: "rsa-pss"; readonly hashAlg: number; readonly mgf: number; readonly saltLength: number }
  | { readonly kind: "rsa-oaep"; readonly hashAlg: number; readonly mgf: number; readonly label?: Uint8Array }
  | { readonly kind: "aes-gcm"; readonly iv: Uint8Array; readonly aad?: Uint8Array; readonly tagBits: number }
  | { readonly kind: "iv"; readonly iv: Uint8Array };

/** A mechanism (CKM_*) with its parameters. */
export interface MechanismInput {
  readonly mechanism: number;
  readonly parameter?: MechanismParameter;
}

/** What `C_GetMechanismInfo` says about one mechanism of a token. */
export interface MechanismInfo {
  readonly type: number;
  readonly minKeySize: number;
  readonly maxKeySize: number;
  readonly flags: number;
}

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

/** A failure as plain data, so that it crosses a process boundary inside a result: a Pkcs11Error's shape. */
export interface PlainFailure {
  readonly name: string;
  readonly message: string;
  /** The CK_RV of a PKCS#11 failure. */
  readonly code?: number;
  /** The PKCS#11 function that failed. */
  readonly method?: string;
}

/** One item of a batch: its result, or the failure it met. */
export type BatchItem<Value> = { readonly ok: true; readonly value: Value } | { readonly ok: false; readonly error: PlainFailure };

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
  /** How many sessions the host holds open on an attached slot (0 for another); makes no PKCS#11 call. */
  openSessions(slot: SlotHandle): Promise<number>;

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
  /**
   * Reads `common`, whose first type must be CKA_CLASS, then, in the same call, the types `byClass` lists for the
   * object's class: the values getAttributes would answer for `[...common, ...byClass[class]]`, in one round trip.
   */
  getObjectAttributes(
    slot: SlotHandle,
    object: ObjectHandle,
    common: readonly number[],
    byClass: Readonly<Record<number, readonly number[]>>,
  ): Promise<Array<Uint8Array | null>>;
  /** `C_SetAttributeValue`. */
  setAttributes(slot: SlotHandle, object: ObjectHandle, attributes: readonly AttributeInput[]): Promise<void>;
  /** `C_DestroyObject`. */
  destroyObject(slot: SlotHandle, object: ObjectHandle): Promise<void>;

  /** The token's mechanisms (`C_GetMechanismList` and `C_GetMechanismInfo`). */
  getMechanisms(slot: SlotHandle): Promise<MechanismInfo[]>;
  /**
   * `C_SignInit` and `C_Sign` on one session. With `contextPin`, a context-specific login comes between
   * them, as keys with CKA_ALWAYS_AUTHENTICATE require (PKCS#11 v3.1 section 5.9).
   */
  sign(slot: SlotHandle, mechanism: MechanismInput, key: ObjectHandle, data: Uint8Array, contextPin?: string): Promise<Uint8Array>;
  /**
   * Signs each input as `sign` does, concurrently over the token's sessions, and answers in order. A failure of one
   * item is its result; a failure that concerns them all (the context-specific login, the token or its sessions
   * gone) rejects the whole call.
   */
  signBatch(
    slot: SlotHandle,
    mechanism: MechanismInput,
    key: ObjectHandle,
    inputs: readonly Uint8Array[],
    contextPin?: string,
  ): Promise<Array<BatchItem<Uint8Array>>>;
  /** `C_VerifyInit` and `C_Verify`: false when the signature does not verify (CKR_SIGNATURE_INVALID). */
  verify(slot: SlotHandle, mechanism: MechanismInput, key: ObjectHandle, data: Uint8Array, signature: Uint8Array): Promise<boolean>;
  /** `C_EncryptInit` and `C_Encrypt`. */
  encrypt(slot: SlotHandle, mechanism: MechanismInput, key: ObjectHandle, data: Uint8Array): Promise<Uint8Array>;
  /** `C_DecryptInit` and `C_Decrypt`, with a context-specific login when `contextPin` is given. */
  decrypt(slot: SlotHandle, mechanism: MechanismInput, key: ObjectHandle, data: Uint8Array, contextPin?: string): Promise<Uint8Array>;
  /** `C_DigestInit` and `C_Digest`. */
  digest(slot: SlotHandle, mechanism: MechanismInput, data: Uint8Array): Promise<Uint8Array>;
  /** `C_GenerateRandom`. */
  generateRandom(slot: SlotHandle, length: number): Promise<Uint8Array>;

  // Creating objects and keys.
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
}
