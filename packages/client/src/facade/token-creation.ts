// What Token's creation methods send and make: key generation, certificate and PKCS#12 import, data containers.
// SCWS published no JS for these; the facade names them as the Java API and PKCS#11 do. Each needs the user's login.
import type { components } from "@open-scws/spec";
import { badParams } from "../transport/client-errors.js";
import { type Bytes, bytesOf, toBase64 } from "./bytes.js";
import type { CallOptions } from "./call-options.js";
import type { Certificate } from "./certificate.js";
import type { Key } from "./key.js";

type Schemas = components["schemas"];
/** What `Token.generateKeyPair` takes: an RSA (`sizeBits`) or EC (`curve`) key pair, and its label, ckId and usages. */
export type KeyPairRequest = Schemas["GenerateKeyRequest"] & { readonly algorithm: "RSA" | "EC" };
/** What `Token.generateKey` takes: an AES key of `sizeBits` 128, 192 or 256. */
export type SecretKeyRequest = Schemas["GenerateKeyRequest"] & { readonly algorithm: "AES" };
/** A key pair made on the token. */
export interface KeyPair {
  readonly privateKey: Key;
  readonly publicKey: Key;
}
/** Options of `Token.importCertificate`: its label (default: the subject's common name) and ckId (default: its key's). */
export type CertificateImportOptions = CallOptions & Pick<Schemas["ImportCertificateRequest"], "ckLabel" | "ckId">;
/** What `Token.createDataContainer` takes: the spec's request, with the value as bytes. */
export type DataContainerRequest = Omit<Schemas["CreateDataContainerRequest"], "value"> & { readonly value: Bytes };
/** Options of `Token.importPkcs12`: the label and ckId of what it imports. */
export type Pkcs12ImportOptions = CallOptions & Pick<Schemas["ImportPkcs12Request"], "ckLabel" | "ckId">;
/** What a PKCS#12 import made: its private key, the public key and certificate, and the rest of the chain. */
export interface ImportedPkcs12 {
  readonly privateKey?: Key;
  readonly publicKey?: Key;
  readonly certificate?: Certificate;
  readonly chain: Certificate[];
}

/** The body of a key generation, checked to be of the kind the method makes. */
export function keyRequestOf(request: unknown, kinds: readonly string[]): Schemas["GenerateKeyRequest"] {
  const algorithm = (request as { algorithm?: unknown } | null)?.algorithm;
  if (typeof request !== "object" || request === null || typeof algorithm !== "string" || !kinds.includes(algorithm)) {
    throw badParams("request.algorithm", `must be ${kinds.map((kind) => `"${kind}"`).join(" or ")}`);
  }
  return request as Schemas["GenerateKeyRequest"];
}

/** A certificate as the spec carries it: PEM text (or base64 DER) as given, bytes of DER as base64. */
export function certificateValueOf(certificate: unknown): string {
  return typeof certificate === "string" ? certificate : toBase64(bytesOf("certificate", certificate));
}

/** The members of options that are not call options, without the unset ones. */
export function namingOf(options: { ckLabel?: string | undefined; ckId?: string | undefined } | undefined): { ckLabel?: string; ckId?: string } {
  return {
    ...(options?.ckLabel === undefined ? {} : { ckLabel: options.ckLabel }),
    ...(options?.ckId === undefined ? {} : { ckId: options.ckId }),
  };
}

/** The body of a data container, its value in base64. */
export function dataContainerBodyOf(request: DataContainerRequest): Schemas["CreateDataContainerRequest"] {
  if (typeof request !== "object" || request === null) throw badParams("request", "must be an object with ckLabel and value");
  const { value, ...rest } = request;
  return { ...rest, value: toBase64(bytesOf("request.value", value)) };
}
