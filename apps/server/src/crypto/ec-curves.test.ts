import { generateKeyPairSync } from "node:crypto";
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import { describe, expect, it } from "vitest";
import { curveOfEcParams, ecParamsOf, ecPointOf, NAMED_CURVES } from "./ec-curves.js";

describe("EC curve parameters", () => {
  it.each(NAMED_CURVES)("round-trips $name through DER ECParameters", (curve) => {
    expect(curveOfEcParams(ecParamsOf(curve))?.curve).toEqual(curve);
  });

  it("encodes P-256 as the well-known OID bytes", () => {
    expect(Buffer.from(ecParamsOf(NAMED_CURVES[0]!)).toString("hex")).toBe("06082a8648ce3d030107");
  });

  it("reports an unnamed curve by OID and rejects garbage", () => {
    expect(curveOfEcParams(Buffer.from("06052b81040021", "hex"))).toEqual({ oid: "1.3.132.0.33", curve: undefined });
    expect(curveOfEcParams(Uint8Array.of(1, 2, 3))).toBeUndefined();
  });

  it("unwraps CKA_EC_POINT's OCTET STRING, and accepts a bare point", () => {
    const { publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const jwk = publicKey.export({ format: "jwk" });
    const point = Buffer.concat([Buffer.of(4), Buffer.from(jwk.x!, "base64url"), Buffer.from(jwk.y!, "base64url")]);
    const wrapped = new Uint8Array(AsnConvert.serialize(new OctetString(point)));
    expect(Buffer.from(ecPointOf(wrapped))).toEqual(point);
    expect(Buffer.from(ecPointOf(point))).toEqual(point);
  });
});
