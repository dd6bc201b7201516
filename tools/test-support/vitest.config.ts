import { defineConfig } from "vitest/config";
import { softHsmTests } from "../../vitest.softhsm.js";

export default defineConfig({ test: softHsmTests });
