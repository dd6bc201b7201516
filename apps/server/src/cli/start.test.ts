import { describe, expect, it } from "vitest";
import { readyMessage } from "./start.js";

describe("the line open-scws start prints at a terminal", () => {
  it("names the demo page first, then the documentation, when the service runs on the demo token", () => {
    const lines = readyMessage("http://127.0.0.1:8930", true).trim().split("\n");
    expect(lines[1]).toMatch(/http:\/\/127\.0\.0\.1:8930\/demo\/$/);
    expect(lines[2]).toMatch(/http:\/\/127\.0\.0\.1:8930\/docs\/$/);
  });

  it("names no demo page otherwise", () => {
    expect(readyMessage("http://127.0.0.1:8930", false)).not.toContain("/demo");
  });
});
