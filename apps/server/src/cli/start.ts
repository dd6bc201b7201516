// `open-scws start`: runs the service until SIGTERM or SIGINT, then stops gracefully (drains requests in
// flight up to shutdown.drainTimeoutMs, finalises the modules) and exits 0.
import { resolve } from "node:path";
import { demoPageDir, startService } from "../server.js";
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
    // The demo page is served only on the demo token: its buttons write keys and certificates to the token.
    const demoDir = values.demo ? demoPageDir() : undefined;
    if (values.demo && !demoDir) console.error("warning: the demo page is not built (npm run build -w @open-scws/demo); /demo answers 404");
    // Signals are handled from the start: one that arrives while the modules load stops the service once it is up.
    // --demo also registers the service's own origins as a development application, for the demo page and curl.
    const starting = startService(values.demo ? withDemoApplication(loaded.config) : loaded.config, demoDir ? { demoDir } : {});
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
    // The log on standard output is JSON lines (and names the same URLs); when it goes to a file or a pipe, the
    // friendly lines go to standard error, so a person still sees where to go.
    (process.stdout.isTTY ? console.log : console.error)(readyMessage(service.url, demoDir !== undefined));
    return undefined;
  },
};

/** What a person at the terminal reads once the service is up: the demo page first when there is one, then the docs. */
export function readyMessage(url: string, demo: boolean): string {
  const lines = ["open SCWS is ready."];
  if (demo) lines.push(`  Try it in your browser: ${url}/demo/`);
  lines.push(`  Documentation:          ${url}/docs/`, `  API:                    ${url}/v1/service`);
  return `\n${lines.join("\n")}`;
}
