// `npm run bench`: installs what is missing, builds the service, then measures it against the token's in-process
// limit (tools/bench). Arguments after `--` go to the benchmark, such as `npm run bench -- --duration 10`.
import { ensureNodeModules, ensureSystemPackages, run, step, turbo } from "./setup.mjs";

ensureSystemPackages("bench");
ensureNodeModules();
step("Building the service");
turbo(["run", "build", "--filter=@open-scws/bench...", "--output-logs=errors-only"]);
step("Benchmarking (a few minutes; the machine should be otherwise idle)");
run("npm", ["run", "bench", "--silent", "-w", "@open-scws/bench", "--", ...process.argv.slice(2)]);
