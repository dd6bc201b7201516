import { createHash } from "node:crypto";
import * as rsa from "@peculiar/asn1-rsa";
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import { describe, expect, it } from "vitest";
import { HASHES } from "./algorithms.js";
import { digestInfoOf } from "./signature-plan.js";

describe("the DigestInfo of a hash", () => {
  it.each(["sha1", "sha224", "sha256", "sha384", "sha512"] as const)("is the DER encoding of DigestInfo for %s, built from its fixed prefix", (name) => {
    const hash = createHash(name).update("open SCWS").digest();
    const expected = AsnConvert.serialize(new rsa.DigestInfo({ digestAlgorithm: HASHES[name].digestInfoAlgorithm, digest: new OctetString(hash) }));
    expect(Buffer.from(digestInfoOf(name, hash))).toEqual(Buffer.from(expected));
    expect(Buffer.from(digestInfoOf(name, hash))).toEqual(Buffer.from(expected));
  });
});
