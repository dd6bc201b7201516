import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
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

  it("keeps pcscd's socket and pid file inside the stack's own directory", () => {
    expect(stack.pcscSocket.startsWith(stack.dir)).toBe(true);
    expect(existsSync(stack.pcscSocket)).toBe(true);
    expect(Number.parseInt(readFileSync(join(stack.dir, "run", "pcscd.pid"), "utf8"), 10)).toBeGreaterThan(0);
  });

  it("has pcscd listen on TCP only on 127.0.0.1 (vpcd's two reader slots)", () => {
    const pid = Number.parseInt(readFileSync(join(stack.dir, "run", "pcscd.pid"), "utf8"), 10);
    const inodes = new Set(
      readdirSync(`/proc/${pid}/fd`)
        .map((fd) => readlinkSync(`/proc/${pid}/fd/${fd}`))
        .map((target) => /^socket:\[(\d+)\]$/.exec(target)?.[1])
        .filter((inode): inode is string => inode !== undefined),
    );
    // /proc/net/tcp rows: local address as hex IP:port, state 0A = LISTEN, inode in column 10.
    const listening = [readFileSync("/proc/net/tcp", "utf8"), existsSync("/proc/net/tcp6") ? readFileSync("/proc/net/tcp6", "utf8") : ""]
      .flatMap((table) => table.split("\n").slice(1))
      .map((row) => row.trim().split(/\s+/))
      .filter((columns) => columns[3] === "0A" && inodes.has(columns[9]!))
      .map((columns) => columns[1]!.split(":")[0]);
    expect(listening).toEqual(["0100007F", "0100007F"]);
  });
});

describe("stop", () => {
  it("ends pcscd and the card and removes the temporary directory", async () => {
    const stack = await startCardStack();
    await stack.stop();
    expect(existsSync(stack.dir)).toBe(false);
  });
});
