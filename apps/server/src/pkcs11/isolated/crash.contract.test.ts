// A module crash while the service answers HTTP requests: the request in flight gets a problem+json with
// CKR_DEVICE_ERROR, the HTTP server stays up, the restart is logged, and the next request is answered.
import { join } from "node:path";
import type { paths } from "@open-scws/spec";
import { assertConforms, createEnvironment, testApplication } from "@open-scws/test-support";
import createClient from "openapi-fetch";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configFromEnvironment } from "../../config/load-config.js";
import { type RunningService, startService } from "../../server.js";
import { type FaultLab, faultLab } from "./fault-lab.fixture.js";

describe("a module that crashes under the HTTP server", () => {
  let lab: FaultLab;
  let service: RunningService;
  let credential: string;
  const logged: Array<{ msg: string; moduleId?: string; cause?: string; detail?: string }> = [];
  beforeAll(async () => {
    lab = faultLab(["alpha"]);
    const logger = pino({ level: "warn" }, { write: (line: string) => logged.push(JSON.parse(line)) });
    const application = testApplication();
    service = await startService(
      { ...configFromEnvironment({ SCWS_PORT: "0" }), dataDir: join(lab.sandbox.dir, "data"), applications: [application.config] },
      { hosts: [lab.host()], logger },
    );
    credential = await createEnvironment(createClient<paths>({ baseUrl: service.url }), application);
  });
  afterAll(async () => {
    await service.close();
    await lab.close();
  });

  it("answers the request in flight with 502 CKR_DEVICE_ERROR, logs the restart, then answers the next request", async () => {
    const readers = () => fetch(`${service.url}/v1/readers`, { headers: { "x-scws-environment": credential } });
    expect((await readers()).status).toBe(200);
    lab.control.crash("C_GetSlotList", "segv");
    const failed = await readers();
    lab.control.reset();
    expect(failed.status).toBe(502);
    expect(await assertConforms("GET", failed)).toMatchObject({
      code: "CKR_DEVICE_ERROR",
      customData: { reason: expect.stringContaining("crashed (SIGSEGV)"), moduleId: "faulty" },
    });
    expect(logged).toContainEqual(
      expect.objectContaining({ msg: expect.stringContaining("restarted"), moduleId: "faulty", cause: "crashed", detail: "SIGSEGV" }),
    );
    const answered = await readers();
    expect(answered.status).toBe(200);
    expect(await assertConforms("GET", answered)).toMatchObject({
      readers: expect.arrayContaining([expect.objectContaining({ token: expect.objectContaining({ label: "alpha" }) })]),
    });
  });
});
