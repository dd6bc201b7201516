// A module that cannot be loaded, or that crashes while initialising, in its host process: the service starts all
// the same, getServiceInfo says why, reader calls answer CKR_LIBRARY_LOAD_FAILED, and no host process is left behind.

import { startTestService, type TestService } from "@open-scws/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FaultLab, faultLab, hostProcessIds } from "./fault-lab.fixture.js";

describe.each([
  ["cannot be loaded", "/nonexistent/libmissing.so", undefined, /libmissing\.so/],
  ["crashes in C_Initialize", "fault module", "segv", /crashed \(SIGSEGV\)/],
] as const)("an isolated module that %s", (_what, library, crash, reason) => {
  let lab: FaultLab;
  let t: TestService;
  beforeAll(async () => {
    lab = faultLab([]);
    if (crash) lab.control.crash("C_Initialize", crash);
    process.env.SCWS_FAULT_CONTROL = lab.control.path;
    t = await startTestService({
      configure: (config) => ({
        ...config,
        moduleIsolation: "process",
        modules: [{ id: "vendor", library: library === "fault module" ? lab.library : library, maxSessionsPerToken: 2 }],
      }),
    });
  });
  afterAll(async () => {
    await t.close();
    await lab.close();
    delete process.env.SCWS_FAULT_CONTROL;
  });

  it("does not stop the service from starting, and getServiceInfo says why", async () => {
    const { data, response } = await t.client.GET("/v1/service");
    expect(response.status).toBe(200);
    expect(data?.modules).toEqual([{ id: "vendor", status: "failed", reason: expect.stringMatching(reason) }]);
  });

  it("answers reader calls with CKR_LIBRARY_LOAD_FAILED", async () => {
    const { error, response } = await t.client.GET("/v1/readers");
    expect(response.status).toBe(503);
    expect(error).toMatchObject({ code: "CKR_LIBRARY_LOAD_FAILED", customData: { modules: [{ id: "vendor" }] } });
  });

  it("leaves no host process running", () => {
    expect(hostProcessIds()).toEqual([]);
  });
});
