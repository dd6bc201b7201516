import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Certificate } from "../facade/certificate.js";
import { DataContainer } from "../facade/data-container.js";
import { Key } from "../facade/key.js";
import { ScwsObject } from "../facade/objects.js";
import { Reader } from "../facade/reader.js";
import { createScws } from "../facade/scws.js";
import { Token } from "../facade/token.js";
import { readerWithToken } from "../testing/fake-services.js";
import { withMembersTable } from "./migrating-table.js";
import { referenceMembers } from "./reference-members.js";
import { scwsMembers } from "./scws-members.js";

const reference = referenceMembers(readFileSync(new URL("../../reference/scws-js-api.md", import.meta.url), "utf8"));
const listed = scwsMembers.map((entry) => entry.member);

// Real facade objects, made as the facade makes them (no call reaches a service: `in` reads no property).
const context = { connection: () => Promise.reject(new Error("no service")) as never };
const reader = new Reader(context, readerWithToken);
const token = new Token(context, reader, { pins: [{}] } as never);
const objectState = {} as never;
const instances: Record<string, object> = {
  SCWS: createScws({ events: "off" }),
  Reader: reader,
  Token: token,
  Pin: token.pins[0]!,
  Object: new ScwsObject(context, token, objectState),
  Certificate: new Certificate(context, token, objectState),
  Key: new Key(context, token, objectState),
  DataContainer: new DataContainer(context, token, objectState),
  CertStore: ((createScws() as unknown as Record<string, { prototype?: object }>).CertStore?.prototype ?? {}) as object,
};

describe("the list of SCWS members the migrating guide is made from", () => {
  it("reads the members of SCWS's reference (its tables and the DataContainer and CertStore notes)", () => {
    expect(reference.length).toBeGreaterThan(80);
    expect(reference).toEqual(
      expect.arrayContaining(["SCWS.findService", "Pin.login", "Pin.puksAvailable", "Key.sign", "DataContainer.getValue", "CertStore.getObjects"]),
    );
  });

  it("lists every member of the reference, in its order, and nothing else", () => {
    expect(listed).toEqual(reference);
  });

  it("explains every member that is different or not supported", () => {
    for (const entry of scwsMembers) if (entry.status !== "same") expect(entry.note?.length, entry.member).toBeGreaterThan(20);
  });

  // Fails until every member the facade claims is there (members another branch adds fail here until it merges).
  it.each(scwsMembers.filter((entry) => entry.status !== "not supported").map((entry) => entry.member))("finds %s on the facade", (member) => {
    const [owner, name] = member.split(".") as [string, string];
    expect(instances[owner], `no facade object for ${owner}`).toBeDefined();
    expect(name in instances[owner]!, `${member} is not on the facade`).toBe(true);
  });

  it("is what the migrating guide's table shows (npm run generate rewrites it)", () => {
    const guide = readFileSync(new URL("../../../../apps/docs/guides/migrating.md", import.meta.url), "utf8");
    expect(withMembersTable(guide)).toBe(guide);
  });
});
