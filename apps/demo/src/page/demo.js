// The demo page: the SCWS facade of @open-scws/client (loaded from this origin, as the page's CSP requires) over
// the service that serves the page. Readers follow the service's events; a token is connected, its PIN logged in,
// its certificates shown, and a text hashed and signed on the token, then verified by the token's public key.
import { createScws } from "./open-scws.js";
import { derOfPem, selfSignedCertificate } from "./self-signed.js";
import { $, badge, el, errorText, facts, hex, humanDate, logEvent, show } from "./view.js";

// The service that served this page, and no other address: the page is same-origin with the API.
const scws = createScws({ baseUrl: location.origin, ports: [] });
/** What the page works with: the connected token, the certificate chosen, its keys, the last signature. */
const session = { reader: undefined, token: undefined, privateKey: undefined, publicKey: undefined, signature: undefined };
const DEMO_LABEL = "open SCWS demo";

/** The development registration `open-scws start --demo` makes for the service's own origins. */
const DEMO_APPLICATION = "demo";

/**
 * Start-up, in one place: find the service that serves this page and create an environment. The demo registration
 * trusts this origin, so no back end signs the challenge; a real application's back end would, and the page would
 * pass its signature to `createEnvironment`. The environment fills SCWS.readers and starts the reader events.
 */
export async function connectToService() {
  await scws.findService(DEMO_APPLICATION);
  await scws.createEnvironment();
  const { name, version } = scws.service;
  $("service-status").textContent = `Connected to ${name} ${version} at ${location.origin}.`;
}

function describeReader(reader) {
  const token = reader.tokenSummary;
  return token?.initialized ? `"${token.label}" (serial ${token.serialNumber}) in ${reader.name}` : reader.name;
}

function renderReaders() {
  const items = scws.readers.map((reader) => {
    const token = reader.tokenSummary;
    const usable = reader.cardPresent && token?.initialized;
    const connected = session.reader === reader && session.token !== undefined;
    const use = el("button", { type: "button", disabled: !usable || connected }, connected ? "Connected" : "Use this token");
    use.addEventListener("click", () => connect(reader));
    const list = el("dl", { class: "facts" });
    facts(list, [
      ["Status", badge(reader.status, reader.status === "ok")],
      ["Token", reader.cardPresent ? (token?.initialized ? token.label : "present, not initialised") : "none"],
      ["Serial", token?.initialized ? token.serialNumber : undefined],
    ]);
    return el("li", {}, el("h3", {}, reader.name), list, usable ? use : undefined);
  });
  $("readers").replaceChildren(...(items.length > 0 ? items : [el("li", {}, "No reader.")]));
}

function renderPin() {
  const pin = session.token?.pins[0];
  if (!pin) return;
  facts($("pin-info"), [
    ["PIN", pin.validated ? badge("logged in", true) : pin.blocked ? badge("blocked", false) : "not logged in"],
    ["Remaining tries", pin.remainingTries ?? "not told by the token"],
    ["Last try", pin.lastTry ? badge("yes: one more wrong PIN locks it", false) : undefined],
  ]);
  show(!pin.validated, "login-form");
  show(pin.validated, "logout");
  show(pin.lastTry && !pin.validated, "final-try");
}

/** Forgets the token connection (its token was removed, or the page disconnected). */
function endSession(why) {
  if (session.token) logEvent(`The page's connection to "${session.token.label}" ended: ${why}.`);
  Object.assign(session, { reader: undefined, token: undefined, privateKey: undefined, publicKey: undefined, signature: undefined });
  show(false, "token-section", "certificates-section", "sign-section");
  renderReaders();
}

async function connect(reader) {
  try {
    if (session.token) await session.token.disconnect().catch(() => {});
    const token = await reader.connect();
    Object.assign(session, { reader, token, privateKey: undefined, publicKey: undefined, signature: undefined });
    facts($("token-info"), [
      ["Label", token.label],
      ["Serial number", token.serialNumber],
      ["Manufacturer", token.manufacturer],
      ["Model", token.model],
    ]);
    $("pin-message").textContent = "";
    show(true, "token-section");
    renderPin();
    renderReaders();
    if (token.pins[0]?.validated) await showObjects();
    $("pin").focus();
  } catch (error) {
    $("pin-message").textContent = errorText(error);
  }
}

async function login(event) {
  event.preventDefault();
  const input = $("pin");
  const pin = session.token.pins[0];
  // The value goes into one request; the field is emptied at once and nothing else holds it.
  const value = input.value;
  input.value = "";
  try {
    await pin.login(value, false, { confirmFinalTry: $("confirm-final-try").checked });
    $("pin-message").textContent = "";
    await showObjects();
  } catch (error) {
    $("pin-message").textContent = errorText(error);
  } finally {
    $("confirm-final-try").checked = false;
    renderPin();
  }
}

async function logout() {
  try {
    await session.token.pins[0].logout();
    show(false, "certificates-section", "sign-section");
  } catch (error) {
    $("pin-message").textContent = errorText(error);
  } finally {
    renderPin();
  }
}

/** Why a certificate is not trusted, in words: the demo's own is self-signed, so no trust anchor vouches for it. */
function trustNote(details) {
  const selfSigned = details.subject === details.issuer;
  return el(
    "p",
    { class: "trust-note" },
    selfSigned
      ? "Expected for this demo: the certificate is self-signed, made on the token by this page, so no certification authority vouches for it. " +
          "The service trusts only the CA certificates its operator lists in trustAnchors; a certificate issued by one of them shows as trusted."
      : "No CA certificate in the service's trustAnchors leads to this certificate; the reasons above say what failed.",
  );
}

async function certificateCard(certificate, objects) {
  const [{ certificate: details }, trust] = await Promise.all([certificate.getDetails(), certificate.getTrust()]);
  const privateKey = objects.find((object) => object.type === "privateKey" && object.ckId === certificate.ckId);
  const publicKey = objects.find((object) => object.type === "publicKey" && object.ckId === certificate.ckId);
  const trusted = trust.trustStatus === "ok";
  const list = el("dl", { class: "facts" });
  facts(list, [
    ["Subject", details.subject],
    ["Issuer", details.issuer],
    ["Serial number", details.serialNumber],
    ["Valid from", humanDate(details.notBefore)],
    ["Valid until", el("span", {}, humanDate(details.notAfter), ` (${details.validity})`)],
    ["Key", `${details.publicKeyAlgorithm ?? "?"} ${details.publicKeySizeBits ?? ""} bits`],
    ["Key usage", details.keyUsage?.join(", ") || "none stated"],
    ["SHA-256 fingerprint", el("span", { class: "hex" }, details.sha256Fingerprint)],
    ["Trust", el("span", {}, badge(trusted ? "trusted" : `not trusted: ${trust.trustStatus.join(", ")}`, trusted), trusted ? "" : trustNote(details))],
    ["Private key on the token", privateKey ? "yes" : "no"],
  ]);
  if (privateKey && publicKey && !session.privateKey) Object.assign(session, { privateKey, publicKey });
  return el("article", { class: "certificate" }, el("h3", {}, certificate.ckLabel || details.subject), list);
}

async function showObjects() {
  try {
    const objects = await session.token.getObjects();
    const certificates = objects.filter((object) => object.type === "certificate");
    Object.assign(session, { privateKey: undefined, publicKey: undefined });
    $("certificates").replaceChildren(...(await Promise.all(certificates.map((certificate) => certificateCard(certificate, objects)))));
    show(true, "certificates-section");
    show(!session.privateKey, "provision");
    show(session.privateKey !== undefined, "sign-section");
  } catch (error) {
    $("certificates-message").textContent = errorText(error);
  }
}

/** Makes an EC P-256 key pair on the token and a self-signed certificate for it, signed by the token. */
async function makeIdentity() {
  const button = $("make-identity");
  button.disabled = true;
  try {
    const { privateKey, publicKey } = await session.token.generateKeyPair({
      algorithm: "EC",
      curve: "P-256",
      ckLabel: DEMO_LABEL,
      usage: { sign: true },
    });
    const certificate = await selfSignedCertificate({
      publicKeyDer: derOfPem(await publicKey.getValue()),
      commonName: "open SCWS demo user",
      sign: (tbs) => privateKey.hashAndSign(tbs, "sha256", { signatureFormat: "der" }),
    });
    await session.token.importCertificate(certificate, { ckLabel: DEMO_LABEL });
    logEvent(`Made a key pair and a self-signed certificate on "${session.token.label}".`);
    $("certificates-message").textContent = "";
    await showObjects();
  } catch (error) {
    $("certificates-message").textContent = errorText(error);
  } finally {
    button.disabled = false;
  }
}

const text = () => new TextEncoder().encode($("message").value);

async function sign(event) {
  event.preventDefault();
  try {
    session.signature = await session.privateKey.hashAndSign(text(), "sha256");
    $("signature").value = hex(session.signature);
    $("verify").disabled = false;
    $("verify-result").replaceChildren();
  } catch (error) {
    $("signature").value = errorText(error);
  }
}

async function verify() {
  try {
    const valid = await session.publicKey.verifyData(text(), session.signature, "sha256");
    $("verify-result").replaceChildren(badge(valid ? "The signature verifies over this text." : "The signature does not verify over this text.", valid));
  } catch (error) {
    $("verify-result").textContent = errorText(error);
  }
}

scws.onreaderadded = (reader) => {
  logEvent(`Reader added: ${describeReader(reader)}.`);
  renderReaders();
};
scws.onreaderremoved = (reader) => {
  logEvent(`Reader removed: ${reader.name}.`);
  if (session.reader === reader) endSession("its reader is gone");
  renderReaders();
};
scws.onreaderstatechanged = (reader) => {
  logEvent(reader.cardPresent ? `Token inserted: ${describeReader(reader)}.` : `Token removed from ${reader.name}.`);
  if (session.reader === reader && !reader.cardPresent) endSession("its token was removed");
  renderReaders();
};
scws.onloginstatechanged = (pin, reason) => {
  logEvent(`Login ${pin.validated ? "began" : "ended"} on "${pin.token.label}" (${reason}).`);
  if (pin.token !== session.token) return;
  renderPin();
  if (!pin.validated) show(false, "certificates-section", "sign-section");
};

$("login-form").addEventListener("submit", login);
$("logout").addEventListener("click", logout);
$("make-identity").addEventListener("click", makeIdentity);
$("sign-form").addEventListener("submit", sign);
$("verify").addEventListener("click", verify);
window.addEventListener("pagehide", () => void session.token?.disconnect().catch(() => {}));

connectToService().then(
  () => document.documentElement.setAttribute("data-ready", ""),
  (error) => {
    $("service-status").textContent = `The service could not be reached: ${errorText(error)}`;
  },
);
