// Entry of the process that measures the raw limit: reads its options as JSON from argv, prints the results as JSON.
// A process of its own, so that its libuv pool is sized like the service's host process (UV_THREADPOOL_SIZE).
import { measureRawLimits, type RawOptions } from "./raw-limit.js";

const options = JSON.parse(process.argv[2] ?? "{}") as RawOptions;
const results = await measureRawLimits(options);
process.stdout.write(`${JSON.stringify(results)}\n`);
