// Objects as a caller may see them: private objects only to the caller holding the token's user login
// (PKCS#11 shows them to every session once anyone logs in), and changes only with that login.
import { isPkcs11Failure, ScwsError } from "@open-scws/errors";
import type { components } from "@open-scws/spec";
import type { LoginRegistry } from "../pins/login-registry.js";
import { CKA } from "../pkcs11/constants.js";
import type { AttributeInput } from "../pkcs11/host.js";
import type { TokenConnection } from "../tokens/token-connections.js";
import { objectDetailsOf } from "./object-details.js";
import { idForHandle, objectForId, unknownObject } from "./object-ids.js";
import { CLASS_OF_TYPE, type ObjectRecord, readObjectRecord } from "./object-record.js";
import { objectValueOf } from "./object-value.js";
import { tokenObjectOf } from "./object-view.js";

type TokenObject = components["schemas"]["TokenObject"];
type ObjectDetails = components["schemas"]["ObjectDetails"];
type ObjectValue = components["schemas"]["ObjectValue"];
type ObjectType = components["schemas"]["ObjectType"];
type ValueEncoding = components["schemas"]["ValueEncoding"];
type UpdateObjectRequest = components["schemas"]["UpdateObjectRequest"];

/** Filters of `listObjects`. */
export interface ObjectFilter {
  readonly type?: ObjectType;
  readonly ckId?: string;
  readonly label?: string;
}

/** What kind of id a caller named: key operations answer CKR_KEY_HANDLE_INVALID for an unknown key. */
export type IdKind = "object" | "key";

/** The key types whose records key operations may reuse. */
const KEY_TYPES: ReadonlySet<ObjectType> = new Set(["privateKey", "publicKey", "secretKey"]);

/** Reads and changes the objects of connected tokens. */
export class ObjectService {
  /**
   * Key records already read, by connection and id, for key operations (every signature and decryption would read
   * its key again, a round trip to the module's host). What they use is set when a key is made and is not among the
   * attributes PKCS#11 lets C_SetAttributeValue change: CKA_CLASS, CKA_KEY_TYPE, CKA_PRIVATE, CKA_ALWAYS_AUTHENTICATE.
   * A change or deletion through the service drops the token's cached records (its generation moves); a connection
   * that ends (token removed, module restarted) takes its cache with it. A key deleted by another application while
   * the service runs is then refused by the token itself, at the operation.
   */
  private readonly keyRecords = new WeakMap<TokenConnection, Map<string, { record: ObjectRecord; generation: number }>>();
  private readonly generations = new Map<string, number>();

  constructor(private readonly logins: LoginRegistry) {}

  /** Whether the connection's caller holds the token's user login, and so may see private objects. */
  holdsUserLogin(connection: TokenConnection): boolean {
    return this.logins.loggedInAs(connection.tokenKey, connection.owner).user;
  }

  /** `Token.getObjects()`, filtered by the token itself. */
  async list(connection: TokenConnection, filter: ObjectFilter = {}): Promise<TokenObject[]> {
    const records = await this.find(connection, filter);
    return records.map((record) => tokenObjectOf(record, idForHandle(connection, record.handle, record.private)));
  }

  /**
   * One object's record. An id this connection never handed out answers as not existing; a private object
   * it handed out while logged in answers CKR_USER_NOT_LOGGED_IN once the caller no longer holds the login.
   */
  async record(connection: TokenConnection, id: string, kind: IdKind = "object"): Promise<ObjectRecord> {
    const code = kind === "key" ? "CKR_KEY_HANDLE_INVALID" : "CKR_OBJECT_HANDLE_INVALID";
    const known = objectForId(connection, id, code);
    if (known.private && !this.holdsUserLogin(connection)) {
      throw new ScwsError("CKR_USER_NOT_LOGGED_IN", { message: "This object is private: log in with the user PIN to use it." });
    }
    const generation = this.generations.get(connection.tokenKey) ?? 0;
    const cached = kind === "key" ? this.keyRecords.get(connection)?.get(id) : undefined;
    if (cached?.generation === generation) return cached.record;
    const handle = known.handle;
    let record: ObjectRecord | undefined;
    try {
      record = await readObjectRecord(connection.host, connection.slot, handle);
    } catch (error) {
      // A handle the token no longer knows (deleted, or private after a logout) is an unknown object.
      if (isPkcs11Failure(error, "CKR_OBJECT_HANDLE_INVALID")) throw unknownObject(id, code);
      throw error;
    }
    if (!record || (record.private && !this.holdsUserLogin(connection))) throw unknownObject(id, code);
    if (kind === "key" && KEY_TYPES.has(record.type)) {
      const records = this.keyRecords.get(connection) ?? new Map();
      this.keyRecords.set(connection, records);
      records.set(id, { record, generation });
    }
    return record;
  }

  /** One object's properties. */
  async get(connection: TokenConnection, id: string): Promise<TokenObject> {
    return tokenObjectOf(await this.record(connection, id), id);
  }

  /** `Object.getDetails()`. */
  async details(connection: TokenConnection, id: string): Promise<ObjectDetails> {
    const record = await this.record(connection, id);
    return objectDetailsOf(connection, record, id, async (type, ckId) => {
      const [linked] = await this.find(connection, { type, ckId: Buffer.from(ckId).toString("hex") });
      return linked ? idForHandle(connection, linked.handle, linked.private) : undefined;
    });
  }

  /** `getValue()`. */
  async value(connection: TokenConnection, id: string, encoding?: ValueEncoding): Promise<ObjectValue> {
    return objectValueOf(connection, await this.record(connection, id), id, encoding);
  }

  /** Changes an object's label or CKA_ID. */
  async update(connection: TokenConnection, id: string, changes: UpdateObjectRequest): Promise<TokenObject> {
    this.requireUserLogin(connection, "change objects");
    const record = await this.record(connection, id);
    const attributes: AttributeInput[] = [];
    if (changes.ckLabel !== undefined) attributes.push({ type: CKA.LABEL, value: changes.ckLabel });
    if (changes.ckId !== undefined) attributes.push({ type: CKA.ID, value: Buffer.from(changes.ckId, "hex") });
    this.changed(connection);
    await connection.host.setAttributes(connection.slot, record.handle, attributes);
    return this.get(connection, id);
  }

  /** Destroys an object. */
  async delete(connection: TokenConnection, id: string): Promise<void> {
    this.requireUserLogin(connection, "delete objects");
    const record = await this.record(connection, id);
    this.changed(connection);
    await connection.host.destroyObject(connection.slot, record.handle);
    connection.objects.delete(id);
  }

  /** Drops the cached key records of the connection's token, in every connection. */
  private changed(connection: TokenConnection): void {
    this.generations.set(connection.tokenKey, (this.generations.get(connection.tokenKey) ?? 0) + 1);
  }

  /** Refuses a change to the token unless the caller holds its user login: the service asks for the PIN to write. */
  requireUserLogin(connection: TokenConnection, what: string): void {
    if (!this.holdsUserLogin(connection)) {
      throw new ScwsError("CKR_USER_NOT_LOGGED_IN", { message: `Log in with the user PIN to ${what}.` });
    }
  }

  private async find(connection: TokenConnection, filter: ObjectFilter): Promise<ObjectRecord[]> {
    const template: AttributeInput[] = [];
    if (filter.type) template.push({ type: CKA.CLASS, value: CLASS_OF_TYPE[filter.type] });
    if (filter.ckId !== undefined) template.push({ type: CKA.ID, value: Buffer.from(filter.ckId, "hex") });
    if (filter.label !== undefined) template.push({ type: CKA.LABEL, value: filter.label });
    const { host } = connection.module;
    const handles = await host.findObjects(connection.slot, template);
    const seePrivate = this.holdsUserLogin(connection);
    const records = await Promise.all(handles.map((handle) => readObjectRecord(host, connection.slot, handle)));
    return records.filter((record): record is ObjectRecord => record !== undefined && (seePrivate || !record.private));
  }
}
