import { openApiDocument } from "@open-scws/spec";
import { describe, expect, it } from "vitest";
import { ENVIRONMENT_HEADER, environmentMessage, serviceMessage } from "./environment.js";

// The client writes three things the spec owns: the credential header's name and the two signed texts. They are
// held to the spec's own words here, and to the real service's checks in environment.contract.test.ts.
type Spec = {
  components: {
    securitySchemes: Record<string, { in: string; name: string }>;
    schemas: Record<string, { description: string; example: Record<string, string> }>;
  };
};
const { components } = openApiDocument as unknown as Spec;

describe("what the client writes of the environment protocol", () => {
  it("sends the credential in the header the spec's environmentCredential scheme names", () => {
    expect(components.securitySchemes.environmentCredential).toMatchObject({ in: "header", name: ENVIRONMENT_HEADER });
  });

  it("builds the message of the spec's EnvironmentChallenge example from its challenge, in lower case", () => {
    const { challenge, message } = components.schemas.EnvironmentChallenge!.example;
    expect(environmentMessage(challenge!)).toBe(message);
    expect(environmentMessage(challenge!.toUpperCase())).toBe(message);
  });

  it("builds the text the spec's ServiceProof says the service signs", () => {
    expect(components.schemas.ServiceProof!.description).toContain("`open-scws-service:` followed by the challenge in lower-case hex");
    expect(serviceMessage("0F1E2D3C4B5A69788796A5B4C3D2E1F0")).toBe("open-scws-service:0f1e2d3c4b5a69788796a5b4c3d2e1f0");
  });
});
