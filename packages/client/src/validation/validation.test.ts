// The opt-in validation through the package's own exports, as an application imports them (the built `dist`).
import { createScwsClient, type ScwsError } from "@open-scws/client";
import { errorCatalogue } from "@open-scws/client/catalogue";
import { contractValidation } from "@open-scws/client/validation";
import { describe, expect, it } from "vitest";

const BASE = "http://127.0.0.1:8930";
/** An answer no operation of the spec declares: HTTP 418 with a text body. */
const teapot = async () => new Response("short and stout", { status: 418, headers: { "content-type": "text/plain" } });

describe("@open-scws/client/validation", () => {
  it("refuses an answer the spec does not declare when the client is given the validation", async () => {
    const client = createScwsClient(BASE, { fetch: teapot, validation: contractValidation });
    const error = (await client.GET("/v1/readers").catch((caught: unknown) => caught)) as ScwsError;
    expect(error).toMatchObject({ code: "MWR_SCWS_COMM_ERROR", httpStatus: 418 });
    expect(error.customData.reason).toMatch(/HTTP 418 is not a status the spec declares/);
  });

  it("passes the same answer on untouched when the client is given none (the default outside this package's tests)", async () => {
    const client = createScwsClient(BASE, { fetch: teapot });
    const { data, error, response } = await client.GET("/v1/readers");
    expect(response.status).toBe(418);
    expect(data).toBeUndefined();
    expect(error).toBe("short and stout");
  });

  it("refuses a path parameter the spec does not allow before anything is sent", async () => {
    let sent = 0;
    const fetch = async () => {
      sent += 1;
      return teapot();
    };
    const client = createScwsClient(BASE, { fetch, validation: contractValidation });
    const call = client.GET("/v1/readers/{readerId}", { params: { path: { readerId: "../etc" } } });
    await expect(call).rejects.toMatchObject({ code: "MWR_SCWS_BAD_PARAMS", customData: { field: "/path/readerId" } });
    expect(sent).toBe(0);
  });
});

describe("@open-scws/client/catalogue", () => {
  it("gives every code's texts, which the main entry leaves out", async () => {
    expect(errorCatalogue.CKR_PIN_INCORRECT).toMatchObject({ httpStatus: 403, origin: "token" });
    expect(errorCatalogue.CKR_PIN_INCORRECT.remedy).not.toBe("");
    expect(Object.keys(await import("@open-scws/client"))).not.toContain("errorCatalogue");
  });
});
