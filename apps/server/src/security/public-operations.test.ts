// The operations a caller may use without a credential are a short, fixed list: those that describe the service,
// open an environment, or serve probes and metrics. Any other operation the spec gains must ask for a credential,
// so that an operation added with `security: []` by mistake fails here rather than reaching a token anonymously.
import { describe, expect, it } from "vitest";
import { routes } from "../generated/routes.js";

const PUBLIC_OPERATIONS = [
  "createChallenge",
  "createEnvironment",
  "getLiveness",
  "getMetrics",
  "getReadiness",
  "getServiceInfo",
  "showPinEntryPage",
  "submitPinEntry",
];

describe("operations open without a credential", () => {
  it("are exactly the service description, the environment opening, the probes, the metrics and the PIN page (whose one-time request id is its key)", () => {
    const open = routes.filter((route) => !route.needsCredential).map((route) => route.operationId);
    expect(open.sort()).toEqual(PUBLIC_OPERATIONS);
  });

  it("leave every reader, token and event operation behind the credential", () => {
    const tokenPaths = routes.filter((route) => /^\/v1\/(readers|tokens|events)/.test(route.path));
    expect(tokenPaths.length).toBeGreaterThan(30);
    for (const route of tokenPaths) expect(route.needsCredential, route.operationId).toBe(true);
  });
});
