import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { repoPath } from "./repo.js";
import { exposure, readUnit, unitProblems, verify } from "./systemd.js";

const unitPath = repoPath("deploy/systemd/open-scws.service");
const text = readUnit(unitPath);
const scratch = mkdtempSync(join(tmpdir(), "scws-unit-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function unitFile(content: string): string {
  const path = join(scratch, "open-scws.service");
  writeFileSync(path, content);
  return path;
}

describe("deploy/systemd/open-scws.service", () => {
  it("passes systemd-analyze verify without a word", () => {
    expect(verify(unitPath)).toEqual({ status: 0, output: "" });
  });

  it("is locked down: systemd-analyze security --offline rates its exposure at most 2.0 of 10", () => {
    expect(exposure(unitPath)).toBeLessThanOrEqual(2);
  });

  it("runs the built CLI as a transient user, checks the configuration first, and leaves time to drain", () => {
    expect(unitProblems(text)).toEqual([]);
  });

  it("would be caught with a misspelt setting or a missing program", () => {
    expect(verify(unitFile(text.replace("NoNewPrivileges=yes", "NoNewPrivilegez=yes"))).output).toMatch(/Unknown key 'NoNewPrivilegez'/);
    expect(verify(unitFile(text.replace("ExecStart=/usr/bin/node", "ExecStart=/usr/bin/nodez"))).status).not.toBe(0);
  });

  it("would be caught with weaker hardening", () => {
    const weaker = text.replace(
      /^(ProtectSystem|ProtectHome|PrivateDevices|PrivateUsers|SystemCallFilter|RestrictAddressFamilies|CapabilityBoundingSet|IPAddressDeny)=.*$/gm,
      "",
    );
    expect(exposure(unitFile(weaker))).toBeGreaterThan(2);
    expect(unitProblems(weaker)).toEqual(expect.arrayContaining([expect.stringMatching(/^ProtectSystem=strict is required/)]));
    expect(unitProblems(text.replace("TimeoutStopSec=30", "TimeoutStopSec=5"))).toEqual([expect.stringMatching(/TimeoutStopSec=5 leaves no time/)]);
  });
});
