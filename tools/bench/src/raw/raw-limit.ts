// The token's own limit: pkcs11js in this process, calling the module directly, for each operation; synchronous
// calls on one session, and the ...Async calls over N sessions at once (N swept), as the service's host makes them.
import type { Handle, PKCS11 } from "pkcs11js";
import pkcs11js from "pkcs11js";
import { AES_PLAINTEXT, GCM_IV_LENGTH, HASH, KEY_LABELS, type OperationId, RSA_SIGN_INPUT } from "../operations.js";

/** One configuration's throughput. */
export interface RawRun {
  readonly mode: "sync" | "async";
  readonly sessions: number;
  readonly opsPerSecond: number;
  /** CPU time of the whole process (its libuv threads included) per operation, in microseconds. */
  readonly cpuMicrosPerOp: number;
}

/** What the raw sweep found for one operation. */
export interface RawResult {
  readonly operation: OperationId;
  readonly runs: readonly RawRun[];
  /** The best run: the limit the service is compared with. */
  readonly best: RawRun;
}

/** What to sweep. */
export interface RawOptions {
  readonly module: string;
  readonly tokenLabel: string;
  readonly pin: string;
  /** RSA ciphertext to decrypt, base64. */
  readonly rsaCiphertext: string;
  readonly operations: readonly OperationId[];
  readonly sessionCounts: readonly number[];
  readonly durationMs: number;
}

type Step = (p11: PKCS11, session: Handle) => Promise<unknown> | unknown;

const OUT = 2048;

/** One operation as PKCS#11 calls, sync or async, with the Init calls pkcs11js only has in sync form. */
function stepsFor(operation: OperationId, keys: Record<"ec" | "rsa" | "aes", Handle>, ciphertext: Buffer): { sync: Step; async: Step } {
  switch (operation) {
    case "ecdsa-sign":
    case "rsa-sign": {
      const key = operation === "ecdsa-sign" ? keys.ec : keys.rsa;
      const mechanism = { mechanism: operation === "ecdsa-sign" ? pkcs11js.CKM_ECDSA : pkcs11js.CKM_RSA_PKCS };
      const input = operation === "ecdsa-sign" ? HASH : RSA_SIGN_INPUT;
      const init = (p11: PKCS11, session: Handle) => p11.C_SignInit(session, mechanism, key);
      return {
        sync: (p11, session) => {
          init(p11, session);
          return p11.C_Sign(session, input, Buffer.alloc(OUT));
        },
        async: (p11, session) => {
          init(p11, session);
          return p11.C_SignAsync(session, input, Buffer.alloc(OUT));
        },
      };
    }
    case "rsa-decrypt": {
      const init = (p11: PKCS11, session: Handle) => p11.C_DecryptInit(session, { mechanism: pkcs11js.CKM_RSA_PKCS }, keys.rsa);
      return {
        sync: (p11, session) => {
          init(p11, session);
          return p11.C_Decrypt(session, ciphertext, Buffer.alloc(OUT));
        },
        async: (p11, session) => {
          init(p11, session);
          return p11.C_DecryptAsync(session, ciphertext, Buffer.alloc(OUT));
        },
      };
    }
    case "aes-gcm-encrypt": {
      // The service draws each IV from the token (C_GenerateRandom) when the caller gives none; so does this loop.
      const init = (p11: PKCS11, session: Handle) => {
        const iv = p11.C_GenerateRandom(session, Buffer.alloc(GCM_IV_LENGTH));
        const parameter = { type: pkcs11js.CK_PARAMS_AES_GCM, iv, ivBits: GCM_IV_LENGTH * 8, tagBits: 128 };
        p11.C_EncryptInit(session, { mechanism: pkcs11js.CKM_AES_GCM, parameter: parameter as never }, keys.aes);
      };
      const out = () => Buffer.alloc(AES_PLAINTEXT.length + OUT);
      return {
        sync: (p11, session) => {
          init(p11, session);
          return p11.C_Encrypt(session, AES_PLAINTEXT, out());
        },
        async: (p11, session) => {
          init(p11, session);
          return p11.C_EncryptAsync(session, AES_PLAINTEXT, out());
        },
      };
    }
  }
}

/**
 * Operations per second and CPU per operation: one loop when sync; otherwise one concurrent loop per step, each on
 * its own session.
 */
async function timed(
  durationMs: number,
  loops: ReadonlyArray<() => Promise<unknown> | unknown>,
  sync: boolean,
): Promise<{ opsPerSecond: number; cpuMicrosPerOp: number }> {
  let done = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const deadline = started + durationMs;
  if (sync) {
    const step = loops[0]!;
    while (performance.now() < deadline) {
      step();
      done += 1;
    }
  } else {
    await Promise.all(
      loops.map(async (step) => {
        while (performance.now() < deadline) {
          await step();
          done += 1;
        }
      }),
    );
  }
  const elapsed = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  return { opsPerSecond: (done * 1000) / elapsed, cpuMicrosPerOp: done > 0 ? (cpu.user + cpu.system) / done : 0 };
}

function findKey(p11: PKCS11, session: Handle, label: string, klass: number): Handle {
  p11.C_FindObjectsInit(session, [
    { type: pkcs11js.CKA_LABEL, value: label },
    { type: pkcs11js.CKA_CLASS, value: klass },
  ]);
  const [handle] = p11.C_FindObjects(session, 1);
  p11.C_FindObjectsFinal(session);
  if (!handle) throw new Error(`no key labelled ${label}`);
  return handle;
}

/** Sweeps every operation over sync and async with each session count. */
export async function measureRawLimits(options: RawOptions): Promise<RawResult[]> {
  const p11 = new pkcs11js.PKCS11();
  p11.load(options.module);
  p11.C_Initialize({ flags: pkcs11js.CKF_OS_LOCKING_OK });
  try {
    const slot = p11.C_GetSlotList(true).find((candidate) => p11.C_GetTokenInfo(candidate).label.trim() === options.tokenLabel);
    if (!slot) throw new Error(`no token labelled ${options.tokenLabel}`);
    const sessions = Array.from({ length: Math.max(...options.sessionCounts) }, () =>
      p11.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION),
    );
    p11.C_Login(sessions[0]!, pkcs11js.CKU_USER, options.pin);
    const keys = {
      ec: findKey(p11, sessions[0]!, KEY_LABELS.ec, pkcs11js.CKO_PRIVATE_KEY),
      rsa: findKey(p11, sessions[0]!, KEY_LABELS.rsa, pkcs11js.CKO_PRIVATE_KEY),
      aes: findKey(p11, sessions[0]!, KEY_LABELS.aes, pkcs11js.CKO_SECRET_KEY),
    };
    const results: RawResult[] = [];
    for (const operation of options.operations) {
      const steps = stepsFor(operation, keys, Buffer.from(options.rsaCiphertext, "base64"));
      const runs: RawRun[] = [];
      // A short warm-up, so that the first configuration does not pay for the module's first use.
      const syncStep = [() => steps.sync(p11, sessions[0]!)];
      await timed(Math.min(300, options.durationMs), syncStep, true);
      runs.push({ mode: "sync", sessions: 1, ...(await timed(options.durationMs, syncStep, true)) });
      for (const count of options.sessionCounts) {
        // Each concurrent loop keeps to its own session: a session runs one operation at a time.
        const loops = sessions.slice(0, count).map((session) => () => steps.async(p11, session));
        runs.push({ mode: "async", sessions: count, ...(await timed(options.durationMs, loops, false)) });
      }
      const best = runs.reduce((a, b) => (b.opsPerSecond > a.opsPerSecond ? b : a));
      results.push({ operation, runs, best });
    }
    p11.C_Logout(sessions[0]!);
    p11.C_CloseAllSessions(slot);
    return results;
  } finally {
    p11.C_Finalize();
    p11.close();
  }
}
