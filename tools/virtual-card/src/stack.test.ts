import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CardStack, startCardStack } from "./stack.js";

function pkcs11Tool(stack: CardStack, args: readonly string[]): string {
  return execFileSync("pkcs11-tool", ["--module", stack.modulePath, ...args], {
    env: { ...process.env, ...stack.env },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

describe("startCardStack", () => {
  let stack: CardStack;
  beforeAll(async () => {
    stack = await startCardStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("serves the provisioned card to OpenSC's PKCS#11 module in the named reader", () => {
    const out = pkcs11Tool(stack, ["--list-slots"]);
    expect(out).toContain(`Slot 0 (0x0): ${stack.readerName}`);
    expect(out).toContain("token label        : SCWS Virtual PIV Authentication");
    expect(out).toMatch(/token flags\s+: login required/);
  });

  it("shows the card absent after remove() and present again after insert()", async () => {
    await stack.card.remove();
    expect(pkcs11Tool(stack, ["--list-slots"])).toMatch(new RegExp(`${stack.readerName}\\n\\s+\\(empty\\)`));
    expect((await stack.card.status()).inserted).toBe(false);
    await stack.card.insert();
    expect(pkcs11Tool(stack, ["--list-slots"])).toContain("token label        : SCWS Virtual PIV Authentication");
  });

  it("keeps pcscd's socket inside the stack's own directory", () => {
    expect(stack.pcscSocket.startsWith(stack.dir)).toBe(true);
    expect(existsSync(stack.pcscSocket)).toBe(true);
  });
});

describe("stop", () => {
  it("ends pcscd and the card and removes the temporary directory", async () => {
    const stack = await startCardStack();
    await stack.stop();
    expect(existsSync(stack.dir)).toBe(false);
  });
});
