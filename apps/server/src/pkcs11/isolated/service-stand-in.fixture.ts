// Test fixture run as a process of its own, standing in for the service. Arguments: a mode, the module's library,
// the host process's entry.
// - `orphan`: starts an isolated host, prints its host process's id, and waits to be killed.
// - `kill`: forks a host process, waits for its hello, kills it, and prints `ended` once it has been reaped: with
//   nothing else pending, this proves the wait for the exit keeps the event loop alive.
import { HostProcess } from "./host-process.js";
import { IsolatedHost } from "./isolated-host.js";

const [mode, library, entry] = process.argv.slice(2) as [string, string, string];

if (mode === "orphan") {
  const host = new IsolatedHost({ moduleId: "orphaned", library, maxSessionsPerToken: 2, entry });
  await host.start();
  await host.listSlots();
  process.stdout.write(`${host.pid}\n`);
  setInterval(() => undefined, 60_000);
} else {
  const child = new HostProcess(
    { module: { moduleId: "killed", library, maxSessionsPerToken: 2 }, env: process.env, threadPoolSize: 4, entry },
    () => undefined,
  );
  await child.ready(10_000);
  await child.kill();
  process.stdout.write("ended\n");
}
