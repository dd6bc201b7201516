// The shape of the generated contract tables (src/generated/contract.ts).
import type { CheckedSchema } from "./schema-check.js";

/** What one operation takes and may answer. */
export interface OperationContract {
  /** Declared status (`"200"`, `"4XX"`, `"default"`) → media type → body schema (`null`: any body); `{}`: no body. */
  readonly answers: Readonly<Record<string, Readonly<Record<string, CheckedSchema | null>>>>;
  /** Path parameters by name. */
  readonly path?: Readonly<Record<string, CheckedSchema>>;
  /** The JSON request body. */
  readonly body?: { readonly required: boolean; readonly schema: CheckedSchema };
}
