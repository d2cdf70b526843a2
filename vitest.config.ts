import { defineConfig } from "vitest/config";

// Unit tests live beside the code in src/ and panel/; e2e/ belongs to Playwright.
export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "panel/**/*.test.ts", "background/**/*.test.ts"],
    environment: "node",
  },
});
