import { createHash } from "node:crypto";
import { pkcs11Tool } from "@open-scws/softhsm";
import { type ApiCaller as Caller, login, logout, pinState, startTestService, type TestService } from "@open-scws/test-support";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Two environments issue random command sequences against one token; a reference model of who may do what
// predicts every answer. Runs are reproducible from the seed; OWNERSHIP_MODEL_RUNS and OWNERSHIP_MODEL_SEED
// change how many sequences run and from which seed.
const LABEL = "model-token";
const RUNS = Number(process.env.OWNERSHIP_MODEL_RUNS ?? 1000);
const SEED = Number(process.env.OWNERSHIP_MODEL_SEED ?? 20_260_401);
const MAX_CONNECTIONS = 3;
const WRONG_PIN = "wrong-pin-of-the-model";
const MAKE_KEY = ["--keypairgen", "--key-type", "EC:prime256v1", "--id", "01", "--label", "model-key"];
const HASH = createHash("sha256").update("signed under the model").digest("base64");

type Env = 0 | 1;
const NAMES = ["A", "B"] as const;
const other = (env: Env): Env => (env === 0 ? 1 : 0);

/** Who may do what: the connections each environment holds, who holds the login, the token's wrong-PIN count. */
interface Model {
  /** Each environment's live connections, and under which login one was handed the private key's id. */
  readonly connections: [ModelConnection[], ModelConnection[]];
  login: Env | undefined;
  /** Counts the logins: a private object's id stands for a handle the token gives for one login only. */
  loginNumber: number;
  failures: number;
  /** How many connection ids of this run are dead (disconnected, or of an ended environment). */
  dead: number;
}

interface ModelConnection {
  /** The login under which this connection was handed the private key's id; undefined when never. */
  keyLogin: number | undefined;
}

/** The service as the environments see it, in the same order as the model. */
interface Real {
  readonly callers: [Caller, Caller];
  readonly connections: [Connection[], Connection[]];
  readonly dead: string[];
  /** The object ids each environment was handed, in this run or by the connection it started it with. */
  readonly handedObjects: [string[], string[]];
}
/** A connection id, and the private key's id once it was handed one. */
interface Connection {
  readonly id: string;
  keyId?: string;
}
type LoginRefusal = "CKR_USER_ALREADY_LOGGED_IN" | "CKR_USER_ANOTHER_ALREADY_LOGGED_IN" | "SCWS_FINAL_TRY_UNCONFIRMED";
type Answer = { error?: { code: string }; response: Response };

const stats = { sequences: 0, commands: 0, byCommand: new Map<string, number>() };

/** One command: when the model allows it, and what it does to the service and predicts of the answer. */
class Step implements fc.AsyncCommand<Model, Real> {
  constructor(
    private readonly label: string,
    private readonly kind: string,
    private readonly allowed: (model: Readonly<Model>) => boolean,
    private readonly act: (model: Model, real: Real) => Promise<void>,
  ) {}
  check(model: Readonly<Model>): boolean {
    return this.allowed(model);
  }
  async run(model: Model, real: Real): Promise<void> {
    stats.commands += 1;
    stats.byCommand.set(this.kind, (stats.byCommand.get(this.kind) ?? 0) + 1);
    await this.act(model, real);
  }
  toString(): string {
    return this.label;
  }
}

function expectRefused(answer: Answer, status: number, code: string, step: string): void {
  expect({ status: answer.response.status, code: answer.error?.code }, step).toEqual({ status, code });
}

describe("ownership, model-based: two environments, one token, random command sequences", () => {
  let t: TestService;
  let readerId: string;
  let maxTries: number;
  let callers: [Caller, Caller];
  /** The last run's service state and model, and whether it completed (so that the model matches the service). */
  let last: { real: Real; model: Model; completed: boolean } | undefined;
  let firstFailure: string | undefined;
  beforeAll(async () => {
    // The application opts in to confirming the last try, so that the model covers SCWS_FINAL_TRY_UNCONFIRMED.
    t = await startTestService({ tokenLabels: [LABEL], confirmFinalTry: true });
    const { pin } = t.tokens[LABEL]!;
    pkcs11Tool(t.sandbox, ["--token-label", LABEL, "--login", "--pin", pin, ...MAKE_KEY]);
    readerId = (await t.client.GET("/v1/readers")).data!.readers.find((reader) => reader.token?.label === LABEL)!.id;
    maxTries = t.service.services.config.pinPolicy.maxTries;
    callers = [await t.newEnvironment(), await t.newEnvironment()];
  });
  afterAll(() => t.close());

  const connect = async (caller: Caller) => {
    const { data, response } = await caller.client.POST("/v1/readers/{readerId}/connect", { params: { path: { readerId } } });
    expect(response.status).toBe(201);
    return data!.id;
  };
  const disconnect = (caller: Caller, tokenId: string) => caller.client.DELETE("/v1/tokens/{tokenId}", { params: { path: { tokenId } } });
  const sign = (caller: Caller, tokenId: string, objectId: string) =>
    caller.client.POST("/v1/tokens/{tokenId}/keys/{objectId}/sign", { params: { path: { tokenId, objectId } }, body: { hash: HASH } });

  /** A new connection that was handed the private key's id under its environment's login, which it then ended. */
  async function keyedConnection(caller: Caller): Promise<Connection> {
    const id = await connect(caller);
    expect((await login(caller, id, t.tokens[LABEL]!.pin, { confirmFinalTry: true })).response.status).toBe(200);
    const listed = await caller.client.GET("/v1/tokens/{tokenId}/objects", { params: { path: { tokenId: id }, query: { type: "privateKey" } } });
    expect((await logout(caller, id)).response.status).toBe(200);
    return { id, keyId: listed.data!.objects[0]!.id };
  }

  /**
   * Every run starts from the same state: each environment holds one connection that knows the private key's
   * id, nobody is logged in, and no wrong PIN is counted. The last run's `release` ended its login and count;
   * to stay fast this keeps one such connection per environment, ends the others and makes what is missing.
   * After a run that failed, the model may not match the service: both environments are made afresh.
   */
  async function setup(): Promise<{ model: Model; real: Real }> {
    stats.sequences += 1;
    if (!last || last.completed) return fromKept(last?.real.connections ?? [[], []]);
    try {
      for (const env of [0, 1] as const) {
        await callers[env].client.DELETE("/v1/environments/current");
        callers[env] = await t.newEnvironment();
      }
      return await fromKept([[], []]);
    } catch (error) {
      // A leak that outlives the environments (a login nobody owns) fails every later run, even an empty one.
      throw new Error(`The service stays broken after the first failing sequence [${firstFailure}]: ${(error as Error).message}`);
    }
  }

  async function fromKept(left: Real["connections"]): Promise<{ model: Model; real: Real }> {
    const kept: [Connection | undefined, Connection | undefined] = [undefined, undefined];
    for (const env of [0, 1] as const) {
      kept[env] = left[env].find((connection) => connection.keyId !== undefined);
      for (const connection of left[env].filter((candidate) => candidate !== kept[env])) await disconnect(callers[env], connection.id);
    }
    for (const env of [0, 1] as const) kept[env] ??= await keyedConnection(callers[env]);
    const [a, b] = kept as [Connection, Connection];
    const real: Real = { callers, connections: [[a], [b]], dead: [], handedObjects: [[a.keyId!], [b.keyId!]] };
    // Both connections were handed the key's id under a login that has ended (login number 0).
    const model: Model = { connections: [[{ keyLogin: 0 }], [{ keyLogin: 0 }]], login: undefined, loginNumber: 0, failures: 0, dead: 0 };
    last = { real, model, completed: false };
    return { model, real };
  }

  /** What a login with the right or a wrong PIN must answer: a refusal before the PIN is tried, or "tried". */
  function loginOutcome(model: Readonly<Model>, env: Env, confirm: boolean): "tried" | LoginRefusal {
    if (model.login === env) return "CKR_USER_ALREADY_LOGGED_IN";
    if (model.login !== undefined) return "CKR_USER_ANOTHER_ALREADY_LOGGED_IN";
    if (model.failures === maxTries - 1 && !confirm) return "SCWS_FINAL_TRY_UNCONFIRMED";
    return "tried";
  }
  /** The PIN's state an environment must see: its own login only, and the token's one count of wrong PINs. */
  const expectedPin = (model: Readonly<Model>, env: Env) => ({
    validated: model.login === env,
    soValidated: false,
    blocked: false,
    tryCountLow: model.failures > 0,
    lastTry: model.failures === maxTries - 1,
    remainingTries: maxTries - model.failures,
  });

  /**
   * Ends a run by checking the model's last word on the login against the service: its holder logs out, or, when
   * nobody holds it (a logout, a last disconnection or an ended environment released it), an environment logs in
   * and out. Either way the next run starts with nobody logged in and no wrong PIN counted.
   */
  async function release({ model, real }: { model: Model; real: Real }): Promise<void> {
    const env = model.login ?? (stats.sequences % 2 === 0 ? 0 : 1);
    if (real.connections[env].length === 0) real.connections[env].push({ id: await connect(real.callers[env]) });
    const tokenId = real.connections[env][0]!.id;
    if (model.login === undefined) {
      const answer = await login(real.callers[env], tokenId, t.tokens[LABEL]!.pin, { confirmFinalTry: true });
      expect(answer.response.status, `${NAMES[env]} logs in after the run, the model saying nobody holds the login`).toBe(200);
    }
    expect((await logout(real.callers[env], tokenId)).response.status, `${NAMES[env]} logs out after the run`).toBe(200);
  }

  const hasConnection = (env: Env) => (model: Readonly<Model>) => model.connections[env].length > 0;
  const at = <T>(list: readonly T[], pick: number) => pick % list.length;
  const connectionOf = (real: Real, env: Env, pick: number) => real.connections[env][at(real.connections[env], pick)]!;

  const env = fc.constantFrom<Env>(0, 1);
  const pick = fc.nat({ max: 11 });
  // Weighted so that ending an environment, the costliest command, comes less often than the others.
  const commands: fc.WeightedArbitrary<Step>[] = [
    {
      weight: 2,
      arbitrary: env.map(
        (e) =>
          new Step(
            `${NAMES[e]}.connect`,
            "connect",
            (m) => m.connections[e].length < MAX_CONNECTIONS,
            async (m, r) => {
              r.connections[e].push({ id: await connect(r.callers[e]) });
              m.connections[e].push({ keyLogin: undefined });
            },
          ),
      ),
    },
    {
      weight: 2,
      arbitrary: fc.tuple(env, pick).map(
        ([e, p]) =>
          new Step(`${NAMES[e]}.disconnect(#${p})`, "disconnect", hasConnection(e), async (m, r) => {
            const i = at(r.connections[e], p);
            expect((await disconnect(r.callers[e], r.connections[e][i]!.id)).response.status).toBe(204);
            r.dead.push(...r.connections[e].splice(i, 1).map((connection) => connection.id));
            m.connections[e].splice(i, 1);
            m.dead += 1;
            // The login ends with the owner's last connection to the token.
            if (m.login === e && m.connections[e].length === 0) m.login = undefined;
          }),
      ),
    },
    {
      weight: 5,
      arbitrary: fc.tuple(env, pick, fc.boolean(), fc.boolean()).map(
        ([e, p, right, confirm]) =>
          new Step(
            `${NAMES[e]}.login(#${p}, ${right ? "right" : "wrong"} PIN${confirm ? ", confirmFinalTry" : ""})`,
            right ? "login right PIN" : "login wrong PIN",
            // A wrong PIN at the final try, confirmed, would lock the PIN: the model stays below the lockout.
            (m) => hasConnection(e)(m) && (right || !(confirm && m.failures === maxTries - 1)),
            async (m, r) => {
              const step = `${NAMES[e]} logs in with ${right ? "the right" : "a wrong"} PIN`;
              const tokenId = connectionOf(r, e, p).id;
              const answer = await login(r.callers[e], tokenId, right ? t.tokens[LABEL]!.pin : WRONG_PIN, confirm ? { confirmFinalTry: true } : {});
              const outcome = loginOutcome(m, e, confirm);
              if (outcome !== "tried") return expectRefused(answer, 409, outcome, step);
              if (right) {
                expect(answer.data, step).toMatchObject({ validated: true, remainingTries: maxTries });
                m.login = e;
                m.loginNumber += 1;
                m.failures = 0;
              } else {
                m.failures += 1;
                expectRefused(answer, 403, "CKR_PIN_INCORRECT", step);
                expect(answer.error?.customData.remainingTries, step).toBe(maxTries - m.failures);
              }
            },
          ),
      ),
    },
    {
      weight: 3,
      arbitrary: fc.tuple(env, pick).map(
        ([e, p]) =>
          new Step(`${NAMES[e]}.logout(#${p})`, "logout", hasConnection(e), async (m, r) => {
            const answer = await logout(r.callers[e], connectionOf(r, e, p).id);
            if (m.login !== e) return expectRefused(answer, 403, "CKR_USER_NOT_LOGGED_IN", `${NAMES[e]} logs out`);
            expect(answer.data?.validated).toBe(false);
            m.login = undefined;
          }),
      ),
    },
    {
      weight: 3,
      arbitrary: fc.tuple(env, pick).map(
        ([e, p]) =>
          new Step(`${NAMES[e]}.pinState(#${p})`, "pin state", hasConnection(e), async (m, r) => {
            const { data } = await pinState(r.callers[e], connectionOf(r, e, p).id);
            expect(data, `${NAMES[e]} reads the PIN's state`).toMatchObject(expectedPin(m, e));
          }),
      ),
    },
    {
      weight: 3,
      arbitrary: fc.tuple(env, pick).map(
        ([e, p]) =>
          new Step(`${NAMES[e]}.listObjects(#${p})`, "list objects", hasConnection(e), async (m, r) => {
            const i = at(r.connections[e], p);
            const { data } = await r.callers[e].client.GET("/v1/tokens/{tokenId}/objects", { params: { path: { tokenId: r.connections[e][i]!.id } } });
            const types = data!.objects.map((object) => object.type).sort();
            // Private objects only for the environment holding the login.
            expect(types, `${NAMES[e]} lists the objects`).toEqual(m.login === e ? ["privateKey", "publicKey"] : ["publicKey"]);
            r.handedObjects[e].push(...data!.objects.map((object) => object.id));
            const key = data!.objects.find((object) => object.type === "privateKey");
            if (key) {
              r.connections[e][i]!.keyId = key.id;
              m.connections[e][i]!.keyLogin = m.loginNumber;
            }
          }),
      ),
    },
    {
      weight: 3,
      arbitrary: fc.tuple(env, pick).map(
        ([e, p]) =>
          new Step(
            `${NAMES[e]}.sign(#${p})`,
            "sign with the private key",
            (m) => m.connections[e].some((connection) => connection.keyLogin !== undefined),
            async (m, r) => {
              const knowing = r.connections[e].filter((connection) => connection.keyId !== undefined);
              const connection = knowing[at(knowing, p)]!;
              const { keyLogin } = m.connections[e].filter((candidate) => candidate.keyLogin !== undefined)[at(knowing, p)]!;
              const answer = await sign(r.callers[e], connection.id, connection.keyId!);
              if (m.login !== e) return expectRefused(answer, 403, "CKR_USER_NOT_LOGGED_IN", `${NAMES[e]} signs without the login`);
              // SoftHSM forgets private objects' handles at logout: an id handed under an earlier login names none.
              if (keyLogin !== m.loginNumber) return expectRefused(answer, 404, "CKR_KEY_HANDLE_INVALID", `${NAMES[e]} signs with a key id of an ended login`);
              expect(answer.response.status, `${NAMES[e]} signs with the login`).toBe(200);
            },
          ),
      ),
    },
    {
      weight: 2,
      arbitrary: fc.tuple(env, pick, fc.constantFrom("getToken", "getPin", "listObjects", "login", "logout", "disconnect")).map(
        ([e, p, route]) =>
          new Step(
            `${NAMES[e]}.${route}(another's or a dead connection #${p})`,
            "use another's connection id",
            (m) => m.connections[other(e)].length + m.dead > 0,
            async (_m, r) => {
              const candidates = [...r.connections[other(e)].map((connection) => connection.id), ...r.dead];
              const tokenId = candidates[at(candidates, p)]!;
              const { client } = r.callers[e];
              const path = { params: { path: { tokenId, pinNumber: 0 } } };
              const answer = await {
                getToken: () => client.GET("/v1/tokens/{tokenId}", path),
                getPin: () => client.GET("/v1/tokens/{tokenId}/pins/{pinNumber}", path),
                listObjects: () => client.GET("/v1/tokens/{tokenId}/objects", path),
                login: () => login(r.callers[e], tokenId, t.tokens[LABEL]!.pin, { confirmFinalTry: true }),
                logout: () => client.POST("/v1/tokens/{tokenId}/pins/{pinNumber}/logout", path),
                disconnect: () => disconnect(r.callers[e], tokenId),
              }[route]();
              expectRefused(answer, 404, "CKR_SESSION_HANDLE_INVALID", `${NAMES[e]} calls ${route} on a connection it does not own`);
            },
          ),
      ),
    },
    {
      weight: 2,
      arbitrary: fc.tuple(env, pick, pick, fc.boolean()).map(
        ([e, p, q, signing]) =>
          new Step(
            `${NAMES[e]}.${signing ? "sign" : "getObject"}(#${p}, another's object id #${q})`,
            "use another's object id",
            hasConnection(e),
            async (_m, r) => {
              const tokenId = connectionOf(r, e, p).id;
              const objectId = r.handedObjects[other(e)][at(r.handedObjects[other(e)], q)]!;
              const caller = r.callers[e];
              const step = `${NAMES[e]} uses an object id handed to ${NAMES[other(e)]}`;
              if (signing) return expectRefused(await sign(caller, tokenId, objectId), 404, "CKR_KEY_HANDLE_INVALID", step);
              const answer = await caller.client.GET("/v1/tokens/{tokenId}/objects/{objectId}", { params: { path: { tokenId, objectId } } });
              expectRefused(answer, 404, "CKR_OBJECT_HANDLE_INVALID", step);
            },
          ),
      ),
    },
    {
      weight: 1,
      arbitrary: env.map(
        (e) =>
          new Step(
            `${NAMES[e]}.endEnvironment`,
            "end environment",
            () => true,
            async (m, r) => {
              expect((await r.callers[e].client.DELETE("/v1/environments/current")).response.status).toBe(204);
              // The run's callers are the suite's: the next run starts from this new environment.
              r.callers[e] = await t.newEnvironment();
              r.dead.push(...r.connections[e].splice(0).map((connection) => connection.id));
              m.dead += m.connections[e].splice(0).length;
              if (m.login === e) m.login = undefined;
            },
          ),
      ),
    },
  ];

  it(`holds for ${RUNS} random sequences of up to 12 commands (seed ${SEED})`, { timeout: 1_800_000 }, async () => {
    expect(maxTries).toBeGreaterThanOrEqual(2);
    const started = performance.now();
    await fc.assert(
      fc.asyncProperty(fc.commands([fc.oneof(...commands)], { maxCommands: 12, size: "max" }), async (sequence) => {
        try {
          await fc.asyncModelRun(setup, sequence);
          await release(last!);
        } catch (error) {
          firstFailure ??= String(sequence);
          throw error;
        }
        last!.completed = true;
      }),
      { seed: SEED, numRuns: RUNS },
    );
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const kinds = [...stats.byCommand].map(([kind, count]) => `${kind} ${count}`).join(", ");
    console.log(`ownership model: ${stats.sequences} sequences, ${stats.commands} commands (${kinds}), seed ${SEED}, ${seconds} s, 0 violations`);
  });
});
