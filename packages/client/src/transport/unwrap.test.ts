import { ScwsError } from "@open-scws/errors";
import { describe, expect, expectTypeOf, it } from "vitest";
import { createScwsClient } from "../typed-client.js";
import { unwrap } from "./unwrap.js";

const problem = {
  type: "/docs/errors#CKR_TOKEN_NOT_PRESENT",
  title: "No token",
  status: 409,
  detail: "No token.",
  code: "CKR_TOKEN_NOT_PRESENT",
  customData: { field: "/path/readerId" },
};
const token = `t-${"b".repeat(32)}`;

function client(status: number, body: unknown) {
  const contentType = status < 400 ? "application/json" : "application/problem+json";
  return createScwsClient("http://127.0.0.1:8930", {
    fetch: async () => new Response(status === 204 ? null : JSON.stringify(body), { status, headers: { "content-type": contentType } }),
  });
}

describe("unwrap", () => {
  it("returns the data of a success, typed from the spec", async () => {
    const { readers } = unwrap(await client(200, { readers: [] }).GET("/v1/readers"));
    expect(readers).toEqual([]);
    expectTypeOf<(typeof readers)[number]["cardPresent"]>().toEqualTypeOf<boolean>();
  });

  it("returns undefined for an answer without a body", async () => {
    const result = unwrap(await client(204, null).DELETE("/v1/tokens/{tokenId}", { params: { path: { tokenId: token } } }));
    expect(result).toBeUndefined();
    expectTypeOf(result).toEqualTypeOf<undefined>();
  });

  it("throws the problem as a ScwsError with its code, HTTP status and customData", async () => {
    const result = await client(409, problem).POST("/v1/readers/{readerId}/connect", { params: { path: { readerId: "r-0123456789abcdef" } } });
    const error = (() => {
      try {
        unwrap(result);
      } catch (thrown) {
        return thrown as ScwsError;
      }
    })();
    expect(error).toBeInstanceOf(ScwsError);
    expect(error).toMatchObject({ code: "CKR_TOKEN_NOT_PRESENT", httpStatus: 409, message: "No token.", customData: { field: "/path/readerId" } });
  });

  it("does not compile codes outside the spec", async () => {
    const { error } = await client(409, problem).POST("/v1/readers/{readerId}/connect", { params: { path: { readerId: "r-0123456789abcdef" } } });
    // @ts-expect-error no such code in the spec
    expect(error?.code === "CKR_NO_SUCH_CODE").toBe(false);
    // @ts-expect-error no such code in the catalogue
    const make = () => new ScwsError("m", "CKR_NO_SUCH_CODE");
    expect(make).toBeTypeOf("function");
  });
});
