// Public entry of @open-scws/errors.
export { type CatalogueEntry, type ErrorCode, type ErrorOrigin, errorCatalogue } from "./catalogue/index.js";
export { type ScwsCode, scwsDocumentedCodes } from "./catalogue/scws-codes.js";
export { errorCodes, httpStatusOf, isErrorCode } from "./codes.js";
export { isPkcs11Failure, type Pkcs11Failure, pkcs11Failure, scwsErrorFromPkcs11, toScwsError } from "./from-pkcs11.js";
export { type CkrName, ckrValues } from "./generated/ckr-values.js";
export { ckrName, codeForCkrValue, nearestCodeForUnlistedCkr } from "./pkcs11-mapping.js";
export { toProblem } from "./problem.js";
export { asScwsCodeError, isScwsCode, type NonScwsCode, scwsCodeFor, scwsEquivalents } from "./scws-equivalents.js";
export { type CustomData, type Problem, problemTypeFor, ScwsError, type ScwsErrorOptions } from "./scws-error.js";
