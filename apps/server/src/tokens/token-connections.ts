// Connections to tokens: unguessable ids owned by one caller and bound to one token (by serial number),
// holding its sessions open. Another caller's connection answers as if it did not exist; a connection whose
// token was removed (or whose module restarted) answers CKR_DEVICE_REMOVED until it is ended.
import { randomBytes } from "node:crypto";
import { ScwsError } from "@open-scws/errors";
import type { SlotFilter } from "../config/token-filter.js";
import type { EventHub } from "../events/event-hub.js";
import type { LoginRegistry } from "../pins/login-registry.js";
import { tokenCountsTries } from "../pins/pin-state.js";
import { TokenFlag } from "../pkcs11/flags.js";
import type { ObjectHandle, Pkcs11Host, SlotHandle, TokenInfo } from "../pkcs11/host.js";
import { limitReached } from "../security/environments.js";
import type { ModuleRuntime } from "./module-registry.js";
import type { ReaderDirectory } from "./reader-directory.js";

/** Why a connection can no longer be used. */
export type LossReason = "tokenRemoved" | "moduleRestarted";

/** One connection to a token. */
export interface TokenConnection {
  readonly id: string;
  /** The caller (environment) that made it. */
  readonly owner: string;
  readonly readerId: string;
  readonly module: ModuleRuntime;
  /** The module's host (a WatchedHost in the service: a failure that shows the token gone marks the connection lost). */
  readonly host: Pkcs11Host;
  readonly slot: SlotHandle;
  /** The token this connection is bound to: a different token in the same slot is not it. */
  readonly serialNumber: string;
  /** The token across connections and restarts: module and serial number. */
  readonly tokenKey: string;
  /** Whether the token counts and locks its own PIN tries (a card in a reader), so the service's limit stays off. */
  readonly tokenCountsTries?: boolean;
  /** The secret this connection's object ids are derived with. */
  readonly idSecret: Buffer;
  /** Object ids handed out in this connection: the handles they stand for, and whether the object is private. */
  readonly objects: Map<string, { readonly handle: ObjectHandle; readonly private: boolean }>;
  /** Set once the token was removed or its module restarted. */
  lost?: LossReason;
  /**
   * Set when the connection no longer holds its `attach`: its module's process was replaced (the replacement never
   * saw the attach), or its token was removed and the attach was released then. A `detach` at disconnect would
   * release the sessions of a connection made since.
   */
  attachGone?: boolean;
}

function notConnected(tokenId: string): ScwsError {
  return new ScwsError("CKR_SESSION_HANDLE_INVALID", {
    message: `No token connection has the id ${tokenId}; connect to the reader again.`,
    customData: {
      field: "/path/tokenId",
    },
  });
}

/** The token connections of the service. */
export class TokenConnections {
  private readonly connections = new Map<string, TokenConnection>();

  constructor(
    private readonly readers: ReaderDirectory,
    private readonly logins: LoginRegistry,
    private readonly events: EventHub,
    private readonly maxPerOwner = Number.POSITIVE_INFINITY,
  ) {}

  /** How many connections an owner holds. */
  countOf(owner: string): number {
    let count = 0;
    for (const connection of this.connections.values()) if (connection.owner === owner) count += 1;
    return count;
  }

  /** How many connections are open. */
  get size(): number {
    return this.connections.size;
  }

  /** Connects to the token in a reader (`Reader.connect()`), and returns the connection with the token's information. */
  async connect(readerId: string, owner: string, scope?: SlotFilter): Promise<{ connection: TokenConnection; info: TokenInfo }> {
    if (this.countOf(owner) >= this.maxPerOwner) throw limitReached("token connections of one caller", this.maxPerOwner, 1);
    const { reader, module, slot, info: slotInfo } = await this.readers.find(readerId, scope);
    if (reader.status === "unavailable") {
      throw new ScwsError("CKR_SLOT_ID_INVALID", { message: `The reader ${readerId} is no longer available.`, customData: { field: "/path/readerId" } });
    }
    if (!reader.cardPresent) throw new ScwsError("CKR_TOKEN_NOT_PRESENT", { message: `The reader ${readerId} holds no token.` });
    const info = await module.host.getTokenInfo(slot);
    if ((info.flags & TokenFlag.tokenInitialized) === 0) {
      throw new ScwsError("CKR_TOKEN_NOT_RECOGNIZED", { message: `The token in reader ${readerId} is not initialised.` });
    }
    await module.host.attach(slot);
    const connection: TokenConnection = {
      id: `t-${randomBytes(16).toString("hex")}`,
      owner,
      readerId,
      module,
      host: module.host,
      slot,
      serialNumber: info.serialNumber,
      tokenKey: `${module.id}/${info.serialNumber}`,
      tokenCountsTries: tokenCountsTries(slotInfo?.flags ?? 0),
      idSecret: randomBytes(32),
      objects: new Map(),
    };
    this.connections.set(connection.id, connection);
    return { connection, info };
  }

  /** The caller's usable connection by id; anyone else's or none is CKR_SESSION_HANDLE_INVALID, a lost one CKR_DEVICE_REMOVED. */
  get(tokenId: string, owner: string): TokenConnection {
    const connection = this.owned(tokenId, owner);
    if (connection.lost) {
      const why = connection.lost === "moduleRestarted" ? "its PKCS#11 module restarted" : "the token was removed";
      throw new ScwsError("CKR_DEVICE_REMOVED", {
        message: `This connection ended because ${why}; connect to the reader again.`,
        customData: { reason: connection.lost },
      });
    }
    return connection;
  }

  /** The connection's token, read afresh; CKR_TOKEN_NOT_PRESENT (and the connection lost) when another token took its place. */
  async tokenInfo(connection: TokenConnection): Promise<TokenInfo> {
    const info = await connection.host.getTokenInfo(connection.slot);
    if (info.serialNumber !== connection.serialNumber) {
      this.tokenLost(connection.readerId, "tokenRemoved");
      throw new ScwsError("CKR_TOKEN_NOT_PRESENT", { message: "The connected token was removed from its reader." });
    }
    return info;
  }

  /** A call on a module's slot failed in a way that shows its token gone: the connections to it are lost. */
  tokenGone(moduleId: string, slot: SlotHandle): void {
    const connected = [...this.connections.values()].find((connection) => !connection.lost && connection.module.id === moduleId && connection.slot === slot);
    if (connected) this.tokenLost(connected.readerId, "tokenRemoved");
  }

  /**
   * Marks every connection to the token in a reader (or every connection of a module) lost, ends their logins,
   * and tells each logged-in owner with a loginStateChanged event.
   */
  tokenLost(readerId: string | undefined, reason: LossReason, moduleId?: string): void {
    const newlyLost = [...this.connections.values()].filter(
      (connection) => !connection.lost && (readerId !== undefined ? connection.readerId === readerId : connection.module.id === moduleId),
    );
    if (reason === "moduleRestarted") {
      // Every connection of the module, even one lost earlier to a removal, held its sessions in the old process.
      for (const connection of this.connections.values()) if (connection.module.id === moduleId) connection.attachGone = true;
    }
    for (const connection of newlyLost) {
      connection.lost = reason;
      if (reason === "tokenRemoved" && !connection.attachGone) {
        // The removed token's sessions are void (PKCS#11 v3.1 section 5.6), and the module may hand out the same
        // handles to the token reinserted: release them now, or a connection made after reinsertion would be served
        // the dead sessions and lost at its first call.
        connection.attachGone = true;
        void connection.module.host.detach(connection.slot).catch(() => undefined);
      }
      if (this.logins.get(connection.tokenKey)?.owner !== connection.owner) continue;
      const login = { tokenId: connection.id, readerId: connection.readerId, validated: false, soValidated: false, reason };
      this.events.publish({ type: "loginStateChanged", login }, { caller: connection.owner });
    }
    for (const connection of newlyLost) this.logins.clear(connection.tokenKey);
  }

  /**
   * Ends a connection (`Token.disconnect()`), lost or not. When it was the owner's last connection to the token,
   * the owner's login ends with it.
   */
  async disconnect(tokenId: string, owner: string): Promise<void> {
    const connection = this.owned(tokenId, owner);
    this.connections.delete(tokenId);
    const ownerStillConnected = [...this.connections.values()].some((other) => other.owner === owner && other.tokenKey === connection.tokenKey && !other.lost);
    try {
      if (!connection.lost && !ownerStillConnected && this.logins.get(connection.tokenKey)?.owner === owner) {
        this.logins.clear(connection.tokenKey);
        await connection.module.host.logout(connection.slot).catch(() => undefined);
      }
    } finally {
      if (!connection.attachGone) await connection.module.host.detach(connection.slot).catch(() => undefined);
    }
  }

  /** Ends every connection of an owner (its environment ended). */
  async disconnectOwner(owner: string): Promise<void> {
    const owned = [...this.connections.values()].filter((connection) => connection.owner === owner);
    await Promise.allSettled(owned.map((connection) => this.disconnect(connection.id, owner)));
  }

  /** Ends every connection. */
  async disconnectAll(): Promise<void> {
    await Promise.allSettled([...this.connections.values()].map((connection) => this.disconnect(connection.id, connection.owner)));
  }

  private owned(tokenId: string, owner: string): TokenConnection {
    const connection = this.connections.get(tokenId);
    if (!connection || connection.owner !== owner) throw notConnected(tokenId);
    return connection;
  }
}
