import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { scwsErrorOf, unwrap } from "./scws-answer.js";

const problem = (code: string, status: number) => ({
  type: `/docs/errors#${code}`,
  title: "t",
  status,
  detail: "The token connection ended.",
  code,
  customData: {},
});
const answer = (code: string, status: number) => ({ error: problem(code, status), response: new Response(null, { status }) });

describe("the facade's error funnel", () => {
  it("gives SCWS code an SCWS code, with the service's own in customData.serviceCode", () => {
    expect(() => unwrap(answer("CKR_SESSION_HANDLE_INVALID", 404))).toThrow(
      expect.objectContaining({ code: "CKR_TOKEN_NOT_PRESENT", httpStatus: 404, customData: { serviceCode: "CKR_SESSION_HANDLE_INVALID" } }),
    );
    expect(scwsErrorOf(problem("SCWS_PAYLOAD_TOO_LARGE", 413) as never, 413)).toMatchObject({ code: "CKR_DATA_LEN_RANGE" });
  });

  it("passes an SCWS code and the data of a success through unchanged", () => {
    expect(() => unwrap(answer("CKR_PIN_INCORRECT", 403))).toThrow(expect.objectContaining({ code: "CKR_PIN_INCORRECT", customData: {} }));
    expect(unwrap({ data: { readers: [] }, response: new Response(null, { status: 200 }) })).toEqual({ readers: [] });
  });

  it("is the only way the facade reads an answer: no facade file takes the typed client's unwrap or fromProblem", () => {
    const dir = new URL(".", import.meta.url);
    const sources = readdirSync(dir).filter((name) => name.endsWith(".ts") && !name.endsWith(".test.ts") && name !== "scws-answer.ts");
    const bypassing = sources.filter((name) => /transport\/unwrap\.js|ScwsError\.fromProblem/.test(readFileSync(new URL(name, dir), "utf8")));
    expect(sources.length).toBeGreaterThan(10);
    expect(bypassing).toEqual([]);
  });
});
