// A module that crashes is restarted in a new host process, where no session or login survives: the service
// ends every connection to that module's tokens (CKR_DEVICE_REMOVED, reason moduleRestarted) and tells each
// owner its login ended, and a new connection works. Runs the fault-injecting module in the isolated host.
import { join } from "node:path";
import { buildFaultModule, FaultControl } from "@open-scws/pkcs11-faults";
import { SoftHsmSandbox } from "@open-scws/softhsm";
import { connectByLabel, type EventReader, followEvents, login, pinState, startTestService, type TestService } from "@open-scws/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

describe("connections to a module that crashed and was restarted", () => {
  const sandbox = SoftHsmSandbox.temporary();
  const faults = new FaultControl(join(sandbox.dir, "faults.control"));
  let t: TestService;
  let stream: EventReader;
  beforeAll(async () => {
    t = await startTestService({
      sandbox,
      tokenLabels: ["restart-card"],
      module: buildFaultModule(),
      moduleEnv: { SCWS_FAULT_CONTROL: faults.path },
      configure: (config) => ({ ...config, moduleIsolation: "process" }),
    });
    stream = await followEvents(t);
  });
  afterAll(async () => {
    stream.close();
    await t.close();
    sandbox.remove();
  });

  it("ends the connection and its login with CKR_DEVICE_REMOVED (moduleRestarted), then connects afresh", async () => {
    const tokenId = await connectByLabel(t, "restart-card");
    expect((await login(t, tokenId, t.tokens["restart-card"]!.pin)).data?.validated).toBe(true);

    faults.crash("C_GetTokenInfo", "segv");
    const crashed = await t.client.GET("/v1/tokens/{tokenId}", { params: { path: { tokenId } } });
    faults.reset();
    expect(crashed.error?.code).toBe("CKR_DEVICE_ERROR");

    const ended = await stream.next((e) => e.type === "loginStateChanged" && e.login?.tokenId === tokenId && e.login.reason === "moduleRestarted");
    expect(ended.login).toMatchObject({ validated: false, soValidated: false });
    const lost = await t.client.GET("/v1/tokens/{tokenId}/objects", { params: { path: { tokenId } } });
    expect(lost.response.status).toBe(409);
    expect(lost.error).toMatchObject({ code: "CKR_DEVICE_REMOVED", customData: { reason: "moduleRestarted" } });

    const again = await connectByLabel(t, "restart-card");
    expect((await pinState(t, again)).data?.validated).toBe(false);
    expect((await login(t, again, t.tokens["restart-card"]!.pin)).data?.validated).toBe(true);
  });
});
