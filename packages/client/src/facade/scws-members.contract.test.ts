// The members of SCWS's API that need the service to take the PIN itself (login(false), requestCredential, auto-login)
// or to look across tokens (requestCertificates, requestPrivateKey), against the real service over SoftHSM. The user
// at the PIN page is played by a program that does what the page does: loads it, and posts the PIN to its own URL.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScws, type Scws } from "../index.js";
import { type FacadeToken, FIXTURE, openEnvironment, startFacadeToken } from "../testing/facade-token.js";
import { rejection } from "../testing/rejection.js";
import type { Pin } from "./pin.js";

const LABEL = "scws-members";
const HASH = createHash("sha256").update("members").digest();

describe("SCWS members served by the service's PIN page, auto-login and certificate search", () => {
  let fixture: FacadeToken;
  let scws: Scws;
  /** What the simulated user types on the next PIN page: a PIN, or "cancel". */
  let nextAnswer: string;
  const pages: string[] = [];

  beforeAll(async () => {
    fixture = await startFacadeToken(LABEL);
    const answerPage = async (url: string) => {
      pages.push(url);
      const page = await fetch(url);
      if (page.status !== 200) throw new Error(`the PIN page answered ${page.status}`);
      const body = nextAnswer === "cancel" ? { cancel: true } : { pin: nextAnswer };
      await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    };
    scws = createScws({ ports: [fixture.t.service.port], openPinPage: (url) => void answerPage(url) });
    await openEnvironment(scws, fixture.t);
  });
  afterAll(() => fixture.close());

  const connectedPin = async (): Promise<Pin> => {
    const reader = scws.readers.find((candidate) => candidate.tokenSummary?.label === LABEL)!;
    return (await reader.connect()).pins[0]!;
  };

  it("fills puksAvailable, initSubmissionsState and credentialProperties from the token", async () => {
    const pin = await connectedPin();
    expect(pin.puksAvailable).toBe(1);
    expect(pin.initSubmissionsState).toMatchObject({ remainingTries: 3, lastTry: false, blocked: false, lastError: undefined });
    expect(pin.initSubmissionsState).toBeInstanceOf(scws.CredentialState);
    expect(pin.credentialProperties).toEqual({ pinLabel: undefined, methods: { facialBio: false, fingerBio: false, fingerBioIsOneToManySupported: false } });
    await pin.token.disconnect();
  });

  it("login(false) opens the service's PIN page on its own origin and resolves once the service logged in", async () => {
    const pin = await connectedPin();
    nextAnswer = fixture.pin;
    await pin.login(false);
    expect(pin.validated).toBe(true);
    expect(new URL(pages.at(-1)!).origin).toBe(fixture.t.service.url.replace(/\/$/, ""));
    expect(pages.at(-1)).toMatch(/\/pin-entry\/[A-Za-z0-9_-]{22}$/);
    await pin.logout();
    await pin.token.disconnect();
  });

  it("login(false) rejects with the token's CKR_PIN_INCORRECT after a wrong PIN on the page, and updates a CredentialState", async () => {
    const pin = await connectedPin();
    const state = pin.initSubmissionsState;
    nextAnswer = "wrong-on-page";
    expect(await rejection(pin.login(false, state))).toMatchObject({ code: "CKR_PIN_INCORRECT", customData: { remainingTries: 2 } });
    expect(state).toMatchObject({ remainingTries: 2, lastError: "CKR_PIN_INCORRECT" });
    nextAnswer = fixture.pin;
    await pin.login(false, state);
    expect(state).toMatchObject({ remainingTries: 3, lastError: undefined });
    await pin.logout();
    await pin.token.disconnect();
  });

  it("login(false) rejects with CKR_FUNCTION_CANCELED when the user cancels on the page", async () => {
    const pin = await connectedPin();
    nextAnswer = "cancel";
    expect(await rejection(pin.login(false))).toMatchObject({ code: "CKR_FUNCTION_CANCELED" });
    await pin.token.disconnect();
  });

  it("login(false) without any window to show the page rejects with CKR_FUNCTION_NOT_SUPPORTED, saying why", async () => {
    const headless = createScws({ ports: [fixture.t.service.port] });
    await openEnvironment(headless, fixture.t);
    const reader = headless.readers.find((candidate) => candidate.tokenSummary?.label === LABEL)!;
    const token = await reader.connect();
    const refused = await rejection(token.pins[0]!.login(false));
    expect(refused).toMatchObject({ code: "CKR_FUNCTION_NOT_SUPPORTED" });
    expect(refused.message).toContain("no window");
    await token.disconnect();
  });

  it("requestCredential() takes the PIN on the page and login(credentialValue) uses it once", async () => {
    const pin = await connectedPin();
    nextAnswer = fixture.pin;
    const credential = await pin.requestCredential(pin.credentialProperties, pin.initSubmissionsState);
    expect(credential).toBeInstanceOf(scws.CredentialValue);
    expect(pin.validated).toBe(false);
    await pin.login(credential);
    expect(pin.validated).toBe(true);
    await pin.logout();
    expect(await rejection(pin.login(credential))).toMatchObject({ code: "CKR_ARGUMENTS_BAD" });
    await pin.token.disconnect();
  });

  it("startAutoLogin(2) lets an alwaysAuthenticate key sign twice without its PIN, then asks again; stopAutoLogin forgets it", async () => {
    const pin = await connectedPin();
    await pin.startAutoLogin(2);
    nextAnswer = fixture.pin;
    await pin.login(false);
    // Private objects' handles end with the login (SoftHSM), so the key is looked up after each login.
    const alwaysKey = async () => {
      const key = (await pin.token.getObjects()).find((object) => object.type === "privateKey" && object.ckId === FIXTURE.ecAlways.ckId);
      if (!(key instanceof scws.Key)) throw new Error("no always-authenticate key");
      return key;
    };
    const key = await alwaysKey();
    expect(key.alwaysAuthenticate).toBe(true);
    expect(await key.sign(HASH)).toBeInstanceOf(ArrayBuffer);
    expect(await key.sign(HASH)).toBeInstanceOf(ArrayBuffer);
    expect(await rejection(key.sign(HASH))).toMatchObject({ code: "CKR_USER_NOT_LOGGED_IN" });
    await pin.logout();
    await pin.startAutoLogin(5);
    await pin.login(fixture.pin); // a PIN given to login() is kept too
    expect(await (await alwaysKey()).sign(HASH)).toBeInstanceOf(ArrayBuffer);
    await pin.logout(); // forgets it
    await pin.login(fixture.pin);
    expect(await rejection((await alwaysKey()).sign(HASH))).toMatchObject({ code: "CKR_USER_NOT_LOGGED_IN" });
    await pin.startAutoLogin(5);
    await pin.logout();
    await pin.startAutoLogin(5);
    await pin.login(fixture.pin);
    const again = await alwaysKey();
    expect(await again.sign(HASH)).toBeInstanceOf(ArrayBuffer);
    await pin.stopAutoLogin();
    expect(await rejection(again.sign(HASH))).toMatchObject({ code: "CKR_USER_NOT_LOGGED_IN" });
    expect(await rejection(pin.startAutoLogin(0))).toMatchObject({ code: "MWR_SCWS_BAD_PARAMS", customData: { field: "counter" } });
    await pin.logout();
    await pin.token.disconnect();
  });

  it("requestCertificates finds the certificates of every connected token that match the filter", async () => {
    const alice = await scws.requestCertificates({ subject: "alice martin", keyUsage: ["nonRepudiation"], root: true });
    const found = await alice.getObjects();
    expect(found.map((certificate) => certificate.ckId)).toEqual([FIXTURE.identity.ckId]);
    expect(found[0]!.parent.label).toBe(LABEL);
    expect(await (await scws.requestCertificates({ tokenLabel: "no-such-token" })).getObjects()).toEqual([]);
    expect(await (await scws.requestCertificates({ keyUsage: ["keyCertSign"] })).getObjects()).toEqual([]);
    expect(await rejection(scws.requestCertificates({ valid: "yes" } as never))).toMatchObject({
      code: "MWR_SCWS_BAD_PARAMS",
      customData: { field: "filter.valid" },
    });
    await alice.close();
    await (await scws.requestCertificates()).close();
  });

  it("requestPrivateKey logs in on the PIN page when needed and resolves to the matching certificate's key", async () => {
    nextAnswer = fixture.pin;
    const key = await scws.requestPrivateKey({ ckId: FIXTURE.identity.ckId });
    expect(key).toMatchObject({ type: "privateKey", ckId: FIXTURE.identity.ckId });
    expect(await key.sign(HASH, "sha256")).toBeInstanceOf(ArrayBuffer);
    expect(await rejection(scws.requestPrivateKey({ subject: "nobody" }))).toMatchObject({ code: "CKR_KEY_HANDLE_INVALID", customData: { matches: 0 } });
    await key.parent.pins[0]!.logout();
    await key.parent.disconnect();
  });

  it("getSoftToken rejects with CKR_FUNCTION_NOT_SUPPORTED: the service has no system certificate store", async () => {
    expect(await rejection(scws.getSoftToken())).toMatchObject({ code: "CKR_FUNCTION_NOT_SUPPORTED" });
  });
});
