// Test fixture run as its own process: a stand-in for the service that starts an isolated host, prints the host
// process's id, and waits to be killed. Arguments: the module's library, the host process's entry.
import { IsolatedHost } from "./isolated-host.js";

const [library, entry] = process.argv.slice(2);
const host = new IsolatedHost({ moduleId: "orphaned", library: library!, maxSessionsPerToken: 2, entry });
await host.start();
await host.listSlots();
process.stdout.write(`${host.pid}\n`);
setInterval(() => undefined, 60_000);
