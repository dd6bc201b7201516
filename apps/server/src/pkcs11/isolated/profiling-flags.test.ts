import { describe, expect, it } from "vitest";
import { profilingFlags } from "./profiling-flags.js";

describe("profilingFlags", () => {
  it("keeps the CPU and heap profiling flags, with values given after = or as the next argument", () => {
    const execArgv = ["--import", "tsx", "--cpu-prof", "--cpu-prof-dir", "/tmp/prof", "--heap-prof-name=h.heapprofile", "--max-old-space-size=512"];
    expect(profilingFlags(execArgv)).toEqual(["--cpu-prof", "--cpu-prof-dir", "/tmp/prof", "--heap-prof-name=h.heapprofile"]);
  });

  it("gives nothing for a service that is not profiled", () => {
    expect(profilingFlags(["--import", "tsx", "--enable-source-maps"])).toEqual([]);
  });
});
