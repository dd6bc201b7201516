import { join } from "node:path";
import { buildFaultModule, FaultControl } from "@open-scws/pkcs11-faults";
import { SoftHsmSandbox } from "@open-scws/softhsm";
import { startTestService, type TestService } from "@open-scws/test-support";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import type { Pin } from "../facade/pin.js";
import type { Reader } from "../facade/reader.js";
import { createScws, type LoginChangeReason, type Scws } from "../facade/scws.js";
import { Changes } from "../testing/changes.js";
import { openEnvironment } from "../testing/facade-token.js";

// SCWS's reader callbacks and SCWS.readers, fed by the real service's events while the fault-injecting module
// (over SoftHSM) pulls a token out and puts it back; once over a fetch stream, once by polls.

const CARD = "facade-events-card";
const OTHER = "facade-events-other";

interface Seen {
  readonly readers: string[];
  readonly logins: string[];
}

const changes = new Changes();

/** An SCWS object that records what its callbacks report. */
function watched(scws: Scws): Seen {
  // Each push wakes `until`.
  const seen: Seen = { readers: changes.list(), logins: changes.list() };
  const reader = (what: string) => (r: Reader) => void seen.readers.push(`${what} ${r.tokenSummary?.label ?? "-"} ${r.cardPresent} ${r.status}`);
  scws.onreaderadded = reader("added");
  scws.onreaderremoved = reader("removed");
  scws.onreaderstatechanged = reader("changed");
  scws.onloginstatechanged = (pin: Pin, why: LoginChangeReason) => void seen.logins.push(`${pin.token.label} ${why} ${pin.validated}`);
  return seen;
}

/**
 * Resolves once `condition` holds, checked after each callback; a wait that never ends fails by the test's own
 * timeout, whose report names the awaited `what` (no clock of its own: the service's events decide).
 */
async function until(what: string, condition: () => boolean): Promise<void> {
  onTestFailed(() => {
    if (!condition()) console.error(`still waiting for ${what}`);
  });
  await changes.until(condition);
}

describe("SCWS reader and login callbacks from the service's events, as a token disappears and reappears", () => {
  const sandbox = SoftHsmSandbox.temporary();
  const faults = new FaultControl(join(sandbox.dir, "faults.control"));
  let t: TestService;
  /** How many readers the service lists: the two tokens' and SoftHSM's spare slot. */
  let count: number;
  beforeAll(async () => {
    t = await startTestService({ sandbox, tokenLabels: [CARD, OTHER], module: buildFaultModule(), moduleEnv: { SCWS_FAULT_CONTROL: faults.path } });
    count = (await t.client.GET("/v1/readers")).data!.readers.length;
  });
  afterAll(async () => {
    await t.close();
    sandbox.remove();
  });

  for (const transport of ["fetch", "poll"] as const) {
    it(`fills SCWS.readers once an environment is created, then fires onreaderstatechanged and onloginstatechanged on removal and return (${transport})`, async () => {
      const scws = createScws({ ports: [t.service.port], events: transport });
      const seen = watched(scws);
      try {
        await openEnvironment(scws, t);
        // No updateReaderList(): createEnvironment reads the list, as SCWS's does, and the events follow.
        await until("the reader list", () => seen.readers.length === count);
        expect(seen.readers).toEqual(expect.arrayContaining([`added ${CARD} true ok`, `added ${OTHER} true ok`]));
        expect(scws.readers).toHaveLength(count);
        const reader = scws.readers.find((r) => r.tokenSummary?.label === CARD)!;

        const token = await reader.connect();
        await token.pins[0]!.login(t.tokens[CARD]!.pin);
        await until("the login event", () => seen.logins.length === 1);
        expect(seen.logins).toEqual([`${CARD} login true`]);

        faults.removeToken(CARD);
        await until("the removal", () => seen.readers.length === count + 1 && seen.logins.length === 2);
        expect(seen.readers[count]).toBe("changed - false ok");
        expect(reader.cardPresent).toBe(false);
        expect(scws.getReader(reader.name)).toBe(reader);
        expect(seen.logins[1]).toBe(`${CARD} tokenRemoved false`);
        expect(token.pins[0]!.validated).toBe(false);

        faults.restoreToken(CARD);
        await until("the return", () => seen.readers.length === count + 2);
        expect(seen.readers[count + 1]).toBe(`changed ${CARD} true ok`);
        expect(reader.tokenSummary).toMatchObject({ label: CARD, initialized: true });
        await token.disconnect().catch(() => {});
      } finally {
        scws.close();
        faults.restoreToken(CARD);
      }
    });
  }

  it("stops following once closed: a removal that another SCWS object hears fires no callback on it", async () => {
    const closed = createScws({ ports: [t.service.port] });
    const open = createScws({ ports: [t.service.port] });
    const [seenClosed, seenOpen] = [watched(closed), watched(open)];
    await Promise.all([openEnvironment(closed, t), openEnvironment(open, t)]);
    await until("the reader lists", () => seenClosed.readers.length === count && seenOpen.readers.length === count);
    closed.close();
    faults.removeToken(OTHER);
    try {
      await until("the removal, on the open one", () => seenOpen.readers.length === count + 1);
      expect(seenClosed.readers).toHaveLength(count);
    } finally {
      open.close();
      faults.restoreToken(OTHER);
    }
  });
});
