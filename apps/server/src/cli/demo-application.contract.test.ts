// `open-scws start --demo` registers the service's own origins as a development application, so that the demo page
// (served by the service) and a person with curl get an environment without a signature, and nobody else does.

import { freePort, startTestService, type TestService } from "@open-scws/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configFromEnvironment } from "../config/load-config.js";
import { DEMO_APPLICATION_ID, withDemoApplication } from "./demo.js";

describe("the demo's development registration", () => {
  let t: TestService;
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    t = await startTestService({
      tokenLabels: ["demo-app token"],
      configure: (config) => withDemoApplication({ ...config, listen: { ...config.listen, port } }),
    });
  });
  afterAll(() => t.close());

  const environmentFor = async (origin: string) => {
    const headers = { origin };
    const challenge = await t.anonymous.POST("/v1/environments/challenges", { body: { applicationId: DEMO_APPLICATION_ID }, headers });
    if (!challenge.data) return { status: challenge.response.status, code: challenge.error?.code };
    const created = await t.anonymous.POST("/v1/environments", { body: { challengeId: challenge.data.challengeId }, headers });
    return { status: created.response.status, credential: created.data?.credential };
  };

  it.each(["http://127.0.0.1", "http://localhost", "http://[::1]"])(
    "gives a page of %s on the service's port an environment without a signature",
    async (host) => {
      const made = await environmentFor(`${host}:${port}`);
      expect(made.status).toBe(201);
      t.addCanary(made.credential!);
      const readers = await t.anonymous.GET("/v1/readers", { headers: { origin: `${host}:${port}`, "x-scws-environment": made.credential! } });
      expect(readers.data?.readers.map((reader) => reader.token?.label)).toContain("demo-app token");
    },
  );

  it("refuses a page on another port, and a program without an Origin", async () => {
    const other = await environmentFor(`http://127.0.0.1:${port + 1}`);
    expect(other.status).toBe(403);
    const program = await t.anonymous.POST("/v1/environments/challenges", { body: { applicationId: DEMO_APPLICATION_ID } });
    expect([program.response.status, program.error?.code]).toEqual([403, "SCWS_APPLICATION_UNKNOWN"]);
  });

  it("is not added when the configuration registers its own demo application, or the port is chosen at start", () => {
    const base = configFromEnvironment({ SCWS_PORT: "8930" });
    const own = { ...base, applications: [{ id: DEMO_APPLICATION_ID, origins: ["http://localhost:3000"], trustOrigin: true }] };
    expect(withDemoApplication(own)).toBe(own);
    const ephemeral = { ...base, listen: { host: "127.0.0.1", port: 0 } };
    expect(withDemoApplication(ephemeral)).toBe(ephemeral);
    expect(withDemoApplication({ ...base, tls: { certFile: "c", keyFile: "k" } }).applications.at(-1)?.origins).toEqual([
      "https://127.0.0.1:8930",
      "https://localhost:8930",
      "https://[::1]:8930",
    ]);
  });
});
