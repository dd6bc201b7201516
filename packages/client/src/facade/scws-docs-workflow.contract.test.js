// The signature workflow as SCWS's documentation writes it ("Environment setup": findService, the application server
// signs the challenge, createEnvironment; "Objects": list the objects, keep the certificates, log in to the
// certificate's PIN, list again, find the private key with the same ckId, sign the hash), run against the real service
// over SoftHSM. This file is JavaScript, as SCWS code is: the workflow below is SCWS code, unchanged apart from where
// `SCWS` comes from, and the web application certificate, which is the application's id in open SCWS.
import { constants, createHash, publicEncrypt, verify, X509Certificate } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScws } from "../index.js";
import { backEndSignature, startFacadeToken } from "../testing/facade-token.js";

const LABEL = "docs-workflow";
const DOCUMENT = new TextEncoder().encode("The contract the user signs");

describe("SCWS code from the documentation, moved over by changing its import", () => {
  let fixture;
  let SCWS; // an application writes `import { SCWS } from "@open-scws/client"`; here it points at the test service's port
  let readerName;
  let webAppCert;
  // The application server's signchallenge: it signs the challenge with the application's key.
  const signChallengeOnServer = async (challenge) => backEndSignature(fixture.t, challenge);

  beforeAll(async () => {
    fixture = await startFacadeToken(LABEL);
    SCWS = createScws({ ports: [fixture.t.service.port] });
    readerName = fixture.scws.readers.find((reader) => reader.tokenSummary?.label === LABEL).name;
    webAppCert = fixture.t.application.config.id;
  });
  afterAll(() => fixture.close());

  it("signs a hash with the private key of the token's certificate, and the certificate's public key verifies it", async () => {
    const pin = fixture.pin; // what the user types
    const hash = await crypto.subtle.digest("SHA-256", DOCUMENT);

    // ---- SCWS code, as the documentation writes it -------------------------------------------------------------
    const challenge = await SCWS.findService(webAppCert);
    const challengeSignature = await signChallengeOnServer(challenge);
    await SCWS.createEnvironment(challengeSignature); // fills SCWS.readers
    const reader = SCWS.getReader(readerName);
    const token = await reader.connect();

    const objects = await token.getObjects();
    const certificates = objects.filter((object) => object.type === "certificate");
    const certificate = certificates[0]; // or filter on key usage or issuer, or let the user choose

    await token.pins[certificate.pinNumber].login(pin);

    const objectsAfterLogin = await token.getObjects();
    const key = objectsAfterLogin.find((object) => object.type === "privateKey" && object.ckId === certificate.ckId);
    const signature = await key.sign(hash, "sha256");

    const certificatePem = await certificate.getValue();
    await token.disconnect();
    // ---- end of SCWS code ----------------------------------------------------------------------------------------

    expect(signature).toBeInstanceOf(ArrayBuffer);
    expect(new X509Certificate(certificatePem).subject).toContain("CN=Alice Martin");
    expect(verify("sha256", DOCUMENT, certificatePem, new Uint8Array(signature))).toBe(true);
    expect(createHash("sha256").update(DOCUMENT).digest()).toEqual(Buffer.from(hash));
  });

  it("hashes and signs the document itself the same way, and decrypts with the same key", async () => {
    const pin = fixture.pin;

    // ---- SCWS code -----------------------------------------------------------------------------------------------
    await SCWS.createEnvironment(await signChallengeOnServer(await SCWS.findService(webAppCert)));
    const token = await SCWS.getReader(readerName).connect();
    const certificate = (await token.getObjects()).filter((object) => object.type === "certificate")[0];
    await token.pins[certificate.pinNumber].login(pin);
    const key = (await token.getObjects()).find((object) => object.type === "privateKey" && object.ckId === certificate.ckId);
    const signature = await key.hashAndSign(DOCUMENT, "sha256");
    const certificatePem = await certificate.getValue();
    // ---- end of SCWS code ----------------------------------------------------------------------------------------

    expect(verify("sha256", DOCUMENT, certificatePem, new Uint8Array(signature))).toBe(true);
    const ciphertext = publicEncrypt({ key: certificatePem, padding: constants.RSA_PKCS1_PADDING }, Buffer.from("for the card's eyes"));
    expect(new TextDecoder().decode(await key.decrypt(ciphertext))).toBe("for the card's eyes");
    await token.disconnect();
  });

  it("runs every other member of the reference: the namespace, the PIN members, login(false), credentials, auto-login and certificate search", async () => {
    const typed = []; // what the user types on the service's PIN pages
    const user = async (url) => {
      const body = { pin: typed.shift() };
      await fetch(url); // the page loads
      await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    };
    const scws = createScws({ ports: [fixture.t.service.port], openPinPage: (url) => void user(url) });
    const hash = await crypto.subtle.digest("SHA-256", DOCUMENT);

    // ---- SCWS code -----------------------------------------------------------------------------------------------
    const added = [];
    scws.onreaderadded = (reader) => added.push(reader.name);
    scws.onreaderremoved = () => {};
    scws.onreaderstatechanged = () => {};
    await scws.createEnvironment(await signChallengeOnServer(await scws.findService(webAppCert)));
    const readers = await scws.updateReaderList();
    const reader = scws.getReader(readerName);
    const token = await reader.connect();
    const pin = token.pins[0];
    const facts = {
      version: typeof scws.version,
      readers: readers === scws.readers && readers.includes(reader),
      reader: [reader.name === readerName, reader.cardPresent, reader.status],
      token: [token.reader === reader, token.label, typeof token.serialNumber, token.protectedAuthPath],
      pin: [pin.token === token, pin.initialized, pin.toBeChanged, pin.blocked, pin.tryCountLow, pin.lastTry, pin.remainingTries, pin.maxTries],
      so: [pin.soRemainingTries, pin.soMaxTries, pin.puksAvailable, pin.validated],
      credentialProperties: pin.credentialProperties,
      classes: [
        scws.Reader,
        scws.Token,
        scws.Pin,
        scws.Object,
        scws.Certificate,
        scws.Key,
        scws.DataContainer,
        scws.CertStore,
        scws.CredentialState,
        scws.CredentialValue,
      ].every((c) => typeof c === "function"),
    };
    const softToken = await scws.getSoftToken().catch((e) => e);

    // Three wrong-then-right sequences, each with the PIN typed straight into login(value, state).
    const state = pin.initSubmissionsState;
    const sequences = [];
    for (let round = 0; round < 3; round += 1) {
      const wrong = await pin.login("wrong-pin-" + round, state).catch((e) => e);
      sequences.push([wrong instanceof scws.Error, wrong.code, state.remainingTries, state.lastError]);
      await pin.login(fixture.pin, state);
      sequences.push([pin.validated, state.remainingTries, state.lastError]);
      await pin.logout();
    }

    typed.push(fixture.pin);
    await pin.login(false); // the PIN page
    const afterPage = pin.validated;
    await pin.logout();
    typed.push(fixture.pin);
    const credential = await pin.requestCredential(pin.credentialProperties, pin.initSubmissionsState);
    await pin.login(credential);
    await pin.logout();

    await pin.startAutoLogin(1);
    typed.push(fixture.pin);
    await pin.login(false);
    const always = (await token.getObjects()).find((object) => object.type === "privateKey" && object.alwaysAuthenticate);
    const autoSigned = await always.sign(new Uint8Array(hash));
    await pin.stopAutoLogin();
    await pin.logout();

    const store = await scws.requestCertificates({ subject: "Alice Martin" });
    const storeCertificates = await store.getObjects();
    const certificate = storeCertificates[0];
    const trust = await certificate.getTrust();
    const details = await certificate.getDetails();
    typed.push(fixture.pin);
    const key = await scws.requestPrivateKey({ ckId: certificate.ckId });
    const signature = await key.sign(hash, "sha256");
    const certificatePem = await certificate.getValue();
    const dataContainer = (await token.getObjects()).find((object) => object.type === "dataContainer");
    const dataValue = await dataContainer.getValue();
    await pin.logout();
    await token.disconnect();
    // ---- end of SCWS code ----------------------------------------------------------------------------------------

    expect(facts).toMatchObject({
      version: "string",
      readers: true,
      reader: [true, true, "ok"],
      token: [true, LABEL, "string", false],
      pin: [true, true, false, false, false, false, 3, 3],
      so: [3, 3, 1, false],
      credentialProperties: { pinLabel: undefined, methods: { facialBio: false, fingerBio: false } },
      classes: true,
    });
    expect(added).toContain(readerName);
    expect(softToken).toMatchObject({ code: "CKR_FUNCTION_NOT_SUPPORTED" });
    expect(sequences).toEqual([
      [true, "CKR_PIN_INCORRECT", 2, "CKR_PIN_INCORRECT"],
      [true, 3, undefined],
      [true, "CKR_PIN_INCORRECT", 2, "CKR_PIN_INCORRECT"],
      [true, 3, undefined],
      [true, "CKR_PIN_INCORRECT", 2, "CKR_PIN_INCORRECT"],
      [true, 3, undefined],
    ]);
    expect(afterPage).toBe(true);
    expect(autoSigned).toBeInstanceOf(ArrayBuffer);
    expect(storeCertificates.map((c) => c.parent === certificate.parent)).toEqual([true]);
    expect(trust).toHaveProperty("trustStatus");
    expect(details.certificate.subject).toContain("Alice Martin");
    expect(verify("sha256", DOCUMENT, certificatePem, new Uint8Array(signature))).toBe(true);
    expect(new Uint8Array(dataValue).byteLength).toBeGreaterThan(0);
    await store.close();
  });
});
