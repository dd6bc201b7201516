// What the host process costs per call: getTokenInfo on SoftHSM through an InProcessHost and through an IsolatedHost
// (the bundled host process, as a release runs it), one call at a time and 16 at once.
// Run: cd apps/server && npx vitest bench --run src/pkcs11/isolated/host-overhead.bench.ts
import { SoftHsmSandbox, softHsmModule } from "@open-scws/softhsm";
import { afterAll, beforeAll, bench, describe } from "vitest";
import { InProcessHost } from "../in-process-host.js";
import { bundleHostProcess } from "./fault-lab.fixture.js";
import { IsolatedHost } from "./isolated-host.js";

const sandbox = SoftHsmSandbox.temporary("scws-bench-");
sandbox.initToken("alpha");
process.env.SOFTHSM2_CONF = sandbox.confPath;
const bundle = bundleHostProcess();
const options = { moduleId: "softhsm", library: softHsmModule, maxSessionsPerToken: 4 };
const inProcess = new InProcessHost(options);
const isolated = new IsolatedHost({ ...options, entry: bundle.entry });
let slot = "";

beforeAll(async () => {
  await Promise.all([inProcess.start(), isolated.start()]);
  slot = (await inProcess.listSlots()).find((candidate) => candidate.token?.label === "alpha")!.handle;
  for (let call = 0; call < 2_000; call += 1) await Promise.all([inProcess.getTokenInfo(slot), isolated.getTokenInfo(slot)]);
});

afterAll(async () => {
  await Promise.all([inProcess.stop(), isolated.stop()]);
  bundle.remove();
  sandbox.remove();
});

const sixteen = (call: () => Promise<unknown>) => Promise.all(Array.from({ length: 16 }, call));

describe("getTokenInfo, one call at a time", () => {
  bench("in process", () => inProcess.getTokenInfo(slot).then(() => undefined), { time: 2_000 });
  bench("host process", () => isolated.getTokenInfo(slot).then(() => undefined), { time: 2_000 });
});

describe("getTokenInfo, 16 calls at once (divide by 16 for a call)", () => {
  bench("in process", () => sixteen(() => inProcess.getTokenInfo(slot)).then(() => undefined), { time: 2_000 });
  bench("host process", () => sixteen(() => isolated.getTokenInfo(slot)).then(() => undefined), { time: 2_000 });
});
