import { describe, expect, it } from "vitest";
import { certificateObject, PIV_AID, standardObjects } from "./objects.js";
import { blankState } from "./state.js";
import { blankCard, command, send } from "./testing.js";
import { findTlv, parseTlvs, tlv } from "./tlv.js";

function cardWithObjects() {
  const state = blankState();
  state.objects = standardObjects(Buffer.alloc(16, 0xab));
  return blankCard(state);
}

describe("SELECT (SP 800-73-4 part 2 §3.1.1)", () => {
  it("answers the application property template to the full PIV AID", () => {
    const { card } = cardWithObjects();
    const reply = send(card, command(0x00, 0xa4, 0x04, 0x00, PIV_AID, 0));
    expect(reply.sw).toBe(0x9000);
    const template = parseTlvs(findTlv(parseTlvs(reply.data), 0x61)!);
    expect(findTlv(template, 0x4f)).toEqual(PIV_AID.subarray(5));
    expect(findTlv(parseTlvs(findTlv(template, 0x79)!), 0x4f)).toEqual(PIV_AID.subarray(0, 5));
  });

  it("accepts the AID truncated to the RID (A0 00 00 03 08)", () => {
    const { card } = cardWithObjects();
    expect(send(card, "00 A4 04 00 05 A0 00 00 03 08 00").sw).toBe(0x9000);
  });

  it("answers 6A 82 to another application", () => {
    const { card } = cardWithObjects();
    expect(send(card, "00 A4 04 00 07 A0 00 00 00 03 10 10 00").sw).toBe(0x6a82);
  });

  it("resets the security status", () => {
    const { card } = cardWithObjects();
    card.security.pin = true;
    send(card, "00 A4 04 00 05 A0 00 00 03 08");
    expect(card.security.pin).toBe(false);
  });
});

describe("GET DATA (part 2 §3.1.2)", () => {
  it("answers the CHUID in tag 53 with the card's GUID in tag 34", () => {
    const { card } = cardWithObjects();
    const reply = send(card, "00 CB 3F FF 05 5C 03 5F C1 02 00");
    expect(reply.sw).toBe(0x9000);
    const chuid = parseTlvs(findTlv(parseTlvs(reply.data), 0x53)!);
    expect(findTlv(chuid, 0x34)).toEqual(Buffer.alloc(16, 0xab));
  });

  it("answers the discovery object in tag 7E with the PIV AID and the PIN usage policy", () => {
    const { card } = cardWithObjects();
    const reply = send(card, "00 CB 3F FF 03 5C 01 7E 00");
    const discovery = parseTlvs(findTlv(parseTlvs(reply.data), 0x7e)!);
    expect(findTlv(discovery, 0x4f)).toEqual(PIV_AID);
    expect(findTlv(discovery, 0x5f2f)).toEqual(Buffer.from([0x40, 0x00]));
  });

  it("answers 6A 82 for an object the card does not hold", () => {
    const { card } = cardWithObjects();
    expect(send(card, "00 CB 3F FF 05 5C 03 5F C1 05 00").sw).toBe(0x6a82);
  });

  it("answers 6A 86 for P1 P2 other than 3F FF and 6A 80 without a 5C tag list", () => {
    const { card } = cardWithObjects();
    expect(send(card, "00 CB 3F 00 05 5C 03 5F C1 02 00").sw).toBe(0x6a86);
    expect(send(card, "00 CB 3F FF 05 5D 03 5F C1 02 00").sw).toBe(0x6a80);
  });
});

describe("PUT DATA (part 2 §3.3.1)", () => {
  const certificate = certificateObject(Buffer.from("308201", "hex"));
  const putCertificate = command(0x00, 0xdb, 0x3f, 0xff, Buffer.concat([Buffer.from("5c035fc105", "hex"), tlv(0x53, certificate)]));

  it("answers 69 82 before management-key authentication", () => {
    const { card } = cardWithObjects();
    expect(send(card, putCertificate).sw).toBe(0x6982);
    expect(card.state.objects["5fc105"]).toBeUndefined();
  });

  it("stores the object after management-key authentication, and GET DATA then answers it", () => {
    const { card, saves } = cardWithObjects();
    card.security.management = true;
    expect(send(card, putCertificate).sw).toBe(0x9000);
    expect(saves()).toBe(1);
    const reply = send(card, "00 CB 3F FF 05 5C 03 5F C1 05 00");
    expect(findTlv(parseTlvs(reply.data), 0x53)).toEqual(certificate);
  });

  it("deletes the object when tag 53 is empty", () => {
    const { card } = cardWithObjects();
    card.security.management = true;
    expect(send(card, "00 DB 3F FF 07 5C 03 5F C1 02 53 00").sw).toBe(0x9000);
    expect(send(card, "00 CB 3F FF 05 5C 03 5F C1 02 00").sw).toBe(0x6a82);
  });

  it("answers 6A 80 to a truncated TLV", () => {
    const { card } = cardWithObjects();
    card.security.management = true;
    expect(send(card, "00 DB 3F FF 07 5C 03 5F C1 05 53 10").sw).toBe(0x6a80);
  });
});
