import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { components } from "@open-scws/spec";
import { connectByLabel, login, logout, openssl, pkcs11ToolAs, startTestService, type TestService } from "@open-scws/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const LABEL = "csr-token";
type CertificateRequestOptions = components["schemas"]["CertificateRequestOptions"];

describe("createCertificateRequest against SoftHSM, checked with openssl req", () => {
  let t: TestService;
  let tokenId: string;
  const keys: Record<string, { privateKey: string; publicKey: string }> = {};
  const request = (objectId: string, body: Record<string, unknown>) =>
    t.client.POST("/v1/tokens/{tokenId}/keys/{objectId}/csr", { params: { path: { tokenId, objectId } }, body: body as CertificateRequestOptions });
  /** Runs `openssl req` on a PEM request with the given options and returns its output. */
  const opensslReq = (pem: string, ...args: string[]) => {
    const path = join(t.sandbox.dir, `csr-${Math.random().toString(16).slice(2)}.pem`);
    writeFileSync(path, pem);
    return openssl(t.sandbox.dir, ["req", "-in", path, "-noout", ...args]);
  };
  /** What `openssl req -verify` says (on stderr); throws when it exits with an error, as for a bad signature. */
  const verifies = (pem: string) => {
    const path = join(t.sandbox.dir, `verify-${Math.random().toString(16).slice(2)}.pem`);
    writeFileSync(path, pem);
    const run = spawnSync("openssl", ["req", "-in", path, "-verify", "-noout"], { encoding: "utf8" });
    if (run.status !== 0) throw new Error(`openssl req -verify failed: ${run.stderr}`);
    return `${run.stdout}${run.stderr}`;
  };

  beforeAll(async () => {
    t = await startTestService({ tokenLabels: [LABEL] });
    tokenId = await connectByLabel(t, LABEL);
    await login(t, tokenId, t.tokens[LABEL]!.pin);
    for (const [name, body] of [
      ["p256", { algorithm: "EC", curve: "P-256" }],
      ["p384", { algorithm: "EC", curve: "P-384" }],
      ["rsa", { algorithm: "RSA", sizeBits: 2048 }],
    ] as const) {
      const { data } = await t.client.POST("/v1/tokens/{tokenId}/keys", { params: { path: { tokenId } }, body });
      keys[name] = { privateKey: data!.privateKey!.id, publicKey: data!.publicKey!.id };
    }
  });
  afterAll(() => t.close());

  it("signs an ECDSA P-256 request that openssl verifies, with the RFC 4514 subject and every kind of SAN", async () => {
    const { data, response } = await request(keys.p256!.privateKey, {
      subject: "CN=Alice Martin,O=Example\\, Inc.,C=FR",
      subjectAlternativeNames: [
        { type: "dns", value: "alice.example.com" },
        { type: "email", value: "alice@example.com" },
        { type: "ip", value: "192.0.2.7" },
        { type: "uri", value: "https://example.com/alice" },
      ],
    });
    expect(response.status).toBe(200);
    expect(data?.signatureAlgorithm).toBe("ECDSA-SHA256");
    expect(verifies(data!.pem)).toMatch(/verify OK/i);
    expect(opensslReq(data!.pem, "-subject", "-nameopt", "RFC2253").trim()).toBe("subject=CN=Alice Martin,O=Example\\, Inc.,C=FR");
    const text = opensslReq(data!.pem, "-text");
    expect(text).toContain("DNS:alice.example.com, email:alice@example.com, IP Address:192.0.2.7, URI:https://example.com/alice");
    expect(text).toContain("ecdsa-with-SHA256");
  });

  it("carries the key's own public key, as the service shows it", async () => {
    const { data } = await request(keys.p256!.privateKey, { subject: "CN=Public Key Check" });
    const shown = await t.client.GET("/v1/tokens/{tokenId}/objects/{objectId}/value", { params: { path: { tokenId, objectId: keys.p256!.publicKey } } });
    expect(opensslReq(data!.pem, "-pubkey").replace(/\s/g, "")).toBe(shown.data!.value.replace(/\s/g, ""));
  });

  it("signs with RSA PKCS#1 v1.5 and SHA-256, and encodes structured fields in the order C, ST, L, O, OU, CN, E", async () => {
    const { data } = await request(keys.rsa!.privateKey, {
      subject: {
        commonName: "Bob Durand",
        organization: "Example",
        organizationalUnit: "Signing",
        locality: "Paris",
        country: "FR",
        emailAddress: "bob@example.com",
      },
    });
    expect(data?.signatureAlgorithm).toBe("RSA-SHA256");
    expect(verifies(data!.pem)).toMatch(/verify OK/i);
    expect(opensslReq(data!.pem, "-subject", "-nameopt", "RFC2253").trim()).toBe(
      "subject=emailAddress=bob@example.com,CN=Bob Durand,OU=Signing,O=Example,L=Paris,C=FR",
    );
    expect(opensslReq(data!.pem, "-text")).toContain("sha256WithRSAEncryption");
  });

  it("signs with ECDSA SHA-384 by default on P-384, and with SHA-256 when asked", async () => {
    const byDefault = await request(keys.p384!.privateKey, { subject: "CN=P-384 Default" });
    expect(byDefault.data?.signatureAlgorithm).toBe("ECDSA-SHA384");
    expect(opensslReq(byDefault.data!.pem, "-text")).toContain("ecdsa-with-SHA384");
    expect(verifies(byDefault.data!.pem)).toMatch(/verify OK/i);
    const asked = await request(keys.p384!.privateKey, { subject: "CN=P-384 SHA-256", signatureAlgorithm: "ECDSA-SHA256" });
    expect(verifies(asked.data!.pem)).toMatch(/verify OK/i);
  });

  it("signs with a key pair that pkcs11-tool generated", async () => {
    pkcs11ToolAs(t, LABEL, "--keypairgen", "--key-type", "EC:prime256v1", "--id", "42", "--label", "tool-key");
    const listed = await t.client.GET("/v1/tokens/{tokenId}/objects", { params: { path: { tokenId }, query: { type: "privateKey", ckId: "42" } } });
    const { data } = await request(listed.data!.objects[0]!.id, { subject: "CN=Tool Key" });
    expect(verifies(data!.pem)).toMatch(/verify OK/i);
  });

  // Found by the spec fuzzer (a 500 CKR_FUNCTION_FAILED under 12 concurrent requests): with two key pairs under one
  // ckId, the first public key found was taken even when it belonged to the other pair.
  it("finds each key's own public key among several that share its ckId, and answers 400 when none pairs with it", async () => {
    for (const [label, id] of [
      ["twin-a", "43"],
      ["twin-b", "43"],
      ["lone", "44"],
      ["other", "45"],
    ]) {
      pkcs11ToolAs(t, LABEL, "--keypairgen", "--key-type", "EC:prime256v1", "--id", id!, "--label", label!);
    }
    const objects = async (type: "privateKey" | "publicKey", ckId: string) =>
      (await t.client.GET("/v1/tokens/{tokenId}/objects", { params: { path: { tokenId }, query: { type, ckId } } })).data!.objects;
    const twins = await objects("privateKey", "43");
    expect(twins).toHaveLength(2);
    const publicKeys = new Set<string>();
    for (const twin of twins) {
      const { data, response } = await request(twin.id, { subject: `CN=${twin.ckLabel}` });
      expect(response.status).toBe(200);
      expect(verifies(data!.pem)).toMatch(/verify OK/i);
      publicKeys.add(opensslReq(data!.pem, "-pubkey"));
    }
    expect(publicKeys.size).toBe(2);
    // "lone" keeps its private key only, and the public key under its ckId is another pair's.
    pkcs11ToolAs(t, LABEL, "--delete-object", "--type", "pubkey", "--label", "lone");
    const [otherPublic] = await objects("publicKey", "45");
    const moved = await t.client.PATCH("/v1/tokens/{tokenId}/objects/{objectId}", {
      params: { path: { tokenId, objectId: otherPublic!.id } },
      body: { ckId: "44" },
    });
    expect(moved.response.status).toBe(200);
    const [lone] = await objects("privateKey", "44");
    const unpaired = await request(lone!.id, { subject: "CN=lone" });
    expect(unpaired.response.status).toBe(400);
    expect(unpaired.error).toMatchObject({ code: "CKR_ARGUMENTS_BAD", customData: { field: "/path/objectId" } });
    expect(unpaired.error?.detail).toMatch(/pairs with it/);
  });

  it("answers CKR_KEY_TYPE_INCONSISTENT for an algorithm that does not fit the key, a public key or a secret key", async () => {
    const wrongAlgorithm = await request(keys.p256!.privateKey, { subject: "CN=x", signatureAlgorithm: "RSA-SHA256" });
    expect(wrongAlgorithm.response.status).toBe(422);
    expect(wrongAlgorithm.error).toMatchObject({ code: "CKR_KEY_TYPE_INCONSISTENT", customData: { field: "/body/signatureAlgorithm" } });
    const publicKey = await request(keys.p256!.publicKey, { subject: "CN=x" });
    expect(publicKey.error).toMatchObject({ code: "CKR_KEY_TYPE_INCONSISTENT", customData: { field: "/path/objectId" } });
    const secret = await t.client.POST("/v1/tokens/{tokenId}/keys", { params: { path: { tokenId } }, body: { algorithm: "AES", sizeBits: 128 } });
    const secretKey = await request(secret.data!.secretKey!.id, { subject: "CN=x" });
    expect(secretKey.error?.code).toBe("CKR_KEY_TYPE_INCONSISTENT");
  });

  // Found by the spec fuzzer: an emailAddress starting with # was read as hex and threw (a 500); quotes and
  // backslashes were silently stripped from structured fields.
  it("encodes structured subject fields literally: a leading #, quotes and backslashes are kept", async () => {
    const { data, response } = await request(keys.p256!.privateKey, {
      subject: { commonName: 'a "quoted" \\name', organization: "#not-hex", emailAddress: "#^42e.`tz$lw/-k.={1q@a29ity7.sr" },
    });
    expect(response.status).toBe(200);
    expect(verifies(data!.pem)).toMatch(/verify OK/i);
    const subject = opensslReq(data!.pem, "-subject", "-nameopt", "utf8,sep_multiline,lname");
    expect(subject).toContain('commonName=a "quoted" \\name');
    expect(subject).toContain("organizationName=#not-hex");
    expect(subject).toContain("emailAddress=#^42e.`tz$lw/-k.={1q@a29ity7.sr");
  });

  // Found by the spec fuzzer (seed 20261129): subject fields outside the Basic Multilingual Plane are valid and are
  // encoded as UTF8String; a lone surrogate (JSON can carry "\ud800", UTF-8 cannot) threw URIError inside the DER
  // encoder, a 500 CKR_GENERAL_ERROR.
  it("encodes subject fields outside the Basic Multilingual Plane as UTF8String, and openssl reads them back", async () => {
    const { data, response } = await request(keys.p256!.privateKey, { subject: { stateOrProvince: "B\u{102F55}x", commonName: "\u{ECF7B}}Ix" } });
    expect(response.status).toBe(200);
    expect(verifies(data!.pem)).toMatch(/verify OK/i);
    const subject = opensslReq(data!.pem, "-subject", "-nameopt", "utf8,sep_multiline,lname");
    expect(subject).toContain("stateOrProvinceName=B\u{102F55}x");
    expect(subject).toContain("commonName=\u{ECF7B}}Ix");
  });

  it("answers CKR_ARGUMENTS_BAD naming the field for a lone surrogate in a subject field, an RFC 4514 subject or a SAN", async () => {
    for (const [body, field] of [
      [{ subject: { stateOrProvince: "B\u{102F55}x", commonName: "a\ud800b" } }, "/body/subject/commonName"],
      [{ subject: { locality: "\udc00" } }, "/body/subject/locality"],
      [{ subject: "CN=x\udfff" }, "/body/subject"],
      [
        {
          subject: "CN=x",
          subjectAlternativeNames: [
            { type: "dns", value: "a.example" },
            { type: "email", value: "\ud800@example.com" },
          ],
        },
        "/body/subjectAlternativeNames/1/value",
      ],
    ] as const) {
      const { response, error } = await request(keys.rsa!.privateKey, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(error).toMatchObject({ code: "CKR_ARGUMENTS_BAD", customData: { field, reason: expect.stringContaining("lone UTF-16 surrogate") } });
    }
  });

  it("answers CKR_ARGUMENTS_BAD for a subject or a SAN it cannot encode", async () => {
    for (const [body, field] of [
      [{ subject: "this is not a DN" }, "/body/subject"],
      [{ subject: "CN=#0c03616263" }, "/body/subject"],
      [{ subject: "CN=x", subjectAlternativeNames: [{ type: "ip", value: "not-an-ip" }] }, "/body/subjectAlternativeNames"],
      [{ subject: {} }, "/body/subject"],
      [{ subject: { emailAddress: "é@example.com" } }, "/body/subject"],
      [{ subject: "CN=x", subjectAlternativeNames: [{ type: "x400", value: "x" }] }, "/body/subjectAlternativeNames/0/type"],
    ] as const) {
      const { response, error } = await request(keys.p256!.privateKey, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(error).toMatchObject({ code: "CKR_ARGUMENTS_BAD", customData: { field: expect.stringContaining(field) } });
    }
  });

  it("answers CKR_USER_NOT_LOGGED_IN for a key that needs a fresh PIN for each signature (alwaysAuthenticate)", async () => {
    const { data } = await t.client.POST("/v1/tokens/{tokenId}/keys", {
      params: { path: { tokenId } },
      body: { algorithm: "EC", curve: "P-256", alwaysAuthenticate: true },
    });
    const { response, error } = await request(data!.privateKey!.id, { subject: "CN=Always Authenticate" });
    expect(response.status).toBe(403);
    expect(error).toMatchObject({ code: "CKR_USER_NOT_LOGGED_IN", customData: { pkcs11: { name: "CKR_USER_NOT_LOGGED_IN" } } });
  });

  it("answers an unknown key id with CKR_KEY_HANDLE_INVALID (404)", async () => {
    const { response, error } = await request("o-000000000000000000000000", { subject: "CN=x" });
    expect(response.status).toBe(404);
    expect(error?.code).toBe("CKR_KEY_HANDLE_INVALID");
  });

  it("refuses without the user login, with CKR_USER_NOT_LOGGED_IN", async () => {
    await logout(t, tokenId);
    const { response, error } = await request(keys.p256!.privateKey, { subject: "CN=x" });
    await login(t, tokenId, t.tokens[LABEL]!.pin);
    expect(response.status).toBe(403);
    expect(error?.code).toBe("CKR_USER_NOT_LOGGED_IN");
  });
});
