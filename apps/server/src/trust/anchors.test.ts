import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { makeRootCa, type OpensslCredential } from "@open-scws/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configFromEnvironment } from "../config/load-config.js";
import { loadTrustAnchors } from "./anchors.js";

describe("trust anchors from the configuration", () => {
  let dir: string;
  let first: OpensslCredential;
  let second: OpensslCredential;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "scws-anchors-"));
    first = makeRootCa(dir, "first", "/CN=First Anchor");
    second = makeRootCa(dir, "second", "/CN=Second Anchor");
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads SCWS_TRUST_ANCHORS as a path-separated list, and none when it is unset", () => {
    expect(configFromEnvironment({ SCWS_TRUST_ANCHORS: ["/etc/a.pem", "/etc/b.pem"].join(delimiter) }).trustAnchors).toEqual(["/etc/a.pem", "/etc/b.pem"]);
    expect(configFromEnvironment({}).trustAnchors).toEqual([]);
  });

  it("loads every certificate of every file, skipping other PEM blocks", () => {
    const bundle = join(dir, "bundle.pem");
    writeFileSync(bundle, `${first.certificatePem}${readFileSync(first.keyPath, "utf8")}${second.certificatePem}`);
    expect(loadTrustAnchors([bundle, first.certificatePath])).toHaveLength(3);
  });

  it("stops the start with the path when a file is missing, holds no certificate, or a broken one", () => {
    expect(() => loadTrustAnchors([join(dir, "missing.pem")])).toThrow(/missing\.pem cannot be read: ENOENT/);
    expect(() => loadTrustAnchors([first.keyPath])).toThrow(/holds no PEM certificate/);
    const broken = join(dir, "broken.pem");
    writeFileSync(broken, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    expect(() => loadTrustAnchors([broken])).toThrow(/cannot be parsed/);
  });
});
