// The `exposeTokens` option at run time: which slots of which module the service shows.
import type { SlotHandle, SlotInfo } from "../pkcs11/host.js";
import type { ModuleRuntime } from "../tokens/module-registry.js";
import { matchesPkcs11Uri, parsePkcs11Uri, type SlotDescription } from "./pkcs11-uri.js";
import type { ServiceConfig } from "./service-config.js";

/** Decides whether a module's slot is shown. */
export type SlotFilter = (module: ModuleRuntime, slot: SlotInfo) => boolean;

/** The CK_SLOT_ID behind a slot handle (pkcs11js hands slot ids over as native-endian CK_ULONG buffers). */
export function slotIdOf(handle: SlotHandle): bigint {
  const bytes = Buffer.from(handle, "hex");
  if (bytes.length === 8) return bytes.readBigUInt64LE();
  if (bytes.length === 4) return BigInt(bytes.readUInt32LE());
  return BigInt(`0x${handle || "0"}`);
}

/** What a URI can be matched against, for one slot of one module. */
export function describeSlot(library: string, module: ModuleRuntime, slot: SlotInfo): SlotDescription {
  const info = module.info;
  return {
    library: { path: library, manufacturer: info?.manufacturer ?? "", description: info?.description ?? "", version: info?.libraryVersion ?? "" },
    slot: { id: slotIdOf(slot.handle), manufacturer: slot.manufacturer, description: slot.description },
    ...(slot.token
      ? { token: { label: slot.token.label, manufacturer: slot.token.manufacturer, serialNumber: slot.token.serialNumber, model: slot.token.model } }
      : {}),
  };
}

/** The filter for a configuration, or `undefined` when every slot is shown. URIs were checked when the configuration loaded. */
export function slotFilterFor(config: ServiceConfig): SlotFilter | undefined {
  if (config.exposeTokens.length === 0) return undefined;
  const uris = config.exposeTokens.map(parsePkcs11Uri);
  const libraries = new Map(config.modules.map((module) => [module.id, module.library]));
  return (module, slot) => {
    const description = describeSlot(libraries.get(module.id) ?? "", module, slot);
    return uris.some((uri) => matchesPkcs11Uri(uri, description));
  };
}
