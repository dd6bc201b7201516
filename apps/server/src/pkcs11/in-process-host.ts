// A Pkcs11Host that loads the module into this process through pkcs11js.

import { ckrValues, isPkcs11Failure, pkcs11Failure } from "@open-scws/errors";
import { QUICK_MS, runBatch } from "./batch.js";
import { createObject, generateKey, generateKeyPair } from "./calls/creation.js";
import * as calls from "./calls/crypto.js";
import { findObjects, getAttributes, getObjectAttributes, toTemplate } from "./calls/objects.js";
import { SlotFlag } from "./flags.js";
import type {
  AttributeInput,
  BatchItem,
  LoginUser,
  MechanismInfo,
  MechanismInput,
  ModuleInfo,
  ObjectHandle,
  Pkcs11Host,
  SlotHandle,
  SlotInfo,
  TokenInfo,
} from "./host.js";
import { asPkcs11Failure } from "./native-errors.js";
import type { Handle, PKCS11 } from "./pkcs11js.js";
import pkcs11js from "./pkcs11js.js";
import { endsBatch, isSessionGone } from "./session-failures.js";
import { SessionPool } from "./session-pool.js";
import { handleToHex, hexToHandle, unpad, versionText } from "./text.js";

/** How to load one module. */
export interface ModuleOptions {
  readonly moduleId: string;
  /** The module's shared library. */
  readonly library: string;
  /** The most sessions open at once on one token. */
  readonly maxSessionsPerToken: number;
  /**
   * `false` when another host in this process owns the module's `C_Initialize` and `C_Finalize`: the host
   * process runs one host per token on its own thread, all sharing one initialised module. Default `true`.
   */
  readonly initialize?: boolean;
  /**
   * Makes a single signature synchronously, on this thread, once the same key and mechanism signed asynchronously
   * in under 1 ms (back to asynchronous after a synchronous one takes longer): it saves the two thread hops of
   * `C_SignAsync`, as batch.ts does for a batch's quick items. For the host process's lanes, where blocking the
   * thread holds up only that token's calls; default `false` (the service's own thread must not block).
   */
  readonly inlineQuickSigns?: boolean;
}

/** The most key/mechanism pairs remembered as quick; past it, the memory starts afresh. */
const MAX_QUICK_SIGNERS = 1024;

function tokenInfoOf(raw: ReturnType<PKCS11["C_GetTokenInfo"]>): TokenInfo {
  return {
    label: unpad(raw.label),
    manufacturer: unpad(raw.manufacturerID),
    model: unpad(raw.model),
    serialNumber: unpad(raw.serialNumber),
    flags: raw.flags,
    minPinLength: raw.minPinLen,
    maxPinLength: raw.maxPinLen,
    hardwareVersion: versionText(raw.hardwareVersion),
    firmwareVersion: versionText(raw.firmwareVersion),
  };
}

interface AttachedSlot {
  readonly pool: SessionPool<Handle>;
  references: number;
}

/** A module loaded in this process. */
export class InProcessHost implements Pkcs11Host {
  readonly moduleId: string;
  #module: PKCS11 | undefined;
  readonly #attached = new Map<SlotHandle, AttachedSlot>();
  readonly #options: ModuleOptions;
  /** Key and mechanism pairs (`slot/key/mechanism`) whose signatures are quick enough to make synchronously. */
  readonly #quickSigners = new Set<string>();
  /**
   * The token information of each card in a removable slot, read once when the card is seen arriving and kept while
   * C_GetSlotInfo says it is present: polling must not call C_GetTokenInfo again. OpenSC 0.23's C_GetTokenInfo
   * reads the PIN status from the card (sc_pkcs15_get_pin_info, under sc_lock); a card pulled during that call left
   * the only thread inside OpenSC waiting for good on OpenSC's own card mutex (gdb, issue 12), and the reader
   * watch polls often enough to hit that window about one removal in three. C_GetSlotInfo only asks pcscd.
   * A card swapped between two listings keeps the old entry until a listing sees the slot empty.
   */
  readonly #presentCards = new Map<SlotHandle, TokenInfo>();

  constructor(options: ModuleOptions) {
    this.#options = options;
    this.moduleId = options.moduleId;
  }

  async start(): Promise<ModuleInfo> {
    const module = new pkcs11js.PKCS11();
    module.load(this.#options.library);
    // Without OS locking, parallel async calls crash SoftHSM (PKCS#11 v3.1 section 5.4, C_Initialize).
    if (this.#options.initialize !== false) module.C_Initialize({ flags: pkcs11js.CKF_OS_LOCKING_OK });
    this.#module = module;
    const info = module.C_GetInfo();
    return {
      cryptokiVersion: versionText(info.cryptokiVersion),
      manufacturer: unpad(info.manufacturerID),
      description: unpad(info.libraryDescription),
      libraryVersion: versionText(info.libraryVersion),
    };
  }

  async stop(): Promise<void> {
    const module = this.#module;
    if (!module) return;
    this.#module = undefined;
    for (const [slot, entry] of this.#attached) {
      entry.pool.drain();
      this.#closeAllSessions(module, slot);
    }
    this.#attached.clear();
    if (this.#options.initialize !== false) module.C_Finalize();
    module.close();
  }

  async listSlots(): Promise<SlotInfo[]> {
    const module = this.#loaded();
    const listed = module.C_GetSlotList(false).map((handle) => {
      const raw = module.C_GetSlotInfo(handle);
      const tokenPresent = (raw.flags & SlotFlag.TOKEN_PRESENT) !== 0;
      const slot = {
        handle: handleToHex(handle),
        description: unpad(raw.slotDescription),
        manufacturer: unpad(raw.manufacturerID),
        flags: raw.flags,
        tokenPresent,
      };
      if (!tokenPresent) return slot;
      const removable = (raw.flags & SlotFlag.REMOVABLE_DEVICE) !== 0;
      const known = removable ? this.#presentCards.get(slot.handle) : undefined;
      if (known) return { ...slot, token: known };
      try {
        const token = tokenInfoOf(module.C_GetTokenInfo(handle));
        if (removable) this.#presentCards.set(slot.handle, token);
        return { ...slot, token };
      } catch (error) {
        return { ...slot, tokenError: isPkcs11Failure(error) ? error.code : ckrValues.CKR_GENERAL_ERROR };
      }
    });
    for (const slot of listed) if (!slot.tokenPresent) this.#presentCards.delete(slot.handle);
    return listed;
  }

  async getTokenInfo(slot: SlotHandle): Promise<TokenInfo> {
    return tokenInfoOf(this.#loaded().C_GetTokenInfo(hexToHandle(slot)));
  }

  async attach(slot: SlotHandle): Promise<void> {
    const existing = this.#attached.get(slot);
    if (existing) {
      existing.references += 1;
      return;
    }
    const module = this.#loaded();
    const handle = hexToHandle(slot);
    const pool = new SessionPool<Handle>(
      {
        open: () => module.C_OpenSession(handle, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION),
        close: (session) => module.C_CloseSession(session),
      },
      this.#options.maxSessionsPerToken,
    );
    pool.warm();
    this.#attached.set(slot, { pool, references: 1 });
  }

  async detach(slot: SlotHandle): Promise<void> {
    const entry = this.#attached.get(slot);
    if (!entry) return;
    entry.references -= 1;
    if (entry.references > 0) return;
    this.#attached.delete(slot);
    entry.pool.drain();
    this.#closeAllSessions(this.#loaded(), slot);
  }

  async openSessions(slot: SlotHandle): Promise<number> {
    return this.#attached.get(slot)?.pool.size ?? 0;
  }

  async login(slot: SlotHandle, user: LoginUser, pin: string | null): Promise<void> {
    const userType = user === "so" ? pkcs11js.CKU_SO : pkcs11js.CKU_USER;
    // pkcs11js cannot pass a NULL pPin: a PIN pad login (null) goes as a zero-length PIN, which modules with a
    // protected authentication path (OpenSC among them) read as "take the PIN from the pad".
    await this.#withSession(slot, (module, session) => module.C_Login(session, userType, pin ?? ""));
  }

  async logout(slot: SlotHandle): Promise<void> {
    await this.#withSession(slot, (module, session) => module.C_Logout(session));
  }

  async setPin(slot: SlotHandle, oldPin: string, newPin: string): Promise<void> {
    await this.#withSession(slot, (module, session) => module.C_SetPIN(session, oldPin, newPin));
  }

  async initPin(slot: SlotHandle, newPin: string): Promise<void> {
    await this.#withSession(slot, (module, session) => module.C_InitPIN(session, newPin));
  }

  async findObjects(slot: SlotHandle, template: readonly AttributeInput[]): Promise<ObjectHandle[]> {
    return this.#withSession(slot, (module, session) => findObjects(module, session, template).map(handleToHex));
  }

  async getAttributes(slot: SlotHandle, object: ObjectHandle, types: readonly number[]): Promise<Array<Uint8Array | null>> {
    return this.#withSession(slot, (module, session) => getAttributes(module, session, hexToHandle(object), types));
  }

  async getObjectAttributes(
    slot: SlotHandle,
    object: ObjectHandle,
    common: readonly number[],
    byClass: Readonly<Record<number, readonly number[]>>,
  ): Promise<Array<Uint8Array | null>> {
    return this.#withSession(slot, (module, session) => getObjectAttributes(module, session, hexToHandle(object), common, byClass));
  }

  async setAttributes(slot: SlotHandle, object: ObjectHandle, attributes: readonly AttributeInput[]): Promise<void> {
    await this.#withSession(slot, (module, session) => module.C_SetAttributeValue(session, hexToHandle(object), toTemplate(attributes)));
  }

  async destroyObject(slot: SlotHandle, object: ObjectHandle): Promise<void> {
    await this.#withSession(slot, (module, session) => module.C_DestroyObject(session, hexToHandle(object)));
  }

  async getMechanisms(slot: SlotHandle): Promise<MechanismInfo[]> {
    return calls.getMechanisms(this.#loaded(), hexToHandle(slot));
  }

  async sign(slot: SlotHandle, mechanism: MechanismInput, key: ObjectHandle, data: Uint8Array, contextPin?: string): Promise<Uint8Array> {
    if (!this.#options.inlineQuickSigns) {
      return this.#withSession(slot, (module, session) => calls.sign(module, session, mechanism, hexToHandle(key), data, contextPin));
    }
    const signer = `${slot}/${key}/${mechanism.mechanism}`;
    const quick = this.#quickSigners;
    if (quick.has(signer)) {
      return this.#withSession(slot, (module, session) => {
        const began = performance.now();
        try {
          return calls.signNow(module, session, mechanism, hexToHandle(key), data, contextPin);
        } finally {
          if (performance.now() - began > QUICK_MS) quick.delete(signer);
        }
      });
    }
    return this.#withSession(slot, async (module, session) => {
      const began = performance.now();
      const signature = await calls.sign(module, session, mechanism, hexToHandle(key), data, contextPin);
      if (performance.now() - began < QUICK_MS) {
        if (quick.size >= MAX_QUICK_SIGNERS) quick.clear();
        quick.add(signer);
      }
      return signature;
    });
  }

  async signBatch(
    slot: SlotHandle,
    mechanism: MechanismInput,
    key: ObjectHandle,
    inputs: readonly Uint8Array[],
    contextPin?: string,
  ): Promise<Array<BatchItem<Uint8Array>>> {
    const handle = hexToHandle(key);
    return runBatch(inputs, {
      concurrency: this.#options.maxSessionsPerToken,
      work: (input) => this.#withSession(slot, (module, session) => calls.sign(module, session, mechanism, handle, input, contextPin)),
      inline: (burst) =>
        this.#withSession(slot, (module, session) =>
          burst((input) => {
            try {
              return calls.signNow(module, session, mechanism, handle, input, contextPin);
            } catch (error) {
              throw asPkcs11Failure(error);
            }
          }),
        ),
      endsBatch,
    });
  }

  async verify(slot: SlotHandle, mechanism: MechanismInput, key: ObjectHandle, data: Uint8Array, signature: Uint8Array): Promise<boolean> {
    return this.#withSession(slot, (module, session) => calls.verify(module, session, mechanism, hexToHandle(key), data, signature));
  }

  async encrypt(slot: SlotHandle, mechanism: MechanismInput, key: ObjectHandle, data: Uint8Array): Promise<Uint8Array> {
    return this.#withSession(slot, (module, session) => calls.encrypt(module, session, mechanism, hexToHandle(key), data));
  }

  async decrypt(slot: SlotHandle, mechanism: MechanismInput, key: ObjectHandle, data: Uint8Array, contextPin?: string): Promise<Uint8Array> {
    return this.#withSession(slot, (module, session) => calls.decrypt(module, session, mechanism, hexToHandle(key), data, contextPin));
  }

  async digest(slot: SlotHandle, mechanism: MechanismInput, data: Uint8Array): Promise<Uint8Array> {
    return this.#withSession(slot, (module, session) => calls.digest(module, session, mechanism, data));
  }

  async generateRandom(slot: SlotHandle, length: number): Promise<Uint8Array> {
    return this.#withSession(slot, (module, session) => module.C_GenerateRandom(session, Buffer.alloc(length)));
  }

  async createObject(slot: SlotHandle, template: readonly AttributeInput[]): Promise<ObjectHandle> {
    return this.#withSession(slot, (module, session) => createObject(module, session, template));
  }

  async generateKeyPair(
    slot: SlotHandle,
    mechanism: number,
    publicTemplate: readonly AttributeInput[],
    privateTemplate: readonly AttributeInput[],
  ): Promise<{ publicKey: ObjectHandle; privateKey: ObjectHandle }> {
    return this.#withSession(slot, (module, session) => generateKeyPair(module, session, mechanism, publicTemplate, privateTemplate));
  }

  async generateKey(slot: SlotHandle, mechanism: number, template: readonly AttributeInput[]): Promise<ObjectHandle> {
    return this.#withSession(slot, (module, session) => generateKey(module, session, mechanism, template));
  }

  /** Runs work on a session of an attached slot; a session the token has dropped is replaced. */
  #withSession<T>(slot: SlotHandle, work: (module: PKCS11, session: Handle) => T | Promise<T>): Promise<T> {
    const module = this.#loaded();
    const entry = this.#attached.get(slot);
    if (!entry) return Promise.reject(pkcs11Failure("CKR_SESSION_HANDLE_INVALID"));
    return entry.pool.use(async (session) => {
      try {
        return await work(module, session);
      } catch (error) {
        throw asPkcs11Failure(error);
      }
    }, isSessionGone);
  }

  #closeAllSessions(module: PKCS11, slot: SlotHandle): void {
    try {
      module.C_CloseAllSessions(hexToHandle(slot));
    } catch {
      // The token may be gone already; its sessions went with it.
    }
  }

  #loaded(): PKCS11 {
    if (!this.#module) throw pkcs11Failure("CKR_CRYPTOKI_NOT_INITIALIZED");
    return this.#module;
  }
}
