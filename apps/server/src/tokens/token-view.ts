// The spec's Token body for a token connection, from what C_GetTokenInfo reports and the PINs' state.
import type { components } from "@open-scws/spec";
import { TokenFlag, tokenFlagsOf } from "../pkcs11/flags.js";
import type { TokenInfo } from "../pkcs11/host.js";

type Token = components["schemas"]["Token"];
type Pin = components["schemas"]["Pin"];

/** The Token body of a connection. */
export function tokenBody(id: string, readerId: string, info: TokenInfo, pins: Pin[]): Token {
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
    pins,
  };
}
