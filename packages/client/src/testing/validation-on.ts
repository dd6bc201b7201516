// Vitest set-up: this package's tests run with the contract validation on, so every answer a test sees is one the
// spec allows.
import { validateByDefault } from "../validation/index.js";

validateByDefault();
