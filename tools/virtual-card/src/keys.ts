// GENERATE ASYMMETRIC KEY PAIR and GENERAL AUTHENTICATE (SP 800-73-4 part 2 §3.2.4, §3.3.2): management-key
// (9B, 3DES) challenge-response, RSA-2048 / P-256 signatures, RSA decryption and ECDH.
import {
  constants,
  createCipheriv,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  type KeyObject,
  privateDecrypt,
  randomBytes,
  timingSafeEqual,
} from "node:crypto";
import { CardStatus, type Command, SW } from "./apdu.js";
import type { PivCard } from "./card.js";
import { signHashP256 } from "./ecdsa.js";
import { ALGORITHM, KEY_SLOTS, type KeySlot, type SlotKey } from "./state.js";
import { findTlv, parseTlvs, TlvError, tlv } from "./tlv.js";

const MANAGEMENT_KEY_REF = 0x9b;

function parse(data: Buffer) {
  try {
    return parseTlvs(data);
  } catch (error) {
    if (error instanceof TlvError) throw new CardStatus(SW.WRONG_DATA);
    throw error;
  }
}

function slotOf(ref: number): KeySlot {
  const slot = ref.toString(16) as KeySlot;
  if (!KEY_SLOTS.includes(slot)) throw new CardStatus(SW.INCORRECT_P1P2);
  return slot;
}

function algorithmName(id: number): SlotKey["algorithm"] {
  if (id === ALGORITHM.RSA2048) return "RSA2048";
  if (id === ALGORITHM.P256) return "P256";
  throw new CardStatus(SW.WRONG_DATA);
}

/** The public key template 7F49 (part 2 table 10): RSA 81 modulus 82 exponent, EC 86 point. */
function publicKeyTemplate(key: ReturnType<typeof createPublicKey>): Buffer {
  const jwk = key.export({ format: "jwk" });
  if (jwk.kty === "RSA") return tlv(0x7f49, tlv(0x81, Buffer.from(jwk.n!, "base64url")), tlv(0x82, Buffer.from(jwk.e!, "base64url")));
  const point = Buffer.concat([Buffer.from([0x04]), Buffer.from(jwk.x!, "base64url"), Buffer.from(jwk.y!, "base64url")]);
  return tlv(0x7f49, tlv(0x86, point));
}

/** GENERATE ASYMMETRIC KEY PAIR: needs the management key; data AC { 80 algorithm }; answers 7F49. */
export function generateKeyPair(card: PivCard, command: Command): Buffer {
  if (command.p1 !== 0x00) throw new CardStatus(SW.INCORRECT_P1P2);
  const slot = slotOf(command.p2);
  if (!card.security.management) throw new CardStatus(SW.SECURITY_NOT_SATISFIED);
  const template = findTlv(parse(command.data), 0xac);
  const algorithmId = template && findTlv(parse(template), 0x80);
  if (algorithmId?.length !== 1) throw new CardStatus(SW.WRONG_DATA);
  const algorithm = algorithmName(algorithmId[0]!);
  const { privateKey } =
    algorithm === "RSA2048" ? generateKeyPairSync("rsa", { modulusLength: 2048, publicExponent: 65537 }) : generateKeyPairSync("ec", { namedCurve: "P-256" });
  card.state.keys[slot] = { algorithm, privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString() };
  card.forgetKey(slot);
  card.save();
  return publicKeyTemplate(createPublicKey(privateKey));
}

function tdes(card: PivCard, block: Buffer): Buffer {
  const cipher = createCipheriv("des-ede3", Buffer.from(card.state.managementKey, "hex"), null);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(block), cipher.final()]);
}

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** 9B authentication: mutual (80 witness then 80+81) or external (81 challenge then 82 response). */
function authenticateManagementKey(card: PivCard, algorithm: number, fields: ReturnType<typeof parseTlvs>): Buffer {
  if (algorithm !== ALGORITHM.TDES && algorithm !== 0x00) throw new CardStatus(SW.INCORRECT_P1P2);
  const witness = findTlv(fields, 0x80);
  const challenge = findTlv(fields, 0x81);
  const response = findTlv(fields, 0x82);
  const pending = card.managementChallenge;
  card.managementChallenge = {};
  card.security.management = false;
  if (witness?.length === 0 && !challenge) {
    const plain = randomBytes(8);
    card.managementChallenge = { witness: plain };
    return tlv(0x7c, tlv(0x80, tdes(card, plain)));
  }
  if (witness && challenge?.length === 8) {
    if (!pending.witness || !sameBytes(witness, pending.witness)) throw new CardStatus(SW.SECURITY_NOT_SATISFIED);
    card.security.management = true;
    return tlv(0x7c, tlv(0x82, tdes(card, challenge)));
  }
  if (challenge?.length === 0) {
    const plain = randomBytes(8);
    card.managementChallenge = { challenge: plain };
    return tlv(0x7c, tlv(0x81, plain));
  }
  if (response?.length === 8) {
    if (!pending.challenge || !sameBytes(response, tdes(card, pending.challenge))) throw new CardStatus(SW.SECURITY_NOT_SATISFIED);
    card.security.management = true;
    return Buffer.alloc(0);
  }
  throw new CardStatus(SW.WRONG_DATA);
}

/** Who may use a slot's private key: 9E anyone; 9A, 9D the verified PIN; 9C a PIN verified just before each use. */
function requireAccess(card: PivCard, slot: KeySlot): void {
  if (slot === "9e") return;
  if (slot === "9c") {
    if (!card.security.pinFresh) throw new CardStatus(SW.SECURITY_NOT_SATISFIED);
    card.security.pinFresh = false;
    return;
  }
  if (!card.security.pin) throw new CardStatus(SW.SECURITY_NOT_SATISFIED);
}

/** GENERAL AUTHENTICATE: P1 algorithm, P2 key reference, data 7C { ... }. */
export function generalAuthenticate(card: PivCard, command: Command): Buffer {
  const outer = findTlv(parse(command.data), 0x7c);
  if (!outer) throw new CardStatus(SW.WRONG_DATA);
  const fields = parse(outer);
  if (command.p2 === MANAGEMENT_KEY_REF) return authenticateManagementKey(card, command.p1, fields);
  const slot = slotOf(command.p2);
  const stored = card.state.keys[slot];
  const key = card.key(slot);
  if (!stored || !key) throw new CardStatus(SW.REF_NOT_FOUND);
  if (ALGORITHM[stored.algorithm] !== command.p1) throw new CardStatus(SW.INCORRECT_P1P2);
  const response = findTlv(fields, 0x82);
  const challenge = findTlv(fields, 0x81);
  const peerPoint = findTlv(fields, 0x85);
  if (response?.length !== 0 || !challenge === !peerPoint) throw new CardStatus(SW.WRONG_DATA);
  if (challenge) {
    if (stored.algorithm === "RSA2048" && challenge.length !== 256) throw new CardStatus(SW.WRONG_DATA);
    if (stored.algorithm === "P256" && (challenge.length === 0 || challenge.length > 64)) throw new CardStatus(SW.WRONG_DATA);
    requireAccess(card, slot);
    const result = stored.algorithm === "RSA2048" ? rawRsa(key, challenge) : signHashP256(key, challenge);
    return tlv(0x7c, tlv(0x82, result));
  }
  if (stored.algorithm !== "P256" || peerPoint!.length !== 65 || peerPoint![0] !== 0x04) throw new CardStatus(SW.WRONG_DATA);
  requireAccess(card, slot);
  return tlv(0x7c, tlv(0x82, ecdh(key, peerPoint!)));
}

/** The raw RSA private-key operation (the host pads for signatures and unpads after decryption). */
function rawRsa(key: KeyObject, block: Buffer): Buffer {
  try {
    return privateDecrypt({ key, padding: constants.RSA_NO_PADDING }, block);
  } catch {
    // Input not below the modulus.
    throw new CardStatus(SW.WRONG_DATA);
  }
}

function ecdh(privateKey: KeyObject, point: Buffer): Buffer {
  const x = point.subarray(1, 33).toString("base64url");
  const y = point.subarray(33, 65).toString("base64url");
  try {
    const publicKey = createPublicKey({ key: { kty: "EC", crv: "P-256", x, y }, format: "jwk" });
    return diffieHellman({ privateKey, publicKey });
  } catch {
    throw new CardStatus(SW.WRONG_DATA);
  }
}
