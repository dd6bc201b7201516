// The PIN page's and auto-login's limits are operator options: their defaults are the values SCWS applications
// met before they were options, and a value out of bounds is refused by name (as check-config shows it).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, configFromEnvironment, loadConfig } from "./load-config.js";

const dir = mkdtempSync(join(tmpdir(), "scws-pin-page-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function load(text: string) {
  const file = join(dir, "config.yaml");
  writeFileSync(file, text);
  return loadConfig({ file, env: {} }).config;
}

function problemsOf(text: string): readonly string[] {
  try {
    load(text);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("the configuration was accepted");
}

describe("the PIN page's and auto-login's limits in the configuration", () => {
  it("default to a two-minute PIN request and an auto-login of at most 15 minutes and 100 uses", () => {
    const config = load("");
    expect(config.pinRequests).toEqual({ ttlSeconds: 120 });
    expect(config.autoLogin).toEqual({ maxSeconds: 900, maxUses: 100 });
  });

  it("take the file's values, and each one's environment variable over the file", () => {
    expect(load("pinRequests: {ttlSeconds: 30}\nautoLogin: {maxSeconds: 60, maxUses: 2}\n")).toMatchObject({
      pinRequests: { ttlSeconds: 30 },
      autoLogin: { maxSeconds: 60, maxUses: 2 },
    });
    const config = configFromEnvironment({ SCWS_PIN_REQUEST_TTL_SECONDS: "45", SCWS_AUTO_LOGIN_MAX_SECONDS: "300", SCWS_AUTO_LOGIN_MAX_USES: "7" });
    expect(config).toMatchObject({ pinRequests: { ttlSeconds: 45 }, autoLogin: { maxSeconds: 300, maxUses: 7 } });
  });

  it.each([
    ["a PIN request too short to type a PIN", "pinRequests: {ttlSeconds: 5}\n", "pinRequests.ttlSeconds: must be at least 15, not 5"],
    ["a PIN request of more than an hour", "pinRequests: {ttlSeconds: 7200}\n", "pinRequests.ttlSeconds: must be at most 3600, not 7200"],
    ["an auto-login of no time", "autoLogin: {maxSeconds: 0}\n", "autoLogin.maxSeconds: must be at least 10, not 0"],
    ["an auto-login of more than a day", "autoLogin: {maxSeconds: 90000}\n", "autoLogin.maxSeconds: must be at most 86400, not 90000"],
    ["an auto-login of no use", "autoLogin: {maxUses: 0}\n", "autoLogin.maxUses: must be at least 1, not 0"],
    ["more uses than an application's counter may ask", "autoLogin: {maxUses: 1001}\n", "autoLogin.maxUses: must be at most 1000, not 1001"],
    ["a time given as text", "autoLogin: {maxSeconds: 15min}\n", 'autoLogin.maxSeconds: must be an integer, not "15min"'],
    ["a misspelt option", "autoLogin: {maxUse: 5}\n", 'autoLogin.maxUse: is not an option (did you mean "maxUses"?)'],
  ])("refuse %s, naming the option", (_name, text, expected) => {
    expect(problemsOf(text)).toEqual([expected]);
  });

  it("name the variable that set a value out of bounds", () => {
    expect(() => configFromEnvironment({ SCWS_AUTO_LOGIN_MAX_USES: "0" })).toThrow(
      /autoLogin\.maxUses \(from SCWS_AUTO_LOGIN_MAX_USES\): must be at least 1, not 0/,
    );
  });
});
