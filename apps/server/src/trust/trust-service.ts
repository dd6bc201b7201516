// getCertificateTrust: a certificate on a token, checked against the configured trust anchors with the token's
// other certificates as possible intermediates; the chain is answered as object ids where the token holds the
// certificate, and as PEM for anchors that are not on it.
import { createHash } from "node:crypto";
import { ScwsError } from "@open-scws/errors";
import type { components } from "@open-scws/spec";
import { readBool } from "../objects/attribute-codec.js";
import { extendedKeyUsageOf, parseCertificate } from "../objects/certificate-view.js";
import { idForHandle } from "../objects/object-ids.js";
import type { ObjectService } from "../objects/object-service.js";
import { CKA, CKO } from "../pkcs11/constants.js";
import type { ObjectHandle } from "../pkcs11/host.js";
import type { TokenConnection } from "../tokens/token-connections.js";
import { evaluateTrust } from "./chain.js";

type CertificateTrust = components["schemas"]["CertificateTrust"];
type CertPathEntry = components["schemas"]["CertPathEntry"];

/** Checks certificates on tokens against the configured trust anchors. */
export class TrustService {
  constructor(
    private readonly objects: ObjectService,
    private readonly anchors: readonly Uint8Array[],
  ) {}

  /** `Certificate.getTrust()` for a certificate object of the connection. */
  async trust(connection: TokenConnection, objectId: string, now = new Date()): Promise<CertificateTrust> {
    const record = await this.objects.record(connection, objectId);
    if (record.type !== "certificate" || !record.certificate) {
      throw new ScwsError("CKR_ARGUMENTS_BAD", {
        message: "Only X.509 certificates have a trust status.",
        customData: {
          field: "/path/objectId",
          reason: "is not an X.509 certificate",
        },
      });
    }
    const onToken = await this.tokenCertificates(connection);
    const evaluation = await evaluateTrust({ certificate: record.certificate, anchors: this.anchors, others: [...onToken.values()].map((c) => c.der), now });
    const certPath = evaluation.path.map((entry, index): CertPathEntry => {
      const subject = entry.certificate.subject;
      const handle = index === 0 ? record.handle : onToken.get(entry.fingerprint)?.handle;
      if (handle !== undefined) return { subject, objectId: index === 0 ? objectId : idForHandle(connection, handle, false), trustAnchor: entry.anchor };
      return { subject, pem: parseCertificate(entry.der).toString("pem"), trustAnchor: entry.anchor };
    });
    return {
      trustStatus: evaluation.reasons.length === 0 ? "ok" : evaluation.reasons,
      usages: evaluation.usages.map(extendedKeyUsageOf),
      certPath,
      revocationChecked: false,
    };
  }

  /** The certificates on the token the caller may see, by SHA-256 fingerprint. */
  private async tokenCertificates(connection: TokenConnection): Promise<Map<string, { handle: ObjectHandle; der: Uint8Array }>> {
    const { host } = connection.module;
    const seePrivate = this.objects.holdsUserLogin(connection);
    const found = new Map<string, { handle: ObjectHandle; der: Uint8Array }>();
    for (const handle of await host.findObjects(connection.slot, [{ type: CKA.CLASS, value: CKO.CERTIFICATE }])) {
      const [value, isPrivate] = await host.getAttributes(connection.slot, handle, [CKA.VALUE, CKA.PRIVATE]);
      if (!value || ((readBool(isPrivate) ?? false) && !seePrivate)) continue;
      found.set(createHash("sha256").update(value).digest("hex"), { handle, der: value });
    }
    return found;
  }
}
