// Finds the key a caller names and checks it may serve the operation, before anything reaches the token;
// and runs the operation with a per-use PIN for keys that need one (CKA_ALWAYS_AUTHENTICATE).
import { ScwsError } from "@open-scws/errors";
import type { components } from "@open-scws/spec";
import type { ObjectRecord } from "../objects/object-record.js";
import type { ObjectService } from "../objects/object-service.js";
import type { PinService } from "../pins/pin-service.js";
import type { TokenConnection } from "../tokens/token-connections.js";

type ObjectType = components["schemas"]["ObjectType"];

/** The key named by `keyId`, if it is a key of an allowed type; otherwise the error SCWS would give. */
export async function usableKey(
  objects: ObjectService,
  connection: TokenConnection,
  keyId: string,
  allowed: readonly ObjectType[],
  purpose: string,
): Promise<ObjectRecord> {
  const record = await objects.record(connection, keyId, "key");
  if (record.type === "certificate" || record.type === "dataContainer") {
    throw new ScwsError("CKR_KEY_HANDLE_INVALID", { message: `The object ${keyId} is a ${record.type}, not a key.`, customData: { field: "/path/objectId" } });
  }
  if (!allowed.includes(record.type)) {
    const use = allowed.includes("privateKey") ? "its private key" : "its public key";
    throw new ScwsError("CKR_KEY_FUNCTION_NOT_PERMITTED", { message: `A ${record.type} cannot ${purpose}; use ${use}.` });
  }
  return record;
}

/** Runs a key operation, passing the per-use PIN a CKA_ALWAYS_AUTHENTICATE key needs, counted like any PIN try. */
export async function withKeyPin<T>(
  pins: PinService,
  connection: TokenConnection,
  key: ObjectRecord,
  pin: string | undefined,
  operation: (pin?: string) => Promise<T>,
): Promise<T> {
  if (key.alwaysAuthenticate) {
    // With auto-login on (Pin.startAutoLogin), the PIN the environment logged in with answers instead.
    const kept = pin === undefined ? pins.keptPin(connection) : undefined;
    if (kept !== undefined) return pins.withKeptPin(connection, kept, operation);
    if (pin === undefined) {
      throw new ScwsError("CKR_USER_NOT_LOGGED_IN", {
        message: "This key needs its PIN for each use: send pin.",
        customData: {
          field: "/body/pin",
          reason: "is required for this key",
        },
      });
    }
    return pins.withContextPin(connection, pin, operation);
  }
  if (pin !== undefined) {
    throw new ScwsError("CKR_ARGUMENTS_BAD", {
      message: "Only keys that need a PIN for each use (alwaysAuthenticate) take a pin.",
      customData: {
        field: "/body/pin",
        reason: "is only for alwaysAuthenticate keys",
      },
    });
  }
  return operation();
}
