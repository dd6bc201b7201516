// The card's persistent state (PIN, PUK, counters, management key, keys, data objects) as a JSON file.
import { randomBytes } from "node:crypto";
import { readFileSync, renameSync, writeFileSync } from "node:fs";

/** Algorithms the card supports, by their SP 800-78-4 identifier. */
export const ALGORITHM = { TDES: 0x03, RSA2048: 0x07, P256: 0x11 } as const;

/** PIV key references the card holds (SP 800-73-4 part 1 table 4b). */
export const KEY_SLOTS = ["9a", "9c", "9d", "9e"] as const;
export type KeySlot = (typeof KEY_SLOTS)[number];

/** Data object tag (hex) of the certificate that belongs to each key slot. */
export const CERTIFICATE_TAGS: Record<KeySlot, string> = { "9a": "5fc105", "9c": "5fc10a", "9d": "5fc10b", "9e": "5fc101" };

/** A private key in a slot: algorithm and PKCS#8 PEM. */
export interface SlotKey {
  algorithm: "RSA2048" | "P256";
  privateKeyPem: string;
}

/** Everything the card remembers between runs. */
export interface CardState {
  version: 1;
  /** The PIN and PUK as text (a test card: kept in the clear on purpose). */
  pin: string;
  puk: string;
  pinTries: number;
  pinTriesLeft: number;
  pukTries: number;
  pukTriesLeft: number;
  /** 3DES management key (key reference 9B), hex. */
  managementKey: string;
  keys: Partial<Record<KeySlot, SlotKey>>;
  /** Data objects by tag (hex, e.g. "5fc102"): base64 of the content inside tag 53 (or 7E for discovery). */
  objects: Record<string, string>;
}

/** Default management key of PIV test cards and of OpenSC's piv-tool (SP 800-73 test value). */
export const DEFAULT_MANAGEMENT_KEY = "010203040506070801020304050607080102030405060708";

/** A blank card: default PIN 123456, PUK 12345678, 3 tries each, no keys, empty data objects. */
export function blankState(overrides: Partial<Pick<CardState, "pin" | "puk" | "pinTries" | "pukTries" | "managementKey">> = {}): CardState {
  const pinTries = overrides.pinTries ?? 3;
  const pukTries = overrides.pukTries ?? 3;
  return {
    version: 1,
    pin: overrides.pin ?? "123456",
    puk: overrides.puk ?? "12345678",
    pinTries,
    pinTriesLeft: pinTries,
    pukTries,
    pukTriesLeft: pukTries,
    managementKey: overrides.managementKey ?? DEFAULT_MANAGEMENT_KEY,
    keys: {},
    objects: {},
  };
}

/** Reads a state file. */
export function loadState(path: string): CardState {
  const state = JSON.parse(readFileSync(path, "utf8")) as CardState;
  if (state.version !== 1) throw new Error(`${path}: unsupported card state version ${String(state.version)}`);
  return state;
}

/** Writes a state file atomically (temp file + rename), so a killed card never leaves half a file. */
export function saveState(path: string, state: CardState): void {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}
