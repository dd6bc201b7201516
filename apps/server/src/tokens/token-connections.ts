// Connections to tokens: unguessable ids bound to one token (by serial number), holding its sessions open.
import { randomBytes } from "node:crypto";
import { ScwsError } from "@open-scws/errors";
import type { components } from "@open-scws/spec";
import { TokenFlag } from "../pkcs11/flags.js";
import type { SlotHandle, TokenInfo } from "../pkcs11/host.js";
import type { ModuleRuntime } from "./module-registry.js";
import type { ReaderDirectory } from "./reader-directory.js";
import { type LoginState, tokenBody } from "./token-view.js";

type Token = components["schemas"]["Token"];

/** One connection to a token. */
export interface TokenConnection {
  readonly id: string;
  readonly readerId: string;
  readonly module: ModuleRuntime;
  readonly slot: SlotHandle;
  /** The token this connection is bound to: a different token in the same slot is not it. */
  readonly serialNumber: string;
  readonly login: LoginState;
}

function notConnected(tokenId: string): ScwsError {
  return new ScwsError(`No token connection has the id ${tokenId}; connect to the reader again.`, "CKR_SESSION_HANDLE_INVALID", undefined, {
    field: "/path/tokenId",
  });
}

/** The token connections of the service. */
export class TokenConnections {
  private readonly connections = new Map<string, TokenConnection>();

  constructor(private readonly readers: ReaderDirectory) {}

  /** How many connections are open. */
  get size(): number {
    return this.connections.size;
  }

  /** Connects to the token in a reader (`Reader.connect()`). */
  async connect(readerId: string): Promise<{ connection: TokenConnection; token: Token }> {
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
      readerId,
      module,
      slot,
      serialNumber: info.serialNumber,
      login: { user: false, so: false },
    };
    this.connections.set(connection.id, connection);
    return { connection, token: tokenBody(connection.id, readerId, info, connection.login) };
  }

  /** A connection by id, or CKR_SESSION_HANDLE_INVALID. */
  get(tokenId: string): TokenConnection {
    const connection = this.connections.get(tokenId);
    if (!connection) throw notConnected(tokenId);
    return connection;
  }

  /** The connection's token, read afresh; CKR_TOKEN_NOT_PRESENT when its token left the reader. */
  async describe(tokenId: string): Promise<Token> {
    const connection = this.get(tokenId);
    const info = await this.currentTokenInfo(connection);
    return tokenBody(connection.id, connection.readerId, info, connection.login);
  }

  /** Ends a connection (`Token.disconnect()`), releasing its sessions and logins. */
  async disconnect(tokenId: string): Promise<void> {
    const connection = this.get(tokenId);
    this.connections.delete(tokenId);
    await connection.module.host.detach(connection.slot);
  }

  /** Ends every connection. */
  async disconnectAll(): Promise<void> {
    await Promise.allSettled([...this.connections.keys()].map((id) => this.disconnect(id)));
  }

  private async currentTokenInfo(connection: TokenConnection): Promise<TokenInfo> {
    const info = await connection.module.host.getTokenInfo(connection.slot);
    if (info.serialNumber !== connection.serialNumber) {
      throw new ScwsError("The connected token was removed from its reader.", "CKR_TOKEN_NOT_PRESENT");
    }
    return info;
  }
}
