// Public entry of @open-scws/errors.
export { type CatalogueEntry, type ErrorCode, type ErrorOrigin, errorCatalogue, errorCodes, isErrorCode } from "./catalogue/index.js";
export { isScwsCode, type ScwsCode, scwsDocumentedCodes } from "./catalogue/scws-codes.js";
export { isPkcs11Failure, type Pkcs11Failure, scwsErrorFromPkcs11, toScwsError } from "./from-pkcs11.js";
export { type CkrName, ckrValues } from "./generated/ckr-values.js";
export { ckrName, codeForCkrValue, nearestCodeForUnlistedCkr } from "./pkcs11-mapping.js";
export { asScwsCodeError, type NonScwsCode, scwsCodeFor, scwsEquivalents } from "./scws-equivalents.js";
export { type CustomData, type Problem, problemTypeFor, ScwsError } from "./scws-error.js";
