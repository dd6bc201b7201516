// The mechanisms of each token, read once per token and kept, so that an algorithm the token lacks is refused
// with CKR_MECHANISM_INVALID before any call.
import { ScwsError } from "@open-scws/errors";
import type { components } from "@open-scws/spec";
import { mechanismNames } from "../generated/mechanism-names.js";
import type { MechanismInfo } from "../pkcs11/host.js";
import type { TokenConnection } from "../tokens/token-connections.js";
import { MECHANISM_FLAGS } from "./algorithms.js";

type Mechanism = components["schemas"]["Mechanism"];

/** The name of a mechanism value: its CKM_* name, or its hex value. */
export function mechanismName(value: number): string {
  return mechanismNames.get(value) ?? `0x${value.toString(16).padStart(8, "0")}`;
}

/** The spec's Mechanism for a token's mechanism information. */
export function mechanismBody(info: MechanismInfo): Mechanism {
  const flags = Object.fromEntries(Object.entries(MECHANISM_FLAGS).map(([name, bit]) => [name, (info.flags & bit) !== 0]));
  return { name: mechanismName(info.type), value: info.type, minKeySize: info.minKeySize, maxKeySize: info.maxKeySize, flags: flags as Mechanism["flags"] };
}

/** Mechanisms by token. */
export class MechanismCatalog {
  private readonly byToken = new Map<string, Promise<MechanismInfo[]>>();

  /** The token's mechanisms, read on first use. */
  async of(connection: TokenConnection): Promise<MechanismInfo[]> {
    let mechanisms = this.byToken.get(connection.tokenKey);
    if (!mechanisms) {
      mechanisms = connection.host.getMechanisms(connection.slot);
      this.byToken.set(connection.tokenKey, mechanisms);
      mechanisms.catch(() => this.byToken.delete(connection.tokenKey));
    }
    return mechanisms;
  }

  /** Refuses a mechanism the token lacks, or one it has but not for this use. */
  async require(connection: TokenConnection, mechanism: number, use: keyof typeof MECHANISM_FLAGS): Promise<void> {
    const info = (await this.of(connection)).find((candidate) => candidate.type === mechanism);
    if (!info || (info.flags & MECHANISM_FLAGS[use]) === 0) {
      throw new ScwsError("CKR_MECHANISM_INVALID", {
        message: `The token does not offer ${mechanismName(mechanism)} to ${use}.`,
        customData: {
          mechanism: mechanismName(mechanism),
        },
      });
    }
  }
}
