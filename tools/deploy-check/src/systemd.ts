// Checks of deploy/systemd/open-scws.service with systemd's own tools (systemd-analyze verify and
// security --offline), plus what the unit must do for this service.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { loadConfig } from "@open-scws/server";
import { existsInRepo } from "./repo.js";

const INSTALL_ROOT = "/opt/open-scws/";

/** The unit's `Key=value` settings (a key may repeat). */
export function unitSettings(text: string): Map<string, string[]> {
  const settings = new Map<string, string[]>();
  for (const line of text.split("\n")) {
    const match = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
    if (match) settings.set(match[1]!, [...(settings.get(match[1]!) ?? []), match[2]!]);
  }
  return settings;
}

/** What `systemd-analyze verify` says: nothing, when the unit is sound. */
export function verify(unitPath: string): { status: number | null; output: string } {
  const result = spawnSync("systemd-analyze", ["verify", unitPath], { encoding: "utf8" });
  if (result.error) throw result.error;
  return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}

/** The overall exposure `systemd-analyze security --offline` gives the unit (0 = locked down, 10 = exposed). */
export function exposure(unitPath: string): number {
  const result = spawnSync("systemd-analyze", ["security", "--offline=true", "--no-pager", unitPath], { encoding: "utf8" });
  if (result.error) throw result.error;
  const match = /Overall exposure level for \S+: (\d+(?:\.\d+)?)/.exec(result.stdout);
  if (!match) throw new Error(`systemd-analyze security printed no exposure level:\n${result.stdout}${result.stderr}`);
  return Number(match[1]);
}

/** What the unit must do for this service, beyond what systemd checks. */
export function unitProblems(text: string): string[] {
  const settings = unitSettings(text);
  const one = (key: string) => settings.get(key)?.at(-1);
  const problems: string[] = [];
  const required: Array<[string, string]> = [
    ["DynamicUser", "yes"],
    ["NoNewPrivileges", "yes"],
    ["ProtectSystem", "strict"],
    ["ProtectHome", "yes"],
    ["PrivateTmp", "yes"],
    ["CapabilityBoundingSet", ""],
    ["KillSignal", "SIGTERM"],
    ["StateDirectory", "open-scws"],
  ];
  for (const [key, value] of required) if (one(key) !== value) problems.push(`${key}=${value} is required (found ${one(key) ?? "nothing"})`);
  const start = one("ExecStart") ?? "";
  const script = start.split(/\s+/).find((part) => part.startsWith(INSTALL_ROOT));
  if (!/\bstart\b/.test(start) || !script || !existsInRepo(script.slice(INSTALL_ROOT.length))) {
    problems.push(`ExecStart must run the built CLI's start command from ${INSTALL_ROOT} (found "${start}")`);
  }
  if (!(settings.get("ExecStartPre") ?? []).some((line) => line.includes("check-config")))
    problems.push("ExecStartPre must run check-config, so a broken file fails the start with its problems");
  const stopSeconds = Number.parseInt(one("TimeoutStopSec") ?? "90", 10);
  const drainMs = loadConfig({ env: {} }).config.shutdown.drainTimeoutMs;
  if (stopSeconds * 1000 <= drainMs) problems.push(`TimeoutStopSec=${stopSeconds} leaves no time beyond the ${drainMs} ms drain`);
  return problems;
}

/** The unit file's text. */
export function readUnit(path: string): string {
  return readFileSync(path, "utf8");
}
