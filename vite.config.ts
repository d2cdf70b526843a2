import { crx, type ManifestV3Export } from "@crxjs/vite-plugin";
import preact from "@preact/preset-vite";
import { defineConfig } from "vite";
import manifest from "./manifest.json" with { type: "json" };

export default defineConfig({
  plugins: [preact(), crx({ manifest: manifest as ManifestV3Export })],
  build: {
    // SSE_DIST lets several builds (parallel work, a bench against a second build) live side by side.
    outDir: process.env.SSE_DIST ?? "dist",
    emptyOutDir: true,
    // DevTools loads extension pages from disk; readable output keeps stack traces useful.
    minify: false,
    sourcemap: false,
    rollupOptions: {
      // The panel page is opened by `devtools.panels.create`, which the manifest does not name: list it so
      // that it is built (see ../shared/notes/devtools-e2e.md, "Building with Vite + crxjs").
      input: { panel: "panel/panel.html" },
    },
  },
  server: { host: "127.0.0.1" },
});
