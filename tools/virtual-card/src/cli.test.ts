import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CardStack, startCardStack } from "./stack.js";
import { loadState } from "./state.js";

const cli = join(dirname(fileURLToPath(import.meta.url)), "..", "dist", "cli.js");

function virtualCard(...args: string[]) {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("virtual-card init", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "scws-card-cli-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("writes a provisioned state with keys in 9A, 9C, 9D and their certificates", () => {
    const path = join(dir, "provisioned.json");
    expect(virtualCard("init", "--state", path, "--pin", "11223344").status).toBe(0);
    const state = loadState(path);
    expect(Object.keys(state.keys).sort()).toEqual(["9a", "9c", "9d"]);
    expect(state.objects).toHaveProperty("5fc105");
    expect(state.pin).toBe("11223344");
  });

  it("writes a blank state with --blank", () => {
    const path = join(dir, "blank.json");
    expect(virtualCard("init", "--state", path, "--blank").status).toBe(0);
    expect(loadState(path).keys).toEqual({});
  });

  it("explains a missing state file or port instead of failing obscurely", () => {
    const missing = virtualCard("serve", "--state", join(dir, "nothing.json"), "--port", "1");
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("virtual-card init --state");
    const noPort = virtualCard("serve", "--state", join(dir, "blank.json"));
    expect(noPort.stderr).toContain("--port must be vpcd's port");
    expect(existsSync(join(dir, "blank.json.ctl"))).toBe(false);
  });
});

describe("virtual-card insert / remove / status", () => {
  let stack: CardStack;
  beforeAll(async () => {
    stack = await startCardStack();
  });
  afterAll(() => stack?.stop());

  it("removes and inserts the running card through its control socket", async () => {
    const control = stack.card.controlSocket;
    expect(JSON.parse(virtualCard("status", "--control", control).stdout)).toMatchObject({ inserted: true, pinTriesLeft: 3 });
    expect(JSON.parse(virtualCard("remove", "--control", control).stdout)).toMatchObject({ inserted: false });
    expect(JSON.parse(virtualCard("insert", "--control", control).stdout)).toMatchObject({ inserted: true });
  });

  it("says which commands exist", () => {
    const result = virtualCard("eject", "--control", stack.card.controlSocket);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('unknown command "eject"');
  });
});
