import { afterEach, describe, expect, it, vi } from "vitest";
import { unreachableReason } from "./local-network-access.js";

// The browser cases run in real Chromium (local-network-access.browser.test.ts); these are the branches a headless
// Chromium cannot show: a prompt still open, a browser without the permission, a page on loopback.

/** A page on `hostname` whose Permissions API answers `state` for the names in `known`, and throws for others. */
function page(hostname: string, state: PermissionState | undefined, known: readonly string[] = ["local-network-access"]) {
  const query = vi.fn(async ({ name }: { name: string }) => {
    if (state === undefined || !known.includes(name)) throw new TypeError(`'${name}' is not a valid permission name`);
    return { state };
  });
  vi.stubGlobal("navigator", { permissions: { query } });
  vi.stubGlobal("location", { hostname });
  return query;
}

describe("why findService found no service", () => {
  afterEach(() => vi.unstubAllGlobals());

  it.each<[PermissionState, string]>([
    ["denied", "local-network-access-denied"],
    ["prompt", "local-network-access-prompt"],
    ["granted", "not-running"],
  ])("reads a %s Local Network Access permission as %s", async (state, reason) => {
    page("intranet.example", state);
    expect((await unreachableReason()).reason).toBe(reason);
  });

  it("asks for the permission under Chromium's other names when the first is unknown", async () => {
    const query = page("intranet.example", "denied", ["loopback-network"]);
    expect((await unreachableReason()).reason).toBe("local-network-access-denied");
    expect(query.mock.calls.map(([descriptor]) => descriptor.name)).toEqual(["local-network-access", "loopback-network"]);
  });

  it("says not-running where the browser has no such permission", async () => {
    page("intranet.example", undefined);
    expect((await unreachableReason()).reason).toBe("not-running");
  });

  it("does not ask on a page served from loopback, where Local Network Access does not apply", async () => {
    const query = page("localhost", "prompt");
    expect((await unreachableReason()).reason).toBe("not-running");
    expect(query).not.toHaveBeenCalled();
  });
});
