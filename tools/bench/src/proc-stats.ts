// What the kernel says a process tree used: CPU time from /proc/<pid>/stat (utime + stime) and resident memory
// from /proc/<pid>/status (VmRSS), for the service and its module host processes (its children).
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

const TICKS_PER_SECOND = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;

function statFields(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) is in parentheses and may hold spaces: fields are counted after its ")".
    return text.slice(text.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

/** The processes whose parent is `pid` (the service's module host processes, spare included). */
export function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(Number(entry));
    // Field 4 (ppid) is the second after the name.
    if (fields && Number(fields[1]) === pid) children.push(Number(entry));
  }
  return children;
}

/** CPU seconds (user + system) a process has used so far; 0 for one that is gone. */
export function cpuSeconds(pid: number): number {
  const fields = statFields(pid);
  // Fields 14 (utime) and 15 (stime), counted from field 3 at index 0.
  return fields ? (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND : 0;
}

/** Resident memory of a process in bytes; 0 for one that is gone. */
export function rssBytes(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** A service process and its module host processes, for CPU and memory accounting. */
export class ProcessTree {
  constructor(readonly pid: number) {}

  /** The service and its children, found afresh (a module host may have been replaced). */
  pids(): number[] {
    return [this.pid, ...childrenOf(this.pid)];
  }

  /** CPU seconds used so far by each process of the tree, by pid. */
  cpu(): Map<number, number> {
    return new Map(this.pids().map((pid) => [pid, cpuSeconds(pid)]));
  }

  /** CPU seconds used since an earlier reading by the service and by its host processes (new ones count from zero). */
  cpuSince(before: Map<number, number>): { service: number; hosts: number } {
    const used = { service: 0, hosts: 0 };
    for (const [pid, seconds] of this.cpu()) used[pid === this.pid ? "service" : "hosts"] += seconds - (before.get(pid) ?? 0);
    return used;
  }

  /** The resident memory of the service alone and of the whole tree, in bytes. */
  rss(): { service: number; total: number } {
    const service = rssBytes(this.pid);
    return { service, total: this.pids().reduce((sum, pid) => sum + (pid === this.pid ? service : rssBytes(pid)), 0) };
  }
}

/** Samples a tree's memory every `intervalMs` and keeps the peaks until stopped. */
export function sampleMemory(tree: ProcessTree, intervalMs = 100): () => { service: number; total: number } {
  const peak = tree.rss();
  const timer = setInterval(() => {
    const now = tree.rss();
    peak.service = Math.max(peak.service, now.service);
    peak.total = Math.max(peak.total, now.total);
  }, intervalMs);
  return () => {
    clearInterval(timer);
    return peak;
  };
}

/** The load averages (1, 5 and 15 minutes) from /proc/loadavg. */
export function loadAverage(): [number, number, number] {
  const [one, five, fifteen] = readFileSync("/proc/loadavg", "utf8").split(" ").map(Number);
  return [one ?? 0, five ?? 0, fifteen ?? 0];
}
