// For tests: the service's tokens behind the fault-injecting PKCS#11 module, which the test instructs through its
// control file (in the test's SoftHSM sandbox, made when the service starts).
import { join } from "node:path";
import { buildFaultModule, FaultControl, faultEnv } from "@open-scws/pkcs11-faults";
import type { TestServiceOptions } from "./test-service.js";

/** The startTestService options that load the fault module as `moduleId`, and the control of the started service. */
export interface FaultModuleSetup {
  readonly options: Required<Pick<TestServiceOptions, "beforeStart" | "configure">>;
  /** The module's control; there once the service has started. */
  control(): FaultControl;
}

/** Runs the module under `moduleId`, with up to `maxSessionsPerToken` sessions per token. */
export function faultModuleSetup(moduleId: string, maxSessionsPerToken = 4): FaultModuleSetup {
  let control: FaultControl | undefined;
  return {
    options: {
      beforeStart: (sandbox) => {
        control = new FaultControl(join(sandbox.dir, "faults"));
        Object.assign(process.env, faultEnv(control.path));
      },
      configure: (config) => ({ ...config, modules: [{ id: moduleId, library: buildFaultModule(), maxSessionsPerToken }] }),
    },
    control: () => {
      if (!control) throw new Error("the fault module's control exists once the test service has started");
      return control;
    },
  };
}
