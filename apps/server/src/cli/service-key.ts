// `open-scws service-key`: prints the service's public key and its id, for applications that check the
// service's proof in mutual mode. Makes the key where the service would, when it does not exist yet.
import { join } from "node:path";
import { loadOrCreateServiceKey } from "../security/service-key.js";
import { type Command, configuredCommand } from "./options.js";

export const serviceKeyCommand: Command = configuredCommand(
  "print the service's public key (Ed25519) and key id, which applications pin for mutual mode",
  "service-key [--config FILE] [--data-dir DIR]",
  (loaded) => {
    const file = loaded.config.serviceKeyFile ?? join(loaded.config.dataDir, "service-key.pem");
    const key = loadOrCreateServiceKey(file);
    console.log(
      `# The service key ${key.keyId} (SCWS keyID ${Number.parseInt(key.keyId.slice(0, 8), 16)}; ${file}). Give this public key to applications that check the service's proof.`,
    );
    process.stdout.write(key.publicKeyPem);
    return 0;
  },
);
