// The configured PKCS#11 modules, each behind its own host, and whether each one started.
import type { components } from "@open-scws/spec";
import type { ModuleInfo, Pkcs11Host } from "../pkcs11/host.js";
import { canRestart, type HostRestart } from "../pkcs11/isolated/isolated-host.js";

type ModuleStatus = components["schemas"]["ModuleStatus"];

/** A configured module and its state. */
export interface ModuleRuntime {
  readonly id: string;
  readonly host: Pkcs11Host;
  readonly status: "ready" | "failed";
  readonly info?: ModuleInfo;
  /** Why the module failed to start. */
  readonly reason?: string;
}

/** The modules of the service. A module that fails to start is kept, failed, so that the service still runs. */
export class ModuleRegistry {
  private constructor(private readonly modules: readonly ModuleRuntime[]) {}

  /** Starts every host; failures are recorded, not thrown. */
  static async start(hosts: readonly Pkcs11Host[]): Promise<ModuleRegistry> {
    const modules = await Promise.all(
      hosts.map(async (host): Promise<ModuleRuntime> => {
        try {
          return { id: host.moduleId, host, status: "ready", info: await host.start() };
        } catch (error) {
          return { id: host.moduleId, host, status: "failed", reason: (error as Error).message || String(error) };
        }
      }),
    );
    return new ModuleRegistry(modules);
  }

  /** Every configured module. */
  all(): readonly ModuleRuntime[] {
    return this.modules;
  }

  /** The modules that started. */
  ready(): readonly ModuleRuntime[] {
    return this.modules.filter((module) => module.status === "ready");
  }

  /** One module by id. */
  get(id: string): ModuleRuntime | undefined {
    return this.modules.find((module) => module.id === id);
  }

  /** The modules as `getServiceInfo` reports them. */
  statuses(): ModuleStatus[] {
    return this.modules.map((module) => {
      const status: ModuleStatus = { id: module.id, status: module.status };
      if (module.info) {
        status.description = `${module.info.description} (${module.info.manufacturer})`;
        status.libraryVersion = module.info.libraryVersion;
      }
      if (module.reason) status.reason = module.reason;
      return status;
    });
  }

  /** Calls `listener` whenever the process of a module was lost and replaced (isolated hosts only). */
  onHostRestart(listener: (restart: HostRestart) => void): void {
    for (const module of this.ready()) if (canRestart(module.host)) module.host.onRestart(listener);
  }

  /** Stops every module that started. */
  async stop(): Promise<void> {
    await Promise.allSettled(this.ready().map((module) => module.host.stop()));
  }
}
