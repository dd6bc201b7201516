// `open-scws modules|readers|tokens`: what the configured PKCS#11 modules see, asked directly through the
// PKCS#11 host (no HTTP service involved), for setting up a configuration and for support.
import { resolve } from "node:path";
import { tokenUriOf } from "../config/pkcs11-uri.js";
import type { ServiceConfig } from "../config/service-config.js";
import { describeSlot, slotFilterFor, slotIdOf } from "../config/token-filter.js";
import { InProcessHost } from "../pkcs11/in-process-host.js";
import { ModuleRegistry, type ModuleRuntime } from "../tokens/module-registry.js";
import { readerIdFor } from "../tokens/reader-directory.js";
import { prepareDemoToken, usesDemoToken } from "./demo.js";
import { type Command, configOptions, loadForCommand, parseOptions } from "./options.js";

type Listing = "modules" | "readers" | "tokens";
type Row = Record<string, string | number | boolean | null>;

async function rowsOf(listing: Listing, config: ServiceConfig, modules: ModuleRegistry): Promise<Row[]> {
  if (listing === "modules") {
    return modules.statuses().map((status) => ({
      id: status.id,
      status: status.status,
      library: config.modules.find((module) => module.id === status.id)?.library ?? "",
      description: status.description ?? null,
      version: status.libraryVersion ?? null,
      reason: status.reason ?? null,
    }));
  }
  const shown = slotFilterFor(config);
  const rows: Row[] = [];
  for (const module of modules.ready()) {
    for (const slot of await module.host.listSlots()) {
      const exposed = shown ? shown(module, slot) : true;
      // The reader id is the one the API shows (GET /v1/readers); the slot id is in hexadecimal, as modules describe slots.
      const readerId = readerIdFor(module.id, slot.handle);
      if (listing === "readers") {
        const slotId = `0x${slotIdOf(slot.handle).toString(16)}`;
        rows.push({ module: module.id, readerId, slotId, description: slot.description, token: slot.token?.label ?? null, exposed });
      } else if (slot.token) {
        const { token } = describeSlot(config.modules.find((entry) => entry.id === module.id)?.library ?? "", module, slot);
        rows.push({
          module: module.id,
          readerId,
          label: slot.token.label,
          serial: slot.token.serialNumber,
          model: slot.token.model,
          exposed,
          uri: tokenUriOf(token!),
        });
      }
    }
  }
  return rows;
}

function printTable(rows: readonly Row[], failed: readonly ModuleRuntime[]): void {
  for (const module of failed) console.error(`warning: module ${module.id} failed: ${module.reason}`);
  if (rows.length === 0) {
    console.log("(none)");
    return;
  }
  const columns = Object.keys(rows[0]!);
  const text = (value: Row[string]) => (value === null ? "-" : String(value));
  const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => text(row[column]!).length)));
  const line = (cells: string[]) => cells.map((cell, index) => (index === cells.length - 1 ? cell : cell.padEnd(widths[index]!))).join("  ");
  console.log(line(columns.map((column) => column.toUpperCase())));
  for (const row of rows) console.log(line(columns.map((column) => text(row[column]!))));
}

function inventoryCommand(listing: Listing, summary: string): Command {
  return {
    summary,
    usage: `${listing} [--config FILE] [--data-dir DIR] [--demo] [--json]`,
    async run(args) {
      const values = parseOptions(args, { ...configOptions, demo: { type: "boolean" }, json: { type: "boolean" } });
      const loaded = loadForCommand(values);
      if (!loaded) return 1;
      // What `npm start` serves: the demo token unless a configuration or a module is named. Its notes go to
      // standard error, so that --json output stays JSON.
      if (usesDemoToken(values)) prepareDemoToken(resolve(loaded.config.dataDir), console.error);
      const hosts = loaded.config.modules.map(
        (module) => new InProcessHost({ moduleId: module.id, library: module.library, maxSessionsPerToken: module.maxSessionsPerToken }),
      );
      const modules = await ModuleRegistry.start(hosts);
      try {
        const rows = await rowsOf(listing, loaded.config, modules);
        if (values.json) console.log(JSON.stringify(rows, null, 2));
        else printTable(rows, listing === "modules" ? [] : modules.all().filter((module) => module.status === "failed"));
        return listing === "modules" || modules.ready().length > 0 ? 0 : 1;
      } finally {
        await modules.stop();
      }
    },
  };
}

export const modulesCommand = inventoryCommand("modules", "list the configured PKCS#11 modules and whether each loads");
export const readersCommand = inventoryCommand("readers", "list every slot with its API reader id, and whether the configuration shows it");
export const tokensCommand = inventoryCommand("tokens", "list every token with its reader id and RFC 7512 URI (for exposeTokens)");
