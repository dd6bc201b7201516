// The CPU budget per request (issue 15): the service's and its module host processes' CPU time per request, at 16
// connections, against the in-process operation's own CPU time (or the bare node:http server's), met or not.
import type { BenchResults, ScenarioResult } from "./results.js";

/** One budget line, checked against a run. */
export interface BudgetCheck {
  readonly line: string;
  /** The CPU µs per request (or per signature) measured. */
  readonly measured: number;
  /** The CPU µs of what it is compared with: the in-process operation, or the bare server's request. */
  readonly reference: number;
  /** The budget's factor: measured ≤ factor × reference. */
  readonly factor: number;
  readonly met: boolean;
}

type Level = ScenarioResult["levels"][number];
type Part = (level: Level) => number;

const service: Part = (level) => level.cpuMicrosPerRequest.service;
const hosts: Part = (level) => level.cpuMicrosPerRequest.hosts;
const both: Part = (level) => level.cpuMicrosPerRequest.service + level.cpuMicrosPerRequest.hosts;

/** Checks every budget whose scenarios the run measured; `connections` picks the level (the nearest one measured). */
export function checkBudgets(results: BenchResults, connections = 16): BudgetCheck[] {
  const levelOf = (id: string) => {
    const scenario = results.scenarios.find((candidate) => candidate.id === id);
    if (!scenario || scenario.levels.length === 0) return undefined;
    const level = [...scenario.levels].sort((a, b) => Math.abs(a.connections - connections) - Math.abs(b.connections - connections))[0]!;
    return { scenario, level };
  };
  const rawCpu = (operation: string) => results.raw.find((raw) => raw.operation === operation)?.best.cpuMicrosPerOp;
  const bare = levelOf("bare-http");
  const checks: BudgetCheck[] = [];
  const add = (line: string, id: string, part: Part, factor: number, reference: number | undefined, perOperation = false) => {
    const found = levelOf(id);
    if (!found || reference === undefined || !(reference > 0)) return;
    const measured = part(found.level) / (perOperation ? found.scenario.operationsPerRequest : 1);
    checks.push({ line, measured, reference, factor, met: measured <= factor * reference });
  };
  for (const none of [false, true]) {
    const id = (scenario: string) => (none ? `${scenario}@none` : scenario);
    const where = none ? ", isolation none" : "";
    const serviceAndHost = none ? "service" : "service + host";
    add(`listReaders${where}: service ≤ 2 × bare node:http`, id("list-readers"), service, 2, bare ? service(bare.level) : undefined);
    if (none) {
      // In one process the service does the host's work too: its budget is the two budgets together.
      add("ECDSA sign, isolation none: service ≤ 2.8 × in-process (service and host budgets together)", id("ecdsa-sign"), service, 2.8, rawCpu("ecdsa-sign"));
    } else {
      add("ECDSA sign: service ≤ 1.2 × in-process", id("ecdsa-sign"), service, 1.2, rawCpu("ecdsa-sign"));
      add("ECDSA sign: host ≤ 1.6 × in-process", id("ecdsa-sign"), hosts, 1.6, rawCpu("ecdsa-sign"));
    }
    add(`RSA sign${where}: ${serviceAndHost} ≤ 1.15 × in-process`, id("rsa-sign"), both, 1.15, rawCpu("rsa-sign"));
    add(`RSA decrypt${where}: ${serviceAndHost} ≤ 1.15 × in-process`, id("rsa-decrypt"), both, 1.15, rawCpu("rsa-decrypt"));
    add(
      `sign-batch${where}: ${none ? "service" : "host"} per signature ≤ 1.2 × in-process`,
      id("ecdsa-sign-batch"),
      none ? service : hosts,
      1.2,
      rawCpu("ecdsa-sign"),
      true,
    );
  }
  return checks;
}
