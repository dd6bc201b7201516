// The flow a web application runs, written against the library's API as it is passed in (the ES module's exports,
// or the classic script's OpenScws global), so that both bundles run the same steps, as SCWS documents them: find the
// service and get a challenge, have the site's back end sign it (checking the service's cryptogram first in mutual
// mode), create the environment, connect, log in, list the objects, and sign with the certificate's private key.
const toHex = (buffer) => [...new Uint8Array(buffer)].map((byte) => byte.toString(16).padStart(2, "0")).join("");

/** The site's back end (SCWS's signchallenge sample): it answers the signature, in hex. */
async function signOnTheBackEnd(request) {
  const response = await fetch("./sign-challenge", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(request) });
  if (!response.ok) throw new Error(`the back end refused: ${await response.text()}`);
  return response.text();
}

export async function runFlow(api, { port, applicationId, mutual, label, pin, message, pinPage = false }) {
  const scws = api.createScws({ ports: [port] });
  try {
    const added = [];
    scws.onreaderadded = (reader) => added.push(reader.name);
    if (mutual) {
      const pageChallenge = toHex(crypto.getRandomValues(new Uint8Array(32)));
      const { challenge, cryptogram, keyID } = await scws.findService(applicationId, pageChallenge);
      await scws.createEnvironment(await signOnTheBackEnd({ challenge, pageChallenge, cryptogram, keyID }));
    } else {
      const challenge = await scws.findService(applicationId);
      await scws.createEnvironment(await signOnTheBackEnd({ challenge }));
    }
    const reader = scws.readers.find((candidate) => candidate.tokenSummary?.label === label);
    const token = await reader.connect();
    const result = {
      service: scws.service.name,
      environment: scws.environment,
      added,
      readerName: reader.name,
      sameByName: scws.getReader(reader.name) === reader,
      isToken: token instanceof scws.Token,
      label: token.label,
      serialNumber: token.serialNumber,
      pins: token.pins.map((pin) => ({ validated: pin.validated, blocked: pin.blocked })),
    };
    if (pin !== undefined) {
      const certificate = (await token.getObjects()).find((object) => object.type === "certificate");
      // With pinPage, SCWS's recommended login(false): the user types the PIN on the service's own page.
      await token.pins[certificate.pinNumber].login(pinPage ? false : pin);
      const key = (await token.getObjects()).find((object) => object.type === "privateKey" && object.ckId === certificate.ckId);
      const hash = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(message));
      const signature = await key.sign(hash, "sha256");
      Object.assign(result, {
        isCertificate: certificate instanceof scws.Certificate,
        isKey: key instanceof scws.Key,
        validatedAfterLogin: token.pins[certificate.pinNumber].validated,
        signatureIsArrayBuffer: signature instanceof ArrayBuffer,
        signatureHex: toHex(signature),
      });
      await token.pins[certificate.pinNumber].logout();
    }
    await token.disconnect();
    return { ok: true, result };
  } catch (error) {
    return { ok: false, error: { name: error.name, code: error.code, message: error.message, isScwsError: error instanceof api.ScwsError } };
  }
}
