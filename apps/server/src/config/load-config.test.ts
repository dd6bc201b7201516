import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serviceConfigSchema } from "@open-scws/spec";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, configFromEnvironment, loadConfig } from "./load-config.js";
import type { ServiceConfig } from "./service-config.js";

const dir = mkdtempSync(join(tmpdir(), "scws-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;

/** Writes a configuration file and returns its path. */
function file(text: string, extension = "yaml"): string {
  const path = join(dir, `config-${counter++}.${extension}`);
  writeFileSync(path, text);
  return path;
}

function problemsOf(path: string, env: NodeJS.ProcessEnv = {}): readonly string[] {
  try {
    loadConfig({ file: path, env });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("the configuration was accepted");
}

const ed25519 = generateKeyPairSync("ed25519").publicKey.export({ type: "spki", format: "pem" }).toString();
const rsa = generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey.export({ type: "spki", format: "pem" }).toString();
const k256 = generateKeyPairSync("ec", { namedCurve: "secp256k1" }).publicKey.export({ type: "spki", format: "pem" }).toString();
const app = (extra: string) => `applications:\n  - id: intranet\n    origins: ["https://intranet.example"]\n${extra}`;

const defaults: ServiceConfig = {
  mode: "local",
  listen: { host: "127.0.0.1", port: 8930 },
  allowedHostNames: [],
  bodyLimitBytes: 1048576,
  http: { headersTimeoutMs: 10000, requestTimeoutMs: 30000, keepAliveTimeoutMs: 5000 },
  logLevel: "info",
  dataDir: "data",
  pinPolicy: { maxTries: 3, soMaxTries: 3 },
  pinRequests: { ttlSeconds: 120 },
  autoLogin: { maxSeconds: 900, maxUses: 100 },
  readerPollMs: 500,
  modules: [{ id: "softhsm", library: "/usr/lib/softhsm/libsofthsm2.so", maxSessionsPerToken: 4 }],
  moduleIsolation: "process",
  exposeTokens: [],
  applications: [],
  environments: {
    idleTimeoutSeconds: 900,
    challengeTtlSeconds: 120,
    maxEnvironments: 256,
    maxEnvironmentsPerApplication: 64,
    maxConnectionsPerEnvironment: 32,
    maxConcurrentRequests: 64,
  },
  apiKeys: [],
  auditLog: "audit.jsonl",
  trustAnchors: [],
  shutdown: { drainTimeoutMs: 10000 },
};

describe("a configuration file that is refused", () => {
  it.each([
    ["a YAML syntax error", "listen: [port: 1\n", /^\(file\): not valid YAML or JSON/],
    ["a JSON syntax error", '{"listen": {"port": 1,}', /^\(file\): not valid JSON: .+ at line 1, column \d+$/],
    ["a key given twice", "logLevel: info\nlogLevel: debug\n", /not valid YAML or JSON: Map keys must be unique/],
    ["a list at the top", "- mode: local\n", /^\(file\): it must hold a mapping of options/],
    ["a misspelt option", "lisen:\n  port: 1\n", /^lisen: is not an option \(did you mean "listen"\?\)$/],
    ["an unknown nested option", "listen:\n  prot: 8930\n", /^listen\.prot: is not an option \(did you mean "port"\?\)$/],
    ["a port out of range", "listen:\n  port: 70000\n", /^listen\.port: must be at most 65535, not 70000$/],
    ["a port that is not a number", "listen:\n  port: eighty\n", /^listen\.port: must be an integer, not "eighty"$/],
    ["an unknown mode", "mode: cluster\n", /^mode: must be one of local, shared, not "cluster"$/],
    ["an unknown log level", "logLevel: verbose\n", /^logLevel: must be one of fatal, error, warn, info, debug, trace, silent/],
    ["a non-loopback address in local mode", "listen:\n  host: 0.0.0.0\n", /^listen\.host: "0\.0\.0\.0" is not a loopback address; local mode/],
    ["an empty module list", "modules: []\n", /^modules: must list at least 1 item$/],
    ["a module without a library", "modules:\n  - id: hsm\n", /^modules\[0\]\.library: is required$/],
    ["a relative library path", "modules:\n  - id: hsm\n    library: libsofthsm2.so\n", /^modules\[0\]\.library: must match \^\/, not "libsofthsm2\.so"$/],
    ["an upper-case module id", "modules:\n  - id: SoftHSM\n    library: /x.so\n", /^modules\[0\]\.id: must match/],
    [
      "two modules with one id",
      "modules:\n  - {id: hsm, library: /a.so}\n  - {id: hsm, library: /b.so}\n",
      /^modules\[1\]\.id: "hsm" is already the id of modules\[0\]$/,
    ],
    [
      "no sessions per token",
      "modules:\n  - {id: hsm, library: /a.so, maxSessionsPerToken: 0}\n",
      /^modules\[0\]\.maxSessionsPerToken: must be at least 1, not 0$/,
    ],
    ["an unknown isolation for a module", "modules:\n  - {id: hsm, library: /a.so, isolation: thread}\n", /^modules\[0\]\.isolation: must be one of/],
    ["a token filter that is not a PKCS#11 URI", "exposeTokens: ['token=demo']\n", /^exposeTokens\[0\]: a PKCS#11 URI starts with "pkcs11:"$/],
    [
      "a token filter with a PIN in it",
      "exposeTokens: ['pkcs11:token=demo?pin-value=1234']\n",
      /^exposeTokens\[0\]: "pin-value" would put a PIN in the configuration/,
    ],
    ["a token filter naming an object", "exposeTokens: ['pkcs11:object=key1']\n", /^exposeTokens\[0\]: "object" names an object/],
    [
      "a token filter with a bad escape",
      "exposeTokens: ['pkcs11:token=a%ZZ']\n",
      /^exposeTokens\[0\]: the value of token has a character that must be percent-encoded/,
    ],
    [
      "an origin with a path",
      app(`    publicKey: ${JSON.stringify(ed25519)}\n`).replace("intranet.example", "intranet.example/app"),
      /^applications\[0\]\.origins\[0\]: "https:\/\/intranet\.example\/app" is not an origin/,
    ],
    ["an application without a key that does not trust its origins", app(""), /^applications\[0\]\.publicKey: is required unless trustOrigin is true$/],
    [
      "an application with a key that also trusts its origins",
      app(`    publicKey: ${JSON.stringify(ed25519)}\n    trustOrigin: true\n`),
      /^applications\[0\]\.trustOrigin: an application with a publicKey must not/,
    ],
    [
      "an application with a short RSA key",
      app(`    publicKey: ${JSON.stringify(rsa)}\n`),
      /^applications\[0\]\.publicKey: is an RSA key of 1024 bits; use 2048 bits or more$/,
    ],
    [
      "an application with a key on an unsupported curve",
      app(`    publicKey: ${JSON.stringify(k256)}\n`),
      /^applications\[0\]\.publicKey: is a EC secp256k1 key/,
    ],
    [
      "shared mode beyond loopback without TLS",
      "mode: shared\nlisten: {host: 0.0.0.0}\napiKeys: [{id: a, keyHash: 'sha256:" + "0".repeat(64) + "'}]\n",
      /^tls: is required to listen on 0\.0\.0\.0/,
    ],
    ["shared mode without API keys", "mode: shared\n", /^apiKeys: shared mode needs at least one API key/],
    ["an API key hash that is not SHA-256", "apiKeys: [{id: a, keyHash: 'md5:abc'}]\n", /^apiKeys\[0\]\.keyHash: must match/],
    ["an application with a garbled key", app("    publicKey: not a key\n"), /^applications\[0\]\.publicKey: is not a PEM public key/],
    [
      "a headers timeout longer than the request timeout",
      "http:\n  headersTimeoutMs: 5000\n  requestTimeoutMs: 1000\n",
      /^http\.headersTimeoutMs: 5000 is longer than http\.requestTimeoutMs \(1000\)/,
    ],
    ["a drain timeout that is negative", "shutdown:\n  drainTimeoutMs: -1\n", /^shutdown\.drainTimeoutMs: must be at least 0, not -1$/],
    ["a body limit given as text", "bodyLimitBytes: 1MB\n", /^bodyLimitBytes: must be an integer, not "1MB"$/],
  ])("refuses %s, naming the option", (_name, text, expected) => {
    expect(problemsOf(file(text, text.startsWith("{") ? "json" : "yaml"))).toEqual(expect.arrayContaining([expect.stringMatching(expected)]));
  });

  it("lists every problem of a file at once", () => {
    const problems = problemsOf(file("mode: cluster\nlisten:\n  port: -1\nlogLevel: loud\n"));
    expect(problems).toHaveLength(3);
    expect(problems.map((problem) => problem.split(":")[0])).toEqual(expect.arrayContaining(["mode", "listen.port", "logLevel"]));
  });

  it("lists the problems beyond the schema in the same pass as the schema's", () => {
    const problems = problemsOf(file("listen:\n  port: abc\nmodules:\n  - {id: hsm, library: /a.so}\n  - {id: hsm, library: /b.so}\napplications: 3\n"));
    expect(problems).toEqual([
      'listen.port: must be an integer, not "abc"',
      "applications: must be an array, not 3",
      'modules[1].id: "hsm" is already the id of modules[0]',
    ]);
  });

  it("reads a .json file as strict JSON: a trailing comma is an error at its line and column", () => {
    const text = '{\n  "listen": {"port": 8930,}\n}\n';
    expect(problemsOf(file(text, "json"))).toEqual(["(file): not valid JSON: Expected double-quoted property name at line 2, column 27"]);
    // The same text in a .yaml file is YAML, where a trailing comma in a flow mapping is allowed.
    expect(loadConfig({ file: file(text, "yaml"), env: {} }).config.listen.port).toBe(8930);
  });

  it("says where a YAML error is in one clean line, without a dangling colon", () => {
    const problems = problemsOf(file("listen: port: 8930\n"));
    expect(problems).toEqual(["(file): not valid YAML or JSON: Nested mappings are not allowed in compact mappings at line 1, column 9"]);
  });

  it("says which file it could not read", () => {
    expect(() => loadConfig({ file: join(dir, "missing.yaml"), env: {} })).toThrow(/missing\.yaml\) is invalid:\n {2}- \(file\): cannot read it: ENOENT/);
  });
});

describe("a configuration that is accepted", () => {
  it("takes every default from the schema, which yields a complete ServiceConfig", () => {
    expect(loadConfig({ env: {} }).config).toEqual(defaults);
    expect(loadConfig({ file: file(""), env: {} }).config).toEqual(defaults);
  });

  it("has a schema entry, with a description, for every option of ServiceConfig and no other", () => {
    const walk = (schema: Record<string, unknown>, value: unknown, path: string): string[] => {
      const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
      if (schema.type !== "object") return [];
      const keys = new Set([...Object.keys(properties), ...Object.keys(value as object)]);
      return [...keys].flatMap((key) => {
        const child = properties[key];
        if (!child) return [`${path}${key} is in ServiceConfig but not in the schema`];
        // An option with no default (serviceKeyFile, tls) is absent from the defaults, and optional in ServiceConfig.
        if (!(key in (value as object))) return child.default === undefined ? [] : [`${path}${key} is in the schema but not in ServiceConfig`];
        if (typeof child.description !== "string") return [`${path}${key} has no description`];
        return walk(child, (value as Record<string, unknown>)[key], `${path}${key}.`);
      });
    };
    expect(walk(serviceConfigSchema, defaults, "")).toEqual([]);
  });

  it("reads YAML and JSON files, several modules, token URIs and applications", () => {
    const yaml = file(
      `mode: shared\nlisten: {host: 0.0.0.0, port: 9000}\ntls: {certFile: ${JSON.stringify(file("cert"))}, keyFile: ${JSON.stringify(file("key"))}}\napiKeys: [{id: billing, keyHash: "sha256:${"a".repeat(64)}"}]\nmodules:\n  - {id: softhsm, library: /usr/lib/softhsm/libsofthsm2.so}\n  - {id: opensc, library: /usr/lib/x86_64-linux-gnu/opensc-pkcs11.so, maxSessionsPerToken: 2}\nexposeTokens: ["pkcs11:token=demo;manufacturer=SoftHSM%20project"]\n${app(`    publicKey: ${JSON.stringify(ed25519)}\n`)}`,
    );
    const { config } = loadConfig({ file: yaml, env: {} });
    expect(config).toMatchObject({
      mode: "shared",
      listen: { host: "0.0.0.0", port: 9000 },
      exposeTokens: ["pkcs11:token=demo;manufacturer=SoftHSM%20project"],
    });
    expect(config.modules.map((module) => [module.id, module.maxSessionsPerToken])).toEqual([
      ["softhsm", 4],
      ["opensc", 2],
    ]);
    expect(config.applications[0]).toMatchObject({ id: "intranet", origins: ["https://intranet.example"] });
    expect(loadConfig({ file: file(JSON.stringify({ listen: { port: 0 } }), "json"), env: {} }).config.listen.port).toBe(0);
  });

  it("refuses TLS files that do not exist here, unless the configuration is checked for another machine", () => {
    const text = `mode: shared\nlisten: {host: 0.0.0.0}\ntls: {certFile: /etc/elsewhere/tls.crt, keyFile: /etc/elsewhere/tls.key}\napiKeys: [{id: a, keyHash: 'sha256:${"0".repeat(64)}'}]\n`;
    expect(problemsOf(file(text))).toEqual([
      expect.stringMatching(/^tls\.certFile: \/etc\/elsewhere\/tls\.crt does not exist/),
      expect.stringMatching(/^tls\.keyFile: \/etc\/elsewhere\/tls\.key does not exist/),
    ]);
    expect(loadConfig({ file: file(text), env: {}, checkFiles: false }).config.tls).toEqual({
      certFile: "/etc/elsewhere/tls.crt",
      keyFile: "/etc/elsewhere/tls.key",
    });
  });

  it("warns, without refusing, about a module library that does not exist", () => {
    const { warnings } = loadConfig({ file: file("modules:\n  - {id: gone, library: /nonexistent/libgone.so}\n"), env: {} });
    expect(warnings).toEqual([expect.stringMatching(/^modules\[0\]\.library: \/nonexistent\/libgone\.so does not exist/)]);
  });
});

describe("environment variables over the file", () => {
  it("override the file's options, and today's SCWS_* variables keep working", () => {
    const path = file("listen:\n  port: 9000\nlogLevel: warn\n");
    const env = {
      SCWS_PORT: "0",
      SCWS_LISTEN_HOST: "::1",
      SCWS_ALLOWED_HOSTS: "scws.example, other.example",
      SCWS_PKCS11_MODULE: "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so",
      SCWS_LOG_LEVEL: "debug",
      SCWS_DATA_DIR: "/var/lib/open-scws",
      SCWS_EXPOSE_TOKENS: "pkcs11:token=a pkcs11:token=b,c",
    };
    const { config, source } = loadConfig({ file: path, env });
    expect(config).toMatchObject({
      listen: { host: "::1", port: 0 },
      allowedHostNames: ["scws.example", "other.example"],
      modules: [{ id: "opensc-pkcs11", library: "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so" }],
      logLevel: "debug",
      dataDir: "/var/lib/open-scws",
      exposeTokens: ["pkcs11:token=a", "pkcs11:token=b,c"],
    });
    expect(source).toMatch(new RegExp(`^${path} with .*SCWS_PORT`));
  });

  it("name the variable when its value is wrong", () => {
    expect(() => configFromEnvironment({ SCWS_PORT: "99999" })).toThrow(/listen\.port \(from SCWS_PORT\): must be at most 65535, not 99999/);
    expect(() => configFromEnvironment({ SCWS_LISTEN_HOST: "0.0.0.0" })).toThrow(/listen\.host \(from SCWS_LISTEN_HOST\): "0\.0\.0\.0" is not a loopback/);
  });

  it("keep the module id softhsm for SoftHSM and take SCWS_PKCS11_MODULE_ID when given", () => {
    expect(configFromEnvironment({ SCWS_PKCS11_MODULE: "/usr/lib/softhsm/libsofthsm2.so" }).modules[0]?.id).toBe("softhsm");
    expect(configFromEnvironment({ SCWS_PKCS11_MODULE: "/opt/hsm/libvendor.so", SCWS_PKCS11_MODULE_ID: "hsm" }).modules[0]?.id).toBe("hsm");
  });

  it("lose to command-line overrides", () => {
    expect(loadConfig({ env: { SCWS_DATA_DIR: "/a" }, overrides: { dataDir: "/b" } }).config.dataDir).toBe("/b");
  });
});
