// A provisioned PIV identity, as an issuer would leave a card: RSA-2048 in 9A, P-256 in 9C, RSA-2048 in
// 9D, each with a self-signed certificate, plus CHUID, CCC, discovery object and key history.
import { generateKeyPairSync } from "node:crypto";
import { KEY_USAGE, selfSignedCertificate } from "./der.js";
import { certificateObject, standardObjects } from "./objects.js";
import { blankState, type CardState, CERTIFICATE_TAGS, type KeySlot, type SlotKey } from "./state.js";

/** What goes into each slot when provisioning. */
export interface SlotPlan {
  algorithm: SlotKey["algorithm"];
  commonName: string;
  keyUsage: number;
}

/** The default identity: the slots the PIV driver and the service's tests use. */
export const DEFAULT_IDENTITY: Partial<Record<KeySlot, SlotPlan>> = {
  "9a": { algorithm: "RSA2048", commonName: "SCWS Virtual PIV Authentication", keyUsage: KEY_USAGE.digitalSignature },
  "9c": { algorithm: "P256", commonName: "SCWS Virtual PIV Digital Signature", keyUsage: KEY_USAGE.digitalSignature | KEY_USAGE.nonRepudiation },
  "9d": { algorithm: "RSA2048", commonName: "SCWS Virtual PIV Key Management", keyUsage: KEY_USAGE.keyEncipherment },
};

/** Options for a provisioned card. */
export interface ProvisionOptions {
  pin?: string;
  puk?: string;
  pinTries?: number;
  pukTries?: number;
  identity?: Partial<Record<KeySlot, SlotPlan>>;
}

/** Returns the state of a card provisioned with keys and self-signed certificates. */
export function provisionedState(options: ProvisionOptions = {}): CardState {
  const { identity = DEFAULT_IDENTITY, ...credentials } = options;
  const state = blankState(credentials);
  state.objects = standardObjects();
  for (const [slot, plan] of Object.entries(identity) as [KeySlot, SlotPlan][]) {
    const { privateKey } =
      plan.algorithm === "RSA2048" ? generateKeyPairSync("rsa", { modulusLength: 2048 }) : generateKeyPairSync("ec", { namedCurve: "P-256" });
    state.keys[slot] = { algorithm: plan.algorithm, privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString() };
    const certificate = selfSignedCertificate(privateKey, plan.commonName, plan.keyUsage, Buffer.from([0x01, Number.parseInt(slot, 16)]));
    state.objects[CERTIFICATE_TAGS[slot]] = certificateObject(certificate).toString("base64");
  }
  return state;
}
