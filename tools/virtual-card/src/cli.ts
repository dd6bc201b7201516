#!/usr/bin/env node
// virtual-card: create a card state file, serve the card to vpcd, insert or remove a running card.
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { PivCard } from "./card.js";
import { sendControl, serveControl } from "./control.js";
import { provisionedState } from "./provision.js";
import { blankState, loadState, saveState } from "./state.js";
import { VpcdCard } from "./vpcd.js";

const USAGE = `usage:
  virtual-card init --state FILE [--blank] [--pin PIN] [--puk PUK]
      writes a card state: provisioned (RSA-2048 9A, P-256 9C, RSA-2048 9D, self-signed certificates) or blank
  virtual-card serve --state FILE --port N [--host 127.0.0.1] [--removed] [--control SOCKET] [--exit-with-stdin]
      connects the card to vpcd on HOST:N (inserted) unless --removed; prints {"control":SOCKET} once ready;
      the control socket defaults to FILE.ctl
  virtual-card insert|remove|status [--control SOCKET | --state FILE]
      inserts, removes or reports the running card`;

function fail(message: string): never {
  process.stderr.write(`virtual-card: ${message}\n${USAGE}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  const { values } = parseArgs({
    args: rest,
    options: {
      state: { type: "string" },
      port: { type: "string" },
      host: { type: "string", default: "127.0.0.1" },
      removed: { type: "boolean", default: false },
      control: { type: "string" },
      blank: { type: "boolean", default: false },
      pin: { type: "string" },
      puk: { type: "string" },
      "exit-with-stdin": { type: "boolean", default: false },
    },
  });
  const control = values.control ?? (values.state ? `${values.state}.ctl` : undefined);
  switch (command) {
    case "init": {
      if (!values.state) fail("init needs --state FILE");
      const credentials = { ...(values.pin ? { pin: values.pin } : {}), ...(values.puk ? { puk: values.puk } : {}) };
      saveState(values.state, values.blank ? blankState(credentials) : provisionedState(credentials));
      return;
    }
    case "serve": {
      if (!values.state || !control) fail("serve needs --state FILE");
      if (!existsSync(values.state)) fail(`${values.state} does not exist: create it with virtual-card init --state ${values.state}`);
      const port = Number(values.port);
      if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`--port must be vpcd's port, 1..65535, not "${values.port ?? ""}"`);
      const statePath = values.state;
      const vpcd = new VpcdCard(new PivCard(loadState(statePath), (state) => saveState(statePath, state)), port, values.host);
      const controlServer = await serveControl(vpcd, control);
      const stop = () => {
        controlServer.close();
        void vpcd.remove().then(() => process.exit(0));
      };
      process.on("SIGTERM", stop);
      process.on("SIGINT", stop);
      if (values["exit-with-stdin"]) {
        process.stdin.on("end", stop);
        process.stdin.resume();
      }
      vpcd.on("connected", () => process.stdout.write(`${JSON.stringify({ event: "connected" })}\n`));
      vpcd.on("disconnected", () => process.stdout.write(`${JSON.stringify({ event: "disconnected" })}\n`));
      vpcd.on("powered", () => process.stdout.write(`${JSON.stringify({ event: "powered" })}\n`));
      if (!values.removed) await vpcd.insert();
      process.stdout.write(`${JSON.stringify({ control, inserted: vpcd.isInserted })}\n`);
      return;
    }
    case "insert":
    case "remove":
    case "status": {
      if (!control) fail(`${command} needs --control SOCKET or --state FILE`);
      process.stdout.write(`${JSON.stringify(await sendControl(control, command))}\n`);
      return;
    }
    default:
      fail(command ? `unknown command "${command}"` : "missing command");
  }
}

main().catch((error: Error) => {
  process.stderr.write(`virtual-card: ${error.message}\n`);
  process.exit(1);
});
