// Splits a Server-Sent Events body into messages, as the HTML Living Standard (section 9.2.6, "Interpreting an
// event stream") says: lines end in CR, LF or CRLF; a blank line ends a message; `data` lines join with LF;
// comment lines (":") and unknown fields are ignored; a field without a colon has an empty value.

/** One message of the stream. */
export interface SseMessage {
  readonly id?: string;
  readonly event: string;
  readonly data: string;
}

/** Feeds decoded text in any chunks; calls `onMessage` for each complete message that has data. */
export class SseParser {
  #pending = "";
  #data: string[] = [];
  #event = "";
  #id: string | undefined;

  constructor(private readonly onMessage: (message: SseMessage) => void) {}

  push(text: string): void {
    this.#pending += text;
    // A CR at the very end may be the first half of a CRLF: keep it for the next chunk.
    const lines = this.#pending.split(/\r\n|\r(?!$)|\n/);
    this.#pending = lines.pop() ?? "";
    for (const line of lines) this.#line(line);
  }

  #line(line: string): void {
    if (line === "") {
      if (this.#data.length > 0) {
        this.onMessage({ ...(this.#id === undefined ? {} : { id: this.#id }), event: this.#event || "message", data: this.#data.join("\n") });
      }
      this.#data = [];
      this.#event = "";
      this.#id = undefined;
      return;
    }
    if (line.startsWith(":")) return;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "data") this.#data.push(value);
    else if (field === "event") this.#event = value;
    else if (field === "id" && !value.includes("\0")) this.#id = value;
  }
}
