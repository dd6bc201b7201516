// `open-scws check-config`: validates the configuration without starting anything; exit 0 when usable, 1 when not.
import { type Command, configuredCommand } from "./options.js";

export const checkConfigCommand: Command = configuredCommand(
  "validate the configuration (file and SCWS_* variables) without starting; exit 0 or 1",
  "check-config [--config FILE] [--data-dir DIR]",
  (loaded) => {
    const { config } = loaded;
    console.log(`The configuration (${loaded.source}) is valid.`);
    console.log(`  mode ${config.mode}, listening on ${config.listen.host}:${config.listen.port}`);
    console.log(`  modules: ${config.modules.map((module) => `${module.id} (${module.library})`).join(", ")}`);
    console.log(`  tokens shown: ${config.exposeTokens.length === 0 ? "all" : config.exposeTokens.join(" ")}`);
    console.log(`  applications: ${config.applications.length === 0 ? "none" : config.applications.map((application) => application.id).join(", ")}`);
    return 0;
  },
);
