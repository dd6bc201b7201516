import { execFile } from "node:child_process";
import { createHash, createPrivateKey, createPublicKey, sign, verify } from "node:crypto";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { SoftHsmSandbox, softHsmModule } from "@open-scws/softhsm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadConfig } from "../config/load-config.js";
import { ApiKeys } from "../security/api-keys.js";
import { loadOrCreateServiceKey } from "../security/service-key.js";
import { serviceMessage } from "../security/signatures.js";

const cli = fileURLToPath(new URL("../../dist/cli.js", import.meta.url));
const run = promisify(execFile);

/** Runs the built CLI with a clean environment (no SCWS_* from the caller); never throws on a non-zero exit. */
async function openScws(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args], { env: { PATH: process.env.PATH ?? "", ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe("the open-scws command", () => {
  let sandbox: SoftHsmSandbox;
  let env: Record<string, string>;
  let config: string;

  beforeAll(() => {
    sandbox = SoftHsmSandbox.temporary();
    sandbox.initToken("cli one");
    sandbox.initToken("cli-two");
    env = { SOFTHSM2_CONF: sandbox.confPath };
    config = join(sandbox.dir, "config.yaml");
    writeFileSync(config, `modules:\n  - id: softhsm\n    library: ${softHsmModule}\nexposeTokens:\n  - "pkcs11:token=cli%20one"\n`);
  });
  afterAll(() => sandbox.remove());

  it("prints its version", async () => {
    const { code, stdout } = await openScws(["version"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^open-scws \d+\.\d+\.\d+ \(API 1\.0\.0, Node\.js \d+/);
  });

  it("lists its commands on help, and refuses an unknown command or option with exit 2", async () => {
    expect((await openScws(["help"])).stdout).toMatch(/start .*\n.*check-config/s);
    const unknown = await openScws(["frobnicate"]);
    expect(unknown).toMatchObject({ code: 2, stderr: expect.stringContaining('Unknown command "frobnicate"') });
    const badOption = await openScws(["check-config", "--verbose"]);
    expect(badOption).toMatchObject({ code: 2, stderr: expect.stringMatching(/Unknown option '--verbose'.*Usage: open-scws check-config/s) });
  });

  it("check-config accepts a valid file with exit 0", async () => {
    const { code, stdout } = await openScws(["check-config", "--config", config], env);
    expect(code).toBe(0);
    expect(stdout).toContain(`The configuration (${config}) is valid.`);
    expect(stdout).toContain("tokens shown: pkcs11:token=cli%20one");
  });

  it("check-config refuses a broken file with exit 1, naming each option, and SCWS_CONFIG names the file too", async () => {
    const broken = join(sandbox.dir, "broken.yaml");
    writeFileSync(broken, "listen:\n  port: 70000\nmodules: []\npinRequests:\n  ttlSeconds: 5\nautoLogin:\n  maxUses: 0\n");
    const { code, stderr } = await openScws(["check-config"], { ...env, SCWS_CONFIG: broken });
    expect(code).toBe(1);
    expect(stderr).toContain("listen.port: must be at most 65535, not 70000");
    expect(stderr).toContain("modules: must list at least 1 item");
    expect(stderr).toContain("pinRequests.ttlSeconds: must be at least 15, not 5");
    expect(stderr).toContain("autoLogin.maxUses: must be at least 1, not 0");
  });

  it("check-config names the environment variable that broke the configuration", async () => {
    const { code, stderr } = await openScws(["check-config", "--config", config], { ...env, SCWS_LOG_LEVEL: "loud" });
    expect(code).toBe(1);
    expect(stderr).toContain("logLevel (from SCWS_LOG_LEVEL): must be one of");
  });

  it("modules lists each module and whether it loads", async () => {
    const { code, stdout } = await openScws(["modules", "--config", config, "--json"], env);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual([expect.objectContaining({ id: "softhsm", status: "ready", library: softHsmModule, version: "2.6" })]);
  });

  it("tokens lists every token with its RFC 7512 URI and whether the configuration shows it", async () => {
    const { code, stdout } = await openScws(["tokens", "--config", config, "--json"], env);
    expect(code).toBe(0);
    const tokens = JSON.parse(stdout) as Array<{ label: string; exposed: boolean; uri: string }>;
    expect(tokens.map((token) => [token.label, token.exposed])).toEqual(
      expect.arrayContaining([
        ["cli one", true],
        ["cli-two", false],
      ]),
    );
    expect(tokens.find((token) => token.label === "cli one")?.uri).toMatch(
      /^pkcs11:token=cli%20one;manufacturer=SoftHSM%20project;serial=[0-9a-f]+;model=SoftHSM%20v2$/,
    );
    const table = await openScws(["tokens", "--config", config], env);
    expect(table.stdout).toMatch(/^MODULE\s+READERID\s+LABEL\s+SERIAL\s+MODEL\s+EXPOSED\s+URI$/m);
  });

  it("readers lists every slot, SoftHSM's free slot included, and which ones the configuration shows", async () => {
    const { code, stdout } = await openScws(["readers", "--config", config, "--json"], env);
    expect(code).toBe(0);
    const readers = JSON.parse(stdout) as Array<{ token: string | null; slotId: string; exposed: boolean }>;
    expect(readers).toHaveLength(3);
    expect(readers.filter((reader) => reader.exposed).map((reader) => reader.token)).toEqual(["cli one"]);
    expect(readers.every((reader) => /^0x[0-9a-f]+$/.test(reader.slotId))).toBe(true);
  });

  it.each(["ed25519", "p256"])("register-app makes an %s key pair whose entry the configuration accepts", async (algorithm) => {
    const { code, stdout } = await openScws([
      "register-app",
      "--id",
      "intranet",
      "--origin",
      "https://intranet.example",
      "--origin",
      "http://localhost:3000",
      "--algorithm",
      algorithm,
    ]);
    expect(code).toBe(0);
    const [snippet, privateKeyPart] = stdout.split("\n\n");
    const entry = parse(snippet!) as { applications: Array<{ publicKey: string }> };
    const file = join(sandbox.dir, `apps-${algorithm}.yaml`);
    writeFileSync(file, snippet!);
    const { config: loaded } = loadConfig({ file, env: {} });
    expect(loaded.applications).toEqual([
      {
        id: "intranet",
        origins: ["https://intranet.example", "http://localhost:3000"],
        publicKey: entry.applications[0]!.publicKey,
        trustOrigin: false,
        confirmFinalTry: false,
      },
    ]);
    const privateKey = createPrivateKey(privateKeyPart!.slice(privateKeyPart!.indexOf("-----BEGIN")));
    const hash = algorithm === "ed25519" ? null : "sha256";
    const signature = sign(hash, Buffer.from("challenge"), privateKey);
    expect(verify(hash, Buffer.from("challenge"), createPublicKey(loaded.applications[0]!.publicKey!), signature)).toBe(true);
  });

  it("create-api-key prints a key once and an entry holding only its hash, which shared mode accepts", async () => {
    const { code, stdout } = await openScws(["create-api-key", "--id", "billing", "--token", "pkcs11:token=cli%20one", "--rate", "2.5", "--burst", "10"]);
    expect(code).toBe(0);
    const [snippet, keyPart] = stdout.split("\n\n");
    const key = keyPart!.trim().split("\n").at(-1)!;
    expect(key).toMatch(/^scws_[\w-]{43}$/);
    expect(snippet).not.toContain(key);
    const file = join(sandbox.dir, "shared.yaml");
    writeFileSync(file, `mode: shared\n${snippet}\n`);
    const { config: loaded } = loadConfig({ file, env: {} });
    expect(loaded.apiKeys).toEqual([
      {
        id: "billing",
        keyHash: `sha256:${createHash("sha256").update(key).digest("hex")}`,
        tokens: ["pkcs11:token=cli%20one"],
        requestsPerSecond: 2.5,
        burst: 10,
      },
    ]);
    expect(new ApiKeys(loaded.apiKeys).authenticate(key)).toEqual({ id: "billing", tokens: ["pkcs11:token=cli%20one"] });
  });

  it.each([
    [["create-api-key"], "--id is required"],
    [["create-api-key", "--id", "a", "--token", "token=x"], '--token "token=x" is not a PKCS#11 URI'],
    [["create-api-key", "--id", "a", "--rate", "0"], '--rate must be a positive number, not "0"'],
    [["create-api-key", "--id", "a", "--burst", "1.5"], '--burst must be a positive integer, not "1.5"'],
  ])("create-api-key refuses %j with exit 2", async (args, message) => {
    const { code, stderr } = await openScws(args);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });

  it("service-key prints the public key the service signs its proofs with, making it once", async () => {
    const dataDir = join(sandbox.dir, "service-key-data");
    const first = await openScws(["service-key", "--data-dir", dataDir], env);
    const second = await openScws(["service-key", "--data-dir", dataDir], env);
    expect(first.code).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    const key = loadOrCreateServiceKey(join(dataDir, "service-key.pem"));
    expect(first.stdout).toContain(`# The service key ${key.keyId} `);
    expect(first.stdout.slice(first.stdout.indexOf("-----BEGIN"))).toBe(key.publicKeyPem);
    expect(statSync(join(dataDir, "service-key.pem")).mode & 0o777).toBe(0o600);
    const proof = key.prove("ab".repeat(16));
    expect(verify(null, Buffer.from(serviceMessage("ab".repeat(16))), createPublicKey(key.publicKeyPem), Buffer.from(proof.cryptogram, "hex"))).toBe(true);
  });

  it("register-app refuses an existing --private-key-out file with exit 2, leaving it untouched and printing no entry", async () => {
    const existing = join(sandbox.dir, "existing-key.pem");
    writeFileSync(existing, "an older key");
    const { code, stdout, stderr } = await openScws([
      "register-app",
      "--id",
      "intranet",
      "--origin",
      "https://intranet.example",
      "--private-key-out",
      existing,
    ]);
    expect(code).toBe(2);
    expect(stderr).toContain(`--private-key-out "${existing}" exists`);
    expect(stdout).toBe("");
    expect(readFileSync(existing, "utf8")).toBe("an older key");
  });

  it("register-app refuses an origin with a path, with exit 2", async () => {
    const { code, stderr } = await openScws(["register-app", "--id", "intranet", "--origin", "https://intranet.example/app"]);
    expect(code).toBe(2);
    expect(stderr).toContain('--origin "https://intranet.example/app" is not an origin');
  });

  it("start says plainly that its port is taken, and exits 1", async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const { code, stderr } = await openScws(["start", "--config", config], { ...env, SCWS_PORT: String(port) });
      expect(code).toBe(1);
      expect(stderr).toContain(`open SCWS could not start: listen EADDRINUSE: address already in use 127.0.0.1:${port}`);
    } finally {
      taken.close();
    }
  });
});
