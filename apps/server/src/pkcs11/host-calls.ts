// The one list of host calls: every Pkcs11Host method, where the host process runs it, and how it crosses the
// process boundary. The isolated host forwards exactly these, the host process routes by them, a lane runs only
// them, and the decorator watches them; the compiler checks the table against Pkcs11Host. The host process imports
// this file: it holds no run-time imports, so that a restart loads as little as it can.
import type { Pkcs11Host, SlotHandle } from "./host.js";

/** The name of a Pkcs11Host method (its properties, such as `moduleId`, are not calls). */
export type HostCallName = { [Name in keyof Pkcs11Host]: Pkcs11Host[Name] extends (...args: never[]) => Promise<unknown> ? Name : never }[keyof Pkcs11Host];

/**
 * Where the host process runs a call:
 * - `token`: on the lane (thread) of the token named by the call's first argument, its SlotHandle;
 * - `owner`: on the owner lane, which initialised the module (module-wide calls);
 * - `every`: on every token's lane, then on the owner's (`stop`: sessions close before `C_Finalize`).
 */
export type HostCallLane = "token" | "owner" | "every";

/**
 * How a call's arguments and answer cross the process boundary. `clone`: as a structured clone (Node's `advanced`
 * IPC serialisation, so a Uint8Array crosses as bytes); every argument and answer of a host call is plain data
 * (strings, numbers, booleans, null, Uint8Array, and arrays and records of them), which host.ts requires.
 */
export type HostCallCrossing = "clone";

/** What the table says about one call. */
export interface HostCallSpec {
  readonly lane: HostCallLane;
  readonly crossing: HostCallCrossing;
}

/** A call that takes a SlotHandle first must run on that token's lane, and only such a call can. */
type LaneOf<Name extends HostCallName> = Parameters<Pkcs11Host[Name]> extends [SlotHandle, ...unknown[]] ? "token" : "owner" | "every";

/** The table's type: one entry per host call, no other, each in a lane its parameters allow. */
export type HostCallTable = { readonly [Name in HostCallName]: HostCallSpec & { readonly lane: LaneOf<Name> } };

const token = { lane: "token", crossing: "clone" } as const;

/** Every host call. A new Pkcs11Host method does not compile until it is listed here. */
export const HOST_CALLS = {
  start: { lane: "owner", crossing: "clone" },
  stop: { lane: "every", crossing: "clone" },
  listSlots: { lane: "owner", crossing: "clone" },
  getTokenInfo: token,
  attach: token,
  detach: token,
  openSessions: token,
  login: token,
  logout: token,
  setPin: token,
  initPin: token,
  findObjects: token,
  getAttributes: token,
  getObjectAttributes: token,
  setAttributes: token,
  destroyObject: token,
  getMechanisms: token,
  sign: token,
  signBatch: token,
  verify: token,
  encrypt: token,
  decrypt: token,
  digest: token,
  generateRandom: token,
  createObject: token,
  generateKeyPair: token,
  generateKey: token,
} as const satisfies HostCallTable;

/** The host calls' names, in the table's order. */
export const HOST_CALL_NAMES = Object.keys(HOST_CALLS) as HostCallName[];

/** Whether a name received from another thread or process is a host call (and not, say, `constructor`). */
export function isHostCall(name: unknown): name is HostCallName {
  return typeof name === "string" && Object.hasOwn(HOST_CALLS, name);
}

/** The arguments of a host call. */
export type HostCallArgs<Name extends HostCallName> = Parameters<Pkcs11Host[Name]>;

/** Runs a host call on `host` by its name from the table. */
export function invokeHostCall(host: Pkcs11Host, name: HostCallName, args: readonly unknown[]): Promise<unknown> {
  const method = host[name] as (...callArgs: unknown[]) => Promise<unknown>;
  return method.apply(host, args as unknown[]);
}

/**
 * Gives `prototype` one method per host call that it does not define itself, each passing its receiver, name and
 * arguments to `call`: how the isolated host and the decorator implement the calls they pass on, from this table alone.
 */
export function defineHostCalls<Host extends object>(prototype: Host, call: (host: Host, name: HostCallName, args: unknown[]) => Promise<unknown>): void {
  for (const name of HOST_CALL_NAMES) {
    if (Object.hasOwn(prototype, name)) continue;
    const method = function (this: Host, ...args: unknown[]) {
      return call(this, name, args);
    };
    Object.defineProperty(method, "name", { value: name });
    Object.defineProperty(prototype, name, { value: method, writable: true, configurable: true });
  }
}
