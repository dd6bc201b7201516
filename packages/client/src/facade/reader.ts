// SCWS.Reader: a reader (a PKCS#11 slot) with its state cached from the last reader list or event.
import type { components } from "@open-scws/spec";
import { type CallOptions, callInit } from "./call-options.js";
import { unwrap } from "./scws-answer.js";
import type { FacadeContext } from "./service-connection.js";
import { Token } from "./token.js";

/** A reader's state as the spec describes it. */
export type ReaderState = components["schemas"]["Reader"];
/** What can be told about the token in a reader without connecting. */
export type TokenSummary = components["schemas"]["TokenSummary"];

let replaceState: (reader: Reader, change: (state: ReaderState) => ReaderState) => boolean;

/**
 * A reader, from `SCWS.readers` or `SCWS.getReader(name)`. Built by the library, never by user code. Its properties
 * are the state of the last `SCWS.updateReaderList()` (or reader event); the same object is updated in place.
 */
export class Reader {
  readonly #context: FacadeContext;
  #state: ReaderState;

  static {
    replaceState = (reader, change) => {
      const next = change(reader.#state);
      const changed = JSON.stringify(next) !== JSON.stringify(reader.#state);
      reader.#state = next;
      return changed;
    };
  }

  /** @internal Readers come from `SCWS.updateReaderList()`. */
  constructor(context: FacadeContext, state: ReaderState) {
    this.#context = context;
    this.#state = state;
  }

  /** The reader's opaque id, as the HTTP API names it. (open SCWS addition) */
  get id(): string {
    return this.#state.id;
  }
  /** The reader's name, the key of `SCWS.getReader(name)`. */
  get name(): string {
    return this.#state.name;
  }
  /** Whether a token is in the reader. */
  get cardPresent(): boolean {
    return this.#state.cardPresent;
  }
  /** `"ok"`, `"unavailable"` (removed), `"mute"` (the token does not answer) or `"exclusive"` (held by another program). */
  get status(): ReaderState["status"] {
    return this.#state.status;
  }
  /** The label, serial number and state of the token in the reader, without connecting. (open SCWS addition) */
  get tokenSummary(): TokenSummary | undefined {
    return this.#state.token;
  }
  /** The PKCS#11 module that provides the reader. (open SCWS addition) */
  get moduleId(): string {
    return this.#state.moduleId;
  }

  /** Connects to the token in the reader. */
  async connect(options?: CallOptions): Promise<Token> {
    const init = callInit(options);
    const state = unwrap(await this.#context.connection().client.POST("/v1/readers/{readerId}/connect", { params: { path: { readerId: this.id } }, ...init }));
    return new Token(this.#context, this, state);
  }
}

/** Gives a reader its new state; returns whether anything changed. */
export function updateReader(reader: Reader, state: ReaderState): boolean {
  return replaceState(reader, () => state);
}

/** Marks a reader that is gone as SCWS does: status "unavailable", no card. */
export function markReaderRemoved(reader: Reader): void {
  replaceState(reader, (state) => ({ ...state, status: "unavailable", cardPresent: false }));
}
