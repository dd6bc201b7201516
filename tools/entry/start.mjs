// `npm start`: installs what is missing, builds, and starts the service on 127.0.0.1, on the demo token
// unless a PKCS#11 module is configured (SCWS_PKCS11_MODULE).
import { spawn } from "node:child_process";
import { join } from "node:path";
import { ensureNodeModules, ensureSystemPackages, repoRoot, step, turbo } from "./setup.mjs";

ensureSystemPackages("service");
ensureNodeModules();
step("Building the service");
// The demo package brings the server, the client's browser bundle and the demo page that --demo serves at /demo.
turbo(["run", "build", "--filter=@open-scws/demo...", "--output-logs=errors-only"]);

const useDemoToken = !process.env.SCWS_PKCS11_MODULE;
// The data folder (the demo token, its PINs) is the clone's data/ unless SCWS_DATA_DIR names another, as for the CLI.
const args = [join(repoRoot, "apps/server/dist/cli.js"), "start", "--data-dir", process.env.SCWS_DATA_DIR || join(repoRoot, "data")];
if (useDemoToken) args.push("--demo");
step(useDemoToken ? "Starting open SCWS on the demo token" : `Starting open SCWS on ${process.env.SCWS_PKCS11_MODULE}`);
// The service runs in a process group of its own and gets each stop from here, once: Ctrl-C reaches every process
// of the terminal's group (npm, this script) and npm forwards it again, and a second signal tells the service to stop
// at once, without draining (exit 1). A later, distinct Ctrl-C still reaches it as that second signal.
const child = spawn(process.execPath, args, { stdio: "inherit", cwd: repoRoot, detached: true });
let forwarded = 0;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    const now = Date.now();
    // npm's copy of the same Ctrl-C arrives within milliseconds of the terminal's.
    if (now - forwarded < 500) return;
    forwarded = now;
    child.kill(signal);
  });
}
process.on("exit", () => {
  if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
});
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
