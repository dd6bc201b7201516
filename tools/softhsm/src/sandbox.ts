// A SoftHSM2 token store of its own in a folder (temporary for tests, git-ignored for the demo), with its config file.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Where SoftHSM2's module is: `SCWS_SOFTHSM_MODULE`, or Debian's location. */
export const softHsmModule = process.env.SCWS_SOFTHSM_MODULE ?? "/usr/lib/softhsm/libsofthsm2.so";

/** A token made in a sandbox, with its secrets. */
export interface SoftHsmToken {
  readonly label: string;
  readonly pin: string;
  readonly soPin: string;
}

/** A PIN no other test uses: its value can be searched for in logs and answers (a canary). */
export function uniquePin(prefix = "pin"): string {
  return `${prefix}-${randomBytes(6).toString("hex")}`;
}

/** A SoftHSM2 token store in one folder. */
export class SoftHsmSandbox {
  readonly tokenDir: string;
  readonly confPath: string;

  private constructor(readonly dir: string) {
    this.tokenDir = join(dir, "tokens");
    this.confPath = join(dir, "softhsm2.conf");
    mkdirSync(this.tokenDir, { recursive: true });
    // SoftHSM's PINs never lock and its slots are not removable: see docs on the fault-injecting module for both.
    writeFileSync(this.confPath, `directories.tokendir = ${this.tokenDir}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`);
  }

  /** A sandbox in a new temporary folder. */
  static temporary(prefix = "scws-softhsm-"): SoftHsmSandbox {
    return new SoftHsmSandbox(mkdtempSync(join(tmpdir(), prefix)));
  }

  /** A sandbox in a given folder, kept between runs (the demo token's). */
  static inFolder(dir: string): SoftHsmSandbox {
    return new SoftHsmSandbox(dir);
  }

  /** The environment a process needs to see this sandbox's tokens. */
  get env(): { SOFTHSM2_CONF: string } {
    return { SOFTHSM2_CONF: this.confPath };
  }

  /** Initialises a new token in the first free slot; PINs default to unique canary values. */
  initToken(label: string, secrets: Partial<Omit<SoftHsmToken, "label">> = {}): SoftHsmToken {
    const token = { label, pin: secrets.pin ?? uniquePin("pin"), soPin: secrets.soPin ?? uniquePin("so") };
    execFileSync("softhsm2-util", ["--init-token", "--free", "--label", label, "--pin", token.pin, "--so-pin", token.soPin], {
      env: { ...process.env, ...this.env },
      stdio: ["ignore", "ignore", "pipe"],
    });
    return token;
  }

  /** Deletes a token by label. */
  deleteToken(label: string): void {
    execFileSync("softhsm2-util", ["--delete-token", "--token", label], { env: { ...process.env, ...this.env }, stdio: ["ignore", "ignore", "pipe"] });
  }

  /** Removes the folder and every token in it. */
  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
