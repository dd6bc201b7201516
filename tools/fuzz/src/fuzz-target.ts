// The service the fuzzer attacks: real SoftHSM tokens with keys (made by pkcs11-tool), a certificate and a
// data container, connected and logged in; plus what the fuzzer learns from its responses (ids, values).

import { pkcs11Tool } from "@open-scws/softhsm";
import { openApiDocument } from "@open-scws/spec";
import { exportPkcs12, selfSigned, startTestService, type TestService } from "@open-scws/test-support";
import type { IdKind, IdRef, Resolver, SecretRef, SeenRef } from "./fuzz-values.js";

const LABELS = ["fuzz-a", "fuzz-b"] as const;
const POOL_SIZE = 48;
const SEEN_VALUE_LIMIT = 100_000;
const CONNECTIONS_PER_TOKEN = 3;
/** Fields whose values change at every token init (SoftHSM's slot ids and serial numbers): no order may rest on them. */
const VOLATILE_FIELDS = new Set(["name", "readerName", "serialNumber", "slotId"]);
const ISO_TIME = /^\d{4}-\d\d-\d\dT/;

/** Ids the service handed out, and strings it answered with, by field name: what requests are made of. */
export class Harvest {
  private readonly ids: Record<IdKind, string[]> = { readerId: [], tokenId: [], objectId: [] };
  private readonly values = new Map<string, string[]>();
  private readonly patterns: Array<[IdKind, RegExp]>;
  /** The fuzzer's own live, logged-in connections, and the objects listed on each (object ids belong to one connection). */
  private live: string[] = [];
  private readonly objectsOf = new Map<string, string[]>();
  private added = 0;
  /** The order in which the fuzzer's own requests first answered with each CKA_ID: creation order, the same every run. */
  private readonly ckIdOrder = new Map<string, number>();

  constructor(readonly secrets: { user: string; so: string }) {
    const schemas = (openApiDocument.components as { schemas: Record<string, { pattern?: string }> }).schemas;
    const titles: Record<string, IdKind> = { ReaderId: "readerId", TokenId: "tokenId", ObjectId: "objectId" };
    this.patterns = Object.entries(titles).map(([title, kind]) => [kind, new RegExp(schemas[title]!.pattern!)]);
  }

  /**
   * Learns from a response's JSON: ids by their pattern, other strings by the field that held them. The items of a
   * list are learnt in a canonical order (see canonicalOrder), not in the order the service listed them: SoftHSM
   * lists slots and objects in an order that changes from run to run, and a seed must replay the same requests.
   * `byRequest` marks the response to one of the fuzzer's requests, whose CKA_IDs then rank as created.
   */
  observe(body: unknown, field?: string, byRequest = false): void {
    if (typeof body === "string") {
      const kind = this.patterns.find(([, pattern]) => pattern.test(body))?.[0];
      if (kind) this.remember(this.ids[kind], body);
      else if (field && body.length <= SEEN_VALUE_LIMIT) this.remember(this.listFor(field), body);
      if (byRequest && field === "ckId" && !this.ckIdOrder.has(body)) this.ckIdOrder.set(body, this.ckIdOrder.size);
    } else if (Array.isArray(body)) {
      for (const item of this.canonicalOrder(body)) this.observe(item, field, byRequest);
    } else if (body !== null && typeof body === "object") {
      for (const [key, value] of Object.entries(body)) this.observe(value, key, byRequest);
    }
  }

  /**
   * A list's items ordered by what they are rather than by their ids (random per run: token ids, HMAC object ids)
   * or the service's listing order: objects by the creation rank of their CKA_ID, then type, label and CKA_ID;
   * other items by their JSON without ids, times, slot names and serial numbers. The sort is stable.
   */
  canonicalOrder<T>(items: readonly T[]): T[] {
    const keyOf = (item: T) => {
      const ckId = (item as { ckId?: unknown } | null)?.ckId;
      const rank = typeof ckId === "string" ? (this.ckIdOrder.get(ckId) ?? -1) : -1;
      const text = JSON.stringify(item, (key, value) => {
        if (VOLATILE_FIELDS.has(key)) return undefined;
        if (typeof value === "string" && (ISO_TIME.test(value) || this.patterns.some(([, pattern]) => pattern.test(value)))) return "";
        return value;
      });
      return { rank, text };
    };
    const keyed = items.map((item) => ({ item, key: keyOf(item) }));
    keyed.sort((a, b) => a.key.rank - b.key.rank || (a.key.text < b.key.text ? -1 : a.key.text > b.key.text ? 1 : 0));
    return keyed.map(({ item }) => item);
  }

  /** Sets the fuzzer's live connections and the objects listed on each, in canonical order (see canonicalOrder). */
  setLive(objectsByToken: ReadonlyMap<string, ReadonlyArray<{ readonly id: string }>>): void {
    this.live = [...objectsByToken.keys()];
    this.objectsOf.clear();
    for (const [tokenId, objects] of objectsByToken)
      this.objectsOf.set(
        tokenId,
        this.canonicalOrder(objects).map((object) => object.id),
      );
  }

  /** Adds a value for a request field that no response carries (a PKCS#12 file and its password). */
  offer(field: string, value: string): void {
    this.remember(this.listFor(field), value);
  }

  /**
   * A resolver for one request: an object id goes with the token id chosen before it in the same request. What it
   * chose is written to `choices` by position (`live[1]`, `objects[4]`, `pool.objectId[7]`, `seen.signature[2]`),
   * never by value, so that two runs of a seed can be compared although the service's ids differ.
   */
  resolver(choices: string[] = []): Resolver {
    let tokenId: string | undefined;
    const fromPool = (kind: IdKind, pick: number) => {
      const pool = this.ids[kind];
      if (pool.length > 0) {
        choices.push(`pool.${kind}[${pick % pool.length}]`);
        return pool[pick % pool.length]!;
      }
      choices.push(`none.${kind}`);
      return { readerId: "r-0000000000000000", tokenId: `t-${"0".repeat(32)}`, objectId: `o-${"0".repeat(24)}` }[kind];
    };
    return {
      id: (ref: IdRef) => {
        // Nine picks in ten take a live connection (or an object listed on the token chosen), the rest any id seen.
        const preferred = ref.pick % 10 < 9;
        if (ref.kind === "tokenId") {
          if (preferred && this.live.length > 0) {
            choices.push(`live[${ref.pick % this.live.length}]`);
            tokenId = this.live[ref.pick % this.live.length]!;
          } else tokenId = fromPool("tokenId", ref.pick);
          return tokenId;
        }
        const objects = tokenId ? this.objectsOf.get(tokenId) : undefined;
        if (ref.kind === "objectId" && preferred && objects && objects.length > 0) {
          choices.push(`objects[${ref.pick % objects.length}]`);
          return objects[ref.pick % objects.length]!;
        }
        return fromPool(ref.kind, ref.pick);
      },
      secret: (ref: SecretRef) => {
        choices.push(`pin.${ref.which}`);
        return this.secrets[ref.which];
      },
      seen: (ref: SeenRef) => {
        const values = this.values.get(ref.field);
        if (!values || values.length === 0) return ref.fallback;
        choices.push(`seen.${ref.field}[${ref.pick % values.length}]`);
        return values[ref.pick % values.length]!;
      },
    };
  }

  private listFor(field: string): string[] {
    const list = this.values.get(field) ?? [];
    this.values.set(field, list);
    return list;
  }

  /** Keeps the newest values, replacing old ones in turn, so that ids of deleted objects fade out. */
  private remember(list: string[], value: string): void {
    if (list.includes(value)) return;
    if (list.length < POOL_SIZE) list.push(value);
    else list[this.added++ % POOL_SIZE] = value;
  }
}

/** A running service with tokens full of objects, and the harvest of its responses. */
export interface FuzzTarget {
  readonly t: TestService;
  readonly harvest: Harvest;
  /** Reconnects, logs in again and lists objects, so that ids stay live after the fuzzer disconnected or logged out. */
  refresh(): Promise<void>;
  /** How many times a module process was restarted (it crashed, exited or hung) since the target started. */
  restarts(): number;
  close(): Promise<void>;
}

async function observed<T extends { data?: unknown }>(harvest: Harvest, call: Promise<T>): Promise<T> {
  const answer = await call;
  harvest.observe(answer.data);
  return answer;
}

/** Starts the service over two tokens: `fuzz-a` with RSA, EC, AES and always-authenticate keys, a certificate and a data container. */
export async function startFuzzTarget(): Promise<FuzzTarget> {
  // The keys and files are made before the service starts: pkcs11-tool and openssl run synchronously, and a service
  // in this process would sit blocked meanwhile, its keep-alive timers then closing connections under the first
  // requests (ECONNRESET on the first refresh, seen on the loaded 2-core machine).
  let credential: ReturnType<typeof selfSigned> | undefined;
  let pkcs12 = "";
  const t = await startTestService({
    tokenLabels: [...LABELS],
    // The fuzzer sends many wrong PINs; the service's own lockout would otherwise end every later login.
    // Idle connections stay open for the whole run (the longest the schema allows, 10 minutes): with the default 5 s,
    // a connection left idle while the target refreshes between batches could be closed by the service just as the
    // fuzzer's fetch (in this process, whose idle timers follow the service's Keep-Alive hint and fire late on a
    // busy loop) sent the next request on it, which the closing socket answered with a reset (ECONNRESET). That
    // race is HTTP/1.1's, not the service's answer to the request, and it made a fixed seed's run unrepeatable.
    configure: (config) => ({
      ...config,
      pinPolicy: { maxTries: 100, soMaxTries: 100 },
      http: { ...config.http, keepAliveTimeoutMs: 600_000 },
      // Fuzzed createChallenge requests leave challenges unsigned; with the default 120 s they filled the 32 an origin
      // may have waiting, and the harness could not open the environment endEnvironment ends (a 50,000-request run,
      // seed 424242: 23 such harness failures). 10 s keeps the service's limit in play without starving the harness.
      environments: { ...config.environments, challengeTtlSeconds: 10 },
    }),
    beforeStart: (sandbox, tokens) => {
      const on = (label: string, ...args: string[]) => pkcs11Tool(sandbox, ["--token-label", label, "--login", "--pin", tokens[label]!.pin, ...args]);
      on("fuzz-a", "--keypairgen", "--key-type", "rsa:2048", "--id", "01", "--label", "rsa");
      on("fuzz-a", "--keypairgen", "--key-type", "EC:prime256v1", "--id", "02", "--label", "ec");
      on("fuzz-a", "--keygen", "--key-type", "AES:32", "--id", "03", "--label", "aes");
      on("fuzz-a", "--keypairgen", "--key-type", "EC:prime256v1", "--id", "04", "--label", "ec-always", "--always-auth");
      on("fuzz-b", "--keypairgen", "--key-type", "EC:prime256v1", "--id", "05", "--label", "ec");
      credential = selfSigned(sandbox.dir, "fuzz-leaf", "/CN=fuzz leaf", { ec: "P-256" });
      pkcs12 = exportPkcs12(sandbox.dir, "fuzz", { keyPath: credential.keyPath, certificatePath: credential.certificatePath }, "fuzz-p12");
    },
  });
  const a = t.tokens["fuzz-a"]!;
  // Both tokens share their PINs' roles, so that one SecretRef works on either; each PIN stays a canary.
  const harvest = new Harvest({ user: a.pin, so: a.soPin });
  if (!credential) throw new Error("the fuzz target's certificate was not made");
  const { certificatePem } = credential;
  harvest.offer("file", pkcs12);
  harvest.offer("password", "fuzz-p12");
  harvest.offer("certificate", certificatePem);

  let restarts = 0;
  t.service.services.modules.onHostRestart(() => {
    restarts += 1;
  });
  // The fuzzer's own connections, several per token (requests disconnect some), reused while they live.
  const connections = new Map<string, string[]>();
  const refresh = async () => {
    const readers = await observed(harvest, t.client.GET("/v1/readers"));
    const objectsByToken = new Map<string, Array<{ id: string }>>();
    // By label, not in the order the service lists its slots: SoftHSM numbers a slot anew at every token init.
    for (const label of LABELS) {
      const reader = readers.data?.readers.find((candidate) => candidate.token?.label === label);
      if (!reader) continue;
      const kept: string[] = [];
      for (const tokenId of connections.get(label) ?? []) {
        if ((await t.client.GET("/v1/tokens/{tokenId}", { params: { path: { tokenId } } })).response.status === 200) kept.push(tokenId);
      }
      while (kept.length < CONNECTIONS_PER_TOKEN) {
        const connected = await observed(harvest, t.client.POST("/v1/readers/{readerId}/connect", { params: { path: { readerId: reader.id } } }));
        if (!connected.data) break;
        kept.push(connected.data.id);
      }
      connections.set(label, kept);
      for (const tokenId of kept) {
        // A login already in place answers 409; either way the token is logged in afterwards.
        await t.client.POST("/v1/tokens/{tokenId}/pins/{pinNumber}/login", {
          params: { path: { tokenId, pinNumber: 0 } },
          body: { pin: t.tokens[label]!.pin },
        });
        const listed = await observed(harvest, t.client.GET("/v1/tokens/{tokenId}/objects", { params: { path: { tokenId } } }));
        objectsByToken.set(tokenId, listed.data?.objects ?? []);
      }
    }
    harvest.setLive(objectsByToken);
  };
  await refresh();
  const tokenId = connections.get("fuzz-a")?.[0];
  if (!tokenId) throw new Error("could not connect to the fuzz-a token");
  const path = { tokenId };
  await observed(harvest, t.client.POST("/v1/tokens/{tokenId}/certificates", { params: { path }, body: { certificate: certificatePem, ckLabel: "leaf" } }));
  await observed(harvest, t.client.POST("/v1/tokens/{tokenId}/data-containers", { params: { path }, body: { ckLabel: "settings", value: "aGVsbG8=" } }));
  await refresh();
  return {
    t,
    harvest,
    refresh,
    restarts: () => restarts,
    close: () => t.close(),
  };
}
