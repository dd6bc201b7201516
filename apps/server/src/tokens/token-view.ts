// The spec's Token and Pin bodies for a token connection, from what C_GetTokenInfo reports.
import type { components } from "@open-scws/spec";
import { TokenFlag, tokenFlagsOf } from "../pkcs11/flags.js";
import type { TokenInfo } from "../pkcs11/host.js";

type Token = components["schemas"]["Token"];
type Pin = components["schemas"]["Pin"];

/** What this connection has logged in as. */
export interface LoginState {
  readonly user: boolean;
  readonly so: boolean;
}

/** PIN 0, the PKCS#11 user PIN, with the SO PIN's state alongside. */
export function userPinOf(info: TokenInfo, login: LoginState): Pin {
  const has = (bit: number) => (info.flags & bit) !== 0;
  return {
    number: 0,
    initialized: has(TokenFlag.userPinInitialized),
    toBeChanged: has(TokenFlag.userPinToBeChanged),
    blocked: has(TokenFlag.userPinLocked),
    tryCountLow: has(TokenFlag.userPinCountLow),
    lastTry: has(TokenFlag.userPinFinalTry),
    validated: login.user,
    soValidated: login.so,
  };
}

/** The Token body of a connection. */
export function tokenBody(id: string, readerId: string, info: TokenInfo, login: LoginState): Token {
  return {
    id,
    readerId,
    label: info.label,
    serialNumber: info.serialNumber,
    manufacturer: info.manufacturer,
    model: info.model,
    protectedAuthPath: (info.flags & TokenFlag.protectedAuthenticationPath) !== 0,
    flags: tokenFlagsOf(info.flags),
    pinLength: { min: info.minPinLength, max: info.maxPinLength },
    hardwareVersion: info.hardwareVersion,
    firmwareVersion: info.firmwareVersion,
    pins: [userPinOf(info, login)],
  };
}
