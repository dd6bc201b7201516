// RFC 7512 PKCS#11 URIs that name libraries, slots and tokens: parsing (with percent-decoding) and matching
// against what a module reports, for the `exposeTokens` option and `open-scws tokens`.
import { basename, dirname } from "node:path";

/** Path attributes (RFC 7512 section 2.3) that describe a library, a slot or a token. */
const SELECTING_ATTRIBUTES = [
  "library-manufacturer",
  "library-description",
  "library-version",
  "slot-manufacturer",
  "slot-description",
  "slot-id",
  "token",
  "manufacturer",
  "serial",
  "model",
] as const;
/** Path attributes that name objects: meaningless for choosing tokens. */
const OBJECT_ATTRIBUTES = new Set(["object", "type", "id"]);
/** Query attributes that carry a PIN: never in a configuration file. */
const PIN_ATTRIBUTES = new Set(["pin-value", "pin-source"]);

type SelectingAttribute = (typeof SELECTING_ATTRIBUTES)[number];

/** A parsed PKCS#11 URI: decoded path attributes, and the module query attributes. */
export interface Pkcs11Uri {
  readonly path: Readonly<Partial<Record<SelectingAttribute, string>>>;
  readonly moduleName?: string;
  readonly modulePath?: string;
}

/** What a slot is, as far as a URI can tell. */
export interface SlotDescription {
  readonly library: { readonly path: string; readonly manufacturer: string; readonly description: string; readonly version: string };
  readonly slot: { readonly id: bigint; readonly manufacturer: string; readonly description: string };
  readonly token?: { readonly label: string; readonly manufacturer: string; readonly serialNumber: string; readonly model: string };
}

/** A URI that does not follow RFC 7512 or cannot select tokens. */
export class Pkcs11UriError extends Error {}

// RFC 7512 section 2.3: unreserved, pct-encoded and these reserved characters may appear in values.
const PATH_VALUE = /^(?:[A-Za-z0-9\-._~:[\]@!$'()*+,=&]|%[0-9A-Fa-f]{2})*$/;
const QUERY_VALUE = /^(?:[A-Za-z0-9\-._~:[\]@!$'()*+,=/?|]|%[0-9A-Fa-f]{2})*$/;
const VENDOR_NAME = /^x-[A-Za-z0-9\-._~]+$/;

function decode(value: string, pattern: RegExp, where: string): string {
  if (!pattern.test(value)) throw new Pkcs11UriError(`the value of ${where} has a character that must be percent-encoded (RFC 7512 section 2.3)`);
  try {
    return decodeURIComponent(value);
  } catch {
    throw new Pkcs11UriError(`the value of ${where} is not valid UTF-8 once percent-decoded`);
  }
}

function splitAttribute(part: string, kind: "path" | "query"): [string, string] {
  const equals = part.indexOf("=");
  if (equals <= 0) throw new Pkcs11UriError(`"${part}" is not a ${kind} attribute of the form name=value`);
  return [part.slice(0, equals), part.slice(equals + 1)];
}

function parsePath(text: string): Partial<Record<SelectingAttribute, string>> {
  const path: Partial<Record<SelectingAttribute, string>> = {};
  if (text === "") return path;
  for (const part of text.split(";")) {
    const [name, raw] = splitAttribute(part, "path");
    if (OBJECT_ATTRIBUTES.has(name)) throw new Pkcs11UriError(`"${name}" names an object; only library, slot and token attributes choose tokens`);
    if (VENDOR_NAME.test(name)) continue; // vendor attributes (section 2.3) are allowed and ignored
    if (!(SELECTING_ATTRIBUTES as readonly string[]).includes(name)) throw new Pkcs11UriError(`"${name}" is not a PKCS#11 URI path attribute`);
    const attribute = name as SelectingAttribute;
    if (path[attribute] !== undefined) throw new Pkcs11UriError(`"${name}" appears twice in the path (RFC 7512 section 2.3 forbids it)`);
    path[attribute] = decode(raw, PATH_VALUE, name);
  }
  if (path["library-version"] !== undefined && !/^\d+(?:\.\d+)?$/.test(path["library-version"])) {
    throw new Pkcs11UriError(`library-version must be M or M.N, not "${path["library-version"]}"`);
  }
  if (path["slot-id"] !== undefined && !/^\d+$/.test(path["slot-id"])) throw new Pkcs11UriError(`slot-id must be a decimal number, not "${path["slot-id"]}"`);
  return path;
}

/** Parses a `pkcs11:` URI that selects tokens; throws Pkcs11UriError naming what is wrong. */
export function parsePkcs11Uri(uri: string): Pkcs11Uri {
  if (!/^pkcs11:/i.test(uri)) throw new Pkcs11UriError('a PKCS#11 URI starts with "pkcs11:"');
  const rest = uri.slice("pkcs11:".length);
  if (rest.includes("#")) throw new Pkcs11UriError("a PKCS#11 URI has no fragment");
  const question = rest.indexOf("?");
  const path = parsePath(question < 0 ? rest : rest.slice(0, question));
  const result: { path: typeof path; moduleName?: string; modulePath?: string } = { path };
  if (question < 0) return result;
  const query = rest.slice(question + 1);
  for (const part of query === "" ? [] : query.split("&")) {
    const [name, raw] = splitAttribute(part, "query");
    if (PIN_ATTRIBUTES.has(name)) throw new Pkcs11UriError(`"${name}" would put a PIN in the configuration; PINs are never configured`);
    const value = decode(raw, QUERY_VALUE, name);
    if (name === "module-name") result.moduleName = value;
    else if (name === "module-path") result.modulePath = value;
    else if (!VENDOR_NAME.test(name)) throw new Pkcs11UriError(`"${name}" is not a PKCS#11 URI query attribute`);
  }
  return result;
}

/** The RFC 7512 module name of a library path: `/usr/lib/softhsm/libsofthsm2.so` → `softhsm2`. */
export function moduleNameOf(library: string): string {
  return basename(library)
    .replace(/^lib/, "")
    .replace(/\.(?:so(?:\.[\d.]+)?|dylib|dll)$/, "");
}

function versionMatches(wanted: string, actual: string): boolean {
  const [major, minor = "0"] = wanted.split(".");
  const [actualMajor, actualMinor] = actual.split(".");
  return Number(major) === Number(actualMajor) && Number(minor) === Number(actualMinor);
}

/** Whether a slot (and its token) matches every attribute the URI names; absent attributes match anything. */
export function matchesPkcs11Uri(uri: Pkcs11Uri, target: SlotDescription): boolean {
  const { path } = uri;
  const tokenWanted = path.token ?? path.manufacturer ?? path.serial ?? path.model;
  if (tokenWanted !== undefined && !target.token) return false;
  const checks: Array<[string | undefined, string | undefined]> = [
    [path["library-manufacturer"], target.library.manufacturer],
    [path["library-description"], target.library.description],
    [path["slot-manufacturer"], target.slot.manufacturer],
    [path["slot-description"], target.slot.description],
    [path.token, target.token?.label],
    [path.manufacturer, target.token?.manufacturer],
    [path.serial, target.token?.serialNumber],
    [path.model, target.token?.model],
    [uri.moduleName, moduleNameOf(target.library.path)],
  ];
  if (checks.some(([wanted, actual]) => wanted !== undefined && wanted !== actual)) return false;
  if (path["library-version"] !== undefined && !versionMatches(path["library-version"], target.library.version)) return false;
  if (path["slot-id"] !== undefined && BigInt(path["slot-id"]) !== target.slot.id) return false;
  // module-path names the library itself or the folder it is in (RFC 7512 section 2.4).
  if (uri.modulePath !== undefined && ![target.library.path, dirname(target.library.path)].includes(uri.modulePath.replace(/(.)\/$/, "$1"))) return false;
  return true;
}

function encode(value: string): string {
  // Everything outside unreserved characters is percent-encoded, which every parser accepts.
  return [...new TextEncoder().encode(value)]
    .map((byte) => (/[A-Za-z0-9\-._~]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`))
    .join("");
}

/** The URI that names one token exactly (by manufacturer, model, serial and label), for `open-scws tokens`. */
export function tokenUriOf(token: NonNullable<SlotDescription["token"]>): string {
  return `pkcs11:token=${encode(token.label)};manufacturer=${encode(token.manufacturer)};serial=${encode(token.serialNumber)};model=${encode(token.model)}`;
}
