import { describe, expect, it } from "vitest";
import { type SseMessage, SseParser } from "./sse-parser.js";

function parse(...chunks: string[]): SseMessage[] {
  const messages: SseMessage[] = [];
  const parser = new SseParser((message) => messages.push(message));
  for (const chunk of chunks) parser.push(chunk);
  return messages;
}

describe("SseParser", () => {
  it("reads id, event and data, and ignores comments and retry hints", () => {
    expect(parse('retry: 3000\n\n: keep-alive\n\nid: 42\nevent: readerAdded\ndata: {"id":42}\n\n')).toEqual([
      { id: "42", event: "readerAdded", data: '{"id":42}' },
    ]);
  });

  it("joins a message cut anywhere across chunks, a CRLF included", () => {
    expect(parse("id: 1\r", "\nevent: a\r\nda", "ta: x\r\n", "\r\n")).toEqual([{ id: "1", event: "a", data: "x" }]);
  });

  it("joins several data lines with a line feed and calls a message without an event name 'message'", () => {
    expect(parse("data: one\ndata: two\n\n")).toEqual([{ event: "message", data: "one\ntwo" }]);
  });

  it("waits for the blank line that ends a message", () => {
    expect(parse("id: 1\ndata: x\n")).toEqual([]);
  });
});
