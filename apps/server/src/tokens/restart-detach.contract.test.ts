// A module process that crashed and was replaced: ending a connection lost with it must not touch the
// connections made after the restart (the replacement never saw the lost one's sessions).

import { connectByLabel, faultModuleSetup, login, pinState, startTestService, type TestService } from "@open-scws/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const LABEL = "restarted-token";

describe("disconnecting a connection lost to a module restart", () => {
  let t: TestService;
  const faults = faultModuleSetup("faulty");
  beforeAll(async () => {
    t = await startTestService({
      tokenLabels: [LABEL],
      ...faults.options,
    });
  });
  afterAll(async () => {
    faults.control().reset();
    await t.close();
  });

  const attachedSlots = async () => Number(/^scws_pkcs11_attached_slots\{[^}]*\} (\d+)$/m.exec(await (await t.fetch("/metrics")).text())?.[1]);

  // Found by the soak test: the lost connection's detach reached the new process and closed the new connection's sessions.
  it("keeps the new connection's sessions and login, and the attached-slots gauge right", async () => {
    const lost = await connectByLabel(t, LABEL);
    faults.control().crash("C_GenerateRandom", "segv");
    const crashed = await t.client.POST("/v1/tokens/{tokenId}/random", { params: { path: { tokenId: lost } }, body: { length: 8 } });
    faults.control().reset();
    expect(crashed.response.status).toBe(502);
    expect(await attachedSlots()).toBe(0);

    const fresh = await connectByLabel(t, LABEL);
    expect((await login(t, fresh, t.tokens[LABEL]!.pin)).response.status).toBe(200);
    expect(await attachedSlots()).toBe(1);
    expect((await t.client.DELETE("/v1/tokens/{tokenId}", { params: { path: { tokenId: lost } } })).response.status).toBe(204);

    expect((await pinState(t, fresh)).data).toMatchObject({ validated: true });
    expect((await t.client.POST("/v1/tokens/{tokenId}/random", { params: { path: { tokenId: fresh } }, body: { length: 8 } })).response.status).toBe(200);
    expect(await attachedSlots()).toBe(1);
    await t.client.DELETE("/v1/tokens/{tokenId}", { params: { path: { tokenId: fresh } } });
    expect(await attachedSlots()).toBe(0);
  });
});
