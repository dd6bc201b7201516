// The PIV data objects a card carries besides certificates (SP 800-73-4 part 1 §3.1 and appendix A).
import { randomBytes } from "node:crypto";
import { tlv } from "./tlv.js";

/** The PIV application identifier (SP 800-73-4 part 1 §2.2): RID A0 00 00 03 08, PIX 00 00 10 00 01 00. */
export const PIV_AID = Buffer.from("a000000308000010000100", "hex");

/** Builds the content of a certificate object: 70 cert, 71 CertInfo (uncompressed), FE error detection code. */
export function certificateObject(der: Buffer): Buffer {
  return Buffer.concat([tlv(0x70, der), tlv(0x71, Buffer.from([0x00])), tlv(0xfe)]);
}

/** Extracts the certificate DER from a certificate object's content, or undefined. */
export function certificateFromObject(content: Buffer): Buffer | undefined {
  // 70 is the first TLV in every certificate object.
  if (content[0] !== 0x70) return undefined;
  const lengthByte = content[1]!;
  const [length, offset] = lengthByte === 0x82 ? [content.readUInt16BE(2), 4] : lengthByte === 0x81 ? [content[2]!, 3] : [lengthByte, 2];
  return content.subarray(offset, offset + length);
}

/** CHUID, CCC, discovery object and key history for a card with this GUID, hex tag -> content (base64). */
export function standardObjects(guid: Buffer = randomBytes(16)): Record<string, string> {
  // FASC-N of a test card: agency code 9999 (SP 800-73-4 part 1 §3.1.2 allows non-federal issuers to use it).
  const fascN = Buffer.from("d4e739da739ced39ce739d836858210842108421c84210c3eb", "hex");
  const chuid = Buffer.concat([tlv(0x30, fascN), tlv(0x34, guid), tlv(0x35, Buffer.from("20551231")), tlv(0x3e), tlv(0xfe)]);
  const cardIdentifier = Buffer.concat([Buffer.from("a000000116ff0201", "hex"), guid.subarray(0, 13)]);
  const ccc = Buffer.concat([
    tlv(0xf0, cardIdentifier),
    tlv(0xf1, Buffer.from([0x21])),
    tlv(0xf2, Buffer.from([0x21])),
    tlv(0xf3),
    tlv(0xf4, Buffer.from([0x00])),
    tlv(0xf5, Buffer.from([0x10])),
    tlv(0xf6),
    tlv(0xf7),
    tlv(0xfa),
    tlv(0xfb),
    tlv(0xfc),
    tlv(0xfd),
    tlv(0xfe),
  ]);
  // PIN usage policy 40 00: only the PIV application PIN exists (part 1 §3.3.2).
  const discovery = Buffer.concat([tlv(0x4f, PIV_AID), tlv(0x5f2f, Buffer.from([0x40, 0x00]))]);
  const keyHistory = Buffer.concat([tlv(0xc1, Buffer.from([0])), tlv(0xc2, Buffer.from([0])), tlv(0xfe)]);
  return {
    "5fc102": chuid.toString("base64"),
    "5fc107": ccc.toString("base64"),
    "7e": discovery.toString("base64"),
    "5fc10c": keyHistory.toString("base64"),
  };
}
