import { describe, expect, it } from "vitest";
import type { Pkcs11Host, SlotInfo } from "../pkcs11/host.js";
import { ModuleRegistry } from "./module-registry.js";
import { ReaderDirectory } from "./reader-directory.js";

/** A host whose listings each wait for `release()`, numbering the slot's description by listing. */
function slowLister() {
  let listings = 0;
  const releases: Array<() => void> = [];
  const host = {
    moduleId: "fake",
    start: async () => ({ cryptokiVersion: "3.1", manufacturer: "test", description: "fake", libraryVersion: "1.0" }),
    listSlots: () => {
      listings += 1;
      const number = listings;
      return new Promise<SlotInfo[]>((resolve) =>
        releases.push(() => resolve([{ handle: "1", description: `listing ${number}`, manufacturer: "test", flags: 0, tokenPresent: false }])),
      );
    },
  } as unknown as Pkcs11Host;
  return { host, listings: () => listings, release: () => releases.shift()?.() };
}

describe("the reader directory's listings", () => {
  it("shares listings among concurrent callers, each served by a listing that started after it asked", async () => {
    const fake = slowLister();
    const directory = new ReaderDirectory(await ModuleRegistry.start([fake.host]));
    const first = directory.list();
    const waiting = [directory.list(), directory.list(), directory.list()];
    expect(fake.listings()).toBe(1);
    fake.release();
    expect((await first)[0]!.reader.name).toBe("listing 1");
    await new Promise((resolve) => setImmediate(resolve));
    expect(fake.listings()).toBe(2);
    fake.release();
    for (const listing of await Promise.all(waiting)) expect(listing[0]!.reader.name).toBe("listing 2");
    const later = directory.list();
    expect(fake.listings()).toBe(3);
    fake.release();
    expect((await later)[0]!.reader.name).toBe("listing 3");
  });
});
