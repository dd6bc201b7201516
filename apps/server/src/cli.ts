#!/usr/bin/env node
// The open-scws command: one module per command under cli/; `open-scws help` lists them.
import { checkConfigCommand } from "./cli/check-config.js";
import { createApiKeyCommand } from "./cli/create-api-key.js";
import { demoTokenCommand } from "./cli/demo.js";
import { modulesCommand, readersCommand, tokensCommand } from "./cli/inventory.js";
import { type Command, UsageError } from "./cli/options.js";
import { registerAppCommand } from "./cli/register-app.js";
import { serviceKeyCommand } from "./cli/service-key.js";
import { startCommand } from "./cli/start.js";
import { versionCommand } from "./cli/version.js";

const commands: Record<string, Command> = {
  start: startCommand,
  "check-config": checkConfigCommand,
  version: versionCommand,
  modules: modulesCommand,
  readers: readersCommand,
  tokens: tokensCommand,
  "register-app": registerAppCommand,
  "service-key": serviceKeyCommand,
  "create-api-key": createApiKeyCommand,
  "demo-token": demoTokenCommand,
};

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  const lines = Object.entries(commands).map(([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`);
  return `Usage: open-scws <command> [options]\n\nCommands:\n${lines.join("\n")}\n\nThe configuration file is --config FILE or SCWS_CONFIG; SCWS_* variables override it. Like npm start, modules, readers
and tokens look at the demo token (in the data folder) unless --config, SCWS_CONFIG or SCWS_PKCS11_MODULE names a module.\nopen-scws help <command> shows a command's options.`;
}

async function main(argv: readonly string[]): Promise<number | undefined> {
  const [name = "start", ...args] = argv;
  if (name === "help" || name === "--help" || name === "-h") {
    const command = args[0] ? commands[args[0]] : undefined;
    console.log(command ? `Usage: open-scws ${command.usage}\n\n${command.summary}` : usage());
    return 0;
  }
  if (name === "--version") return versionCommand.run([]);
  const command = commands[name];
  if (!command) {
    console.error(`Unknown command "${name}".\n\n${usage()}`);
    return 2;
  }
  try {
    return await command.run(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\nUsage: open-scws ${command.usage}`);
    return 2;
  }
}

const code = await main(process.argv.slice(2));
if (code !== undefined) process.exitCode = code;
