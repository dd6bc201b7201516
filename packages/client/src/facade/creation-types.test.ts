import type { components } from "@open-scws/spec";
import { describe, expect, expectTypeOf, it } from "vitest";
import type { EventTransport } from "../events/service-events.js";
import type { Certificate, CertificateTrust, TrustAnchorEntry } from "./certificate.js";
import type { DataContainer } from "./data-container.js";
import type { CertificateRequest, Key } from "./key.js";
import type { Pin } from "./pin.js";
import type { ReaderEventSink } from "./reader-registry.js";
import type { LoginChangeReason, Scws, ScwsOptions } from "./scws.js";
import type { Token } from "./token.js";
import type { ImportedPkcs12, KeyPair } from "./token-creation.js";

// The public types of the creation methods, getTrust and the event callbacks: what compiles and what does not.
// The functions below are checked, never called.
type Schemas = components["schemas"];

describe("the types of the creation methods, getTrust and the event callbacks", () => {
  it("types what the creation methods make as SCWS's classes", () => {
    expectTypeOf<Token["generateKeyPair"]>().returns.toEqualTypeOf<Promise<KeyPair>>();
    expectTypeOf<KeyPair>().toEqualTypeOf<{ readonly privateKey: Key; readonly publicKey: Key }>();
    expectTypeOf<Token["generateKey"]>().returns.toEqualTypeOf<Promise<Key>>();
    expectTypeOf<Token["importCertificate"]>().returns.toEqualTypeOf<Promise<Certificate>>();
    expectTypeOf<Token["createDataContainer"]>().returns.toEqualTypeOf<Promise<DataContainer>>();
    expectTypeOf<Token["importPkcs12"]>().returns.toEqualTypeOf<Promise<ImportedPkcs12>>();
    expectTypeOf<ImportedPkcs12["chain"]>().toEqualTypeOf<Certificate[]>();
    expectTypeOf<Key["createCertificateRequest"]>().returns.toEqualTypeOf<Promise<CertificateRequest>>();
    expectTypeOf<CertificateRequest>().toEqualTypeOf<Schemas["CertificateRequest"]>();
  });

  it("refuses at compile time a key of the other method's kind, a value that is not bytes and a subject field the spec lacks", () => {
    const wrong = async (token: Token, key: Key) => {
      // @ts-expect-error AES is generateKey's
      await token.generateKeyPair({ algorithm: "AES", sizeBits: 128 });
      // @ts-expect-error EC is generateKeyPair's
      await token.generateKey({ algorithm: "EC", curve: "P-256" });
      // @ts-expect-error a container's value is bytes, not text
      await token.createDataContainer({ ckLabel: "x", value: "text" });
      // @ts-expect-error not a subject field of the spec
      await key.createCertificateRequest({ subject: { nickname: "al" } });
    };
    expect(wrong).toBeTypeOf("function");
  });

  it("types getTrust's path as Certificates where they are on the token, and anchor entries with their PEM", () => {
    expectTypeOf<Certificate["getTrust"]>().returns.toEqualTypeOf<Promise<CertificateTrust>>();
    expectTypeOf<CertificateTrust["certPath"]>().toEqualTypeOf<Array<Certificate | TrustAnchorEntry>>();
    expectTypeOf<CertificateTrust["trustStatus"]>().toEqualTypeOf<Schemas["CertificateTrust"]["trustStatus"]>();
    expectTypeOf<TrustAnchorEntry["pem"]>().toEqualTypeOf<string>();
  });

  it("types the event options and callbacks", () => {
    expectTypeOf<ScwsOptions["events"]>().toEqualTypeOf<EventTransport | "off" | undefined>();
    expectTypeOf<EventTransport>().toEqualTypeOf<"auto" | "fetch" | "poll">();
    expectTypeOf<Scws["onloginstatechanged"]>().toEqualTypeOf<((pin: Pin, reason: LoginChangeReason) => void) | null | undefined>();
    expectTypeOf<LoginChangeReason>().toEqualTypeOf<"login" | "logout" | "tokenRemoved" | "moduleRestarted">();
    expectTypeOf<ReaderEventSink["replaceAll"]>().parameters.toEqualTypeOf<[readonly Schemas["Reader"][]]>();
    // @ts-expect-error not a transport
    const options: ScwsOptions = { events: "websocket" };
    expect(options).toBeDefined();
  });
});
