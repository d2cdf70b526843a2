import { defineConfig } from "@playwright/test";

/**
 * End-to-end tests in real Chromium with the built extension (dist/; `npx vite build` first — `npm test`
 * builds before it runs them). Browser path: CHROMIUM_PATH, else /usr/bin/chromium, else Playwright's own.
 * Each test launches its own browser with a fresh profile and its own SSE server on a free port.
 */
export default defineConfig({
  testDir: "e2e",
  testMatch: "**/*.spec.ts",
  // Every test runs a whole browser (plus DevTools): two at once only slow each other down on 2 cores.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  outputDir: "test-results",
  forbidOnly: !!process.env.CI,
});
