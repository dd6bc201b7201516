// The spec's TokenObject for an object record.
import type { components } from "@open-scws/spec";
import { isSelfIssued, parseCertificate } from "./certificate-view.js";
import type { ObjectRecord } from "./object-record.js";

type TokenObject = components["schemas"]["TokenObject"];

/** The SCWS properties of an object. Every object is guarded by PIN 0, the token's only user PIN. */
export function tokenObjectOf(record: ObjectRecord, id: string): TokenObject {
  const object: TokenObject = { id, type: record.type, ckLabel: record.label, private: record.private, modifiable: record.modifiable, pinNumber: 0 };
  if (record.ckId) object.ckId = Buffer.from(record.ckId).toString("hex");
  if (record.algorithm) {
    object.algorithmName = record.algorithm;
    object.partialHash = false;
  }
  if (record.alwaysAuthenticate !== undefined) object.alwaysAuthenticate = record.alwaysAuthenticate;
  if (record.application !== undefined) object.application = record.application;
  if (record.certificate) {
    try {
      const certificate = parseCertificate(record.certificate);
      object.root = isSelfIssued(certificate);
      object.notBefore = certificate.notBefore.toISOString();
      object.notAfter = certificate.notAfter.toISOString();
    } catch {
      // A value that is not a valid certificate is still listed, without the parsed properties.
    }
  }
  return object;
}
