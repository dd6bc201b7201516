// The signature workflow as SCWS's documentation writes it ("Environment setup": findService, the application server
// signs the challenge, createEnvironment; "Objects": list the objects, keep the certificates, log in to the
// certificate's PIN, list again, find the private key with the same ckId, sign the hash), run against the real service
// on each back end: SoftHSM, and the virtual PIV card behind pcscd and OpenSC (a real reader, a card that counts its
// own PIN tries and asks for the PIN at each use of its 9C key). This file is JavaScript, as SCWS code is: the workflow
// below is SCWS code, unchanged apart from where `SCWS` comes from, and the web application certificate, which is the
// application's id in open SCWS. Only what a back end holds (its reader, PIN, certificate's name) and what the tests
// expect of it differ between back ends.
import { constants, createHash, publicEncrypt, verify, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { CARD_PIN, selfSigned, startCardTestService } from "@open-scws/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScws } from "../index.js";
import { backEndSignature, startFacadeToken } from "../testing/facade-token.js";

const LABEL = "docs-workflow";
const DOCUMENT = new TextEncoder().encode("The contract the user signs");
/** The wrong PINs the user types, one per wrong-then-right sequence: digits of a PIN's length, as a card takes them. */
const MISTYPED = ["000000", "111111", "222222"];

/** Each back end: how to start the service over it, and what SCWS code meets there. */
const BACK_ENDS = [
  {
    name: "SoftHSM",
    async start() {
      const fixture = await startFacadeToken(LABEL);
      const readerName = fixture.scws.readers.find((reader) => reader.tokenSummary?.label === LABEL).name;
      const ownCount = async () => undefined; // SoftHSM never locks: the service counts for it
      return { t: fixture.t, pin: fixture.pin, readerName, signer: "Alice Martin", dataLabel: "note", ownCount, close: () => fixture.close() };
    },
    expected: {
      decrypts: true,
      tokenLabel: LABEL,
      tries: [3, 3],
      sequence: { wrong: { remainingTries: 2, ownCount: undefined }, right: { remainingTries: 3, ownCount: undefined } },
      so: [3, 3, 1, false],
      dataContainer: true,
      // What open SCWS adds to SCWS: SoftHSM makes keys and takes imports.
      creation: { generateKeyPair: "done", generateKey: "done", importCertificate: "done", createDataContainer: "done" },
    },
  },
  {
    name: "the virtual PIV card (OpenSC)",
    async start() {
      const card = await startCardTestService({ card: { pinTries: 3 } });
      const { readerName } = card.stack;
      // OpenSC's PIV driver names the card's data objects; the CHUID is one every PIV card holds.
      const ownCount = async () => (await card.stack.card.status()).pinTriesLeft;
      const signer = "SCWS Virtual PIV Authentication";
      return { t: card.t, pin: CARD_PIN, readerName, signer, dataLabel: "Card Holder Unique Identifier", ownCount, close: () => card.close() };
    },
    expected: {
      decrypts: true,
      // OpenSC names the token after the 9A certificate; a PIV card reports its tries only through the flags (and a
      // wrong PIN's answer), and its PUK's count not at all.
      tokenLabel: "SCWS Virtual PIV Authentication",
      tries: [undefined, undefined],
      sequence: { wrong: { remainingTries: undefined, ownCount: 2 }, right: { remainingTries: undefined, ownCount: 3 } },
      so: [undefined, undefined, 1, false],
      dataContainer: true,
      // A PIV card through OpenSC makes no keys and takes no objects: the service's SCWS code for each.
      creation: {
        generateKeyPair: "CKR_FUNCTION_NOT_SUPPORTED",
        generateKey: "CKR_FUNCTION_NOT_SUPPORTED",
        importCertificate: "CKR_FUNCTION_NOT_SUPPORTED",
        createDataContainer: "CKR_FUNCTION_NOT_SUPPORTED",
      },
    },
  },
];

describe.each(BACK_ENDS)("SCWS code from the documentation, moved over by changing its import, on $name", ({ start, expected }) => {
  let fixture;
  let SCWS; // an application writes `import { SCWS } from "@open-scws/client"`; here it points at the test service's port
  let readerName;
  let signer;
  let dataLabel;
  let webAppCert;
  // The application server's signchallenge: it signs the challenge with the application's key.
  const signChallengeOnServer = async (challenge) => backEndSignature(fixture.t, challenge);

  beforeAll(async () => {
    fixture = await start();
    SCWS = createScws({ ports: [fixture.t.service.port] });
    readerName = fixture.readerName;
    signer = fixture.signer;
    dataLabel = fixture.dataLabel;
    webAppCert = fixture.t.application.config.id;
  }, 60_000);
  afterAll(() => fixture?.close());

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
    expect(new X509Certificate(certificatePem).subject).toContain(`CN=${signer}`);
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
    const decrypted = await key.decrypt(ciphertext).then(
      (plaintext) => new TextDecoder().decode(plaintext),
      (error) => error,
    );
    expect(decrypted).toEqual(expected.decrypts === true ? "for the card's eyes" : expect.objectContaining({ code: expected.decrypts }));
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

    // Three wrong-then-right sequences, each with the PIN typed straight into login(value, state). (`ownCount()` is
    // the test reading the token's own counter, where it has one: the card's.)
    const state = pin.initSubmissionsState;
    const sequences = [];
    for (let round = 0; round < 3; round += 1) {
      const wrong = await pin.login(MISTYPED[round], state).catch((e) => e);
      sequences.push([wrong instanceof scws.Error, wrong.code, state.remainingTries, state.lastError, await fixture.ownCount()]);
      await pin.login(fixture.pin, state);
      sequences.push([pin.validated, state.remainingTries, state.lastError, await fixture.ownCount()]);
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

    const store = await scws.requestCertificates({ subject: signer });
    const storeCertificates = await store.getObjects();
    const certificate = storeCertificates[0];
    const trust = await certificate.getTrust();
    const details = await certificate.getDetails();
    typed.push(fixture.pin);
    const key = await scws.requestPrivateKey({ ckId: certificate.ckId });
    const signature = await key.sign(hash, "sha256");
    const certificatePem = await certificate.getValue();
    const dataContainer = (await token.getObjects()).find((object) => object.type === "dataContainer" && object.ckLabel === dataLabel);
    const dataValue = await dataContainer.getValue();
    await pin.logout();
    await token.disconnect();
    // ---- end of SCWS code ----------------------------------------------------------------------------------------

    expect(facts).toMatchObject({
      version: "string",
      readers: true,
      reader: [true, true, "ok"],
      token: [true, expected.tokenLabel, "string", false],
      pin: [true, true, false, false, false, false, ...expected.tries],
      so: expected.so,
      credentialProperties: { pinLabel: undefined, methods: { facialBio: false, fingerBio: false } },
      classes: true,
    });
    expect(added).toContain(readerName);
    expect(softToken).toMatchObject({ code: "CKR_FUNCTION_NOT_SUPPORTED" });
    // Each wrong PIN costs a try, and the right one gives them all back: SoftHSM's count is the service's (which
    // SCWS code sees), the card's is its own (which PKCS#11 shows only as tryCountLow / lastTry / locked flags).
    const { wrong, right } = expected.sequence;
    const wrongThenRight = [
      [true, "CKR_PIN_INCORRECT", wrong.remainingTries, "CKR_PIN_INCORRECT", wrong.ownCount],
      [true, right.remainingTries, undefined, right.ownCount],
    ];
    expect(sequences).toEqual([...wrongThenRight, ...wrongThenRight, ...wrongThenRight]);
    expect(afterPage).toBe(true);
    expect(autoSigned).toBeInstanceOf(ArrayBuffer);
    expect(storeCertificates.map((c) => c.parent === certificate.parent)).toEqual([true]);
    expect(trust).toHaveProperty("trustStatus");
    expect(details.certificate.subject).toContain(signer);
    expect(verify("sha256", DOCUMENT, certificatePem, new Uint8Array(signature))).toBe(true);
    expect(new Uint8Array(dataValue).byteLength).toBeGreaterThan(0);
    await store.close();
  });

  it("creates keys and objects where the token can, and answers the service's SCWS code where it cannot (open SCWS additions)", async () => {
    const pin = fixture.pin;
    const spare = selfSigned(fixture.t.sandbox.dir, "spare", "/CN=Spare Certificate", { ec: "P-256" });
    const certificatePem = readFileSync(spare.certificatePath, "utf8"); // a certificate the application imports

    // ---- SCWS code -----------------------------------------------------------------------------------------------
    await SCWS.createEnvironment(await signChallengeOnServer(await SCWS.findService(webAppCert)));
    const token = await SCWS.getReader(readerName).connect();
    await token.pins[0].login(pin);
    const outcome = (promise) =>
      promise.then(
        () => "done",
        (e) => (e instanceof SCWS.Error ? e.code : e),
      );
    const creation = {
      generateKeyPair: await outcome(token.generateKeyPair({ algorithm: "EC", curve: "P-256", ckLabel: "made here" })),
      generateKey: await outcome(token.generateKey({ algorithm: "AES", sizeBits: 256, ckLabel: "made here" })),
      importCertificate: await outcome(token.importCertificate(certificatePem, { ckLabel: "imported here" })),
      createDataContainer: await outcome(token.createDataContainer({ ckLabel: "made here", application: "docs", value: new Uint8Array([1, 2, 3]) })),
    };
    await token.pins[0].logout();
    await token.disconnect();
    // ---- end of SCWS code ----------------------------------------------------------------------------------------

    expect(creation).toEqual(expected.creation);
  });
});
