// Lets a test wait for what it records (callbacks, requests) rather than for time: each recorded change wakes the
// waiters, which check their condition again. A wait whose condition never holds ends by the test's own timeout.

/** Records changes and waits for conditions on them. */
export class Changes {
  readonly #waiters = new Set<() => void>();

  /** Wakes every waiter: call it after each change a condition may read. */
  changed(): void {
    for (const wake of [...this.#waiters]) wake();
  }

  /** A list whose every push is a change. */
  list(): string[] {
    const list: string[] = [];
    Object.defineProperty(list, "push", {
      enumerable: false,
      value: (...items: string[]) => {
        const length = Array.prototype.push.apply(list, items);
        this.changed();
        return length;
      },
    });
    return list;
  }

  /** Resolves once `condition` holds, checking it now and after each change. */
  async until(condition: () => boolean): Promise<void> {
    while (!condition()) {
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.#waiters.delete(wake);
          resolve();
        };
        this.#waiters.add(wake);
      });
    }
  }
}
