// Names for certificate requests: RFC 4514 strings or structured fields into X.501 Names, and subject
// alternative names into their extension (RFC 5280 sections 4.1.2.6 and 4.2.1.6), with @peculiar/x509.
import { ScwsError } from "@open-scws/errors";
import type { components } from "@open-scws/spec";
import * as x509 from "../crypto/x509.js";

type SubjectFields = components["schemas"]["SubjectFields"];
type SubjectAlternativeName = components["schemas"]["SubjectAlternativeName"];

/** Attribute names RFC 4514 and common tools use that @peculiar/x509 does not know by itself. */
const EXTRA_NAMES = {
  UID: "0.9.2342.19200300.100.1.1",
  emailAddress: "1.2.840.113549.1.9.1",
  serialNumber: "2.5.4.5",
  STREET: "2.5.4.9",
};

/** Structured fields in the order they are encoded, outermost first. */
const FIELD_ORDER: ReadonlyArray<[keyof SubjectFields, string]> = [
  ["country", "C"],
  ["stateOrProvince", "ST"],
  ["locality", "L"],
  ["organization", "O"],
  ["organizationalUnit", "OU"],
  ["commonName", "CN"],
  ["emailAddress", "E"],
];

/** @peculiar/x509's names of the GeneralName kinds the spec offers. */
const GENERAL_NAME_TYPE = { dns: "dns", email: "email", ip: "ip", uri: "url" } as const;

function badName(field: string, reason: string): ScwsError {
  return new ScwsError("CKR_ARGUMENTS_BAD", { message: `Invalid request: ${field} ${reason}.`, customData: { field, reason } });
}

/** A lone UTF-16 surrogate: JSON can carry one (`"\\ud800"`), UTF-8 and so DER's UTF8String cannot. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Refuses a value that is not well-formed Unicode. @peculiar/x509 encodes UTF8String through pvtsutils, whose
 * encodeURIComponent threw URIError on a lone surrogate: a 500 CKR_GENERAL_ERROR the spec fuzzer found.
 */
function requireWellFormed(field: string, value: string): void {
  if (LONE_SURROGATE.test(value)) throw badName(field, "holds a lone UTF-16 surrogate, which is not a Unicode character and cannot be encoded as UTF-8");
}

/**
 * A structured field's value as a typed string, so that @peculiar/x509 takes it literally: given as plain text
 * it reads a leading `#` as hex (and threw on "#^42e...", a 500 the spec fuzzer found), strips quotes and
 * backslash escapes. emailAddress is an IA5String (RFC 5280 appendix A.1); the others are PrintableString when
 * they fit, else UTF8String.
 */
function literalValue(field: keyof SubjectFields, value: string): Record<string, string> {
  requireWellFormed(`/body/subject/${field}`, value);
  if (field === "emailAddress") {
    if (!/^\p{ASCII}*$/u.test(value)) throw badName("/body/subject/emailAddress", "must be ASCII (an IA5String)");
    return { ia5String: value };
  }
  return x509.Name.isPrintableString(value) ? { printableString: value } : { utf8String: value };
}

/**
 * The X.501 Name of a subject. An RFC 4514 string lists the most specific RDN first (RFC 4514 section 2.1), the
 * reverse of the encoded order: `CN=Alice,O=Example,C=FR` is encoded C, O, CN, as OpenSSL's RFC 2253 output shows.
 */
export function subjectName(subject: string | SubjectFields): x509.Name {
  if (typeof subject !== "string") {
    const rdns = FIELD_ORDER.filter(([field]) => subject[field] !== undefined).map(([field, type]) => ({ [type]: [literalValue(field, subject[field]!)] }));
    return new x509.Name(rdns as unknown as x509.JsonName, EXTRA_NAMES);
  }
  requireWellFormed("/body/subject", subject);
  let rdns: x509.JsonName;
  try {
    rdns = new x509.Name(subject, EXTRA_NAMES).toJSON();
  } catch {
    throw badName("/body/subject", "is not an RFC 4514 distinguished name this service reads");
  }
  const values = rdns.flatMap((rdn) => Object.values(rdn).flat());
  if (values.length === 0 || values.some((value) => value === "")) throw badName("/body/subject", "has an empty attribute value");
  if (values.some((value) => value.startsWith("#"))) throw badName("/body/subject", "uses a hex-encoded (#) value, which is not supported");
  return new x509.Name(rdns.reverse(), EXTRA_NAMES);
}

/** The subjectAltName extension for a list of names. */
export function subjectAlternativeNames(names: readonly SubjectAlternativeName[]): x509.SubjectAlternativeNameExtension {
  for (const [index, { value }] of names.entries()) requireWellFormed(`/body/subjectAlternativeNames/${index}/value`, value);
  try {
    return new x509.SubjectAlternativeNameExtension(names.map(({ type, value }) => ({ type: GENERAL_NAME_TYPE[type], value })));
  } catch {
    throw badName("/body/subjectAlternativeNames", "holds a name that cannot be encoded (an IP address must be IPv4 or IPv6)");
  }
}
