import {
  constants,
  createCipheriv,
  createDecipheriv,
  createHash,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  publicEncrypt,
  verify,
  X509Certificate,
} from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { PivCard } from "./card.js";
import { certificateFromObject } from "./objects.js";
import { provisionedState } from "./provision.js";
import { type CardState, DEFAULT_MANAGEMENT_KEY } from "./state.js";
import { blankCard, command, padded, type Reply, send } from "./testing.js";
import { findTlv, parseTlvs, tlv } from "./tlv.js";

const managementKey = Buffer.from(DEFAULT_MANAGEMENT_KEY, "hex");

function tdes(block: Buffer, decrypt = false): Buffer {
  const cipher = decrypt ? createDecipheriv("des-ede3", managementKey, null) : createCipheriv("des-ede3", managementKey, null);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(block), cipher.final()]);
}

/** Mutual authentication with the management key (SP 800-73-4 part 2 appendix A.1, as piv-tool -A M:9B:03 does). */
function authenticateMutually(card: PivCard, key = managementKey): number {
  const witness = send(card, "00 87 03 9B 04 7C 02 80 00");
  expect(witness.sw).toBe(0x9000);
  const encrypted = findTlv(parseTlvs(findTlv(parseTlvs(witness.data), 0x7c)!), 0x80)!;
  const decipher = createDecipheriv("des-ede3", key, null);
  decipher.setAutoPadding(false);
  const plain = Buffer.concat([decipher.update(encrypted), decipher.final()]);
  const challenge = Buffer.from("0011223344556677", "hex");
  const reply = send(card, command(0x00, 0x87, 0x03, 0x9b, tlv(0x7c, tlv(0x80, plain), tlv(0x81, challenge))));
  if (reply.sw === 0x9000) {
    expect(findTlv(parseTlvs(findTlv(parseTlvs(reply.data), 0x7c)!), 0x82)).toEqual(tdes(challenge));
  }
  return reply.sw;
}

/** GENERAL AUTHENTICATE with 7C { 82 00, <tag> data }, chained in 255-byte blocks, then GET RESPONSE until done. */
function generalAuthenticate(card: PivCard, algorithm: number, slot: number, tag: number, data: Buffer): { sw: number; result?: Buffer } {
  const body = tlv(0x7c, tlv(0x82), tlv(tag, data));
  let reply: Reply = { data: Buffer.alloc(0), sw: 0x9000 };
  for (let offset = 0; offset < body.length; offset += 255) {
    const last = offset + 255 >= body.length;
    reply = send(card, command(last ? 0x00 : 0x10, 0x87, algorithm, slot, body.subarray(offset, offset + 255), last ? 0 : undefined));
    if (!last) expect(reply.sw).toBe(0x9000);
  }
  const parts = [reply.data];
  while (reply.sw >> 8 === 0x61) {
    reply = send(card, `00 C0 00 00 ${(reply.sw & 0xff).toString(16).padStart(2, "0")}`);
    parts.push(reply.data);
  }
  if (reply.sw !== 0x9000) return { sw: reply.sw };
  return { sw: reply.sw, result: findTlv(parseTlvs(findTlv(parseTlvs(Buffer.concat(parts)), 0x7c)!), 0x82) };
}

function certificateKey(state: CardState, tag: string) {
  return new X509Certificate(certificateFromObject(Buffer.from(state.objects[tag]!, "base64"))!).publicKey;
}

/** PKCS#1 v1.5 type 1 block around a SHA-256 DigestInfo, as the host builds it for RSA signing. */
function pkcs1Block(message: Buffer): Buffer {
  const digestInfo = Buffer.concat([Buffer.from("3031300d060960864801650304020105000420", "hex"), createHash("sha256").update(message).digest()]);
  return Buffer.concat([Buffer.from([0x00, 0x01]), Buffer.alloc(256 - 3 - digestInfo.length, 0xff), Buffer.from([0x00]), digestInfo]);
}

let provisioned: CardState;
beforeAll(() => {
  provisioned = provisionedState();
});

function provisionedCard(): PivCard {
  return blankCard(structuredClone(provisioned)).card;
}

describe("management key authentication (GENERAL AUTHENTICATE, key 9B)", () => {
  it("authenticates mutually with the default 3DES key", () => {
    const card = provisionedCard();
    expect(authenticateMutually(card)).toBe(0x9000);
    expect(card.security.management).toBe(true);
  });

  it("answers 69 82 when the witness was decrypted with another key", () => {
    const card = provisionedCard();
    expect(authenticateMutually(card, Buffer.alloc(24, 0x42))).toBe(0x6982);
    expect(card.security.management).toBe(false);
  });

  it("authenticates the host with a challenge and its encrypted response (external authenticate)", () => {
    const card = provisionedCard();
    const reply = send(card, "00 87 03 9B 04 7C 02 81 00");
    const challenge = findTlv(parseTlvs(findTlv(parseTlvs(reply.data), 0x7c)!), 0x81)!;
    expect(challenge).toHaveLength(8);
    expect(send(card, command(0x00, 0x87, 0x03, 0x9b, tlv(0x7c, tlv(0x82, tdes(challenge))))).sw).toBe(0x9000);
    expect(card.security.management).toBe(true);
  });

  it("answers 69 82 to a response without a challenge first", () => {
    const card = provisionedCard();
    expect(send(card, command(0x00, 0x87, 0x03, 0x9b, tlv(0x7c, tlv(0x82, Buffer.alloc(8))))).sw).toBe(0x6982);
  });
});

describe("GENERATE ASYMMETRIC KEY PAIR (part 2 §3.3.2)", () => {
  it("answers 69 82 before management-key authentication", () => {
    const card = provisionedCard();
    expect(send(card, "00 47 00 9E 05 AC 03 80 01 11").sw).toBe(0x6982);
  });

  it("generates a P-256 key in 9E and answers its point in 7F49 / 86", () => {
    const card = provisionedCard();
    authenticateMutually(card);
    const reply = send(card, "00 47 00 9E 05 AC 03 80 01 11 00");
    expect(reply.sw).toBe(0x9000);
    const point = findTlv(parseTlvs(findTlv(parseTlvs(reply.data), 0x7f49)!), 0x86)!;
    expect(point).toHaveLength(65);
    const jwk = createPublicKey(card.key("9e")!).export({ format: "jwk" });
    expect(Buffer.from(jwk.x!, "base64url")).toEqual(point.subarray(1, 33));
    expect(card.state.keys["9e"]?.algorithm).toBe("P256");
  });

  it("generates an RSA-2048 key and sends the 7F49 template through GET RESPONSE (61 xx)", () => {
    const card = provisionedCard();
    authenticateMutually(card);
    const first = send(card, "00 47 00 9A 05 AC 03 80 01 07 00");
    expect(first.sw >> 8).toBe(0x61);
    const rest = send(card, `00 C0 00 00 ${(first.sw & 0xff).toString(16).padStart(2, "0")}`);
    expect(rest.sw).toBe(0x9000);
    const template = parseTlvs(findTlv(parseTlvs(Buffer.concat([first.data, rest.data])), 0x7f49)!);
    expect(findTlv(template, 0x81)).toHaveLength(256);
    expect(findTlv(template, 0x82)).toEqual(Buffer.from([0x01, 0x00, 0x01]));
  });

  it("answers 6A 80 for an unsupported algorithm and 6A 86 for an unknown key reference", () => {
    const card = provisionedCard();
    authenticateMutually(card);
    expect(send(card, "00 47 00 9A 05 AC 03 80 01 14").sw).toBe(0x6a80);
    expect(send(card, "00 47 00 42 05 AC 03 80 01 11").sw).toBe(0x6a86);
  });
});

describe("GENERAL AUTHENTICATE with the card's keys", () => {
  it("signs a PKCS#1 block with the RSA key in 9A after the PIN, verifiable with the 9A certificate", () => {
    const card = provisionedCard();
    const message = Buffer.from("sign me");
    expect(generalAuthenticate(card, 0x07, 0x9a, 0x81, pkcs1Block(message)).sw).toBe(0x6982);
    send(card, `00 20 00 80 08 ${padded("123456")}`);
    const { sw, result } = generalAuthenticate(card, 0x07, 0x9a, 0x81, pkcs1Block(message));
    expect(sw).toBe(0x9000);
    expect(verify("sha256", message, certificateKey(card.state, "5fc105"), result!)).toBe(true);
    // 9A stays usable while the PIN status holds.
    expect(generalAuthenticate(card, 0x07, 0x9a, 0x81, pkcs1Block(message)).sw).toBe(0x9000);
  });

  it("signs a SHA-256 hash with the P-256 key in 9C, and asks for the PIN again before the next signature", () => {
    const card = provisionedCard();
    const message = Buffer.from("sign me with 9C");
    const hash = createHash("sha256").update(message).digest();
    send(card, `00 20 00 80 08 ${padded("123456")}`);
    const first = generalAuthenticate(card, 0x11, 0x9c, 0x81, hash);
    expect(first.sw).toBe(0x9000);
    expect(verify("sha256", message, certificateKey(card.state, "5fc10a"), first.result!)).toBe(true);
    expect(generalAuthenticate(card, 0x11, 0x9c, 0x81, hash).sw).toBe(0x6982);
    send(card, `00 20 00 80 08 ${padded("123456")}`);
    expect(generalAuthenticate(card, 0x11, 0x9c, 0x81, hash).sw).toBe(0x9000);
  });

  it("decrypts with the RSA key in 9D (the raw block; the host removes the padding)", () => {
    const card = provisionedCard();
    const secret = Buffer.from("a session key");
    const ciphertext = publicEncrypt({ key: certificateKey(card.state, "5fc10b"), padding: constants.RSA_PKCS1_PADDING }, secret);
    send(card, `00 20 00 80 08 ${padded("123456")}`);
    const { sw, result } = generalAuthenticate(card, 0x07, 0x9d, 0x81, ciphertext);
    expect(sw).toBe(0x9000);
    expect(result!.subarray(-secret.length)).toEqual(secret);
    expect(result!.subarray(0, 2)).toEqual(Buffer.from([0x00, 0x02]));
  });

  it("derives an ECDH secret with a P-256 key in 9D (7C { 82 00, 85 point })", () => {
    const card = provisionedCard();
    authenticateMutually(card);
    send(card, "00 47 00 9D 05 AC 03 80 01 11");
    const peer = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const jwk = peer.publicKey.export({ format: "jwk" });
    const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, "base64url"), Buffer.from(jwk.y!, "base64url")]);
    send(card, `00 20 00 80 08 ${padded("123456")}`);
    const { sw, result } = generalAuthenticate(card, 0x11, 0x9d, 0x85, point);
    expect(sw).toBe(0x9000);
    expect(result).toEqual(diffieHellman({ privateKey: peer.privateKey, publicKey: createPublicKey(card.key("9d")!) }));
  });

  it("answers 6A 86 when the algorithm does not match the key, 6A 88 for an empty slot, 6A 80 for a short RSA block", () => {
    const card = provisionedCard();
    send(card, `00 20 00 80 08 ${padded("123456")}`);
    expect(generalAuthenticate(card, 0x11, 0x9a, 0x81, Buffer.alloc(32)).sw).toBe(0x6a86);
    expect(generalAuthenticate(card, 0x07, 0x9e, 0x81, Buffer.alloc(256)).sw).toBe(0x6a88);
    expect(generalAuthenticate(card, 0x07, 0x9a, 0x81, Buffer.alloc(100)).sw).toBe(0x6a80);
  });
});
