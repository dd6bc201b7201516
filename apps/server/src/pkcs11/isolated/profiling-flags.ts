// Node's V8 profiling flags among a process's own (`process.execArgv`), so that a profiled service's module host
// processes, forked with options of their own, are profiled too (`npm run bench -- --cpu-prof DIR`).

/** Profiling flags that take a value, which may follow as the next argument rather than after `=`. */
const TAKES_VALUE = /^--(cpu|heap)-prof-(dir|name|interval)$/;

/** The `--cpu-prof*` and `--heap-prof*` flags in `execArgv`, each with its value. */
export function profilingFlags(execArgv: readonly string[]): string[] {
  const flags: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const flag = execArgv[i] as string;
    if (!/^--(cpu|heap)-prof/.test(flag)) continue;
    flags.push(flag);
    if (TAKES_VALUE.test(flag) && i + 1 < execArgv.length) flags.push(execArgv[++i] as string);
  }
  return flags;
}
