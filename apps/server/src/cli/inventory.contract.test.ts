// `open-scws readers|tokens` as a person runs them from the clone: on the demo token, as `npm start` serves it,
// unless a configuration or module is named; with the reader ids the API shows, and slot ids in hexadecimal.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { startTestService, type TestService } from "@open-scws/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const bin = fileURLToPath(new URL("../../bin/open-scws.js", import.meta.url));
const run = promisify(execFile);

async function openScws(args: string[], env: Record<string, string>, cwd?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { env: { PATH: process.env.PATH ?? "", ...env }, ...(cwd ? { cwd } : {}) });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe("open-scws readers and tokens", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "scws-inventory-"));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("use the demo token when no module is named, as npm start does, keeping --json output clean", async () => {
    const { code, stdout, stderr } = await openScws(["tokens", "--data-dir", dataDir, "--json"], {});
    expect(code).toBe(0);
    expect(existsSync(join(dataDir, "demo-token.json"))).toBe(true);
    const tokens = JSON.parse(stdout) as Array<{ label: string; readerId: string }>;
    expect(tokens.map((token) => token.label)).toContain("open-scws-demo");
    expect(stderr).toContain('Made the demo token "open-scws-demo"');
    const again = await openScws(["readers", "--data-dir", dataDir], {});
    expect(again.stdout).toMatch(/^MODULE\s+READERID\s+SLOTID\s+DESCRIPTION\s+TOKEN\s+EXPOSED$/m);
    expect(again.stdout).toMatch(new RegExp(`^softhsm\\s+${tokens.find((token) => token.label === "open-scws-demo")!.readerId}\\s`, "m"));
    expect(again.stderr).toContain('Using the demo token "open-scws-demo"');
  });

  it("use the named module when SCWS_PKCS11_MODULE is set, not the demo token", async () => {
    const other = mkdtempSync(join(tmpdir(), "scws-inventory-none-"));
    try {
      const { stdout, stderr } = await openScws(["tokens", "--data-dir", other, "--json"], { SCWS_PKCS11_MODULE: "/usr/lib/softhsm/libsofthsm2.so" });
      expect(stderr).not.toContain("demo token");
      expect(existsSync(join(other, "demo-token.json"))).toBe(false);
      expect(stdout).not.toContain("open-scws-demo");
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  describe("beside a running service", () => {
    let t: TestService;
    let config: string;
    beforeAll(async () => {
      t = await startTestService({ tokenLabels: ["inventory one"] });
      config = join(t.sandbox.dir, "inventory.yaml");
      writeFileSync(config, `modules:\n  - {id: softhsm, library: /usr/lib/softhsm/libsofthsm2.so}\n`);
    });
    afterAll(() => t.close());

    it("show the reader ids GET /v1/readers shows, and slot ids in hexadecimal as the descriptions", async () => {
      const { code, stdout } = await openScws(["readers", "--config", config, "--json"], { SOFTHSM2_CONF: t.sandbox.confPath });
      expect(code).toBe(0);
      const rows = JSON.parse(stdout) as Array<{ readerId: string; slotId: string; description: string; token: string | null }>;
      const { data } = await t.client.GET("/v1/readers");
      expect(rows.map((row) => row.readerId).sort()).toEqual(data!.readers.map((reader) => reader.id).sort());
      for (const row of rows) {
        expect(row.slotId).toMatch(/^0x[0-9a-f]+$/);
        expect(row.description).toContain(row.slotId); // SoftHSM describes a slot as "SoftHSM slot ID 0x..."
      }
    });
  });
});
