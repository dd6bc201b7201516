// Reads a PKCS#12 file (RFC 7292): checks its MAC, decrypts its safe contents and shrouded key bags, and
// returns the private keys (PKCS#8) and certificates (X.509) it holds, byte for byte. The structures are
// parsed with @peculiar/asn1-pfx, BER octet strings (Windows exports) with asn1js, decryption is in pbe.ts.
import { createHmac, timingSafeEqual } from "node:crypto";
import { type ContentInfo, EncryptedContentInfo, id_data, id_encryptedData } from "@peculiar/asn1-cms";
import { AuthenticatedSafe, CertBag, id_certBag, id_keyBag, id_pkcs8ShroudedKeyBag, id_x509Certificate, PFX, SafeContents } from "@peculiar/asn1-pfx";
import { EncryptedPrivateKeyInfo, PrivateKeyInfo } from "@peculiar/asn1-pkcs8";
import { AsnConvert, AsnProp, AsnPropTypes } from "@peculiar/asn1-schema";
import type { AlgorithmIdentifier } from "@peculiar/asn1-x509";
import * as asn1js from "asn1js";
import { decryptWithPassword, IterationBudgetExceeded, pkcs12MacKey, withIterationBudget } from "./pbe.js";

/** What a PKCS#12 file holds, as DER. */
export interface Pkcs12Contents {
  /** PKCS#8 PrivateKeyInfo structures. */
  readonly privateKeys: readonly Uint8Array[];
  /** X.509 certificates, in the file's order. */
  readonly certificates: readonly Uint8Array[];
}

/** Why a file could not be read: not a PKCS#12 file the service reads, or the wrong password. Never holds the password. */
export class Pkcs12ReadError extends Error {
  constructor(
    readonly reason: "file" | "password",
    message: string,
  ) {
    super(message);
  }
}

/** CMS EncryptedData (RFC 5652 section 8), which @peculiar/asn1-cms does not define. */
class EncryptedData {
  version = 0;
  encryptedContentInfo = new EncryptedContentInfo();
}
AsnProp({ type: AsnPropTypes.Integer })(EncryptedData.prototype, "version");
AsnProp({ type: EncryptedContentInfo })(EncryptedData.prototype, "encryptedContentInfo");

/** The total key-derivation iterations one file may ask for. */
export const MAX_KDF_ITERATIONS = 1_000_000;

const fileError = (message: string) => new Pkcs12ReadError("file", message);

function parse<T>(bytes: ArrayBuffer | Uint8Array, type: new () => T, what: string): T {
  try {
    return AsnConvert.parse(bytes, type);
  } catch {
    throw fileError(`${what} cannot be read`);
  }
}

/** The contents of an OCTET STRING, primitive or BER-constructed. */
function octets(der: ArrayBuffer, what: string): Uint8Array {
  const { result, offset } = asn1js.fromBER(der);
  if (offset === -1 || !(result instanceof asn1js.OctetString)) throw fileError(`${what} is not an OCTET STRING`);
  return new Uint8Array(result.getValue());
}

function encryptedContent(info: EncryptedContentInfo): Uint8Array {
  const content = info.encryptedContent;
  if (content?.value) return new Uint8Array(content.value.buffer);
  if (content?.constructedValue) return Buffer.concat(content.constructedValue.map((part) => new Uint8Array(part.buffer)));
  throw fileError("encrypted content is missing");
}

/** Whether the file has a MAC: the parser leaves the class's empty default when macData is absent. */
function hasMac(pfx: PFX): boolean {
  return pfx.macData !== undefined && pfx.macData.mac.digest.byteLength > 0;
}

function verifyMac(pfx: PFX, authSafe: Uint8Array, password: string): void {
  const { mac, macSalt, iterations } = pfx.macData;
  const macKey = pkcs12MacKey(mac.digestAlgorithm.algorithm, password, new Uint8Array(macSalt.buffer), iterations);
  if (!macKey) throw fileError(`the MAC digest ${mac.digestAlgorithm.algorithm} is not supported`);
  const expected = new Uint8Array(mac.digest.buffer);
  const actual = createHmac(macKey.digest, macKey.key).update(authSafe).digest();
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) throw new Pkcs12ReadError("password", "the password does not open the file");
}

class Reader {
  readonly privateKeys: Uint8Array[] = [];
  readonly certificates: Uint8Array[] = [];

  constructor(
    private readonly password: string,
    /** Without a MAC, a wrong password shows only as content that does not decrypt or parse. */
    private readonly integrityChecked: boolean,
  ) {}

  /** Decrypted bytes that must parse as `type`; a failure is a wrong password unless the MAC proved it right. */
  private decrypted<T>(algorithm: AlgorithmIdentifier, data: Uint8Array, type: new () => T, what: string): { bytes: Uint8Array; value: T } {
    let bytes: Uint8Array | undefined;
    try {
      bytes = decryptWithPassword(algorithm, data, this.password);
    } catch (error) {
      if (error instanceof IterationBudgetExceeded) throw fileError(error.message);
      throw fileError(`${what} uses an encryption the service cannot read`);
    }
    const wrongPassword = new Pkcs12ReadError("password", "the password does not open the file");
    if (!bytes) throw this.integrityChecked ? fileError(`${what} does not decrypt`) : wrongPassword;
    try {
      return { bytes, value: AsnConvert.parse(bytes, type) };
    } catch {
      throw this.integrityChecked ? fileError(`${what} cannot be read`) : wrongPassword;
    }
  }

  readContentInfo(info: ContentInfo): void {
    if (info.contentType === id_data) {
      this.readSafeContents(parse(octets(info.content, "safe contents"), SafeContents, "safe contents"));
    } else if (info.contentType === id_encryptedData) {
      const { encryptedContentInfo } = parse(info.content, EncryptedData, "encrypted data");
      const algorithm = encryptedContentInfo.contentEncryptionAlgorithm;
      this.readSafeContents(this.decrypted(algorithm, encryptedContent(encryptedContentInfo), SafeContents, "encrypted safe contents").value);
    } else {
      throw fileError(`content of type ${info.contentType} is not supported (only password privacy)`);
    }
  }

  private readSafeContents(contents: SafeContents): void {
    for (const bag of contents) {
      if (bag.bagId === id_keyBag) {
        parse(bag.bagValue, PrivateKeyInfo, "key bag");
        this.privateKeys.push(new Uint8Array(bag.bagValue));
      } else if (bag.bagId === id_pkcs8ShroudedKeyBag) {
        const shrouded = parse(bag.bagValue, EncryptedPrivateKeyInfo, "shrouded key bag");
        const key = this.decrypted(shrouded.encryptionAlgorithm, new Uint8Array(shrouded.encryptedData.buffer), PrivateKeyInfo, "shrouded key bag");
        this.privateKeys.push(key.bytes);
      } else if (bag.bagId === id_certBag) {
        const certBag = parse(bag.bagValue, CertBag, "certificate bag");
        if (certBag.certId === id_x509Certificate) this.certificates.push(octets(certBag.certValue, "certificate bag"));
      }
      // CRL, secret and nested safe-contents bags carry nothing the service imports.
    }
  }
}

/** Reads a PKCS#12 file with its password. Throws Pkcs12ReadError. */
export function readPkcs12(file: Uint8Array, password: string, maxIterations = MAX_KDF_ITERATIONS): Pkcs12Contents {
  const pfx = parse(file, PFX, "the file");
  if (pfx.version !== 3) throw fileError(`PFX version ${pfx.version} is not supported`);
  if (pfx.authSafe.contentType !== id_data) throw fileError("only password integrity is supported, not public-key integrity");
  const authSafe = octets(pfx.authSafe.content, "the authenticated safe");
  return withIterationBudget(maxIterations, () => {
    try {
      if (hasMac(pfx)) verifyMac(pfx, authSafe, password);
    } catch (error) {
      if (error instanceof IterationBudgetExceeded) throw fileError(error.message);
      throw error;
    }
    const reader = new Reader(password, hasMac(pfx));
    for (const info of parse(authSafe, AuthenticatedSafe, "the authenticated safe")) reader.readContentInfo(info);
    return { privateKeys: reader.privateKeys, certificates: reader.certificates };
  });
}
