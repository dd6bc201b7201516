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
});
