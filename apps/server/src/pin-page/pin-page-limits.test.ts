// The configured limits themselves: a PIN request expires at its configured time, and a kept PIN stops serving at
// auto-login's configured time. The clocks are vitest's (the requests' timers) and the keeper's injected clock, so
// nothing here waits for real time.
import type { components } from "@open-scws/spec";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LoginRegistry } from "../pins/login-registry.js";
import type { PinService } from "../pins/pin-service.js";
import type { TokenConnection, TokenConnections } from "../tokens/token-connections.js";
import { AutoLoginKeeper } from "./auto-login.js";
import type { PinPageAudit } from "./pin-page-audit.js";
import { PinRequests } from "./pin-requests.js";

type PinRequestView = components["schemas"]["PinRequest"];

// Creating and following a request reads only who owns it and where; answering it would need the token.
const connection = { id: "c-1", owner: "env-1", readerId: "softhsm-0" } as TokenConnection;
const unused = {} as TokenConnections & PinService;

describe("a PIN request with a configured time to live", () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it("stays pending until its ttlSeconds, then expires with CKR_FUNCTION_CANCELED, waking its follower and the audit log", async () => {
    const audited: string[] = [];
    const audit = { record: (event: string) => void audited.push(event) } as unknown as PinPageAudit;
    const requests = new PinRequests(unused, unused, { ttlSeconds: 30 }, audit);
    const created = requests.create(connection, 0, undefined, "https://app.example", "demo");
    expect(Date.parse(created.expiresAt) - Date.now()).toBe(30_000);
    let followed: PinRequestView | undefined;
    const following = requests.follow(created.id, "env-1", 60, new AbortController().signal).then((view) => {
      followed = view;
    });

    await vi.advanceTimersByTimeAsync(29_999);
    expect(followed).toBeUndefined();
    expect(requests.pageFacts(created.id).tokenLabel).toBe("demo");

    await vi.advanceTimersByTimeAsync(1);
    await following;
    expect(followed).toMatchObject({ state: "expired", error: { code: "CKR_FUNCTION_CANCELED", customData: { reason: "expired" } } });
    expect(() => requests.pageFacts(created.id)).toThrow(/unknown, answered or expired/);
    expect(audited).toEqual(["pinRequestCreated", "pinRequestExpired"]);
  });
});

describe("auto-login with a configured maximum time and number of uses", () => {
  it("lowers an application's counter to maxUses, and stops serving the kept PIN at maxSeconds", () => {
    let now = Date.parse("2026-12-05T10:00:00Z");
    const logins = new LoginRegistry();
    const keeper = new AutoLoginKeeper(logins, { maxSeconds: 60, maxUses: 2 }, () => now);
    expect(keeper.start("env-1", "token", 5)).toMatchObject({ usesLeft: 2, expiresAt: "2026-12-05T10:01:00.000Z" });
    expect(keeper.start("env-1", "token", undefined).usesLeft).toBe(2);
    expect(keeper.start("env-1", "token", 1).usesLeft).toBe(1);

    keeper.start("env-1", "token", undefined);
    logins.set("token", { user: "user", owner: "env-1" });
    keeper.offer("env-1", "token", "kept-pin-1234");
    expect(keeper.take("env-1", "token")).toBe("kept-pin-1234");
    now += 59_999;
    expect(keeper.state("env-1", "token")).toMatchObject({ pinKept: true, usesLeft: 1 });
    now += 1;
    expect(keeper.take("env-1", "token")).toBeUndefined();
    expect(keeper.state("env-1", "token")).toBeUndefined();
  });
});
