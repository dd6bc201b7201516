// A private PC/SC stack for tests: pcscd (own config dir, own socket) with the vpcd reader driver, the
// virtual PIV card connected to it, and OpenSC's PKCS#11 module to reach it. Nothing listens beyond
// 127.0.0.1 and the system pcscd is never touched (see README "How the stack is isolated").
import { X509Certificate } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type CardStatusReport, holdKeyOperationOf, sendControl } from "./control.js";
import { buildPcscdShim } from "./native.js";
import { certificateFromObject } from "./objects.js";
import { WatchedProcess } from "./processes.js";
import { type ProvisionOptions, provisionedState } from "./provision.js";
import { type CardState, CERTIFICATE_TAGS, type KeySlot, loadState, saveState } from "./state.js";

/** OpenSC's PKCS#11 module on Debian (package opensc-pkcs11). */
export const OPENSC_MODULE = "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so";

/** The vpcd reader driver on Debian (package vsmartcard-vpcd). */
export const VPCD_DRIVER = "/usr/lib/pcsc/drivers/serial/libifdvpcd.so";

/** Options of startCardStack. */
export interface CardStackOptions extends ProvisionOptions {
  /** Use this card state instead of provisioning a new one (it is copied, the original is not changed). */
  state?: CardState;
  /** Start with the card out of the reader. */
  removed?: boolean;
  /** Reader name prefix given to pcscd (default "SCWS Virtual PIV"); pcscd appends " 00 00". */
  friendlyName?: string;
}

/** The running card, seen from the test. */
export interface StackCard {
  /** Inserts the card; resolves once pcscd reports it present. */
  insert(): Promise<void>;
  /** Removes the card; resolves once pcscd reports it absent. */
  remove(): Promise<void>;
  /** Asks the card process: inserted, PIN and PUK tries left. */
  status(): Promise<CardStatusReport>;
  /**
   * Test hook: the card's next key operation (signature, decryption, ECDH) gets no answer until the card is
   * removed. Resolves once armed; `received` resolves when that command reaches the card (then pull the card).
   */
  holdNextKeyOperation(): Promise<{ received: Promise<void> }>;
  /** The card's saved state (keys, certificates, counters), read from its state file. */
  state(): CardState;
  /** The certificate of a key slot as PEM, from the card's state file. */
  certificatePem(slot: KeySlot): string;
  /** Path of the card's JSON state file. */
  statePath: string;
  /** The card's control socket (for `virtual-card insert|remove|status --control`). */
  controlSocket: string;
  /** The card's PIN and PUK when the stack started. */
  pin: string;
  puk: string;
}

/** A running stack. */
export interface CardStack {
  /** OpenSC's PKCS#11 module. */
  modulePath: string;
  /** The reader that holds the card, as PC/SC and PKCS#11 (slot description) name it. */
  readerName: string;
  /** pcscd's private socket. */
  pcscSocket: string;
  /** Environment a PKCS#11 client process needs: PCSCLITE_CSOCK_NAME, OPENSC_CONF. */
  env: Record<string, string>;
  /** The stack's temporary directory (removed by stop()). */
  dir: string;
  card: StackCard;
  /** Stops the card and pcscd and removes the temporary directory. */
  stop(): Promise<void>;
}

const here = dirname(fileURLToPath(import.meta.url));
/** The CLI runs from dist/ (built by the package's build step) even when tests import src/. */
const cliPath = existsSync(join(here, "cli.js")) ? join(here, "cli.js") : join(here, "..", "dist", "cli.js");

/**
 * pcscd runs under a small shell that kills it at the end of its input: the stack closes that input on stop(),
 * and the kernel closes it when the test process dies, so no pcscd outlives its test.
 */
const PCSCD_WRAPPER = 'LD_PRELOAD="$SCWS_PCSCD_SHIM" pcscd "$@" & pcscd=$!; cat >/dev/null; kill $pcscd; wait $pcscd';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Starts pcscd + vpcd + the virtual card (provisioned unless `state` is given) in a fresh temporary directory. */
export async function startCardStack(options: CardStackOptions = {}): Promise<CardStack> {
  const shim = buildPcscdShim();
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: build @open-scws/virtual-card first (npx turbo run build)`);
  const dir = mkdtempSync(join(tmpdir(), "scws-card-"));
  const processes: WatchedProcess[] = [];
  const cleanup = async () => {
    for (const child of processes.reverse()) {
      await child.stop();
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const friendlyName = options.friendlyName ?? "SCWS Virtual PIV";
    // The name goes into reader.conf between quotes.
    if (!/^[A-Za-z0-9 ._-]{1,60}$/.test(friendlyName)) throw new Error(`friendlyName "${friendlyName}": use 1 to 60 letters, digits, spaces, ".", "_" or "-"`);
    const readerName = `${friendlyName} 00 00`;
    const confDir = join(dir, "reader.conf.d");
    const runDir = join(dir, "run");
    mkdirSync(confDir);
    mkdirSync(runDir);
    // The port is a placeholder: the shim binds vpcd to 127.0.0.1 on a free port and writes it to vpcd.ports.
    writeFileSync(join(confDir, "vpcd"), `FRIENDLYNAME "${friendlyName}"\nDEVICENAME /dev/null:0x8C7B\nLIBPATH ${VPCD_DRIVER}\nCHANNELID 0x8C7B\n`);
    const openscConf = join(dir, "opensc.conf");
    // No on-disk cache (every stack's card is new); PUK unblocking through C_SetPIN(PUK, new PIN) in a session
    // that is not logged in: the one unblock style of OpenSC 0.23 that reaches PIV's RESET RETRY COUNTER.
    writeFileSync(
      openscConf,
      "app default {\n  framework pkcs15 {\n    use_file_caching = no;\n  }\n  pkcs11 {\n    user_pin_unblock_style = set_pin_in_unlogged_session;\n  }\n}\n",
    );
    const pcscSocket = join(runDir, "pcscd.comm");
    const portFile = join(dir, "vpcd.ports");

    const pcscd = new WatchedProcess("pcscd", "sh", ["-c", PCSCD_WRAPPER, "pcscd", "--foreground", "--info", "--config", confDir], {
      PATH: process.env.PATH,
      SCWS_PCSCD_SHIM: shim,
      SCWS_PCSCD_RUN_DIR: runDir,
      SCWS_VPCD_PORT_FILE: portFile,
      ...(process.env.SCWS_VPCD_NAGLE ? { SCWS_VPCD_NAGLE: process.env.SCWS_VPCD_NAGLE } : {}),
    });
    processes.push(pcscd);
    await pcscd.waitFor(/daemon ready/);
    const port = Number(readFileSync(portFile, "utf8").split("\n")[0]);

    const statePath = join(dir, "card.json");
    const state = options.state ? structuredClone(options.state) : provisionedState(options);
    saveState(statePath, state);
    const control = join(dir, "card.ctl");
    const args = [cliPath, "serve", "--state", statePath, "--port", String(port), "--control", control, "--exit-with-stdin"];
    if (options.removed) args.push("--removed");
    const mark = pcscd.mark;
    const card = new WatchedProcess("virtual-card", process.execPath, args, { PATH: process.env.PATH });
    processes.push(card);
    await card.waitFor(/"control"/);
    const inserted = new RegExp(`Card inserted into ${escapeRegExp(readerName)}`);
    const removed = new RegExp(`Card Removed From ${escapeRegExp(readerName)}`);
    if (!options.removed) await pcscd.waitFor(inserted, mark);

    const stackCard: StackCard = {
      statePath,
      controlSocket: control,
      pin: state.pin,
      puk: state.puk,
      async insert() {
        if ((await sendControl(control, "status")).inserted) return;
        const from = pcscd.mark;
        await sendControl(control, "insert");
        await pcscd.waitFor(inserted, from);
      },
      async remove() {
        if (!(await sendControl(control, "status")).inserted) return;
        const from = pcscd.mark;
        await sendControl(control, "remove");
        await pcscd.waitFor(removed, from);
      },
      status: () => sendControl(control, "status"),
      holdNextKeyOperation: () => holdKeyOperationOf(control),
      state: () => loadState(statePath),
      certificatePem(slot) {
        const object = loadState(statePath).objects[CERTIFICATE_TAGS[slot]];
        const der = object && certificateFromObject(Buffer.from(object, "base64"));
        if (!der) throw new Error(`the card has no certificate in slot ${slot}`);
        return new X509Certificate(der).toString();
      },
    };
    return {
      modulePath: OPENSC_MODULE,
      readerName,
      pcscSocket,
      env: { PCSCLITE_CSOCK_NAME: pcscSocket, OPENSC_CONF: openscConf },
      dir,
      card: stackCard,
      stop: cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
