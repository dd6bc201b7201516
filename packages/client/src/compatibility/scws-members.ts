// What the facade does with each member SCWS documents (reference/scws-js-api.md): the same, differently (and how),
// or not at all (and why). The migrating guide's table is made from this list, and a test checks it against the
// reference (every member listed) and against the facade's real exports (every "same" or "different" member exists).

/** How the facade treats one SCWS member. */
export type MemberStatus = "same" | "different" | "not supported";

/** One SCWS member, as "Class.member" (the namespace's classes as "SCWS.Reader"), and what the facade does with it. */
export interface ScwsMember {
  readonly member: string;
  readonly status: MemberStatus;
  /** For "different": how; for "not supported": why; for "same": what to know, if anything. */
  readonly note?: string;
}

const same = (member: string, note?: string): ScwsMember => ({ member, status: "same", ...(note ? { note } : {}) });
const different = (member: string, note: string): ScwsMember => ({ member, status: "different", note });
const unsupported = (member: string, note: string): ScwsMember => ({ member, status: "not supported", note });

/** Every member of the SCWS reference, in its order. */
export const scwsMembers: readonly ScwsMember[] = [
  same("SCWS.version", "the facade's release"),
  different(
    "SCWS.findService",
    "the first argument is the application's id in the service's configuration, not a web application certificate; it probes 127.0.0.1 ports 8930, 8931 and 8932 at once (or `createScws({ ports, baseUrl })`); the mutual answer adds `algorithm`",
  ),
  different(
    "SCWS.createEnvironment",
    "the back end signs `open-scws-environment:` and the challenge with the registered key (Ed25519; ECDSA P-256, P-384 or P-521; RSA PKCS#1 v1.5 with SHA-256); a wrong signature rejects with `CKR_SIGNATURE_INVALID`",
  ),
  same("SCWS.readers"),
  same("SCWS.updateReaderList"),
  same("SCWS.getReader"),
  same("SCWS.onreaderadded"),
  same("SCWS.onreaderremoved"),
  same("SCWS.onreaderstatechanged", "fed by the service's events from `createEnvironment()` on"),
  unsupported("SCWS.getSoftToken", "open SCWS serves PKCS#11 tokens only, not the operating system's certificate store"),
  same("SCWS.requestCertificates"),
  same("SCWS.requestPrivateKey"),
  same("SCWS.Error", "`code` is always one of SCWS's 92 codes; where the service answered another, `customData.serviceCode` holds it"),
  same("SCWS.Reader"),
  same("SCWS.Token"),
  same("SCWS.Pin"),
  same("SCWS.Object"),
  same("SCWS.Certificate"),
  same("SCWS.Key"),
  same("SCWS.DataContainer"),
  same("SCWS.CertStore"),
  same("SCWS.CredentialState"),
  same("SCWS.CredentialValue"),
  unsupported("SCWS.ICAO", "the eMRTD extension talks to the chip in APDUs; open SCWS reaches tokens through PKCS#11 only"),
  same("Reader.name"),
  same("Reader.cardPresent"),
  same("Reader.status", '`"ok"`, `"unavailable"`, `"mute"`, `"exclusive"`'),
  same("Reader.connect"),
  unsupported("Reader.connectICAO", "part of the ICAO extension (see `SCWS.ICAO`)"),
  same("Token.reader"),
  same("Token.serialNumber"),
  same("Token.label"),
  same("Token.pins"),
  same("Token.protectedAuthPath"),
  same("Token.getObjects"),
  same("Token.disconnect"),
  same("Pin.token"),
  same("Pin.label"),
  same("Pin.initialized"),
  same("Pin.toBeChanged"),
  same("Pin.blocked"),
  same("Pin.tryCountLow"),
  same("Pin.lastTry"),
  same("Pin.remainingTries", "counted by the service for tokens that never lock (such as SoftHSM)"),
  same("Pin.maxTries"),
  same("Pin.soRemainingTries"),
  same("Pin.soMaxTries"),
  same("Pin.puksAvailable"),
  same("Pin.validated"),
  same("Pin.initSubmissionsState"),
  same("Pin.credentialProperties"),
  same("Pin.login", "the last try goes through as in SCWS unless the application opted in to confirming it (`{ confirmFinalTry }`)"),
  same("Pin.logout"),
  same("Pin.change"),
  same("Pin.startAutoLogin"),
  same("Pin.stopAutoLogin"),
  same("Pin.requestCredential"),
  same("Object.handle", "an opaque string, stable while the token stays connected"),
  same("Object.parent"),
  same("Object.type"),
  same("Object.ckId"),
  same("Object.ckLabel"),
  same("Object.private"),
  same("Object.modifiable"),
  same("Object.pinNumber"),
  same("Object.getDetails"),
  same("Certificate.root"),
  same("Certificate.notBefore"),
  same("Certificate.notAfter"),
  same("Certificate.getValue", "PEM"),
  same("Certificate.getDetails"),
  different(
    "Certificate.getTrust",
    "the chain is built against trust anchors the operator configures; revocation is not checked (`revocationChecked: false`); `certPath` ends with the anchor as `{ subject, pem, trustAnchor: true }`",
  ),
  same("Key.keyType"),
  same("Key.algorithmName"),
  same("Key.partialHash"),
  same("Key.alwaysAuthenticate"),
  same("Key.getDetails"),
  different(
    "Key.sign",
    "pre-hashed input, SCWS's hash names and RSA-PSS `{ mgf, saltLen }`, ECDSA raw r‖s; the IAS partial-hash algorithms (`sha1-partial`, `sha256-partial`) are not supported",
  ),
  same("Key.hashAndSign"),
  same("Key.decrypt", "RSA PKCS#1 v1.5"),
  same("DataContainer.application"),
  same("DataContainer.getValue"),
  same("CertStore.getObjects"),
];
