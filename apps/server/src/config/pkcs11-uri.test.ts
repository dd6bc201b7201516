import { describe, expect, it } from "vitest";
import { matchesPkcs11Uri, moduleNameOf, parsePkcs11Uri, type SlotDescription, tokenUriOf } from "./pkcs11-uri.js";

const softhsmSlot: SlotDescription = {
  library: { path: "/usr/lib/softhsm/libsofthsm2.so", manufacturer: "SoftHSM", description: "Implementation of PKCS11", version: "2.6" },
  slot: { id: 1234567n, manufacturer: "SoftHSM project", description: "SoftHSM slot ID 0x12d687" },
  token: { label: "demo", manufacturer: "SoftHSM project", serialNumber: "9a1b2c3d4e5f6071", model: "SoftHSM v2" },
};
const emptySlot: SlotDescription = { library: softhsmSlot.library, slot: { id: 7n, manufacturer: "SoftHSM project", description: "empty" } };

describe("parsing RFC 7512 PKCS#11 URIs", () => {
  it("percent-decodes path attribute values", () => {
    expect(parsePkcs11Uri("pkcs11:token=demo;manufacturer=SoftHSM%20project").path).toEqual({ token: "demo", manufacturer: "SoftHSM project" });
    expect(parsePkcs11Uri("pkcs11:token=%C3%A9t%C3%A9%3B%3F").path.token).toBe("été;?");
  });

  it("accepts the empty URI, which matches everything", () => {
    expect(parsePkcs11Uri("pkcs11:")).toEqual({ path: {} });
    expect(matchesPkcs11Uri(parsePkcs11Uri("pkcs11:"), emptySlot)).toBe(true);
  });

  it("reads module-name and module-path from the query and ignores vendor attributes", () => {
    expect(parsePkcs11Uri("pkcs11:x-vendor=1;token=a?module-name=softhsm2&module-path=/usr/lib/softhsm/&x-q=2")).toEqual({
      path: { token: "a" },
      moduleName: "softhsm2",
      modulePath: "/usr/lib/softhsm/",
    });
  });

  it.each([
    ["another scheme", "pk11:token=a", /starts with "pkcs11:"/],
    ["an attribute without a value", "pkcs11:token", /is not a path attribute of the form name=value/],
    ["an unknown attribute", "pkcs11:label=a", /"label" is not a PKCS#11 URI path attribute/],
    ["an attribute twice", "pkcs11:token=a;token=b", /appears twice/],
    ["a raw space", "pkcs11:token=a b", /must be percent-encoded/],
    ["a broken escape", "pkcs11:token=%4", /must be percent-encoded/],
    ["invalid UTF-8", "pkcs11:token=%FF", /not valid UTF-8/],
    ["an object attribute", "pkcs11:type=private", /names an object/],
    ["a PIN value", "pkcs11:token=a?pin-value=1234", /PINs are never configured/],
    ["a PIN source", "pkcs11:token=a?pin-source=file:/pin", /PINs are never configured/],
    ["a fragment", "pkcs11:token=a#x", /no fragment/],
    ["a bad library version", "pkcs11:library-version=two", /library-version must be M or M.N/],
    ["a bad slot id", "pkcs11:slot-id=0x10", /slot-id must be a decimal number/],
    ["an unknown query attribute", "pkcs11:?module=x", /not a PKCS#11 URI query attribute/],
  ])("refuses %s", (_name, uri, expected) => {
    expect(() => parsePkcs11Uri(uri)).toThrow(expected);
  });
});

describe("matching slots and tokens", () => {
  it.each([
    ["the token's label and manufacturer", "pkcs11:token=demo;manufacturer=SoftHSM%20project", true],
    ["another label", "pkcs11:token=other", false],
    ["the serial and model", "pkcs11:serial=9a1b2c3d4e5f6071;model=SoftHSM%20v2", true],
    ["the library's manufacturer and description", "pkcs11:library-manufacturer=SoftHSM;library-description=Implementation%20of%20PKCS11", true],
    ["the library version M.N", "pkcs11:library-version=2.6", true],
    ["the library version M, meaning M.0", "pkcs11:library-version=2", false],
    ["the slot id in decimal", "pkcs11:slot-id=1234567", true],
    ["another slot id", "pkcs11:slot-id=1", false],
    ["the slot's manufacturer and description", "pkcs11:slot-manufacturer=SoftHSM%20project;slot-description=SoftHSM%20slot%20ID%200x12d687", true],
    ["the module name", "pkcs11:?module-name=softhsm2", true],
    ["another module name", "pkcs11:?module-name=opensc-pkcs11", false],
    ["the module's folder", "pkcs11:?module-path=/usr/lib/softhsm/", true],
    ["the module's path", "pkcs11:?module-path=/usr/lib/softhsm/libsofthsm2.so", true],
    ["another folder", "pkcs11:?module-path=/usr/lib", false],
  ])("matches by %s: %s → %s", (_name, uri, expected) => {
    expect(matchesPkcs11Uri(parsePkcs11Uri(uri), softhsmSlot)).toBe(expected);
  });

  it("never matches an empty slot with a URI that names token attributes, but may with slot attributes", () => {
    expect(matchesPkcs11Uri(parsePkcs11Uri("pkcs11:token=demo"), emptySlot)).toBe(false);
    expect(matchesPkcs11Uri(parsePkcs11Uri("pkcs11:slot-manufacturer=SoftHSM%20project"), emptySlot)).toBe(true);
  });

  it("prints a URI for a token that parses back and matches it", () => {
    const uri = tokenUriOf({ ...softhsmSlot.token!, label: "a;b c/é" });
    expect(uri).toBe("pkcs11:token=a%3Bb%20c%2F%C3%A9;manufacturer=SoftHSM%20project;serial=9a1b2c3d4e5f6071;model=SoftHSM%20v2");
    expect(parsePkcs11Uri(uri).path.token).toBe("a;b c/é");
  });

  it("names modules as RFC 7512 does", () => {
    expect(moduleNameOf("/usr/lib/softhsm/libsofthsm2.so")).toBe("softhsm2");
    expect(moduleNameOf("/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so")).toBe("opensc-pkcs11");
    expect(moduleNameOf("/opt/vendor/libcryptoki.so.1.2")).toBe("cryptoki");
  });
});
