// Connections to tokens: unguessable ids owned by one caller and bound to one token (by serial number),
// holding its sessions open. Another caller's connection answers as if it did not exist.
import { randomBytes } from "node:crypto";
import { ScwsError } from "@open-scws/errors";
import type { LoginRegistry } from "../pins/login-registry.js";
import { TokenFlag } from "../pkcs11/flags.js";
import type { ObjectHandle, SlotHandle, TokenInfo } from "../pkcs11/host.js";
import type { ModuleRuntime } from "./module-registry.js";
import type { ReaderDirectory } from "./reader-directory.js";

/** One connection to a token. */
export interface TokenConnection {
  readonly id: string;
  /** The caller (environment) that made it. */
  readonly owner: string;
  readonly readerId: string;
  readonly module: ModuleRuntime;
  readonly slot: SlotHandle;
  /** The token this connection is bound to: a different token in the same slot is not it. */
  readonly serialNumber: string;
  /** The token across connections and restarts: module and serial number. */
  readonly tokenKey: string;
  /** The secret this connection's object ids are derived with. */
  readonly idSecret: Buffer;
  /** Object ids handed out in this connection: the handles they stand for, and whether the object is private. */
  readonly objects: Map<string, { readonly handle: ObjectHandle; readonly private: boolean }>;
}

function notConnected(tokenId: string): ScwsError {
  return new ScwsError(`No token connection has the id ${tokenId}; connect to the reader again.`, "CKR_SESSION_HANDLE_INVALID", undefined, {
    field: "/path/tokenId",
  });
}

/** The token connections of the service. */
export class TokenConnections {
  private readonly connections = new Map<string, TokenConnection>();

  constructor(
    private readonly readers: ReaderDirectory,
    private readonly logins: LoginRegistry,
  ) {}

  /** How many connections are open. */
  get size(): number {
    return this.connections.size;
  }

  /** Connects to the token in a reader (`Reader.connect()`), and returns the connection with the token's information. */
  async connect(readerId: string, owner: string): Promise<{ connection: TokenConnection; info: TokenInfo }> {
    const { reader, module, slot } = await this.readers.find(readerId);
    if (reader.status === "unavailable") {
      throw new ScwsError(`The reader ${readerId} is no longer available.`, "CKR_SLOT_ID_INVALID", undefined, { field: "/path/readerId" });
    }
    if (!reader.cardPresent) throw new ScwsError(`The reader ${readerId} holds no token.`, "CKR_TOKEN_NOT_PRESENT");
    const info = await module.host.getTokenInfo(slot);
    if ((info.flags & TokenFlag.tokenInitialized) === 0) {
      throw new ScwsError(`The token in reader ${readerId} is not initialised.`, "CKR_TOKEN_NOT_RECOGNIZED");
    }
    await module.host.attach(slot);
    const connection: TokenConnection = {
      id: `t-${randomBytes(16).toString("hex")}`,
      owner,
      readerId,
      module,
      slot,
      serialNumber: info.serialNumber,
      tokenKey: `${module.id}/${info.serialNumber}`,
      idSecret: randomBytes(32),
      objects: new Map(),
    };
    this.connections.set(connection.id, connection);
    return { connection, info };
  }

  /** The caller's connection by id; anyone else's, or none, is CKR_SESSION_HANDLE_INVALID. */
  get(tokenId: string, owner: string): TokenConnection {
    const connection = this.connections.get(tokenId);
    if (!connection || connection.owner !== owner) throw notConnected(tokenId);
    return connection;
  }

  /** The connection's token, read afresh; CKR_TOKEN_NOT_PRESENT when its token left the reader. */
  async tokenInfo(connection: TokenConnection): Promise<TokenInfo> {
    const info = await connection.module.host.getTokenInfo(connection.slot);
    if (info.serialNumber !== connection.serialNumber) {
      throw new ScwsError("The connected token was removed from its reader.", "CKR_TOKEN_NOT_PRESENT");
    }
    return info;
  }

  /**
   * Ends a connection (`Token.disconnect()`). When it was the owner's last connection to the token, the
   * owner's login ends with it.
   */
  async disconnect(tokenId: string, owner: string): Promise<void> {
    const connection = this.get(tokenId, owner);
    this.connections.delete(tokenId);
    const ownerStillConnected = [...this.connections.values()].some((other) => other.owner === owner && other.tokenKey === connection.tokenKey);
    try {
      if (!ownerStillConnected && this.logins.get(connection.tokenKey)?.owner === owner) {
        this.logins.clear(connection.tokenKey);
        await connection.module.host.logout(connection.slot).catch(() => undefined);
      }
    } finally {
      await connection.module.host.detach(connection.slot);
    }
  }

  /** Ends every connection. */
  async disconnectAll(): Promise<void> {
    await Promise.allSettled([...this.connections.values()].map((connection) => this.disconnect(connection.id, connection.owner)));
  }
}
