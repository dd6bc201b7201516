// Test helper: the real service over a SoftHSM token holding what SCWS code meets on a card, made by independent
// tools: a certificate and its private key (openssl, imported by pkcs11-tool), pkcs11-tool's own RSA, EC, AES and
// always-authenticate keys, and data objects; and an SCWS object with an environment, as a web application makes
// one. Used by tests only.

import { pkcs11Tool } from "@open-scws/softhsm";
import {
  makeOpensslIdentity,
  type OpensslIdentity,
  signChallenge,
  startTestService,
  type TestService,
  type TestServiceOptions,
  writeFixture,
} from "@open-scws/test-support";
import { createScws, type Scws } from "../facade/scws.js";
import type { Token } from "../facade/token.js";
import { environmentMessage } from "../transport/environment.js";

/** The test application's back end: its signature (hex) of a challenge from `findService`. */
export function backEndSignature(t: TestService, challenge: string): string {
  return signChallenge(t.application, environmentMessage(challenge));
}

/** Gives `scws` an environment of the test application, as a page does: findService, its back end signs, createEnvironment. */
export async function openEnvironment(scws: Scws, t: TestService): Promise<void> {
  const challenge = await scws.findService(t.application.config.id);
  await scws.createEnvironment(backEndSignature(t, challenge));
}

/** The `CKA_ID`s (hex) and labels the fixture's objects have. */
export const FIXTURE = {
  /** openssl's RSA key and self-signed certificate, as a card's signature certificate would be. */
  identity: { ckId: "a1", keyLabel: "alice-key", certificateLabel: "alice-cert" },
  rsa: { ckId: "01", label: "rsa" },
  ec: { ckId: "02", label: "ec" },
  aes: { ckId: "03", label: "aes" },
  ecAlways: { ckId: "04", label: "ec-always" },
  data: { label: "note", application: "open-scws-tests", content: "a note kept on the token" },
  /** A data object for tests that delete one. */
  scratch: { label: "scratch" },
} as const;

/** A running service, an SCWS object with an environment on it, and the token's secrets (canaries: each test run has its own). */
export interface FacadeToken {
  readonly t: TestService;
  readonly scws: Scws;
  readonly pin: string;
  readonly soPin: string;
  readonly identity: OpensslIdentity;
  /** Connects to the token through the facade, as a web application would. */
  connect(): Promise<Token>;
  close(): Promise<void>;
}

/**
 * Starts a service over a token labelled `label` holding the fixture's objects: all of them, or only the certificate
 * and its private key (`"identity"`, as on a plain signature card); `configure` changes the service's configuration.
 */
export async function startFacadeToken(
  label: string,
  options: { objects?: "all" | "identity"; configure?: TestServiceOptions["configure"] } = {},
): Promise<FacadeToken> {
  const t = await startTestService({ tokenLabels: [label], ...(options.configure ? { configure: options.configure } : {}) });
  const { pin, soPin } = t.tokens[label]!;
  const as = (...args: string[]) => pkcs11Tool(t.sandbox, ["--token-label", label, "--login", "--pin", pin, ...args]);
  const identity = makeOpensslIdentity(t.sandbox.dir, "alice", {
    subject: "/CN=Alice Martin/O=Example/C=FR",
    keyAlgorithm: "rsa",
    extensions: ["keyUsage=digitalSignature,nonRepudiation"],
  });
  const { identity: id, rsa, ec, aes, ecAlways, data, scratch } = FIXTURE;
  as("--write-object", identity.keyDerPath, "--type", "privkey", "--id", id.ckId, "--label", id.keyLabel, "--usage-sign");
  as("--write-object", identity.certificateDerPath, "--type", "cert", "--id", id.ckId, "--label", id.certificateLabel);
  if (options.objects !== "identity") {
    as("--keypairgen", "--key-type", "rsa:2048", "--id", rsa.ckId, "--label", rsa.label);
    as("--keypairgen", "--key-type", "EC:prime256v1", "--id", ec.ckId, "--label", ec.label);
    as("--keygen", "--key-type", "AES:32", "--id", aes.ckId, "--label", aes.label);
    as("--keypairgen", "--key-type", "EC:prime256v1", "--id", ecAlways.ckId, "--label", ecAlways.label, "--always-auth");
    const note = writeFixture(t.sandbox.dir, "note.bin", data.content);
    as("--write-object", note, "--type", "data", "--label", data.label, "--application-label", data.application);
    as("--write-object", note, "--type", "data", "--label", scratch.label);
  }
  const scws = createScws({ ports: [t.service.port] });
  await openEnvironment(scws, t);
  return {
    t,
    scws,
    pin,
    soPin,
    identity,
    async connect() {
      const reader = scws.readers.find((candidate) => candidate.tokenSummary?.label === label);
      if (!reader) throw new Error(`no reader holds ${label}`);
      return reader.connect();
    },
    close: () => t.close(),
  };
}
