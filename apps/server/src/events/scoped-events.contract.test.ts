// In shared mode an API key bound to some tokens hears reader events about those tokens only: another token's
// removal or return is as invisible to it as the token itself.
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildFaultModule, FaultControl } from "@open-scws/pkcs11-faults";
import type { paths } from "@open-scws/spec";
import { type SharedTestService, startSharedTestService } from "@open-scws/test-support";
import type { Client } from "openapi-fetch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

async function poll(client: Client<paths>, since: number, wait = 0) {
  const { data } = await client.GET("/v1/events", { params: { query: { since, wait } } });
  if (typeof data !== "object" || data === null) throw new Error("a poll answers a JSON batch");
  return data;
}

describe("reader events in shared mode follow each API key's tokens (fault-injecting module over SoftHSM)", () => {
  let t: SharedTestService<"alpha" | "everything">;
  const control = join(tmpdir(), `scoped-events-${process.pid}.control`);
  const faults = new FaultControl(control);
  const readerOf: Record<string, string> = {};
  beforeAll(async () => {
    t = await startSharedTestService({
      tokenLabels: ["scoped-a", "scoped-b"],
      module: buildFaultModule(),
      moduleEnv: { SCWS_FAULT_CONTROL: control },
      apiKeys: { alpha: { tokens: ["pkcs11:token=scoped-a"] }, everything: {} },
    });
    for (const reader of (await t.clients.everything.GET("/v1/readers")).data!.readers) if (reader.token) readerOf[reader.token.label] = reader.id;
  });
  afterAll(async () => {
    await t.close();
    rmSync(control, { force: true });
  });

  it("tells the bound key of its token's removal and return, and nothing of the other token's", async () => {
    const cursor = (await poll(t.clients.everything, 0)).cursor;
    const alphaHears = poll(t.clients.alpha, cursor, 10);
    // The other token goes first, and the bound one only once the service has published that removal (seen by
    // the unbound key), so that the bound key's poll, already waiting, had the chance to wake for it wrongly.
    faults.removeToken("scoped-b");
    const otherGone = await poll(t.clients.everything, cursor, 10);
    expect(otherGone.events.map((event) => event.reader?.id)).toContain(readerOf["scoped-b"]);
    faults.removeToken("scoped-a");
    const heard = await alphaHears;
    expect(heard.events.length).toBeGreaterThan(0);
    expect(heard.events.map((event) => event.reader?.id)).toEqual(heard.events.map(() => readerOf["scoped-a"]));

    const everything = await poll(t.clients.everything, cursor, 5);
    const about = new Set(everything.events.map((event) => event.reader?.id));
    expect(about).toEqual(new Set([readerOf["scoped-a"], readerOf["scoped-b"]]));

    faults.restoreToken("scoped-b");
    faults.restoreToken("scoped-a");
    const returned = await poll(t.clients.alpha, heard.cursor, 10);
    const ids = returned.events.map((event) => event.reader?.id);
    expect(ids).not.toContain(readerOf["scoped-b"]);
    // Both came back in one poll round or two: wait for the bound token's return if it is not in this batch.
    const back = ids.includes(readerOf["scoped-a"]) ? returned : await poll(t.clients.alpha, returned.cursor, 10);
    expect(back.events.some((event) => event.reader?.id === readerOf["scoped-a"] && event.reader?.cardPresent)).toBe(true);
  });
});
