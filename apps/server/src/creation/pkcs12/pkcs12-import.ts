// importPkcs12: the file's private key (as a private key and its public key), its certificate and the rest of its
// chain, written to the token once every check has passed; on a failure while writing, what was written is removed.
import { ScwsError } from "@open-scws/errors";
import type { components } from "@open-scws/spec";
import { CKM, CKO } from "../../pkcs11/constants.js";
import type { ObjectHandle } from "../../pkcs11/host.js";
import type { TokenConnection } from "../../tokens/token-connections.js";
import { existingCertificate, type ParsedCertificate, parseCertificateForImport } from "../certificates.js";
import { keyIdOf, samePublicKey } from "../key-ids.js";
import { type KeyMaterial, KeyMaterialError, keyMaterialOf } from "../key-material.js";
import { certificateTemplate, importedKeyTemplates } from "../templates.js";
import { ckIdBytes, destroyQuietly, refuseExisting, tokenObjectFor } from "../token-objects.js";
import { Pkcs12ReadError, readPkcs12 } from "./pkcs12-file.js";

type ImportPkcs12Request = components["schemas"]["ImportPkcs12Request"];
type CreatedObjects = components["schemas"]["CreatedObjects"];

/** What a file offers once read and checked. */
interface Pkcs12Plan {
  readonly key?: KeyMaterial;
  /** The certificate of the key, when the file has it. */
  readonly leaf?: ParsedCertificate;
  readonly chain: readonly ParsedCertificate[];
}

function importError(
  code: "MWR_IMPORT_FILE_INVALID" | "MWR_IMPORT_PASSWORD_INVALID" | "MWR_IMPORT_KEY_TYPE_UNSUPPORTED" | "MWR_IMPORT_KEY_LENGTH_UNSUPPORTED",
  reason: string,
) {
  const field = code === "MWR_IMPORT_PASSWORD_INVALID" ? "/body/password" : "/body/file";
  return new ScwsError(code, { message: `The PKCS#12 file cannot be imported: ${reason}.`, customData: { field, reason } });
}

/** Reads and decrypts the file; the errors name what failed, never the password. */
function readFile(request: ImportPkcs12Request): Pkcs12Plan {
  let contents: ReturnType<typeof readPkcs12>;
  try {
    contents = readPkcs12(new Uint8Array(Buffer.from(request.file, "base64")), request.password);
  } catch (error) {
    if (!(error instanceof Pkcs12ReadError)) throw error;
    throw importError(error.reason === "password" ? "MWR_IMPORT_PASSWORD_INVALID" : "MWR_IMPORT_FILE_INVALID", error.message);
  }
  if (contents.privateKeys.length > 1) throw importError("MWR_IMPORT_FILE_INVALID", "the file holds more than one private key");
  if (contents.privateKeys.length === 0 && contents.certificates.length === 0)
    throw importError("MWR_IMPORT_FILE_INVALID", "the file holds no key and no certificate");
  let key: KeyMaterial | undefined;
  try {
    key = contents.privateKeys[0] ? keyMaterialOf(contents.privateKeys[0]) : undefined;
  } catch (error) {
    if (!(error instanceof KeyMaterialError)) throw error;
    throw importError(error.reason === "unsupportedType" ? "MWR_IMPORT_KEY_TYPE_UNSUPPORTED" : "MWR_IMPORT_FILE_INVALID", error.message);
  }
  const certificates = contents.certificates.map((der) => {
    try {
      return parseCertificateForImport(der, "/body/file");
    } catch {
      throw importError("MWR_IMPORT_FILE_INVALID", "a certificate in the file cannot be read");
    }
  });
  const leaf = key ? certificates.find((certificate) => samePublicKey(certificate.spki, key.spki)) : undefined;
  return { ...(key ? { key } : {}), ...(leaf ? { leaf } : {}), chain: certificates.filter((certificate) => certificate !== leaf) };
}

/** Refuses a key the token cannot use: no signing mechanism for its type, or a size outside the mechanism's range. */
async function checkTokenTakes(connection: TokenConnection, key: KeyMaterial): Promise<void> {
  const mechanism = key.algorithm === "RSA" ? CKM.RSA_PKCS : CKM.ECDSA;
  const sizes = (await connection.host.getMechanisms(connection.slot)).find((info) => info.type === mechanism);
  const name = key.algorithm === "RSA" ? "RSA" : `EC ${key.curve.name}`;
  if (!sizes)
    throw importError("MWR_IMPORT_KEY_TYPE_UNSUPPORTED", `the token offers no ${key.algorithm === "RSA" ? "CKM_RSA_PKCS" : "CKM_ECDSA"} for ${name} keys`);
  if (key.sizeBits < sizes.minKeySize || key.sizeBits > sizes.maxKeySize) {
    throw importError(
      "MWR_IMPORT_KEY_LENGTH_UNSUPPORTED",
      `the key has ${key.sizeBits} bits and the token takes ${name} keys of ${sizes.minKeySize} to ${sizes.maxKeySize} bits`,
    );
  }
}

/** Imports a PKCS#12 file into a connected token. The caller holds the user login and the token's creation lock. */
export async function importPkcs12(connection: TokenConnection, request: ImportPkcs12Request): Promise<CreatedObjects> {
  const { key, leaf, chain } = readFile(request);
  if (key) await checkTokenTakes(connection, key);
  const { host } = connection.module;
  const ckId = request.ckId ? ckIdBytes(request.ckId) : key ? keyIdOf(key.spki) : new Uint8Array();
  const label = request.ckLabel ?? leaf?.commonName ?? "Imported key";
  if (key) {
    await refuseExisting(connection, CKO.PRIVATE_KEY, ckId, "private key");
    await refuseExisting(connection, CKO.PUBLIC_KEY, ckId, "public key");
  }
  if (leaf) await refuseExisting(connection, CKO.CERTIFICATE, ckId, "certificate");

  const created: ObjectHandle[] = [];
  const create = async (template: Parameters<typeof host.createObject>[1]) => {
    const handle = await host.createObject(connection.slot, template);
    created.push(handle);
    return handle;
  };
  try {
    const answer: CreatedObjects = { chain: [] };
    if (key) {
      const { publicTemplate, privateTemplate } = importedKeyTemplates(key, label, ckId, leaf?.fields.subject);
      answer.privateKey = await tokenObjectFor(connection, await create(privateTemplate));
      answer.publicKey = await tokenObjectFor(connection, await create(publicTemplate));
    }
    if (leaf) answer.certificate = await tokenObjectFor(connection, await create(certificateTemplate(leaf.fields, label, ckId)));
    for (const certificate of chain) {
      const existing = await existingCertificate(connection, certificate.fields.value);
      const handle = existing ?? (await create(certificateTemplate(certificate.fields, certificate.commonName ?? "Certificate", keyIdOf(certificate.spki))));
      answer.chain!.push(await tokenObjectFor(connection, handle));
    }
    return answer;
  } catch (error) {
    await destroyQuietly(connection, created);
    throw error;
  }
}
