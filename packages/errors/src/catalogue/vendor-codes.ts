// Catalogue of the vendor (CXR_*) codes of Idopte's middleware, with the SCWS page's slips corrected:
// CXR_CONTAINER_EXISTS and CXR_NOT_PERMITTED had borrowed other codes' texts there.
import type { CatalogueEntry, ErrorCode, ErrorOrigin, FamilyCatalogue } from "./types.js";

type VendorCode = Extract<ErrorCode, `CXR_${string}`>;

function entry(origin: ErrorOrigin, httpStatus: number | null, title: string, description: string, remedy: string, retryable = false): CatalogueEntry {
  return { origin, httpStatus, title, description, remedy, retryable };
}

const MOBILE_ONLY = "Only raised by SCWS on mobile platforms; this service never sends it.";

/** Vendor codes. */
export const vendorCodes = {
  CXR_NO_LICENSE_KEY: entry(
    "token",
    403,
    "No licence key",
    "The card carries no valid licence key for the vendor's middleware.",
    "Install a licence key on the card, or use a card that has one.",
  ),
  CXR_CONTAINER_INVALID: entry(
    "token",
    404,
    "Invalid container",
    "The key container chosen on the card does not exist or cannot be used.",
    "Choose another container.",
  ),
  CXR_CONTAINER_EXISTS: entry(
    "service",
    409,
    "Container already exists",
    "An object with the same ckId and type is already on the token, so the new one was not created.",
    "Choose another ckId, or delete the existing object first.",
  ),
  CXR_PUK_ALREADY_USED: entry(
    "token",
    409,
    "PUK already used",
    "The PIN unblocking code (PUK) has already been used and cannot serve again.",
    "Use another PUK, or the Security Officer PIN.",
  ),
  CXR_PIN_UNBLOCK_BLOCKED: entry(
    "token",
    403,
    "Unblocking locked",
    "The PIN can no longer be unblocked: the unblocking attempts are spent.",
    "The token must be re-initialised by its issuer.",
  ),
  CXR_NOT_PERMITTED: entry(
    "service",
    403,
    "Not permitted",
    "The caller may not perform this operation on this token or object.",
    "Use a token and key this caller is allowed to use.",
  ),
  CXR_MISSING_FINGERPRINT_SCANNER: entry(
    "token",
    422,
    "Fingerprint scanner needed",
    "The operation needs a fingerprint scanner, and none is connected.",
    "Connect a fingerprint scanner, or use a PIN.",
  ),
  CXR_SIGNATURE_TIMESTAMP: entry(
    "token",
    502,
    "Timestamping failed",
    "The timestamping step of a signature failed.",
    "Retry later; the timestamping authority may be unreachable.",
    true,
  ),
  CXR_PACE_NEEDED: entry(
    "token",
    403,
    "PACE needed",
    "The card must establish PACE (a secure channel) before it can be used.",
    "Establish PACE with the card first.",
  ),
  CXR_CERT_NOT_TRUSTED: entry(
    "service",
    422,
    "Certificate not trusted",
    "The certificate does not chain to a trust anchor the service knows.",
    "Configure the issuing authority as a trust anchor, or use another certificate.",
  ),
  CXR_BROKEN_AUTHENTICATION: entry(
    "token",
    502,
    "Secure channel broken",
    "The secure channel with the card broke down.",
    "Retry; the channel is set up again on the next connection.",
    true,
  ),
  CXR_BT_PERMISSIONS_NOT_GRANTED: entry(
    "mobile",
    null,
    "Bluetooth permission missing",
    `Bluetooth permissions are not granted. ${MOBILE_ONLY}`,
    "Grant the app Bluetooth permissions.",
  ),
  CXR_BT_INITIALIZATION_FAILED: entry(
    "mobile",
    null,
    "Bluetooth unavailable",
    `The Bluetooth service could not start, perhaps because Bluetooth is off. ${MOBILE_ONLY}`,
    "Turn Bluetooth on.",
  ),
  CXR_BT_NOT_SCANNING: entry(
    "mobile",
    null,
    "Bluetooth not scanning",
    `The Bluetooth scan has not been started or has stopped. ${MOBILE_ONLY}`,
    "Start the scan again.",
    true,
  ),
  CXR_BT_DEVICE_NOT_SUPPORTED: entry(
    "mobile",
    null,
    "Bluetooth device not supported",
    `The Bluetooth peripheral is not supported. ${MOBILE_ONLY}`,
    "Use a supported reader.",
  ),
  CXR_BT_DEVICE_NOT_DETECTED: entry(
    "mobile",
    null,
    "Bluetooth device not found",
    `The Bluetooth peripheral is not detected. ${MOBILE_ONLY}`,
    "Bring the reader closer and switch it on.",
    true,
  ),
  CXR_BT_ALREADY_PAIRED: entry(
    "mobile",
    null,
    "Bluetooth device already paired",
    `A Bluetooth peripheral is already paired, which forbids this operation. ${MOBILE_ONLY}`,
    "Unpair the other peripheral first.",
  ),
  CXR_FUNCTION_TIMED_OUT: entry(
    "mobile",
    null,
    "Timed out",
    `The operation timed out, typically an NFC read on iOS. ${MOBILE_ONLY}`,
    "Hold the card still and retry.",
    true,
  ),
  CXR_AID_NOT_IN_PLIST_FILE: entry(
    "mobile",
    null,
    "Card application not declared",
    `The card's application id (AID) is missing from the app's Info.plist. ${MOBILE_ONLY}`,
    "Add the card's AID to the app's Info.plist.",
  ),
} as const satisfies FamilyCatalogue<VendorCode>;
