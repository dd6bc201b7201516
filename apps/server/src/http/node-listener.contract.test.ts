// What Node's HTTP layer refuses before the app (clientError) also gets a problem body, not an empty 400.

import { exchange, startTestService, type TestService } from "@open-scws/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

describe("Node's own refusals", () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService();
  });
  afterAll(() => t.close());

  const bodyOf = (received: string) => JSON.parse(received.slice(received.indexOf("\r\n\r\n") + 4)) as Record<string, unknown>;

  it("answers a header line without a colon with a 400 problem naming the parser's reason", async () => {
    const result = await exchange(t.service.port, [`GET /v1/service HTTP/1.1\r\nHost: 127.0.0.1:${t.service.port}\r\nno colon here\r\n\r\n`]);
    expect(result.statuses).toEqual([400]);
    expect(result.received).toMatch(/\r\ncontent-type: application\/problem\+json\r\n/);
    expect(bodyOf(result.received)).toMatchObject({ status: 400, code: "CKR_ARGUMENTS_BAD", customData: { reason: expect.stringMatching(/^HPE_/) } });
  });

  it("answers headers larger than Node accepts with a 431 problem", async () => {
    const result = await exchange(t.service.port, [`GET /v1/service HTTP/1.1\r\nHost: 127.0.0.1:${t.service.port}\r\nx-big: ${"a".repeat(20_000)}\r\n\r\n`]);
    expect(result.statuses).toEqual([431]);
    expect(bodyOf(result.received)).toMatchObject({ status: 431, code: "CKR_ARGUMENTS_BAD", customData: { reason: "HPE_HEADER_OVERFLOW" } });
  });
});
