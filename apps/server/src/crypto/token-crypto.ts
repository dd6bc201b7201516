// What a token does without a key: hashing, random bytes, and listing its mechanisms.
import type { components } from "@open-scws/spec";
import { DIGEST_MECHANISMS } from "../keys/algorithms.js";
import { type MechanismCatalog, mechanismBody } from "../keys/mechanism-catalog.js";
import type { TokenConnection } from "../tokens/token-connections.js";

type DigestRequest = components["schemas"]["DigestRequest"];
type Mechanism = components["schemas"]["Mechanism"];

/** Keyless operations on tokens. */
export class TokenCrypto {
  constructor(private readonly mechanisms: MechanismCatalog) {}

  /** Hashes data on the token; CKR_MECHANISM_INVALID for a hash it lacks. */
  async digest(connection: TokenConnection, request: DigestRequest): Promise<{ digest: string }> {
    const mechanism = DIGEST_MECHANISMS[request.algorithm];
    await this.mechanisms.require(connection, mechanism, "digest");
    const digest = await connection.host.digest(connection.slot, { mechanism }, Buffer.from(request.data, "base64"));
    return { digest: Buffer.from(digest).toString("base64") };
  }

  /** Random bytes from the token's generator. */
  async random(connection: TokenConnection, length: number): Promise<{ random: string }> {
    return { random: Buffer.from(await connection.host.generateRandom(connection.slot, length)).toString("base64") };
  }

  /** The token's mechanisms. */
  async list(connection: TokenConnection): Promise<Mechanism[]> {
    return (await this.mechanisms.of(connection)).map(mechanismBody);
  }
}
