// Public entry of @open-scws/virtual-card: the card, its state, and the vpcd connection. The test stack is
// exported separately as @open-scws/virtual-card/stack.
export { CardStatus, type Command, parseCommand, SW } from "./apdu.js";
export { ATR, PivCard, type SecurityStatus } from "./card.js";
export { type CardStatusReport, holdKeyOperationOf, sendControl } from "./control.js";
export { certificateFromObject, certificateObject, PIV_AID, standardObjects } from "./objects.js";
export { DEFAULT_IDENTITY, type ProvisionOptions, provisionedState, type SlotPlan } from "./provision.js";
export {
  ALGORITHM,
  blankState,
  type CardState,
  CERTIFICATE_TAGS,
  DEFAULT_MANAGEMENT_KEY,
  KEY_SLOTS,
  type KeySlot,
  loadState,
  type SlotKey,
  saveState,
} from "./state.js";
export { VpcdCard } from "./vpcd.js";
