import { describe, expect, it } from "vitest";
import { parseCommand } from "./apdu.js";
import { ATR } from "./card.js";
import { certificateObject, standardObjects } from "./objects.js";
import { blankState } from "./state.js";
import { blankCard, command, send } from "./testing.js";
import { tlv } from "./tlv.js";

describe("APDU handling (ISO 7816-4 §5.1)", () => {
  it("parses short and extended cases", () => {
    expect(parseCommand(Buffer.from("00CB3FFF035C017E00", "hex"))).toMatchObject({ ins: 0xcb, le: 256, data: Buffer.from("5C017E", "hex") });
    expect(parseCommand(Buffer.from("00870700000003AABBCC0000", "hex"))).toMatchObject({ data: Buffer.from("AABBCC", "hex"), le: 65536 });
    expect(parseCommand(Buffer.from("0020008000", "hex"))).toMatchObject({ data: Buffer.alloc(0), le: 256 });
  });

  it("answers 67 00 when Lc does not match the data", () => {
    const { card } = blankCard();
    expect(send(card, "00 20 00 80 08 31 32").sw).toBe(0x6700);
  });

  it("answers 6D 00 to an unknown instruction and 6E 00 to a proprietary class", () => {
    const { card } = blankCard();
    expect(send(card, "00 FD 00 00").sw).toBe(0x6d00);
    expect(send(card, "80 CB 3F FF 03 5C 01 7E").sw).toBe(0x6e00);
  });

  it("joins chained blocks (CLA 10) into one command", () => {
    const { card } = blankCard();
    card.security.management = true;
    const body = Buffer.concat([Buffer.from("5c035fc105", "hex"), tlv(0x53, certificateObject(Buffer.alloc(600, 0x30)))]);
    expect(send(card, command(0x10, 0xdb, 0x3f, 0xff, body.subarray(0, 255))).sw).toBe(0x9000);
    expect(send(card, command(0x10, 0xdb, 0x3f, 0xff, body.subarray(255, 510))).sw).toBe(0x9000);
    expect(send(card, command(0x00, 0xdb, 0x3f, 0xff, body.subarray(510))).sw).toBe(0x9000);
    expect(card.state.objects["5fc105"]).toBeDefined();
  });

  it("answers 69 85 when a chain is broken by another command", () => {
    const { card } = blankCard();
    expect(send(card, command(0x10, 0xdb, 0x3f, 0xff, Buffer.from("5c03", "hex"))).sw).toBe(0x9000);
    expect(send(card, "00 CB 3F FF 03 5C 01 7E 00").sw).toBe(0x6985);
  });

  it("sends a long answer in Le-sized pieces with 61 xx and GET RESPONSE", () => {
    const state = blankState();
    state.objects = standardObjects();
    state.objects["5fc105"] = certificateObject(Buffer.alloc(700, 0x30)).toString("base64");
    const { card } = blankCard(state);
    const parts: Buffer[] = [];
    let reply = send(card, "00 CB 3F FF 05 5C 03 5F C1 05 00");
    parts.push(reply.data);
    while (reply.sw >> 8 === 0x61) {
      reply = send(card, "00 C0 00 00 00");
      parts.push(reply.data);
    }
    expect(reply.sw).toBe(0x9000);
    // 53 82 02 c5 { 70 82 02 bc <700 bytes>, 71 01 00, fe 00 } = 713 bytes.
    expect(parts.map((p) => p.length)).toEqual([256, 256, 201]);
  });

  it("answers 69 85 to GET RESPONSE with nothing pending", () => {
    const { card } = blankCard();
    expect(send(card, "00 C0 00 00 00").sw).toBe(0x6985);
  });

  it("has a T=1 ATR whose check byte makes the XOR of T0..TCK zero", () => {
    expect(ATR[0]).toBe(0x3b);
    expect(ATR.subarray(1).reduce((x, b) => x ^ b, 0)).toBe(0);
  });
});
