// What generated requests are made of: JSON values plus placeholders resolved when the request is sent (ids
// harvested from the running service, the token's PINs) and raw JSON text that JSON.stringify cannot write
// (-0, 1e400, deep nesting, duplicate keys).

/** The kinds of id the service hands out, harvested from it while the fuzzer runs. */
export type IdKind = "readerId" | "tokenId" | "objectId";

/** An id of the service, chosen when the request is sent: the `pick`-th of the ids known then. */
export class IdRef {
  constructor(
    readonly kind: IdKind,
    readonly pick: number,
  ) {}
}

/** One of the token's real PINs (a canary: it must never come back in a response). */
export class SecretRef {
  constructor(readonly which: "user" | "so") {}
}

/** A value seen in the service's answers under this field name (a real signature, certificate...), or `fallback`. */
export class SeenRef {
  constructor(
    readonly field: string,
    readonly pick: number,
    readonly fallback: string,
  ) {}
}

/** JSON text written as it is, for values JSON.stringify cannot produce. */
export class RawJson {
  constructor(readonly text: string) {}
}

/** A path segment written as it is, not percent-encoded (such as `%FF` or a bare `%`). */
export class RawSegment {
  constructor(readonly text: string) {}
}

/** What placeholders turn into when a request is sent. */
export interface Resolver {
  id(ref: IdRef): string;
  secret(ref: SecretRef): string;
  seen(ref: SeenRef): string;
}

/** An object whose own keys are exactly these, even `__proto__` (an object literal would set the prototype). */
export function objectOf(entries: Iterable<readonly [string, unknown]>): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const [key, value] of entries) Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  return object;
}

/** The JSON text of a generated value, with its placeholders resolved. */
export function toJsonText(value: unknown, resolver: Resolver): string {
  if (value instanceof IdRef) return JSON.stringify(resolver.id(value));
  if (value instanceof SecretRef) return JSON.stringify(resolver.secret(value));
  if (value instanceof SeenRef) return JSON.stringify(resolver.seen(value));
  if (value instanceof RawJson) return value.text;
  if (value instanceof RawSegment) return JSON.stringify(value.text);
  if (Array.isArray(value)) return `[${value.map((item) => toJsonText(item, resolver)).join(",")}]`;
  if (value !== null && typeof value === "object") {
    return `{${Object.keys(value)
      .map((key) => `${JSON.stringify(key)}:${toJsonText((value as Record<string, unknown>)[key], resolver)}`)
      .join(",")}}`;
  }
  if (typeof value === "number" && !Number.isFinite(value)) return "null";
  return JSON.stringify(value) ?? "null";
}

/** A value as it travels in a path segment, query string or header: text, with placeholders resolved. */
export function toParameterText(value: unknown, resolver: Resolver): string {
  if (value instanceof IdRef) return resolver.id(value);
  if (value instanceof SecretRef) return resolver.secret(value);
  if (value instanceof SeenRef) return resolver.seen(value);
  if (value instanceof RawJson || value instanceof RawSegment) return value.text;
  if (typeof value === "string") return value;
  if (Object.is(value, -0)) return "-0";
  if (value !== null && typeof value === "object") return toJsonText(value, resolver);
  return String(value);
}

/** The text with each lone surrogate replaced by U+FFFD, as UTF-8 encoders do (String.prototype.toWellFormed). */
export function wellFormed(text: string): string {
  return text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd");
}

/** A path segment: percent-encoded, except raw segments; never empty, `.` or `..` (URLs fold those away). */
export function toPathSegment(value: unknown, resolver: Resolver): string {
  if (value instanceof RawSegment) return value.text;
  const text = wellFormed(toParameterText(value, resolver));
  const encoded = encodeURIComponent(text).replaceAll(".", "%2E");
  return encoded === "" || /^(%2E){1,2}$/.test(encoded) ? `x${encoded}` : encoded;
}

/** A short, printable description of a generated value, for failure reports. */
export function describeValue(value: unknown, resolver: Resolver, limit = 300): string {
  const text = toJsonText(value, resolver);
  return text.length > limit ? `${text.slice(0, limit)}… (${text.length} characters)` : text;
}
