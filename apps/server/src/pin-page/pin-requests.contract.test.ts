import { connectByLabel, logout, pinState, startTestService, type TestService } from "@open-scws/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PIN_PAGE_POLICY } from "./pin-entry-page.js";

const LABEL = "pin-page";

describe("the service's PIN page (SCWS's login(false) and requestCredential) against SoftHSM", () => {
  let t: TestService;
  let tokenId: string;
  beforeAll(async () => {
    t = await startTestService({ tokenLabels: [LABEL] });
    tokenId = await connectByLabel(t, LABEL);
  });
  afterAll(() => t.close());
  const pin = () => t.tokens[LABEL]!.pin;

  const createRequest = (body: { purpose?: "login" | "credential" } = {}) =>
    t.client.POST("/v1/tokens/{tokenId}/pins/{pinNumber}/pin-requests", { params: { path: { tokenId, pinNumber: 0 } }, body });
  const follow = (requestId: string, waitSeconds = 0) =>
    t.client.GET("/v1/pin-requests/{requestId}", { params: { path: { requestId }, query: { waitSeconds } } });
  const submit = (requestId: string, body: { pin?: string; cancel?: boolean }) =>
    t.anonymous.POST("/pin-entry/{requestId}", { params: { path: { requestId } }, body });

  it("serves a one-time page under a strict Content-Security-Policy that names the token, and logs in with the PIN typed there", async () => {
    const created = await createRequest();
    expect(created.response.status).toBe(201);
    const request = created.data!;
    expect(request).toMatchObject({ state: "pending", purpose: "login", pagePath: `/pin-entry/${request.id}` });
    const page = await t.fetch(request.pagePath, { headers: { "x-scws-environment": "" } });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(page.headers.get("content-security-policy")).toBe(PIN_PAGE_POLICY);
    expect(page.headers.get("cache-control")).toBe("no-store");
    expect(await page.text()).toContain(`“${LABEL}”`);

    // The application follows the request before the user answers; the answer wakes it.
    const followed = follow(request.id, 20);
    const entered = await submit(request.id, { pin: pin() });
    expect(entered.data).toEqual({ state: "done" });
    const { data } = await followed;
    expect(data).toMatchObject({ state: "done", pin: { validated: true } });
    expect((await pinState(t, tokenId)).data?.validated).toBe(true);

    const again = await submit(request.id, { pin: pin() });
    expect(again.response.status).toBe(404);
    expect(again.error?.code).toBe("CKR_ARGUMENTS_BAD");
    expect((await t.fetch(request.pagePath)).status).toBe(404);
    await logout(t, tokenId);
  });

  it("ends the request as failed on a wrong PIN, with the remaining tries in its error, and the page is told why", async () => {
    const request = (await createRequest()).data!;
    const entered = await submit(request.id, { pin: "wrong-pin-page" });
    expect(entered.response.status).toBe(403);
    expect(entered.error).toMatchObject({ code: "CKR_PIN_INCORRECT", customData: { remainingTries: 2 } });
    const { data } = await follow(request.id);
    expect(data).toMatchObject({ state: "failed", error: { code: "CKR_PIN_INCORRECT", customData: { remainingTries: 2 } } });
    expect((await pinState(t, tokenId)).data).toMatchObject({ validated: false, remainingTries: 2 });
  });

  it("tells the application that the user cancelled, with CKR_FUNCTION_CANCELED", async () => {
    const request = (await createRequest()).data!;
    expect((await submit(request.id, { cancel: true })).data).toEqual({ state: "cancelled" });
    expect((await follow(request.id)).data).toMatchObject({ state: "cancelled", error: { code: "CKR_FUNCTION_CANCELED" } });
  });

  it("keeps a credential's PIN for one login by the environment that asked, and no other", async () => {
    const request = (await createRequest({ purpose: "credential" })).data!;
    expect((await submit(request.id, { pin: pin() })).data).toEqual({ state: "captured" });
    expect((await pinState(t, tokenId)).data?.validated).toBe(false);
    const other = await t.newEnvironment();
    const stranger = await other.client.POST("/v1/pin-requests/{requestId}/login", { params: { path: { requestId: request.id } } });
    expect(stranger.response.status).toBe(404);
    const followedByStranger = await other.client.GET("/v1/pin-requests/{requestId}", { params: { path: { requestId: request.id } } });
    expect(followedByStranger.response.status).toBe(404);

    const used = await t.client.POST("/v1/pin-requests/{requestId}/login", { params: { path: { requestId: request.id } } });
    expect(used.data).toMatchObject({ validated: true, remainingTries: 3 });
    const twice = await t.client.POST("/v1/pin-requests/{requestId}/login", { params: { path: { requestId: request.id } } });
    expect(twice.error).toMatchObject({ code: "CKR_ARGUMENTS_BAD", customData: { state: "used" } });
    await logout(t, tokenId);
  });

  it("refuses a request id it never made, and a submission without PIN", async () => {
    expect((await submit("AAAAAAAAAAAAAAAAAAAAAA", { pin: pin() })).response.status).toBe(404);
    const request = (await createRequest()).data!;
    const empty = await submit(request.id, {});
    expect(empty.error).toMatchObject({ code: "CKR_ARGUMENTS_BAD", customData: { field: "/body/pin" } });
    expect((await follow(request.id)).data?.state).toBe("pending");
    await submit(request.id, { cancel: true });
  });

  it("takes the PIN from the service's own origin, and refuses it from another site's page with SCWS_ORIGIN_REFUSED", async () => {
    const request = (await createRequest()).data!;
    const post = (origin: string, pin: string) =>
      t.fetch(request.pagePath, {
        method: "POST",
        headers: { origin, "content-type": "application/json", "x-scws-environment": "" },
        body: JSON.stringify({ pin }),
      });
    const foreign = await post("http://evil.example", pin());
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as { code: string }).code).toBe("SCWS_ORIGIN_REFUSED");
    expect((await follow(request.id)).data?.state).toBe("pending");
    const own = await post(new URL(t.service.url).origin, pin());
    expect(own.status).toBe(200);
    expect((await follow(request.id)).data?.state).toBe("done");
    await logout(t, tokenId);
  });
});
