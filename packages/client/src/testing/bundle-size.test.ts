import { describe, expect, it } from "vitest";
import { BUDGET_BYTES, measureBundles, readmeSentence, sizeSentence } from "./bundle-size.js";

describe("the browser bundles", () => {
  const sizes = measureBundles();

  it.each(sizes)("keeps $file within the gzipped budget", ({ gzippedBytes }) => {
    expect(gzippedBytes).toBeLessThanOrEqual(BUDGET_BYTES);
  });

  it("states in the README the size this measurement gives (`npm run size -- --write` updates it)", () => {
    expect(readmeSentence()).toBe(sizeSentence(sizes));
  });
});
