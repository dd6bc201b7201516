// What every command shares: strict option parsing with messages that say what to type instead, and
// loading the configuration named by --config or SCWS_CONFIG.
import { resolve } from "node:path";
import { type ParseArgsConfig, parseArgs } from "node:util";
import { ConfigError, type LoadedConfig, loadConfig } from "../config/load-config.js";

/** A command-line mistake: the command prints it with the usage and exits 2. */
export class UsageError extends Error {}

/** An id in the configuration (an application, an API key): lower-case letters, digits and dashes. */
const CONFIG_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** The `--id` of a command that makes a configuration entry; a UsageError, naming `example`, when missing or malformed. */
export function requireConfigId(id: string | undefined, example: string): string {
  if (!id || !CONFIG_ID.test(id)) throw new UsageError(`--id is required: lower-case letters, digits and dashes, such as ${example}`);
  return id;
}

/** A command: its one-line summary, its usage line, and what it does; it resolves to an exit code, or `undefined` to keep running. */
export interface Command {
  readonly summary: string;
  readonly usage: string;
  run(args: readonly string[]): Promise<number | undefined>;
}

type OptionsConfig = NonNullable<ParseArgsConfig["options"]>;
/** The values `parseArgs` returns for a set of options. */
export type OptionValues<Options extends OptionsConfig> = ReturnType<typeof parseArgs<{ options: Options; strict: true; allowPositionals: false }>>["values"];

/** `parseArgs` in strict mode, its errors turned into UsageErrors. */
export function parseOptions<Options extends OptionsConfig>(args: readonly string[], options: Options): OptionValues<Options> {
  try {
    return parseArgs({ args: [...args], options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** Options every command that reads the configuration takes. */
export const configOptions = {
  config: { type: "string" },
  "data-dir": { type: "string" },
} as const;

/**
 * A command that takes only `--config` and `--data-dir`: it runs with the loaded configuration, or exits 1 once
 * loadForCommand has printed why the configuration is invalid.
 */
export function configuredCommand(summary: string, usage: string, run: (loaded: LoadedConfig) => number): Command {
  return {
    summary,
    usage,
    async run(args) {
      const loaded = loadForCommand(parseOptions(args, configOptions));
      return loaded ? run(loaded) : 1;
    },
  };
}

/** Loads the configuration for a command, printing warnings; prints the problems and returns `undefined` when it is invalid. */
export function loadForCommand(values: { config?: string | undefined; "data-dir"?: string | undefined }): LoadedConfig | undefined {
  const file = values.config ?? (process.env.SCWS_CONFIG || undefined);
  try {
    const loaded = loadConfig({
      ...(file ? { file: resolve(file) } : {}),
      env: process.env,
      overrides: values["data-dir"] ? { dataDir: values["data-dir"] } : {},
    });
    for (const warning of loaded.warnings) console.error(`warning: ${warning}`);
    return loaded;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    return undefined;
  }
}
