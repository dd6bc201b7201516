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
const args = [join(repoRoot, "apps/server/dist/cli.js"), "start", "--data-dir", join(repoRoot, "data")];
if (useDemoToken) args.push("--demo");
step(useDemoToken ? "Starting open SCWS on the demo token" : `Starting open SCWS on ${process.env.SCWS_PKCS11_MODULE}`);
const child = spawn(process.execPath, args, { stdio: "inherit", cwd: repoRoot });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
