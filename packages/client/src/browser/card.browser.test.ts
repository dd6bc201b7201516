import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CARD_PIN,
  CARD_PUK,
  type CardTestService,
  chromiumLaunchOptions,
  type EventReader,
  readEvents,
  signChallenge,
  startCardTestService,
  testApplication,
} from "@open-scws/test-support";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { environmentMessage } from "../transport/environment.js";

// The facade in Debian's Chromium on the virtual PIV card (pcscd, vpcd, OpenSC), from a page on an HTTPS origin as a
// customer's is: https://card.example.test (a self-signed certificate made here), which --host-resolver-rules maps to
// 127.0.0.1 and --ip-address-space-overrides makes a public site, so the page reaches the service only with the Local
// Network Access permission, granted here. One card stack, one browser, one page for the whole file.

const HOST = "card.example.test";
const APPLICATION_ID = "card-page";
const NEW_PIN = "918273";
const DOCUMENT = Buffer.from("signed in Chromium on a PIV card");
const bundle = new URL("../../dist/browser/open-scws.global.js", import.meta.url);

// The page's SCWS code: the classic script's OpenScws global, an environment from its back end (the test, through
// backEndSign), and small entry points the test calls; every SCWS.Error comes back as { code, remainingTries }.
const PAGE = `<!doctype html><meta charset="utf-8"><title>Card</title><script src="/open-scws.global.js"></script>
<script>
  let scws, token, pin;
  window.events = [];
  const pinFacts = () => ({ tryCountLow: pin.tryCountLow, lastTry: pin.lastTry, blocked: pin.blocked, remainingTries: pin.remainingTries, validated: pin.validated });
  const failure = (error) => ({ isScwsError: error instanceof scws.Error, code: error.code, remainingTries: error.customData && error.customData.remainingTries });
  const outcome = (promise) => promise.then(() => ({ pin: pinFacts() }), (error) => ({ error: failure(error), pin: pinFacts() }));
  const hex = (buffer) => [...new Uint8Array(buffer)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
  window.openEnvironment = async (port, applicationId, readerName) => {
    scws = OpenScws.createScws({ ports: [port] });
    await scws.createEnvironment(await window.backEndSign(await scws.findService(applicationId)));
    scws.onreaderstatechanged = (reader) => {
      if (reader.name !== readerName) return;
      window.events.push({ cardPresent: reader.cardPresent, at: Date.now() });
    };
    const reader = scws.getReader(readerName);
    return { names: scws.readers.map((each) => each.name), cardPresent: reader && reader.cardPresent };
  };
  window.connect = async (readerName) => {
    token = await scws.getReader(readerName).connect();
    pin = token.pins[0];
    return pinFacts();
  };
  window.login = (value) => outcome(pin.login(value));
  window.logout = () => outcome(pin.logout());
  window.unblock = (newPin, puk) => outcome(pin.initPin(newPin, { puk }));
  window.sign = async (ckId, hashHex, algorithm, options) => {
    const [key] = await token.getObjects({ type: "privateKey", ckId });
    try {
      return { alwaysAuthenticate: key.alwaysAuthenticate, signatureHex: hex(await key.sign(hashHex, algorithm, options)) };
    } catch (error) {
      return { alwaysAuthenticate: key.alwaysAuthenticate, error: failure(error) };
    }
  };
</script>`;

interface PinFacts {
  tryCountLow: boolean;
  lastTry: boolean;
  blocked: boolean;
  remainingTries?: number;
  validated: boolean;
}
interface Failure {
  isScwsError: boolean;
  code: string;
  remainingTries?: number;
}
interface Outcome {
  error?: Failure;
  pin: PinFacts;
}
interface Signed {
  alwaysAuthenticate: boolean;
  signatureHex?: string;
  error?: Failure;
}

describe("the facade in Chromium on the virtual PIV card, from an HTTPS page with Local Network Access granted", () => {
  let dir: string;
  let site: Server;
  let c: CardTestService;
  let browser: Browser;
  let page: Page;
  /** The service's own event stream, read in Node: when the service published each reader event. */
  let stream: EventReader;
  /** Calls one of the page's entry points. */
  const call = <Result>(name: string, ...args: unknown[]): Promise<Result> =>
    page.evaluate(([entry, values]) => (window as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[entry]!(...values), [
      name,
      args,
    ] as const) as Promise<Result>;
  /** Resolves once the page's onreaderstatechanged has seen the card's reader `count` times. */
  const pageEvents = async (count: number) => {
    await page.waitForFunction((n) => (window as unknown as { events: unknown[] }).events.length >= n, count);
    return page.evaluate(() => (window as unknown as { events: Array<{ cardPresent: boolean; at: number }> }).events);
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "scws-card-browser-"));
    const [key, cert] = [join(dir, "site-key.pem"), join(dir, "site-cert.pem")];
    const subject = ["-subj", `/CN=${HOST}`, "-addext", `subjectAltName=DNS:${HOST}`];
    execFileSync(
      "openssl",
      ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", cert, "-days", "1", ...subject],
      {
        stdio: "ignore",
      },
    );
    site = createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (request, response) => {
      if (request.url === "/open-scws.global.js") response.writeHead(200, { "content-type": "text/javascript" }).end(readFileSync(bundle));
      else response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(PAGE);
    });
    await new Promise<void>((listening) => site.listen(0, "127.0.0.1", listening));
    const sitePort = (site.address() as { port: number }).port;
    const origin = `https://${HOST}:${sitePort}`;
    const application = testApplication(APPLICATION_ID, [origin]);
    c = await startCardTestService({
      card: { pinTries: 3 },
      service: { canaries: [NEW_PIN] },
      configure: (config) => ({ ...config, applications: [...config.applications, application.config] }),
    });
    const controller = new AbortController();
    stream = readEvents(await c.t.fetch("/v1/events", { headers: { accept: "text/event-stream" }, signal: controller.signal }), controller);
    const { executablePath, args } = chromiumLaunchOptions();
    const lna = [`--host-resolver-rules=MAP ${HOST} 127.0.0.1`, `--ip-address-space-overrides=127.0.0.1:${sitePort}=public`, "--ignore-certificate-errors"];
    browser = await chromium.launch({ executablePath, args: [...args, ...lna] });
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    await context.grantPermissions(["local-network-access"], { origin });
    page = await context.newPage();
    await page.exposeFunction("backEndSign", (challenge: string) => signChallenge(application, environmentMessage(challenge)));
    await page.goto(`${origin}/`);
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    stream?.close();
    await c?.close();
    await new Promise((closed) => site?.close(closed));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("lists the card's reader by its PC/SC name", { timeout: 60_000 }, async () => {
    expect(await page.evaluate(() => isSecureContext)).toBe(true);
    const opened = await call<{ names: string[]; cardPresent: boolean }>("openEnvironment", c.t.service.port, APPLICATION_ID, c.stack.readerName);
    expect(opened).toMatchObject({ names: expect.arrayContaining([c.stack.readerName]), cardPresent: true });
  });

  it("hears the card pulled and put back as reader events, each published within one second", { timeout: 60_000 }, async () => {
    const pulledAt = Date.now();
    await c.stack.card.remove();
    const pcscdSawRemoval = Date.now();
    const [removed] = await pageEvents(1);
    const insertedAt = Date.now();
    await c.stack.card.insert();
    const pcscdSawInsertion = Date.now();
    const [, inserted] = await pageEvents(2);
    expect([removed?.cardPresent, inserted?.cardPresent]).toEqual([false, true]);
    // The bound, on the time the service stamped on its event (its `time`) from the moment the card was pulled
    // (put back); reported with the page's callback and pcscd's own notice ("Card Removed From" / "Card inserted into").
    const published = async (present: boolean) => {
      const event = await stream.next((e) => e.type === "readerStateChanged" && e.reader?.name === c.stack.readerName && e.reader.cardPresent === present);
      return Date.parse(event.time);
    };
    const removalMs = (await published(false)) - pulledAt;
    const insertionMs = (await published(true)) - insertedAt;
    const pulled = `pulled → callback ${removed!.at - pulledAt} ms (pcscd ${pcscdSawRemoval - pulledAt} ms, service ${removalMs} ms)`;
    const putBack = `put back → callback ${inserted!.at - insertedAt} ms (pcscd ${pcscdSawInsertion - insertedAt} ms, service ${insertionMs} ms)`;
    console.log(`card ${pulled}; ${putBack}`);
    expect(removalMs).toBeLessThan(1000);
    expect(insertionMs).toBeLessThan(1000);
  });

  it("answers wrong PINs with SCWS.Error CKR_PIN_INCORRECT and the card's tries, follows tryCountLow and lastTry, locks, and the PUK unblocks it", {
    timeout: 60_000,
  }, async () => {
    expect(await call<PinFacts>("connect", c.stack.readerName)).toMatchObject({ tryCountLow: false, lastTry: false, blocked: false });
    const first = await call<Outcome>("login", "000000");
    expect(first.error).toMatchObject({ isScwsError: true, code: "CKR_PIN_INCORRECT" });
    expect(first.pin).toMatchObject({ tryCountLow: true, lastTry: false, blocked: false });
    expect((await c.stack.card.status()).pinTriesLeft).toBe(2);

    const second = await call<Outcome>("login", "111111");
    expect(second.error).toEqual({ isScwsError: true, code: "CKR_PIN_INCORRECT", remainingTries: 1 });
    expect(second.pin).toMatchObject({ tryCountLow: true, lastTry: true, blocked: false, remainingTries: 1 });

    const third = await call<Outcome>("login", "222222"); // the last try goes through, as in SCWS
    expect(third.error).toMatchObject({ isScwsError: true, remainingTries: 0 });
    expect(["CKR_PIN_INCORRECT", "CKR_PIN_LOCKED"]).toContain(third.error?.code);
    expect(third.pin).toMatchObject({ blocked: true, remainingTries: 0 });
    const locked = await call<Outcome>("login", CARD_PIN);
    expect(locked.error).toMatchObject({ isScwsError: true, code: "CKR_PIN_LOCKED" });
    expect((await c.stack.card.status()).pinTriesLeft).toBe(0);

    const unblocked = await call<Outcome>("unblock", NEW_PIN, CARD_PUK);
    expect(unblocked.error).toBeUndefined();
    expect(unblocked.pin).toMatchObject({ blocked: false, tryCountLow: false, lastTry: false });
    expect(await c.stack.card.status()).toMatchObject({ pinTriesLeft: 3, pukTriesLeft: 3 });
    expect((await call<Outcome>("login", NEW_PIN)).pin.validated).toBe(true);
  });

  it("signs in the page with 9A (RSA) and 9C (ECDSA, the PIN asked at each signature), and openssl verifies both", { timeout: 60_000 }, async () => {
    const hashHex = createHash("sha256").update(DOCUMENT).digest("hex");
    const rsa = await call<Signed>("sign", "01", hashHex, "sha256");
    expect(rsa).toMatchObject({ alwaysAuthenticate: false, signatureHex: expect.stringMatching(/^[0-9a-f]{512}$/) });

    const withoutPin = await call<Signed>("sign", "02", hashHex, null, { signatureFormat: "der" });
    expect(withoutPin).toMatchObject({ alwaysAuthenticate: true, error: { isScwsError: true, code: "CKR_USER_NOT_LOGGED_IN" } });
    const ecdsa = [
      await call<Signed>("sign", "02", hashHex, null, { signatureFormat: "der", pin: NEW_PIN }),
      await call<Signed>("sign", "02", hashHex, null, { signatureFormat: "der", pin: NEW_PIN }),
    ];
    expect(ecdsa.map((signed) => signed.error)).toEqual([undefined, undefined]);

    writeFileSync(join(dir, "document.bin"), DOCUMENT);
    writeFileSync(join(dir, "hash.bin"), Buffer.from(hashHex, "hex"));
    const publicKeyOf = (slot: "9a" | "9c") => {
      writeFileSync(join(dir, `${slot}.pem`), c.stack.card.certificatePem(slot));
      return (
        execFileSync("openssl", ["x509", "-in", join(dir, `${slot}.pem`), "-pubkey", "-noout", "-out", join(dir, `${slot}.pub.pem`)]) &&
        join(dir, `${slot}.pub.pem`)
      );
    };
    const openssl = (args: string[]) => execFileSync("openssl", args, { encoding: "utf8" });
    writeFileSync(join(dir, "9a.sig"), Buffer.from(rsa.signatureHex!, "hex"));
    expect(openssl(["dgst", "-sha256", "-verify", publicKeyOf("9a"), "-signature", join(dir, "9a.sig"), join(dir, "document.bin")])).toMatch(/Verified OK/);
    const ecKey = publicKeyOf("9c");
    for (const [index, signed] of ecdsa.entries()) {
      writeFileSync(join(dir, `9c-${index}.sig`), Buffer.from(signed.signatureHex!, "hex"));
      const verified = openssl(["pkeyutl", "-verify", "-pubin", "-inkey", ecKey, "-in", join(dir, "hash.bin"), "-sigfile", join(dir, `9c-${index}.sig`)]);
      expect(verified).toMatch(/Signature Verified Successfully/);
    }
    expect((await call<Outcome>("logout")).error).toBeUndefined();
  });
});
