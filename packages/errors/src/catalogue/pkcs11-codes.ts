// Catalogue of the PKCS#11 (CKR_*) codes: the 63 that SCWS documents and the two this service adds.
// Values from PKCS#11 v3.1 section 5.1 (pkcs11t.h); statuses chosen by what the caller must change.
import type { CatalogueEntry, ErrorCode, FamilyCatalogue } from "./types.js";

type Pkcs11Code = Extract<ErrorCode, `CKR_${string}`>;

function fromToken(
  pkcs11Value: number,
  httpStatus: number,
  title: string,
  description: string,
  remedy: string,
  retryable = false,
): CatalogueEntry {
  return { pkcs11Value, httpStatus, title, description, remedy, retryable, origin: "token" };
}

const FIX_REQUEST = "Correct the request; sending it again unchanged fails the same way.";
const CHECK_MECHANISMS = "Check the token's mechanism list and choose what it supports.";

/** PKCS#11 codes. */
export const pkcs11Codes = {
  CKR_CANCEL: fromToken(0x1, 409, "Cancelled", "The operation was cancelled, typically by the user on a PIN pad or a middleware dialog.", "Ask the user whether to try again.", true),
  CKR_HOST_MEMORY: fromToken(0x2, 503, "Out of memory", "The computer running the PKCS#11 module ran out of memory.", "Retry later; if it persists, the operator should check the service host.", true),
  CKR_SLOT_ID_INVALID: fromToken(0x3, 404, "Unknown reader", "The reader (PKCS#11 slot) does not exist, or no longer exists.", "Refresh the reader list and use an id from it."),
  CKR_GENERAL_ERROR: fromToken(0x5, 500, "General error", "An unrecoverable failure in the token, its module or the service. The answer reveals nothing internal; the service log has the details under the request's id.", "Report the problem's instance to the operator."),
  CKR_FUNCTION_FAILED: fromToken(0x6, 500, "Operation failed", "The token could not complete the operation and gave no more specific reason.", "Retry once; if it fails again, report it to the operator.", true),
  CKR_ARGUMENTS_BAD: fromToken(0x7, 400, "Invalid arguments", "The request does not match the API: a field is missing, has the wrong type or is out of range. customData.field names it.", FIX_REQUEST),
  CKR_ATTRIBUTE_READ_ONLY: fromToken(0x10, 403, "Attribute read-only", "The object's attribute cannot be changed.", "Do not modify this object; create a new one instead."),
  CKR_ATTRIBUTE_SENSITIVE: fromToken(0x11, 403, "Value is sensitive", "The value cannot be read because the token keeps it secret (a private or secret key's value).", "Use the key on the token instead of reading it."),
  CKR_ATTRIBUTE_TYPE_INVALID: fromToken(0x12, 400, "Invalid attribute", "The token does not know an attribute the request named.", FIX_REQUEST),
  CKR_ATTRIBUTE_VALUE_INVALID: fromToken(0x13, 400, "Invalid attribute value", "An attribute value in the request is not acceptable to the token.", FIX_REQUEST),
  CKR_ACTION_PROHIBITED: fromToken(0x1b, 403, "Action prohibited", "The token's policy forbids this action.", "Do not attempt it on this token."),
  CKR_DATA_INVALID: fromToken(0x20, 400, "Invalid data", "The data given to the operation is not valid for it.", FIX_REQUEST),
  CKR_DATA_LEN_RANGE: fromToken(0x21, 400, "Wrong data length", "The data has the wrong length for the operation, such as a hash that does not match its algorithm.", "Send data of the length the mechanism expects."),
  CKR_DEVICE_ERROR: fromToken(0x30, 502, "Device error", "The token or reader failed while communicating.", "Retry; if it persists, reinsert the token.", true),
  CKR_DEVICE_MEMORY: fromToken(0x31, 507, "Token memory full", "The token has no room left for the object or key.", "Delete objects that are no longer needed, then retry."),
  CKR_DEVICE_REMOVED: fromToken(0x32, 409, "Token removed", "The token was removed while the operation ran.", "Reinsert the token, connect again and repeat the operation.", true),
  CKR_ENCRYPTED_DATA_INVALID: fromToken(0x40, 400, "Invalid encrypted data", "The ciphertext is not valid: wrong padding, wrong key, or damaged data.", "Check that the data was encrypted for this key with this mechanism."),
  CKR_ENCRYPTED_DATA_LEN_RANGE: fromToken(0x41, 400, "Wrong encrypted data length", "The ciphertext has a length the mechanism cannot have produced.", "Check that the data was encrypted for this key with this mechanism."),
  CKR_FUNCTION_CANCELED: fromToken(0x50, 409, "Function cancelled", "A running function was cancelled. Kept for older tokens; newer ones report CKR_CANCEL.", "Ask the user whether to try again.", true),
  CKR_FUNCTION_NOT_PARALLEL: fromToken(0x51, 409, "No parallel function", "There is no function executing in parallel in the session (a legacy PKCS#11 code).", "Retry the operation.", true),
  CKR_FUNCTION_NOT_SUPPORTED: fromToken(0x54, 422, "Not supported", "The token or its module does not offer this operation.", "Use another token, or another operation."),
  CKR_KEY_HANDLE_INVALID: fromToken(0x60, 404, "Unknown key", "The key does not exist in this token connection.", "List the token's objects again and use a key id from the list."),
  CKR_KEY_SIZE_RANGE: fromToken(0x62, 422, "Key size not supported", "The key size is outside what the token supports for this operation.", CHECK_MECHANISMS),
  CKR_KEY_TYPE_INCONSISTENT: fromToken(0x63, 422, "Wrong key type", "The key's type does not fit the mechanism, such as an EC key with an RSA algorithm.", "Choose an algorithm that matches the key's type."),
  CKR_KEY_NOT_NEEDED: fromToken(0x64, 422, "Key not needed", "A key was supplied to an operation that takes none.", FIX_REQUEST),
  CKR_KEY_CHANGED: fromToken(0x65, 409, "Key changed", "A key differs from the one used when the saved operation state was made.", "Start the operation again."),
  CKR_KEY_INDIGESTIBLE: fromToken(0x67, 422, "Key cannot be digested", "The token cannot include this key in a digest.", "Digest other data instead."),
  CKR_KEY_FUNCTION_NOT_PERMITTED: fromToken(0x68, 403, "Key use not permitted", "The key's attributes forbid this use, such as signing with a key that may only decrypt.", "Use a key whose usage allows the operation."),
  CKR_KEY_NOT_WRAPPABLE: fromToken(0x69, 422, "Key not wrappable", "The token will not wrap this key.", "Use a key that may be wrapped."),
  CKR_KEY_UNEXTRACTABLE: fromToken(0x6a, 403, "Key not extractable", "The key may not leave the token.", "Use the key on the token instead of exporting it."),
  CKR_MECHANISM_INVALID: fromToken(0x70, 422, "Algorithm not supported", "The token does not support the cryptographic mechanism, or not for this key.", CHECK_MECHANISMS),
  CKR_MECHANISM_PARAM_INVALID: fromToken(0x71, 400, "Invalid algorithm parameters", "The mechanism's parameters are wrong, such as a bad IV length or PSS salt length.", FIX_REQUEST),
  CKR_PIN_INCORRECT: fromToken(0xa0, 403, "Wrong PIN", "The PIN was refused. customData.remainingTries tells how many more wrong PINs lock it, where known.", "Ask the user for the PIN again, and show the remaining tries."),
  CKR_PIN_INVALID: fromToken(0xa1, 400, "Invalid PIN format", "The PIN holds characters the token does not accept.", "Ask the user for a PIN in the token's format."),
  CKR_PIN_LEN_RANGE: fromToken(0xa2, 400, "Wrong PIN length", "The PIN is shorter or longer than the token accepts; nothing was sent to the token.", "Ask for a PIN within the token's pinLength limits."),
  CKR_PIN_EXPIRED: fromToken(0xa3, 403, "PIN expired", "The PIN has expired and must be changed before it can be used.", "Have the user change the PIN."),
  CKR_PIN_LOCKED: fromToken(0xa4, 403, "PIN locked", "Too many wrong PINs were entered; the PIN is locked.", "Unblock the PIN with the Security Officer PIN (or PUK)."),
  CKR_SIGNATURE_INVALID: fromToken(0xc0, 422, "Invalid signature", "The signature does not verify.", "Treat the signed data as not authentic."),
  CKR_SIGNATURE_LEN_RANGE: fromToken(0xc1, 400, "Wrong signature length", "The signature has a length this key and mechanism cannot produce.", "Check the signature's encoding (raw r||s or DER for ECDSA)."),
  CKR_TEMPLATE_INCOMPLETE: fromToken(0xd0, 400, "Incomplete template", "The object to create lacks attributes the token requires.", FIX_REQUEST),
  CKR_TEMPLATE_INCONSISTENT: fromToken(0xd1, 400, "Inconsistent template", "The object to create has attributes that contradict each other.", FIX_REQUEST),
  CKR_TOKEN_NOT_PRESENT: fromToken(0xe0, 409, "No token present", "The reader holds no token, or the token was removed.", "Insert the token, then connect again.", true),
  CKR_TOKEN_NOT_RECOGNIZED: fromToken(0xe1, 422, "Token not recognised", "The token in the reader is not one the module can use, or it is not initialised.", "Use an initialised token that the module supports."),
  CKR_TOKEN_WRITE_PROTECTED: fromToken(0xe2, 403, "Token write-protected", "The token is write-protected, so nothing can be created, changed or deleted.", "Use the token read-only, or another token."),
  CKR_UNWRAPPING_KEY_HANDLE_INVALID: fromToken(0xf0, 404, "Unknown unwrapping key", "The key named to unwrap another key does not exist.", "Use an existing key id."),
  CKR_UNWRAPPING_KEY_SIZE_RANGE: fromToken(0xf1, 422, "Unwrapping key size not supported", "The size of the unwrapping key is outside what the token supports for this operation.", CHECK_MECHANISMS),
  CKR_UNWRAPPING_KEY_TYPE_INCONSISTENT: fromToken(0xf2, 422, "Wrong unwrapping key type", "The unwrapping key's type does not fit the unwrapping mechanism.", "Choose a mechanism that matches the key's type."),
  CKR_USER_ALREADY_LOGGED_IN: fromToken(0x100, 409, "Already logged in", "This connection is already logged in to the token.", "Use the existing login, or log out first."),
  CKR_USER_NOT_LOGGED_IN: fromToken(0x101, 403, "Not logged in", "The operation needs a login that this connection has not made.", "Log in with the PIN named by the object's pinNumber, then retry."),
  CKR_USER_PIN_NOT_INITIALIZED: fromToken(0x102, 409, "User PIN not set", "The token's user PIN has never been set.", "Have the Security Officer set the user PIN."),
  CKR_USER_TYPE_INVALID: fromToken(0x103, 422, "Invalid user type", "The token does not know the kind of user (user, Security Officer, context-specific) requested.", FIX_REQUEST),
  CKR_USER_ANOTHER_ALREADY_LOGGED_IN: fromToken(0x104, 409, "Another user logged in", "Someone else (another environment, or the other PIN) is logged in to the token, which PKCS#11 allows only once at a time.", "Wait until the other login ends, then retry.", true),
  CKR_USER_TOO_MANY_TYPES: fromToken(0x105, 409, "Too many logins", "The token cannot keep more kinds of user logged in at once.", "Log out another user first."),
  CKR_WRAPPED_KEY_INVALID: fromToken(0x110, 400, "Invalid wrapped key", "The wrapped key is not valid: damaged, or wrapped with another key or mechanism.", "Check the wrapped key and its wrapping key."),
  CKR_WRAPPED_KEY_LEN_RANGE: fromToken(0x112, 400, "Wrong wrapped key length", "The wrapped key has a length the unwrapping mechanism cannot accept.", "Check the wrapped key and its wrapping key."),
  CKR_WRAPPING_KEY_HANDLE_INVALID: fromToken(0x113, 404, "Unknown wrapping key", "The key named to wrap another key does not exist.", "Use an existing key id."),
  CKR_WRAPPING_KEY_SIZE_RANGE: fromToken(0x114, 422, "Wrapping key size not supported", "The size of the wrapping key is outside what the token supports for this operation.", CHECK_MECHANISMS),
  CKR_WRAPPING_KEY_TYPE_INCONSISTENT: fromToken(0x115, 422, "Wrong wrapping key type", "The wrapping key's type does not fit the wrapping mechanism.", "Choose a mechanism that matches the key's type."),
  CKR_CURVE_NOT_SUPPORTED: fromToken(0x140, 422, "Curve not supported", "The token does not support this elliptic curve.", CHECK_MECHANISMS),
  CKR_INFORMATION_SENSITIVE: fromToken(0x170, 403, "Information is sensitive", "The token will not reveal the requested information.", "Do not ask for it; use the object on the token instead."),
  CKR_LIBRARY_LOAD_FAILED: fromToken(0x1b7, 503, "PKCS#11 module unavailable", "The PKCS#11 module, or a library it needs, could not be loaded; the service runs on without it.", "The operator should check the module path and its dependencies (readiness says why)."),
  CKR_PIN_TOO_WEAK: fromToken(0x1b8, 422, "PIN too weak", "The new PIN is refused by the token's policy: too simple, or equal to the current or a recent PIN.", "Ask the user for a stronger, different PIN."),
  CKR_PUBLIC_KEY_INVALID: fromToken(0x1b9, 400, "Invalid public key", "The public key fails validation (not on the curve, bad modulus).", "Check the public key's encoding and origin."),
  CKR_OBJECT_HANDLE_INVALID: fromToken(0x82, 404, "Unknown object", "The object does not exist in this token connection: it was deleted, or the id comes from another connection.", "List the token's objects again and use an id from the list."),
  CKR_SESSION_HANDLE_INVALID: fromToken(0xb3, 404, "Token not connected", "The token connection does not exist: it was ended, expired, lost with its token, or belongs to someone else.", "Connect to the reader's token again."),
} as const satisfies FamilyCatalogue<Pkcs11Code>;
