// Starts the real service over two modules side by side, as a desktop with a card reader has them: SoftHSM
// (its own sandbox) and OpenSC's opensc-pkcs11.so in front of the virtual PIV card behind a private pcscd
// (@open-scws/virtual-card), whose OpenSC configuration unblocks a PIN with the PUK through C_SetPIN unlogged.
import { softHsmModule } from "@open-scws/softhsm";
import { type CardStack, type CardStackOptions, startCardStack } from "@open-scws/virtual-card/stack";
import { startTestService, type TestService, type TestServiceOptions } from "./test-service.js";

/** The card's PIN and PUK in tests: distinctive, so that the canary check catches them in any answer or log. */
export const CARD_PIN = "730519";
export const CARD_PUK = "58240617";

/** A service with SoftHSM and OpenSC, and the card stack it reaches. */
export interface CardTestService {
  readonly t: TestService;
  readonly stack: CardStack;
  /** The reader id of the card's reader (its PC/SC name). */
  readerId(): Promise<string>;
  /** Connects to the card and returns the connection id. */
  connect(): Promise<string>;
  close(): Promise<void>;
}

/** What to start: the card's options, and the service's. */
export interface CardTestServiceOptions {
  readonly card?: CardStackOptions;
  readonly service?: Omit<TestServiceOptions, "moduleEnv" | "configure">;
  /** Further changes to the service's configuration, made after the two modules are set (e.g. `pinPolicy`). */
  readonly configure?: TestServiceOptions["configure"];
}

/** Starts the card stack, then the service with `modules: [softhsm, opensc]`. */
export async function startCardTestService(options: CardTestServiceOptions = {}): Promise<CardTestService> {
  const stack = await startCardStack({ pin: CARD_PIN, puk: CARD_PUK, ...options.card });
  try {
    const t = await startTestService({
      ...options.service,
      canaries: [...(options.service?.canaries ?? []), stack.card.pin, stack.card.puk],
      moduleEnv: stack.env,
      configure: (config) => {
        const withModules = {
          ...config,
          modules: [
            { id: "softhsm", library: softHsmModule, maxSessionsPerToken: 4 },
            { id: "opensc", library: stack.modulePath, maxSessionsPerToken: 2 },
          ],
        };
        return options.configure ? options.configure(withModules) : withModules;
      },
    });
    const readerId = async () => {
      const { data } = await t.client.GET("/v1/readers");
      const reader = data?.readers.find((entry) => entry.name === stack.readerName);
      if (!reader) throw new Error(`no reader is named ${stack.readerName}: ${JSON.stringify(data?.readers.map((entry) => entry.name))}`);
      return reader.id;
    };
    return {
      t,
      stack,
      readerId,
      async connect() {
        const connected = await t.client.POST("/v1/readers/{readerId}/connect", { params: { path: { readerId: await readerId() } } });
        if (!connected.data) throw new Error(`connecting to the card failed: ${JSON.stringify(connected.error)}`);
        return connected.data.id;
      },
      async close() {
        try {
          await t.close();
        } finally {
          await stack.stop();
        }
      },
    };
  } catch (error) {
    await stack.stop();
    throw error;
  }
}
