/**
 * Playwright fixtures: a fresh SSE server per test (free port, stops by itself) and a browser launcher
 * whose browsers are all closed, and their profiles removed, when the test ends.
 */
import { test as base } from "@playwright/test";
import { type SseServer, startSseServer } from "../../scripts/sse-server";
import { type Launched, type LaunchOptions, launch } from "./browser";

export interface Fixtures {
  server: SseServer;
  launchBrowser: (opts?: LaunchOptions) => Promise<Launched>;
}

export const test = base.extend<Fixtures>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright requires an object pattern here.
  server: async ({}, use) => {
    const server = await startSseServer({ maxLifetimeMs: 5 * 60_000 });
    await use(server);
    await server.close();
  },
  // biome-ignore lint/correctness/noEmptyPattern: as above.
  launchBrowser: async ({}, use) => {
    const launched: Launched[] = [];
    await use(async (opts) => {
      const l = await launch(opts);
      launched.push(l);
      return l;
    });
    await Promise.all(launched.map((l) => l.close()));
  },
});

export { expect } from "@playwright/test";
