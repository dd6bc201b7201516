// `open-scws start`: runs the service until SIGTERM or SIGINT, then stops gracefully (drains requests in
// flight up to shutdown.drainTimeoutMs, finalises the modules) and exits 0.
import { resolve } from "node:path";
import { startService } from "../server.js";
import { prepareDemoToken, withDemoApplication } from "./demo.js";
import { type Command, configOptions, loadForCommand, parseOptions } from "./options.js";

export const startCommand: Command = {
  summary: "run the service (on the demo SoftHSM token with --demo)",
  usage: "start [--config FILE] [--data-dir DIR] [--demo]",
  async run(args) {
    const values = parseOptions(args, { ...configOptions, demo: { type: "boolean" } });
    const loaded = loadForCommand(values);
    if (!loaded) return 1;
    if (values.demo) prepareDemoToken(resolve(loaded.config.dataDir));
    // Signals are handled from the start: one that arrives while the modules load stops the service once it is up.
    // --demo also registers the service's own origins as a development application, for the demo page and curl.
    const starting = startService(values.demo ? withDemoApplication(loaded.config) : loaded.config);
    let stopping = false;
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      process.on(signal, () => {
        if (stopping) {
          // A second signal while draining: stop now.
          process.exit(1);
        }
        stopping = true;
        starting
          .then((service) => service.close(signal))
          .then(
            () => process.exit(0),
            () => process.exit(1),
          );
      });
    }
    let service: Awaited<typeof starting>;
    try {
      service = await starting;
    } catch (error) {
      // Such as EADDRINUSE: say it plainly; the modules did not keep the process alive.
      console.error(`open SCWS could not start: ${(error as Error).message}`);
      return 1;
    }
    // The log on standard output is JSON lines; the friendly line is for a person at a terminal only.
    if (process.stdout.isTTY) console.log(`\nopen SCWS is ready at ${service.url}/v1/service (documentation at ${service.url}/docs/)`);
    return undefined;
  },
};
