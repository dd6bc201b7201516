import type { components } from "@open-scws/spec";
import { describe, expect, expectTypeOf, it } from "vitest";
import type { Bytes, BytesOrHex } from "./bytes.js";
import type { Certificate } from "./certificate.js";
import type { CredentialState, CredentialValue } from "./credential.js";
import type { DataContainer } from "./data-container.js";
import type { Encrypted, EncryptionAlgorithm, Key, KeyType, SignAlgorithm, SignOptions } from "./key.js";
import type { TokenObject } from "./object-factory.js";
import type { ObjectDetails } from "./objects.js";
import type { LoginOptions, Pin } from "./pin.js";
import type { ObjectFilter, Token } from "./token.js";

// The facade's public types: what compiles and what does not. The functions below are checked, never called.
type Schemas = components["schemas"];

describe("the facade's types", () => {
  it("types getObjects() as SCWS's classes, narrowed by type as SCWS code filters them", () => {
    expectTypeOf<Token["getObjects"]>().returns.toEqualTypeOf<Promise<TokenObject[]>>();
    expectTypeOf<TokenObject>().toEqualTypeOf<Certificate | Key | DataContainer>();
    const narrowing = (objects: TokenObject[]) => {
      expectTypeOf(objects.filter((object) => object.type === "certificate")).toEqualTypeOf<Certificate[]>();
      expectTypeOf(objects.filter((object) => object.type === "dataContainer")).toEqualTypeOf<DataContainer[]>();
      const found = objects.find((object) => object.type === "privateKey");
      if (found?.type === "privateKey") expectTypeOf(found).toEqualTypeOf<Key>();
    };
    expectTypeOf<ObjectFilter>().toEqualTypeOf<{ type?: Schemas["ObjectType"]; ckId?: string; label?: string }>();
    const badFilter = (token: Token) =>
      // @ts-expect-error not an object type of the spec
      token.getObjects({ type: "hardwareFeature" });
    expect([narrowing, badFilter]).toHaveLength(2);
  });

  it("types SCWS's cached properties, read-only", () => {
    expectTypeOf<Key["keyType"]>().toEqualTypeOf<KeyType>();
    expectTypeOf<KeyType>().toEqualTypeOf<"publicKey" | "privateKey" | "secretKey">();
    expectTypeOf<Key["algorithmName"]>().toEqualTypeOf<Schemas["KeyAlgorithm"] | undefined>();
    expectTypeOf<Certificate["notAfter"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<DataContainer["ckId"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<Pin["remainingTries"]>().toEqualTypeOf<number | undefined>();
    const assign = (pin: Pin, certificate: Certificate) => {
      // @ts-expect-error cached properties are read-only
      pin.validated = true;
      // @ts-expect-error cached properties are read-only
      certificate.ckId = "01";
    };
    expect(assign).toBeTypeOf("function");
  });

  it("types values and details by kind", () => {
    expectTypeOf<Certificate["getValue"]>().returns.toEqualTypeOf<Promise<string>>();
    expectTypeOf<Key["getValue"]>().returns.toEqualTypeOf<Promise<string>>();
    expectTypeOf<DataContainer["getValue"]>().returns.toEqualTypeOf<Promise<ArrayBuffer>>();
    expectTypeOf<Awaited<ReturnType<Certificate["getDetails"]>>["certificate"]>().toEqualTypeOf<Schemas["CertificateDetails"]>();
    expectTypeOf<Awaited<ReturnType<Key["getDetails"]>>["key"]>().toEqualTypeOf<Schemas["KeyDetails"]>();
    expectTypeOf<Awaited<ReturnType<DataContainer["getDetails"]>>>().toExtend<ObjectDetails>();
  });

  it("types the PIN operations with SCWS's arguments and an options object last", () => {
    expectTypeOf<Pin["login"]>().parameters.toEqualTypeOf<
      [value?: string | null | false | CredentialValue, so?: boolean | null | CredentialState, options?: LoginOptions]
    >();
    expectTypeOf<LoginOptions["confirmFinalTry"]>().toEqualTypeOf<boolean | undefined>();
    expectTypeOf<LoginOptions["signal"]>().toEqualTypeOf<AbortSignal | undefined>();
    expectTypeOf<Pin["login"]>().returns.toEqualTypeOf<Promise<void>>();
    const misuse = (pin: Pin) => {
      // @ts-expect-error SCWS's second argument is a boolean
      void pin.login("1234", "so");
      // @ts-expect-error confirmFinalTry is a boolean
      void pin.login("1234", false, { confirmFinalTry: "yes" });
      // @ts-expect-error change takes two PINs
      void pin.change("1234");
      // @ts-expect-error userType is the spec's
      void pin.change("1234", "5678", { userType: "admin" });
      void pin.initPin("5678");
    };
    expect(misuse).toBeTypeOf("function");
  });

  it("types binary in as bytes (hex for hashes and signatures), binary out as ArrayBuffer", () => {
    expectTypeOf<Key["sign"]>().parameters.toEqualTypeOf<[hash: BytesOrHex, algorithm?: SignAlgorithm | null, options?: SignOptions]>();
    expectTypeOf<SignOptions["signatureFormat"]>().toEqualTypeOf<"raw" | "der" | undefined>();
    expectTypeOf<Key["sign"]>().returns.toEqualTypeOf<Promise<ArrayBuffer>>();
    expectTypeOf<Key["verify"]>().returns.toEqualTypeOf<Promise<boolean>>();
    expectTypeOf<Token["digest"]>().returns.toEqualTypeOf<Promise<ArrayBuffer>>();
    expectTypeOf<Encrypted>().toEqualTypeOf<{ ciphertext: ArrayBuffer; iv?: ArrayBuffer }>();
    expectTypeOf<EncryptionAlgorithm["iv"]>().toEqualTypeOf<Bytes | undefined>();
    const misuse = (key: Key, token: Token) => {
      // @ts-expect-error not a hash SCWS names
      void key.sign(new Uint8Array(32), "md5");
      // @ts-expect-error PSS needs saltLen
      void key.sign(new Uint8Array(32), { mgf: "sha256" });
      // @ts-expect-error data is bytes, not text
      void key.hashAndSign("hello");
      // @ts-expect-error an IV is bytes, not base64
      void key.encrypt(new Uint8Array(1), { name: "AES-CBC", iv: "AAECAw==" });
      // @ts-expect-error a digest the spec does not list
      void token.digest(new Uint8Array(1), "md5");
    };
    expect(misuse).toBeTypeOf("function");
  });
});
