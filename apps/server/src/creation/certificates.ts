// X.509 certificates to write to a token: reading the caller's PEM or DER, the PKCS#11 fields taken from the
// certificate (PKCS#11 v3.1 section 4.6.3), and the ckId of the key on the token that the certificate certifies.
import { ScwsError } from "@open-scws/errors";
import { AsnConvert } from "@peculiar/asn1-schema";
import { Certificate } from "@peculiar/asn1-x509";
import * as asn1js from "asn1js";
import * as x509 from "../crypto/x509.js";
import { parseCertificate } from "../objects/certificate-view.js";
import { publicKeyDer } from "../objects/object-value.js";
import { CKA, CKO } from "../pkcs11/constants.js";
import type { TokenConnection } from "../tokens/token-connections.js";
import { samePublicKey } from "./key-ids.js";
import type { CertificateFields } from "./templates.js";
import { findObjects } from "./token-objects.js";

/** A certificate read for import. */
export interface ParsedCertificate {
  readonly fields: CertificateFields;
  /** Its SubjectPublicKeyInfo. */
  readonly spki: Uint8Array;
  /** Its subject's common name, for a default label. */
  readonly commonName?: string;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/u;

function invalidCertificate(field: string, reason: string): ScwsError {
  return new ScwsError("MWR_IMPORT_FILE_INVALID", { message: `The certificate cannot be read: ${reason}.`, customData: { field, reason } });
}

/** The DER of a certificate given as PEM or as base64 DER. */
export function certificateDer(text: string, field = "/body/certificate"): Uint8Array {
  const trimmed = text.trim();
  if (trimmed.startsWith("-----BEGIN")) {
    const blocks = x509.PemConverter.decodeWithHeaders(trimmed).filter((block) => block.type === "CERTIFICATE");
    if (blocks.length !== 1) throw invalidCertificate(field, "the PEM text must hold exactly one CERTIFICATE block");
    return new Uint8Array(blocks[0]!.rawData);
  }
  const compact = trimmed.replace(/\s+/gu, "");
  if (!BASE64.test(compact) || compact.length % 4 !== 0) throw invalidCertificate(field, "it is neither PEM nor base64 DER");
  return new Uint8Array(Buffer.from(compact, "base64"));
}

/** The fields a certificate object needs, read from the certificate. */
export function parseCertificateForImport(der: Uint8Array, field = "/body/certificate"): ParsedCertificate {
  let certificate: Certificate;
  let view: x509.X509Certificate;
  try {
    certificate = AsnConvert.parse(der, Certificate);
    view = parseCertificate(der);
  } catch {
    throw invalidCertificate(field, "it is not an X.509 certificate");
  }
  const { tbsCertificate } = certificate;
  const serialNumber = new asn1js.Integer({ valueHex: tbsCertificate.serialNumber }).toBER();
  const commonName = view.subjectName.getField("CN")[0];
  return {
    fields: {
      value: der,
      subject: new Uint8Array(AsnConvert.serialize(tbsCertificate.subject)),
      issuer: new Uint8Array(AsnConvert.serialize(tbsCertificate.issuer)),
      serialNumber: new Uint8Array(serialNumber),
    },
    spki: new Uint8Array(view.publicKey.rawData),
    ...(commonName ? { commonName } : {}),
  };
}

/**
 * The ckId of the key on the token whose public key is the certificate's: its private key (RSA private keys
 * carry their modulus) or its public key. Undefined when none matches, or none is visible.
 */
export async function ckIdOfMatchingKey(connection: TokenConnection, spki: Uint8Array): Promise<Uint8Array | undefined> {
  const { host } = connection.module;
  for (const klass of [CKO.PRIVATE_KEY, CKO.PUBLIC_KEY]) {
    for (const handle of await findObjects(connection, [{ type: CKA.CLASS, value: klass }])) {
      const keySpki = await publicKeyDer(connection, { handle }).catch(() => undefined);
      if (!keySpki || !samePublicKey(keySpki, spki)) continue;
      const [id] = await host.getAttributes(connection.slot, handle, [CKA.ID]);
      if (id && id.length > 0) return id;
    }
  }
  return undefined;
}

/** The handle of a certificate object holding exactly this DER value, if any. */
export async function existingCertificate(connection: TokenConnection, der: Uint8Array): Promise<string | undefined> {
  const [found] = await findObjects(connection, [
    { type: CKA.CLASS, value: CKO.CERTIFICATE },
    { type: CKA.VALUE, value: der },
  ]);
  return found;
}
