// `open-scws version`: the release of the service and the version of the API it implements.
import { createRequire } from "node:module";
import { apiVersion } from "../generated/routes.js";
import { type Command, parseOptions } from "./options.js";

/** The service's release, from its package.json. */
export const packageVersion = (createRequire(import.meta.url)("../../package.json") as { version: string }).version;

export const versionCommand: Command = {
  summary: "print the service's release and the API version it implements",
  usage: "version",
  async run(args) {
    parseOptions(args, {});
    console.log(`open-scws ${packageVersion} (API ${apiVersion}, Node.js ${process.versions.node})`);
    return 0;
  },
};
