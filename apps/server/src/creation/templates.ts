// PKCS#11 templates for the objects the service creates (PKCS#11 v3.1 section 4), from requests and parsed input.
import { ScwsError } from "@open-scws/errors";
import type { components } from "@open-scws/spec";
import { ecParamsOf, NAMED_CURVES } from "../crypto/ec-curves.js";
import { CKA, CKC, CKK, CKM, CKO } from "../pkcs11/constants.js";
import type { AttributeInput } from "../pkcs11/host.js";
import type { KeyMaterial } from "./key-material.js";

type GenerateKeyRequest = components["schemas"]["GenerateKeyRequest"];
type RequestedKeyUsage = Required<components["schemas"]["RequestedKeyUsage"]>;

/** How to generate the key a request asks for. */
export type GenerationPlan =
  | { readonly kind: "pair"; readonly mechanism: number; readonly publicTemplate: AttributeInput[]; readonly privateTemplate: AttributeInput[] }
  | { readonly kind: "secret"; readonly mechanism: number; readonly template: AttributeInput[] };

const DEFAULT_USAGE: Readonly<Record<GenerateKeyRequest["algorithm"], RequestedKeyUsage>> = {
  RSA: { sign: true, encrypt: true, wrap: false, derive: false },
  EC: { sign: true, encrypt: false, wrap: false, derive: false },
  AES: { sign: false, encrypt: true, wrap: false, derive: false },
};

function badField(field: string, reason: string, code: "CKR_ARGUMENTS_BAD" | "CKR_TEMPLATE_INCONSISTENT" = "CKR_ARGUMENTS_BAD"): ScwsError {
  return new ScwsError(code, { message: `Invalid request: /body/${field} ${reason}.`, customData: { field: `/body/${field}`, reason } });
}

/** Checks the members that depend on the algorithm, which the spec leaves to the service. */
function checkShape(request: GenerateKeyRequest): void {
  const { algorithm, sizeBits, curve } = request;
  if (algorithm !== "EC" && curve !== undefined) throw badField("curve", `is only for EC keys, not ${algorithm}`);
  if (algorithm === "EC" && curve === undefined) throw badField("curve", "is required for EC keys");
  if (algorithm === "EC" && sizeBits !== undefined) throw badField("sizeBits", "is not for EC keys: the curve sets the size");
  if (algorithm !== "EC" && sizeBits === undefined) throw badField("sizeBits", `is required for ${algorithm} keys`);
  if (algorithm === "RSA" && (sizeBits! < 2048 || sizeBits! > 4096)) throw badField("sizeBits", "must be from 2048 to 4096 for RSA keys");
  if (algorithm === "AES" && ![128, 192, 256].includes(sizeBits!)) throw badField("sizeBits", "must be 128, 192 or 256 for AES keys");
  if (algorithm === "AES" && request.alwaysAuthenticate) throw badField("alwaysAuthenticate", "is only for private keys");
}

/** The usage flags of a request, with the algorithm's defaults, refusing those the key type cannot have. */
export function usageOf(request: GenerateKeyRequest): RequestedKeyUsage {
  const usage = { ...DEFAULT_USAGE[request.algorithm], ...request.usage };
  if (request.algorithm === "EC" && usage.encrypt) throw badField("usage/encrypt", "is not possible with EC keys", "CKR_TEMPLATE_INCONSISTENT");
  if (request.algorithm === "EC" && usage.wrap) throw badField("usage/wrap", "is not possible with EC keys", "CKR_TEMPLATE_INCONSISTENT");
  if (request.algorithm === "RSA" && usage.derive) throw badField("usage/derive", "is not possible with RSA keys", "CKR_TEMPLATE_INCONSISTENT");
  return usage;
}

/** The default label of a new key: its algorithm and size, such as `EC P-256`. */
export function defaultKeyLabel(request: GenerateKeyRequest): string {
  return request.algorithm === "EC" ? `EC ${request.curve}` : `${request.algorithm} ${request.sizeBits}`;
}

/** The templates and mechanism for a key generation request; ckId may be empty until the public key is known. */
export function generationPlan(request: GenerateKeyRequest, label: string, ckId: Uint8Array): GenerationPlan {
  checkShape(request);
  const usage = usageOf(request);
  const common = (klass: number, keyType: number): AttributeInput[] => [
    { type: CKA.CLASS, value: klass },
    { type: CKA.KEY_TYPE, value: keyType },
    { type: CKA.TOKEN, value: true },
    { type: CKA.LABEL, value: label },
    ...(ckId.length > 0 ? [{ type: CKA.ID, value: ckId }] : []),
  ];
  const secret = [
    { type: CKA.PRIVATE, value: true },
    { type: CKA.SENSITIVE, value: request.sensitive ?? true },
    { type: CKA.EXTRACTABLE, value: request.extractable ?? false },
  ];
  if (request.algorithm === "AES") {
    const template = [...common(CKO.SECRET_KEY, CKK.AES), ...secret, { type: CKA.VALUE_LEN, value: request.sizeBits! / 8 }];
    for (const [attribute, on] of [
      [CKA.SIGN, usage.sign],
      [CKA.VERIFY, usage.sign],
      [CKA.ENCRYPT, usage.encrypt],
      [CKA.DECRYPT, usage.encrypt],
      [CKA.WRAP, usage.wrap],
      [CKA.UNWRAP, usage.wrap],
      [CKA.DERIVE, usage.derive],
    ] as const)
      template.push({ type: attribute, value: on });
    return { kind: "secret", mechanism: CKM.AES_KEY_GEN, template };
  }
  const keyType = request.algorithm === "RSA" ? CKK.RSA : CKK.EC;
  const publicTemplate = [
    ...common(CKO.PUBLIC_KEY, keyType),
    { type: CKA.PRIVATE, value: false },
    { type: CKA.VERIFY, value: usage.sign },
    { type: CKA.ENCRYPT, value: usage.encrypt },
    { type: CKA.WRAP, value: usage.wrap },
  ];
  const privateTemplate = [
    ...common(CKO.PRIVATE_KEY, keyType),
    ...secret,
    { type: CKA.SIGN, value: usage.sign },
    { type: CKA.DECRYPT, value: usage.encrypt },
    { type: CKA.UNWRAP, value: usage.wrap },
    { type: CKA.DERIVE, value: usage.derive },
    { type: CKA.ALWAYS_AUTHENTICATE, value: request.alwaysAuthenticate ?? false },
  ];
  if (request.algorithm === "RSA") {
    publicTemplate.push({ type: CKA.MODULUS_BITS, value: request.sizeBits! }, { type: CKA.PUBLIC_EXPONENT, value: new Uint8Array([1, 0, 1]) });
    return { kind: "pair", mechanism: CKM.RSA_PKCS_KEY_PAIR_GEN, publicTemplate, privateTemplate };
  }
  const curve = NAMED_CURVES.find((candidate) => candidate.name === request.curve)!;
  publicTemplate.push({ type: CKA.EC_PARAMS, value: ecParamsOf(curve) });
  return { kind: "pair", mechanism: CKM.EC_KEY_PAIR_GEN, publicTemplate, privateTemplate };
}

/** Templates for an imported key pair: a sensitive, non-extractable private key that signs (and decrypts, for RSA). */
export function importedKeyTemplates(
  key: KeyMaterial,
  label: string,
  ckId: Uint8Array,
  subject?: Uint8Array,
): { publicTemplate: AttributeInput[]; privateTemplate: AttributeInput[] } {
  const keyType = key.algorithm === "RSA" ? CKK.RSA : CKK.EC;
  const rsa = key.algorithm === "RSA";
  const common = (klass: number): AttributeInput[] => [
    { type: CKA.CLASS, value: klass },
    { type: CKA.KEY_TYPE, value: keyType },
    { type: CKA.TOKEN, value: true },
    { type: CKA.LABEL, value: label },
    { type: CKA.ID, value: ckId },
    ...(subject ? [{ type: CKA.SUBJECT, value: subject }] : []),
  ];
  const publicTemplate = [...common(CKO.PUBLIC_KEY), { type: CKA.PRIVATE, value: false }, { type: CKA.VERIFY, value: true }, { type: CKA.ENCRYPT, value: rsa }];
  const privateTemplate = [
    ...common(CKO.PRIVATE_KEY),
    { type: CKA.PRIVATE, value: true },
    { type: CKA.SENSITIVE, value: true },
    { type: CKA.EXTRACTABLE, value: false },
    { type: CKA.SIGN, value: true },
    { type: CKA.DECRYPT, value: rsa },
  ];
  if (key.algorithm === "RSA") {
    publicTemplate.push({ type: CKA.MODULUS, value: key.modulus }, { type: CKA.PUBLIC_EXPONENT, value: key.publicExponent });
    privateTemplate.push(
      { type: CKA.MODULUS, value: key.modulus },
      { type: CKA.PUBLIC_EXPONENT, value: key.publicExponent },
      { type: CKA.PRIVATE_EXPONENT, value: key.privateExponent },
      { type: CKA.PRIME_1, value: key.prime1 },
      { type: CKA.PRIME_2, value: key.prime2 },
      { type: CKA.EXPONENT_1, value: key.exponent1 },
      { type: CKA.EXPONENT_2, value: key.exponent2 },
      { type: CKA.COEFFICIENT, value: key.coefficient },
    );
  } else {
    publicTemplate.push({ type: CKA.EC_PARAMS, value: key.ecParams }, { type: CKA.EC_POINT, value: key.ecPoint });
    privateTemplate.push({ type: CKA.EC_PARAMS, value: key.ecParams }, { type: CKA.VALUE, value: key.privateValue });
  }
  return { publicTemplate, privateTemplate };
}

/** The fields of an X.509 certificate object, from the parsed certificate (PKCS#11 v3.1 section 4.6.3). */
export interface CertificateFields {
  readonly value: Uint8Array;
  readonly subject: Uint8Array;
  readonly issuer: Uint8Array;
  /** The DER INTEGER of the serial number. */
  readonly serialNumber: Uint8Array;
}

/** The template of a public X.509 certificate object. */
export function certificateTemplate(certificate: CertificateFields, label: string, ckId: Uint8Array): AttributeInput[] {
  return [
    { type: CKA.CLASS, value: CKO.CERTIFICATE },
    { type: CKA.CERTIFICATE_TYPE, value: CKC.X_509 },
    { type: CKA.TOKEN, value: true },
    { type: CKA.PRIVATE, value: false },
    { type: CKA.LABEL, value: label },
    { type: CKA.ID, value: ckId },
    { type: CKA.SUBJECT, value: certificate.subject },
    { type: CKA.ISSUER, value: certificate.issuer },
    { type: CKA.SERIAL_NUMBER, value: certificate.serialNumber },
    { type: CKA.VALUE, value: certificate.value },
  ];
}

/** The template of a data container. */
export function dataContainerTemplate(label: string, application: string | undefined, value: Uint8Array, isPrivate: boolean): AttributeInput[] {
  return [
    { type: CKA.CLASS, value: CKO.DATA },
    { type: CKA.TOKEN, value: true },
    { type: CKA.PRIVATE, value: isPrivate },
    { type: CKA.MODIFIABLE, value: true },
    { type: CKA.LABEL, value: label },
    ...(application !== undefined ? [{ type: CKA.APPLICATION, value: application }] : []),
    { type: CKA.VALUE, value },
  ];
}
