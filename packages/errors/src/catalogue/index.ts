// The whole SCWS error catalogue, one entry per code of the spec's ErrorCode enum and no other.
import { middlewareCodes } from "./middleware-codes.js";
import { pkcs11Codes } from "./pkcs11-codes.js";
import { serviceCodes } from "./service-codes.js";
import type { CatalogueEntry, ErrorCode } from "./types.js";
import { vendorCodes } from "./vendor-codes.js";

export type { CatalogueEntry, ErrorCode, ErrorOrigin } from "./types.js";

/** Every SCWS error code with its meaning, HTTP status, PKCS#11 value, origin and retry advice. */
export const errorCatalogue: { readonly [Code in ErrorCode]: CatalogueEntry } = {
  ...pkcs11Codes,
  ...vendorCodes,
  ...middlewareCodes,
  ...serviceCodes,
};

// Each family is checked against its slice of ErrorCode; this checks that the slices cover the enum.
type Uncatalogued = Exclude<ErrorCode, keyof typeof pkcs11Codes | keyof typeof vendorCodes | keyof typeof middlewareCodes | keyof typeof serviceCodes>;
const everyCodeCatalogued: [Uncatalogued] extends [never] ? true : Uncatalogued = true;
void everyCodeCatalogued;

export { errorCodes, isErrorCode } from "../codes.js";
