// The registered web applications: their origins, and the keys their back ends sign challenges with.
import { createPublicKey, type KeyObject } from "node:crypto";
import type { ApplicationConfig } from "../config/service-config.js";

/** A registered application, with its key parsed once. */
export interface Application {
  readonly id: string;
  readonly origins: ReadonlySet<string>;
  /** Undefined for a development registration, which trusts its origins without a signature. */
  readonly publicKey: KeyObject | undefined;
  /** Opted in to confirming the last PIN try. */
  readonly confirmFinalTry: boolean;
}

/** The applications of the configuration. */
export class Applications {
  private readonly byId: ReadonlyMap<string, Application>;
  private readonly origins: ReadonlySet<string>;

  constructor(applications: readonly ApplicationConfig[]) {
    this.byId = new Map(
      applications.map((application) => [
        application.id,
        {
          id: application.id,
          origins: new Set(application.origins),
          publicKey: application.publicKey ? createPublicKey(application.publicKey) : undefined,
          confirmFinalTry: application.confirmFinalTry === true,
        },
      ]),
    );
    this.origins = new Set(applications.flatMap((application) => application.origins));
  }

  /** The application with this id. */
  get(id: string): Application | undefined {
    return this.byId.get(id);
  }

  /** Whether some application's pages are served from this exact origin. */
  allowsOrigin(origin: string): boolean {
    return this.origins.has(origin);
  }
}
