import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { InProcessHost } from "../in-process-host.js";
import { ended, type FaultLab, faultLab, hasEnded, hostProcessIds, isGone, slotOf } from "./fault-lab.fixture.js";
import { HostProcess } from "./host-process.js";
import { DEFAULT_CALL_TIMEOUTS, type IsolatedHost } from "./isolated-host.js";

describe("an isolated PKCS#11 host", () => {
  let lab: FaultLab;
  let host: IsolatedHost;
  beforeAll(async () => {
    lab = faultLab(["alpha", "beta"]);
    host = lab.host();
    await host.start();
  });
  afterAll(() => lab.close());

  it("runs the module in a child process, not in this one", () => {
    expect(host.pid).toBeGreaterThan(0);
    expect(host.pid).not.toBe(process.pid);
    expect(hostProcessIds()).toContain(host.pid);
  });

  it("gives the host process this process's environment (SOFTHSM2_CONF, SCWS_FAULT_CONTROL) and a libuv pool sized for slow calls", () => {
    const environment = readFileSync(`/proc/${host.pid}/environ`, "utf8").split("\0");
    expect(environment).toEqual(
      expect.arrayContaining([`SOFTHSM2_CONF=${lab.sandbox.confPath}`, `SCWS_FAULT_CONTROL=${lab.control.path}`, "UV_THREADPOOL_SIZE=16"]),
    );
  });

  it("forwards every method an InProcessHost has, by name", () => {
    const methods = Object.getOwnPropertyNames(InProcessHost.prototype).filter((name) => name !== "constructor");
    for (const name of methods) expect(typeof (host as unknown as Record<string, unknown>)[name], name).toBe("function");
  });

  it("answers listSlots and getTokenInfo as the module does, with the environment of this process (SOFTHSM2_CONF)", async () => {
    const slots = await host.listSlots();
    expect(slots.map((slot) => slot.token?.label)).toEqual(expect.arrayContaining(["alpha", "beta"]));
    const alpha = slots.find((slot) => slot.token?.label === "alpha")!;
    expect(await host.getTokenInfo(alpha.handle)).toEqual(alpha.token);
  });

  it("attaches and detaches a token", async () => {
    const beta = await slotOf(host, "beta");
    await host.attach(beta);
    await host.attach(beta);
    await host.detach(beta);
    await host.detach(beta);
    expect((await host.getTokenInfo(beta)).label).toBe("beta");
  });

  it("relays a PKCS#11 failure as a Pkcs11Error-shaped error with its CK_RV", async () => {
    const alpha = await slotOf(host, "alpha");
    lab.control.fail("C_GetTokenInfo", "CKR_FUNCTION_FAILED", { token: "alpha", count: 1 });
    await expect(host.getTokenInfo(alpha)).rejects.toMatchObject({ name: "Pkcs11Error", code: 0x6, message: "CKR_FUNCTION_FAILED" });
    expect((await host.getTokenInfo(alpha)).label).toBe("alpha");
    lab.control.reset();
  });

  it("relays a bad argument as the TypeError pkcs11js throws", async () => {
    await expect(host.getTokenInfo("00")).rejects.toBeInstanceOf(TypeError);
  });

  it("gives every call 10 s and key generation 120 s by default", () => {
    expect(DEFAULT_CALL_TIMEOUTS.defaultMs).toBe(10_000);
    expect(DEFAULT_CALL_TIMEOUTS.methods).toMatchObject({ generateKey: 120_000, generateKeyPair: 120_000 });
  });
});

describe("stopping an isolated host", () => {
  let lab: FaultLab;
  beforeAll(() => {
    lab = faultLab(["alpha"]);
  });
  afterAll(() => lab.close());

  const fork = () =>
    new HostProcess(
      { module: { moduleId: "faulty", library: lab.library, maxSessionsPerToken: 2 }, env: lab.env, threadPoolSize: 4, entry: lab.entry },
      () => undefined,
    );

  it("ends its host processes (the spare too) and leaves no zombie", async () => {
    const host = lab.host();
    await host.start();
    await host.attach(await slotOf(host, "alpha"));
    const pids = hostProcessIds();
    expect(pids).toContain(host.pid);
    await host.stop();
    expect(pids.filter((pid) => !isGone(pid))).toEqual([]);
    expect(hostProcessIds()).toEqual([]);
  });

  it("finalises the module in the host process, which then exits by itself with code 0", async () => {
    const process = fork();
    await process.ready(10_000);
    await process.call("start", [], 10_000);
    await process.stop(10_000);
    expect(await process.exited).toEqual({ code: 0, signal: null });
  });

  it("calls C_Finalize while stopping: a module that exits in C_Finalize ends the process with its code", async () => {
    const process = fork();
    await process.ready(10_000);
    await process.call("start", [], 10_000);
    lab.control.crash("C_Finalize", "exit");
    await process.stop(10_000);
    lab.control.reset();
    expect(await process.exited).toEqual({ code: 70, signal: null });
  });

  it("keeps the service's event loop alive until a killed host process is reaped, even with nothing else pending", async () => {
    const standInRun = spawnSync(process.execPath, ["--import", "tsx", standIn, "kill", lab.library, lab.entry], {
      env: lab.env,
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(standInRun.stdout).toBe("ended\n");
    expect(standInRun.status).toBe(0);
  });

  it("kills a host process whose module hangs in C_Finalize once the stop timeout has passed", async () => {
    const host = lab.host({ timeouts: { methods: { stop: 500 } } });
    await host.start();
    const pid = host.pid!;
    lab.control.hang("C_Finalize");
    await host.stop();
    lab.control.reset();
    expect(isGone(pid)).toBe(true);
    expect(hostProcessIds()).toEqual([]);
  });

  it("refuses calls after stop with CKR_CRYPTOKI_NOT_INITIALIZED", async () => {
    const host = lab.host();
    await host.start();
    await host.stop();
    await expect(host.listSlots()).rejects.toMatchObject({ name: "Pkcs11Error", code: 0x190 });
  });
});

describe("a module an isolated host cannot load", () => {
  it("fails start() with the loader's reason and leaves no process behind", async () => {
    const lab = faultLab([]);
    onTestFinished(() => lab.close());
    const host = lab.host({ library: "/nonexistent/libmissing.so" });
    await expect(host.start()).rejects.toThrow(/libmissing\.so/);
    expect(hostProcessIds()).toEqual([]);
    await expect(host.listSlots()).rejects.toMatchObject({ code: 0x190 });
  });
});

const standIn = fileURLToPath(new URL("./service-stand-in.fixture.ts", import.meta.url));

describe("a host process whose service died", () => {
  it("ends by itself when the service's process dies, leaving no orphan", async () => {
    const lab = faultLab(["alpha"]);
    onTestFinished(() => lab.close());
    const parent = spawn(process.execPath, ["--import", "tsx", standIn, "orphan", lab.library, lab.entry], {
      env: lab.env,
      stdio: ["ignore", "pipe", "inherit"],
    });
    onTestFinished(() => {
      parent.kill("SIGKILL");
    });
    const hostPid = await new Promise<number>((resolve) => parent.stdout.once("data", (data: Buffer) => resolve(Number(data.toString().trim()))));
    const orphans = hostProcessIds(parent.pid);
    expect(orphans).toContain(hostPid);
    parent.kill("SIGKILL");
    // The module's process and the spare: each ends by itself.
    for (const pid of orphans) expect(await ended(pid, hasEnded)).toBe(true);
  });
});
