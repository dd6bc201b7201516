// Independent check: OpenSC's own tools (pkcs11-tool, piv-tool) and openssl, not our code, judge the card.
import { spawnSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { provisionedState } from "./provision.js";
import { type CardStack, startCardStack } from "./stack.js";
import { type CardState, DEFAULT_MANAGEMENT_KEY } from "./state.js";

interface Run {
  status: number | null;
  output: string;
}

function run(stack: CardStack, command: string, args: readonly string[], env: Record<string, string> = {}): Run {
  const result = spawnSync(command, args, { env: { ...process.env, ...stack.env, ...env }, encoding: "utf8", cwd: stack.dir });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function pkcs11Tool(stack: CardStack, ...args: string[]): Run {
  return run(stack, "pkcs11-tool", ["--module", stack.modulePath, ...args]);
}

/** Reads a certificate with pkcs11-tool and writes its public key as PEM for openssl. */
function publicKeyFile(stack: CardStack, id: string): string {
  const der = join(stack.dir, `cert-${id}.der`);
  expect(pkcs11Tool(stack, "--read-object", "--type", "cert", "--id", id, "-o", der).status).toBe(0);
  const pem = join(stack.dir, `pub-${id}.pem`);
  expect(run(stack, "openssl", ["x509", "-inform", "der", "-in", der, "-pubkey", "-noout", "-out", pem]).status).toBe(0);
  return pem;
}

let identity: CardState;
beforeAll(() => {
  // One set of keys for every stack in this file: key generation is the slow part of start-up.
  identity = provisionedState();
});

describe("pkcs11-tool and openssl on the virtual card", () => {
  let stack: CardStack;
  beforeAll(async () => {
    stack = await startCardStack({ state: identity });
    writeFileSync(join(stack.dir, "message"), "signed by a virtual PIV card\n");
  });
  afterAll(() => stack?.stop());

  it("reads the same certificates over PKCS#11 that the card holds in 9A, 9C and 9D", () => {
    for (const [id, slot] of [
      ["01", "9a"],
      ["02", "9c"],
      ["03", "9d"],
    ] as const) {
      const der = join(stack.dir, `check-${id}.der`);
      expect(pkcs11Tool(stack, "--read-object", "--type", "cert", "--id", id, "-o", der).status).toBe(0);
      const read = run(stack, "openssl", ["x509", "-inform", "der", "-in", der, "-fingerprint", "-sha256", "-noout"]).output;
      expect(read).toContain(new X509Certificate(stack.card.certificatePem(slot)).fingerprint256);
    }
  });

  it("signs with RSA-2048 in 9A (SHA256-RSA-PKCS) and openssl verifies against the 9A certificate", () => {
    const signed = pkcs11Tool(stack, "--login", "--pin", stack.card.pin, "--sign", "--id", "01", "-m", "SHA256-RSA-PKCS", "-i", "message", "-o", "sig-9a");
    expect(signed.status, signed.output).toBe(0);
    const verified = run(stack, "openssl", ["dgst", "-sha256", "-verify", publicKeyFile(stack, "01"), "-signature", "sig-9a", "message"]);
    expect(verified.output).toContain("Verified OK");
  });

  it("signs with ECDSA P-256 in 9C (PIN asked again: CKA_ALWAYS_AUTHENTICATE) and openssl verifies", () => {
    const objects = pkcs11Tool(stack, "--login", "--pin", stack.card.pin, "--list-objects", "--type", "privkey", "--id", "02");
    expect(objects.output).toContain("always authenticate");
    const signed = pkcs11Tool(
      stack,
      ...["--login", "--pin", stack.card.pin, "--sign", "--id", "02", "-m", "ECDSA-SHA256", "--signature-format", "openssl", "-i", "message", "-o", "sig-9c"],
    );
    expect(signed.status, signed.output).toBe(0);
    const verified = run(stack, "openssl", ["dgst", "-sha256", "-verify", publicKeyFile(stack, "02"), "-signature", "sig-9c", "message"]);
    expect(verified.output).toContain("Verified OK");
  });

  it("decrypts in 9D what openssl encrypted to the 9D certificate", () => {
    const encrypted = run(stack, "openssl", ["pkeyutl", "-encrypt", "-pubin", "-inkey", publicKeyFile(stack, "03"), "-in", "message", "-out", "enc-9d"]);
    expect(encrypted.status).toBe(0);
    const decrypted = pkcs11Tool(stack, "--login", "--pin", stack.card.pin, "--decrypt", "--id", "03", "-m", "RSA-PKCS", "-i", "enc-9d");
    expect(decrypted.status, decrypted.output).toBe(0);
    expect(decrypted.output).toContain("signed by a virtual PIV card");
  });
});

describe("the card's own PIN counter through OpenSC", () => {
  let stack: CardStack;
  beforeAll(async () => {
    stack = await startCardStack({ state: identity });
  });
  afterAll(() => stack?.stop());

  it("answers CKR_PIN_INCORRECT and the card counts down; the right PIN resets the count", async () => {
    const wrong = pkcs11Tool(stack, "--login", "--pin", "999999", "--list-objects");
    expect(wrong.output).toContain("CKR_PIN_INCORRECT");
    expect((await stack.card.status()).pinTriesLeft).toBe(2);
    expect(stack.card.state().pinTriesLeft).toBe(2);
    expect(pkcs11Tool(stack, "--login", "--pin", stack.card.pin, "--list-objects").status).toBe(0);
    expect((await stack.card.status()).pinTriesLeft).toBe(3);
  });
});

describe("blocking and PUK unblocking through OpenSC", () => {
  let stack: CardStack;
  beforeAll(async () => {
    stack = await startCardStack({ state: identity });
  });
  afterAll(() => stack?.stop());

  it("locks after three wrong PINs (CKR_PIN_LOCKED even for the right one) and the PUK unblocks with a new PIN", async () => {
    for (let i = 0; i < 3; i++) pkcs11Tool(stack, "--login", "--pin", "999999", "--list-objects");
    expect((await stack.card.status()).pinTriesLeft).toBe(0);
    expect(pkcs11Tool(stack, "--login", "--pin", stack.card.pin, "--list-objects").output).toContain("CKR_PIN_LOCKED");
    expect(pkcs11Tool(stack, "--list-token-slots").output).toMatch(/user PIN locked/);

    const unblocked = pkcs11Tool(stack, "--unlock-pin", "--puk", stack.card.puk, "--new-pin", "246810");
    expect(unblocked.status, unblocked.output).toBe(0);
    expect(await stack.card.status()).toMatchObject({ pinTriesLeft: 3, pukTriesLeft: 3 });
    expect(pkcs11Tool(stack, "--login", "--pin", "246810", "--list-objects").status).toBe(0);
  });
});

describe("piv-tool provisions the card as an issuer would", () => {
  let stack: CardStack;
  beforeAll(async () => {
    stack = await startCardStack({ state: identity });
    writeFileSync(join(stack.dir, "management.key"), DEFAULT_MANAGEMENT_KEY);
  });
  afterAll(() => stack?.stop());

  const pivTool = (...args: string[]) => run(stack, "piv-tool", ["-r", stack.readerName, ...args], { PIV_EXT_AUTH_KEY: join(stack.dir, "management.key") });

  it("generates a P-256 key in 9E after mutual authentication with the management key", () => {
    // GENERATE ASYMMETRIC KEY PAIR sent raw: piv-tool -G 9E:11 generates too, but OpenSC 0.23's piv-tool
    // then fails to convert the public key with OpenSSL 3 ("unable to gen EC key").
    const generated = pivTool("-A", "M:9B:03", "-s", "00 47 00 9E 05 AC 03 80 01 11 00".replace(/ /g, ""));
    expect(generated.status, generated.output).toBe(0);
    expect(generated.output).toContain("SW1=0x90, SW2=0x00");
    const key = stack.card.state().keys["9e"];
    expect(key?.algorithm).toBe("P256");
  });

  it("loads a certificate into 9E (PUT DATA) that pkcs11-tool then lists", () => {
    const pem = join(stack.dir, "card-auth.pem");
    writeFileSync(pem, stack.card.certificatePem("9a"));
    const loaded = pivTool("-A", "M:9B:03", "-C", "9E", "-i", pem);
    // OpenSC 0.23's piv-tool exits with the number of bytes written (mod 256) even on success: judge the card.
    expect(loaded.output).not.toContain("failed");
    expect(stack.card.certificatePem("9e")).toBe(stack.card.certificatePem("9a"));
    expect(pkcs11Tool(stack, "--list-objects", "--type", "cert").output).toContain("Certificate for Card Authentication");
  });

  it("refuses PUT DATA when the management key is wrong", () => {
    const wrongKey = join(stack.dir, "wrong.key");
    writeFileSync(wrongKey, "000000000000000000000000000000000000000000000000");
    const pem = join(stack.dir, "replacement.pem");
    writeFileSync(pem, stack.card.certificatePem("9a"));
    const before = stack.card.certificatePem("9d");
    const refused = run(stack, "piv-tool", ["-r", stack.readerName, "-A", "M:9B:03", "-C", "9D", "-i", pem], { PIV_EXT_AUTH_KEY: wrongKey });
    expect(refused.output).toContain("admin_mode failed");
    expect(stack.card.certificatePem("9d")).toBe(before);
  });
});
