// `crash` and `hang` in client processes, and a target module that cannot be loaded.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLOCK_NANOSLEEP, Client, type Lab, PIN, setupLab } from "./helpers.js";

let lab: Lab;

beforeAll(() => {
  lab = setupLab(["alpha", "beta"]);
});

afterAll(() => lab?.cleanup());

/** A client process that has loaded and initialised the module before any rule exists. */
async function readyClient(env: NodeJS.ProcessEnv = lab.env) {
  const client = new Client(lab.module, ["alpha", "beta"], env);
  expect(await client.next()).toEqual({ ready: true });
  return client;
}

describe("crash", () => {
  it("segv kills the process with SIGSEGV inside the named function", async () => {
    const client = await readyClient();
    try {
      expect(await client.send(`login alpha ${PIN}`)).toEqual({ ok: true });
      lab.control.crash("C_Login", "segv");
      expect(await client.send(`login alpha ${PIN}`)).toBeUndefined();
      expect(await client.exited(10_000)).toEqual({ code: null, signal: "SIGSEGV" });
    } finally {
      client.kill();
      lab.control.reset();
    }
  });

  it("abort kills the process with SIGABRT", async () => {
    const client = await readyClient();
    try {
      lab.control.crash("C_GetTokenInfo", "abort");
      expect(await client.send("info beta")).toBeUndefined();
      expect(await client.exited(10_000)).toEqual({ code: null, signal: "SIGABRT" });
    } finally {
      client.kill();
      lab.control.reset();
    }
  });

  it("exit ends the process with status 70", async () => {
    const client = await readyClient();
    try {
      lab.control.crash("C_GetTokenInfo", "exit");
      expect(await client.send("info alpha")).toBeUndefined();
      expect(await client.exited(10_000)).toEqual({ code: 70, signal: null });
    } finally {
      client.kill();
      lab.control.reset();
    }
  });

  it("with token= and after=2 spares other tokens and the first two calls", async () => {
    const client = await readyClient();
    try {
      lab.control.crash("C_Login", "segv", { token: "beta", after: 2 });
      expect(await client.send(`login alpha ${PIN}`)).toEqual({ ok: true });
      expect(await client.send(`login beta ${PIN}`)).toEqual({ ok: true });
      expect(await client.send(`login beta ${PIN}`)).toEqual({ ok: true });
      expect(await client.send(`login alpha ${PIN}`)).toEqual({ ok: true });
      expect(await client.send(`login beta ${PIN}`)).toBeUndefined();
      expect(await client.exited(10_000)).toEqual({ code: null, signal: "SIGSEGV" });
    } finally {
      client.kill();
      lab.control.reset();
    }
  });

  it("also crashes pkcs11-tool, a process that loaded the module with the rule already in place", () => {
    lab.control.crash("C_GetSlotList", "abort");
    try {
      const result = spawnSync("sh", ["-c", 'ulimit -c 0; exec pkcs11-tool --module "$0" --list-slots', lab.module], {
        env: lab.env,
        encoding: "utf8",
        timeout: 30_000,
      });
      expect(result.signal).toBe("SIGABRT");
    } finally {
      lab.control.reset();
    }
  });
});

/**
 * Resolves once the client's main thread sleeps in the hang, as /proc says: the event that the call is hanging,
 * rather than a time after which it presumably is. The 10 ms is how often /proc is read, never a verdict.
 */
async function hangingIn(client: Client): Promise<void> {
  const syscall = () => readFileSync(`/proc/${client.proc.pid}/syscall`, "utf8").split(" ")[0];
  while (syscall() !== CLOCK_NANOSLEEP) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe("hang", () => {
  it("blocks the named function for good: the call never answers, the process stays alive until killed", async () => {
    const client = await readyClient();
    const other = await readyClient();
    try {
      lab.control.hang("C_OpenSession", { token: "alpha" });
      expect(await client.send(`login beta ${PIN}`)).toEqual({ ok: true }); // other token fine
      client.proc.stdin!.write(`login alpha ${PIN}\n`);
      await hangingIn(client);
      lab.control.reset(); // too late for the call already hanging
      // The reset is in force (another process logs in to alpha), and the hung call still sleeps in the module.
      expect(await other.send(`login alpha ${PIN}`)).toEqual({ ok: true });
      await hangingIn(client);
      client.kill();
      // Killed, not ended on its own, and without ever having answered the login.
      expect(await client.exited(10_000)).toEqual({ code: null, signal: "SIGKILL" });
      expect(await client.next(0)).toBeUndefined();
    } finally {
      client.kill();
      other.kill();
      lab.control.reset();
    }
  });
});

describe("missing target", () => {
  const missing = join("/nonexistent", "libnothing.so");

  it("still hands out the function list, fails C_Initialize with CKR_GENERAL_ERROR and prints the dlerror once", async () => {
    const client = new Client(lab.module, [], { ...lab.env, SCWS_FAULT_TARGET: missing });
    try {
      expect(await client.next()).toEqual({ ready: false, ok: false, error: "CKR_GENERAL_ERROR" });
      expect(await client.exited(10_000)).toEqual({ code: 0, signal: null });
      const lines = client.stderr.split("\n").filter((l) => l.includes("cannot load target"));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`${missing}: cannot open shared object file`);
    } finally {
      client.kill();
    }
  });

  it("makes pkcs11-tool fail with CKR_GENERAL_ERROR from C_Initialize", () => {
    const result = spawnSync("pkcs11-tool", ["--module", lab.module, "--list-slots"], {
      env: { ...lab.env, SCWS_FAULT_TARGET: missing },
      encoding: "utf8",
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/C_Initialize.*CKR_GENERAL_ERROR|CKR_GENERAL_ERROR.*C_Initialize/);
    expect(result.stderr).toContain("cannot load target PKCS#11 module");
  });

  it("rejects a library without C_GetFunctionList the same way", async () => {
    const client = new Client(lab.module, [], { ...lab.env, SCWS_FAULT_TARGET: "libz.so.1" });
    try {
      expect(await client.next()).toEqual({ ready: false, ok: false, error: "CKR_GENERAL_ERROR" });
      expect(client.stderr).toMatch(/target libz\.so\.1 has no C_GetFunctionList/);
    } finally {
      client.kill();
    }
  });
});
