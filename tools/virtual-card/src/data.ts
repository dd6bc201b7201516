// SELECT, GET DATA and PUT DATA (SP 800-73-4 part 2 §3.1.1, §3.1.2, §3.3.2).
import { CardStatus, type Command, SW } from "./apdu.js";
import type { PivCard } from "./card.js";
import { PIV_AID } from "./objects.js";
import { findTlv, parseTlvs, TlvError, tlv } from "./tlv.js";

const DISCOVERY_TAG = "7e";

/** SELECT by AID (P1 04): the PIV AID or its RID-plus-PIX prefix answers the application property template. */
export function select(card: PivCard, command: Command): Buffer {
  if (command.p1 !== 0x04 || command.p2 !== 0x00) throw new CardStatus(SW.INCORRECT_P1P2);
  const aid = command.data;
  if (aid.length < 5 || !PIV_AID.subarray(0, aid.length).equals(aid)) throw new CardStatus(SW.NOT_FOUND);
  card.reset();
  return tlv(
    0x61,
    tlv(0x4f, PIV_AID.subarray(5)),
    tlv(0x79, tlv(0x4f, PIV_AID.subarray(0, 5))),
    tlv(0x50, Buffer.from("OpenSCWS virtual PIV")),
    tlv(0xac, tlv(0x80, Buffer.from([0x03])), tlv(0x80, Buffer.from([0x07])), tlv(0x80, Buffer.from([0x11])), tlv(0x06, Buffer.from([0x00]))),
  );
}

/** Reads the tag list 5C of GET DATA / PUT DATA as a lower-case hex string. */
function objectTag(data: Buffer): { tag: string; rest: Buffer } {
  if (data[0] !== 0x5c) throw new CardStatus(SW.WRONG_DATA);
  const length = data[1] ?? 0;
  if (length < 1 || length > 3 || data.length < 2 + length) throw new CardStatus(SW.WRONG_DATA);
  return { tag: data.subarray(2, 2 + length).toString("hex"), rest: data.subarray(2 + length) };
}

/** GET DATA (P1P2 3FFF): answers 53 <content> (7E for the discovery object), 6A 82 when absent. */
export function getData(card: PivCard, command: Command): Buffer {
  if (command.p1 !== 0x3f || command.p2 !== 0xff) throw new CardStatus(SW.INCORRECT_P1P2);
  const { tag, rest } = objectTag(command.data);
  if (rest.length > 0) throw new CardStatus(SW.WRONG_DATA);
  const content = card.state.objects[tag];
  if (content === undefined) throw new CardStatus(SW.NOT_FOUND);
  return tlv(tag === DISCOVERY_TAG ? 0x7e : 0x53, Buffer.from(content, "base64"));
}

/** PUT DATA (P1P2 3FFF) after management-key authentication: 5C tag, 53 content; empty 53 deletes. */
export function putData(card: PivCard, command: Command): Buffer {
  if (command.p1 !== 0x3f || command.p2 !== 0xff) throw new CardStatus(SW.INCORRECT_P1P2);
  if (!card.security.management) throw new CardStatus(SW.SECURITY_NOT_SATISFIED);
  const { tag, rest } = objectTag(command.data);
  let content: Buffer | undefined;
  try {
    content = findTlv(parseTlvs(rest), tag === DISCOVERY_TAG ? 0x7e : 0x53);
  } catch (error) {
    if (error instanceof TlvError) throw new CardStatus(SW.WRONG_DATA);
    throw error;
  }
  if (content === undefined) throw new CardStatus(SW.WRONG_DATA);
  if (content.length === 0) delete card.state.objects[tag];
  else card.state.objects[tag] = content.toString("base64");
  card.save();
  return Buffer.alloc(0);
}
