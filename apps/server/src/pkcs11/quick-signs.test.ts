// Single signatures made synchronously once a key proved quick (`inlineQuickSigns`, as the host process's lanes run):
// every signature must still be right, concurrent ones too, and a failure on that path must leave the host usable.
import { pkcs11ToolAsUser, SoftHsmSandbox, softHsmModule } from "@open-scws/softhsm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InProcessHost } from "./in-process-host.js";

const CKA_CLASS = 0x0;
const CKO_PUBLIC_KEY = 2;
const CKO_PRIVATE_KEY = 3;
const CKM_ECDSA = 0x1041;

describe("an in-process host that signs quick keys synchronously", () => {
  const sandbox = SoftHsmSandbox.temporary("scws-quick-");
  const host = new InProcessHost({ moduleId: "softhsm", library: softHsmModule, maxSessionsPerToken: 4, inlineQuickSigns: true });
  let slot: string;
  let privateKey: string;
  let publicKey: string;
  const digest = (index: number) => new Uint8Array(32).fill(index);

  beforeAll(async () => {
    const token = sandbox.initToken("quick");
    pkcs11ToolAsUser(sandbox, token, ["--keypairgen", "--key-type", "EC:prime256v1", "--id", "01", "--label", "quick-key"]);
    process.env.SOFTHSM2_CONF = sandbox.confPath;
    await host.start();
    slot = (await host.listSlots()).find((entry) => entry.token?.label === "quick")!.handle;
    await host.attach(slot);
    await host.login(slot, "user", token.pin);
    [privateKey] = (await host.findObjects(slot, [{ type: CKA_CLASS, value: CKO_PRIVATE_KEY }])) as [string];
    [publicKey] = (await host.findObjects(slot, [{ type: CKA_CLASS, value: CKO_PUBLIC_KEY }])) as [string];
  });
  afterAll(async () => {
    await host.stop();
    sandbox.remove();
  });

  it("makes signatures that verify, one after another and many at once", async () => {
    const sequential: Uint8Array[] = [];
    for (let index = 0; index < 20; index += 1) sequential.push(await host.sign(slot, { mechanism: CKM_ECDSA }, privateKey, digest(index)));
    const concurrent = await Promise.all(Array.from({ length: 12 }, (_, index) => host.sign(slot, { mechanism: CKM_ECDSA }, privateKey, digest(100 + index))));
    for (const [index, signature] of sequential.entries()) {
      expect(signature).toHaveLength(64);
      expect(await host.verify(slot, { mechanism: CKM_ECDSA }, publicKey, digest(index), signature)).toBe(true);
    }
    for (const [index, signature] of concurrent.entries())
      expect(await host.verify(slot, { mechanism: CKM_ECDSA }, publicKey, digest(100 + index), signature)).toBe(true);
    expect(await host.verify(slot, { mechanism: CKM_ECDSA }, publicKey, digest(1), sequential[0]!)).toBe(false);
  });

  it("passes on a failure of a quick key's signature as a Pkcs11Error, and signs again afterwards", async () => {
    for (let index = 0; index < 5; index += 1) await host.sign(slot, { mechanism: CKM_ECDSA }, privateKey, digest(index));
    // A context-specific login the key does not ask for fails between C_SignInit and C_Sign: that session is replaced.
    await expect(host.sign(slot, { mechanism: CKM_ECDSA }, privateKey, digest(7), "not-the-pin")).rejects.toMatchObject({ name: "Pkcs11Error" });
    const signature = await host.sign(slot, { mechanism: CKM_ECDSA }, privateKey, digest(8));
    expect(await host.verify(slot, { mechanism: CKM_ECDSA }, publicKey, digest(8), signature)).toBe(true);
  });
});
