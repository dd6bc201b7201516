// Child processes of the stack: line-by-line output with waits on lines (events, not time), and a stop
// that waits for the exit.
import { type ChildProcess, spawn } from "node:child_process";

/** A spawned child whose output lines can be awaited. */
export class WatchedProcess {
  readonly lines: string[] = [];
  private waiters: { pattern: RegExp; from: number; resolve: (line: string) => void; reject: (error: Error) => void }[] = [];
  private exited: string | undefined;
  readonly child: ChildProcess;

  constructor(
    readonly name: string,
    command: string,
    args: readonly string[],
    env: NodeJS.ProcessEnv,
  ) {
    this.child = spawn(command, args, { env, stdio: ["pipe", "pipe", "pipe"] });
    for (const stream of [this.child.stdout!, this.child.stderr!]) {
      let partial = "";
      stream.setEncoding("utf8");
      stream.on("data", (chunk: string) => {
        const parts = (partial + chunk).split("\n");
        partial = parts.pop()!;
        for (const line of parts) this.add(line);
      });
    }
    this.child.on("error", (error) => this.fail(`${name} could not start: ${error.message}`));
    this.child.on("exit", (code, signal) => this.fail(`${name} exited (${signal ?? `code ${code}`})`));
  }

  /** Number of lines seen so far: pass it to waitFor to wait only for later lines. */
  get mark(): number {
    return this.lines.length;
  }

  /** Resolves with the first line from `from` on that matches; rejects if the process exits first or after timeoutMs. */
  waitFor(pattern: RegExp, from = 0, timeoutMs = 20_000): Promise<string> {
    const seen = this.lines.slice(from).find((line) => pattern.test(line));
    if (seen !== undefined) return Promise.resolve(seen);
    if (this.exited) return Promise.reject(new Error(`${this.exited} before printing ${pattern}\n${this.tail()}`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`${this.name}: no line matching ${pattern} within ${timeoutMs} ms\n${this.tail()}`));
      }, timeoutMs);
      const waiter = {
        pattern,
        from,
        resolve: (line: string) => {
          clearTimeout(timer);
          resolve(line);
        },
        reject: (error: Error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.waiters.push(waiter);
    });
  }

  /**
   * Closes the child's stdin (both children of the stack exit on end of input, which also happens when the
   * test process dies), sends SIGKILL after graceMs, and resolves when the process has exited.
   */
  async stop(graceMs = 5_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    this.child.stdin?.end();
    const timer = setTimeout(() => this.child.kill("SIGKILL"), graceMs);
    await exited;
    clearTimeout(timer);
  }

  /** Last output lines, for error messages. */
  tail(count = 20): string {
    return this.lines
      .slice(-count)
      .map((line) => `  ${this.name}| ${line}`)
      .join("\n");
  }

  private add(line: string): void {
    const index = this.lines.push(line) - 1;
    for (const waiter of [...this.waiters]) {
      if (index >= waiter.from && waiter.pattern.test(line)) {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        waiter.resolve(line);
      }
    }
  }

  private fail(reason: string): void {
    this.exited ??= reason;
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter.reject(new Error(`${reason}\n${this.tail()}`));
  }
}
