import { defineConfig } from "@playwright/test";
export default defineConfig({ testDir: ".", testMatch: "*.m.ts", workers: 1, timeout: 90_000, reporter: [["list"]], outputDir: "/tmp/wrm/out" });
