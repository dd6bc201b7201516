// Creating things on connected tokens: keys, certificates, data containers, PKCS#12 imports, certificate requests.
// Every one needs the caller's user login; writes to one token run one at a time, so that the check for an
// existing object and the write that follows it cannot interleave with another request's.
import { ScwsError } from "@open-scws/errors";
import type { components } from "@open-scws/spec";
import type { ObjectRecord } from "../objects/object-record.js";
import type { ObjectService } from "../objects/object-service.js";
import { publicKeyDer } from "../objects/object-value.js";
import { CKA, CKO } from "../pkcs11/constants.js";
import type { TokenConnection } from "../tokens/token-connections.js";
import { KeyedMutex } from "../util/keyed-mutex.js";
import { certificateDer, ckIdOfMatchingKey, parseCertificateForImport } from "./certificates.js";
import { buildCertificateRequest, requirePrivateKey, tokenSigner } from "./csr.js";
import { generateKeys } from "./key-generation.js";
import { keyIdOf } from "./key-ids.js";
import { certificateTemplate, dataContainerTemplate } from "./templates.js";
import { ckIdBytes, findObjects, refuseExisting, tokenObjectFor } from "./token-objects.js";

type TokenObject = components["schemas"]["TokenObject"];
type CreatedObjects = components["schemas"]["CreatedObjects"];
type GenerateKeyRequest = components["schemas"]["GenerateKeyRequest"];
type ImportCertificateRequest = components["schemas"]["ImportCertificateRequest"];
type CreateDataContainerRequest = components["schemas"]["CreateDataContainerRequest"];
type ImportPkcs12Request = components["schemas"]["ImportPkcs12Request"];
type CertificateRequestOptions = components["schemas"]["CertificateRequestOptions"];
type CertificateRequest = components["schemas"]["CertificateRequest"];

/** Makes keys, certificates, data containers and certificate requests on connected tokens. */
export class CreationService {
  private readonly writes = new KeyedMutex();

  constructor(private readonly objects: ObjectService) {}

  /** `generateKey`. */
  generateKey(connection: TokenConnection, request: GenerateKeyRequest): Promise<CreatedObjects> {
    return this.write(connection, "generate keys", () => generateKeys(connection, request));
  }

  /** `importCertificate`: the ckId of the matching key on the token, else the caller's, else the public key's hash. */
  importCertificate(connection: TokenConnection, request: ImportCertificateRequest): Promise<TokenObject> {
    return this.write(connection, "import certificates", async () => {
      const certificate = parseCertificateForImport(certificateDer(request.certificate));
      const ckId = (await ckIdOfMatchingKey(connection, certificate.spki)) ?? (request.ckId ? ckIdBytes(request.ckId) : keyIdOf(certificate.spki));
      await refuseExisting(connection, CKO.CERTIFICATE, ckId, "certificate");
      const label = request.ckLabel ?? certificate.commonName ?? "Certificate";
      return tokenObjectFor(connection, await connection.host.createObject(connection.slot, certificateTemplate(certificate.fields, label, ckId)));
    });
  }

  /** `createDataContainer`: a container is known by its label and application, as it has no ckId. */
  createDataContainer(connection: TokenConnection, request: CreateDataContainerRequest): Promise<TokenObject> {
    return this.write(connection, "create data containers", async () => {
      const { host } = connection.module;
      const sameLabel = await findObjects(connection, [
        { type: CKA.CLASS, value: CKO.DATA },
        { type: CKA.LABEL, value: request.ckLabel },
      ]);
      for (const handle of sameLabel) {
        const [application] = await host.getAttributes(connection.slot, handle, [CKA.APPLICATION]);
        if (Buffer.from(application ?? []).toString("utf8") === (request.application ?? "")) {
          throw new ScwsError("CXR_CONTAINER_EXISTS", {
            message: `A data container labelled "${request.ckLabel}" of this application is already on the token.`,
            customData: {
              field: "/body/ckLabel",
            },
          });
        }
      }
      const value = new Uint8Array(Buffer.from(request.value, "base64"));
      const template = dataContainerTemplate(request.ckLabel, request.application, value, request.private ?? false);
      return tokenObjectFor(connection, await host.createObject(connection.slot, template));
    });
  }

  /** `importPkcs12`. */
  importPkcs12(connection: TokenConnection, request: ImportPkcs12Request): Promise<CreatedObjects> {
    // Loaded on first use: PKCS#12's legacy ciphers come from node-forge, the largest module the service loads,
    // which would otherwise lengthen every start for an operation few callers make.
    return this.write(connection, "import PKCS#12 files", async () => (await import("./pkcs12/pkcs12-import.js")).importPkcs12(connection, request));
  }

  /** `createCertificateRequest`, signed by the private key `keyId`. */
  async createCertificateRequest(connection: TokenConnection, keyId: string, options: CertificateRequestOptions): Promise<CertificateRequest> {
    this.objects.requireUserLogin(connection, "sign certificate requests");
    const record = await this.objects.record(connection, keyId, "key");
    requirePrivateKey(record);
    const signer = tokenSigner(connection, record.handle);
    // Several objects may share a ckId (nothing on a token forbids it): the pair is the one the signature verifies
    // with. Candidates are read one at a time, so a key with one public key costs one signature, as before.
    let tried = 0;
    for await (const spki of this.publicKeysOf(connection, record)) {
      tried += 1;
      const request = await buildCertificateRequest(spki, options, signer);
      if (request) return request;
    }
    throw new ScwsError("CKR_ARGUMENTS_BAD", {
      message:
        tried === 0
          ? "No public key or certificate with this key's ckId is on the token, so the request cannot carry the public key."
          : "No public key or certificate with this key's ckId pairs with it (its signature verifies with none of them), so the request cannot carry its public key.",
      customData: { field: "/path/objectId" },
    });
  }

  /** The public keys (SPKI) that may be a private key's, in turn: its public key objects, its certificates, its own RSA components. */
  private async *publicKeysOf(connection: TokenConnection, record: ObjectRecord): AsyncGenerator<Uint8Array> {
    const ckId = record.ckId;
    if (ckId && ckId.length > 0) {
      const withId = (type: number) =>
        findObjects(connection, [
          { type: CKA.CLASS, value: type },
          { type: CKA.ID, value: ckId },
        ]);
      for (const handle of await withId(CKO.PUBLIC_KEY)) yield await publicKeyDer(connection, { handle });
      for (const certificate of await withId(CKO.CERTIFICATE)) {
        const [value] = await connection.host.getAttributes(connection.slot, certificate, [CKA.VALUE]);
        if (value) yield parseCertificateForImport(value).spki;
      }
    }
    const own = await publicKeyDer(connection, record).catch(() => undefined);
    if (own) yield own;
  }

  private write<T>(connection: TokenConnection, what: string, work: () => Promise<T>): Promise<T> {
    this.objects.requireUserLogin(connection, what);
    return this.writes.run(connection.tokenKey, work);
  }
}
