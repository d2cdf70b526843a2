/**
 * Launching Chromium for the e2e tests and the demo, with or without the built extension (dist/).
 * Flags and facts: ../../../shared/notes/devtools-e2e.md ("Browser").
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type BrowserContext, chromium, type Page, type Worker } from "@playwright/test";
import { waitFor } from "./wait";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** The built extension: dist/, or SSE_DIST (as for `vite build`). */
export const EXTENSION_DIR = path.resolve(REPO_ROOT, process.env.SSE_DIST ?? "dist");

/** `CHROMIUM_PATH`, else Debian's /usr/bin/chromium, else Playwright's own build (undefined = its default). */
export function chromiumPath(): string | undefined {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CHROMIUM_PATH=${fromEnv} does not exist`);
    return fromEnv;
  }
  if (existsSync("/usr/bin/chromium")) return "/usr/bin/chromium";
  return undefined;
}

/** Flags that work headless as root on the project's machines. */
export const BASE_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

export interface LaunchOptions {
  /** Load dist/ as an unpacked extension (default true). */
  extension?: boolean;
  /** Every tab gets DevTools at once (`--auto-open-devtools-for-tabs`). */
  autoOpenDevTools?: boolean;
  /** Default: headless unless HEADED=1. */
  headless?: boolean;
  /** Extra Chromium flags. */
  args?: string[];
  /**
   * Let Chromium use the back/forward cache. Playwright launches it with `--disable-back-forward-cache`
   * (measured: without this, going back always loads the page afresh, `pageshow` `persisted` false).
   */
  backForwardCache?: boolean;
}

export interface Launched {
  context: BrowserContext;
  /** The first tab (a persistent context always opens one). */
  page: Page;
  /** Set when the extension was loaded. */
  extensionId: string | undefined;
  userDataDir: string;
  /** The extension's service worker (waits for it if Chrome stopped and restarted it). */
  serviceWorker(): Promise<Worker>;
  /** Closes the browser and removes the profile. */
  close(): Promise<void>;
}

export async function launch(opts: LaunchOptions = {}): Promise<Launched> {
  const withExtension = opts.extension ?? true;
  if (withExtension && !existsSync(path.join(EXTENSION_DIR, "manifest.json")))
    throw new Error(`no build in ${EXTENSION_DIR}: run \`npx vite build\` first`);
  const args = [...BASE_ARGS, ...(opts.args ?? [])];
  if (withExtension)
    args.push(`--disable-extensions-except=${EXTENSION_DIR}`, `--load-extension=${EXTENSION_DIR}`);
  if (opts.autoOpenDevTools) args.push("--auto-open-devtools-for-tabs");

  const userDataDir = await mkdtemp(path.join(tmpdir(), "sse-devtools-e2e-"));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: chromiumPath(),
      headless: opts.headless ?? process.env.HEADED !== "1",
      args,
      ...(opts.backForwardCache ? { ignoreDefaultArgs: ["--disable-back-forward-cache"] } : {}),
      viewport: { width: 1200, height: 800 },
    });
  } catch (e) {
    await rm(userDataDir, { recursive: true, force: true });
    throw e;
  }

  const isOurs = (w: Worker) => w.url().startsWith("chrome-extension://");
  const serviceWorker = async (): Promise<Worker> =>
    waitFor(
      async () =>
        context.serviceWorkers().find(isOurs) ??
        (await context
          .waitForEvent("serviceworker", { predicate: isOurs, timeout: 1_000 })
          .catch(() => undefined)),
      { timeout: 20_000, message: "the extension's service worker" },
    );

  let extensionId: string | undefined;
  if (withExtension) extensionId = new URL((await serviceWorker()).url()).host;
  const page = context.pages()[0] ?? (await context.newPage());

  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= (async () => {
      await context.close().catch(() => {});
      await rm(userDataDir, { recursive: true, force: true, maxRetries: 3 }).catch(() => {});
    })();
    return closed;
  };
  return { context, page, extensionId, userDataDir, serviceWorker, close };
}

/** The tab id Chrome gave `page` (from the extension's service worker; needs host access to the page's URL). */
export async function tabIdOf(launched: Launched, page: Page): Promise<number> {
  const url = page.url();
  return waitFor(
    async () => {
      const sw = await launched.serviceWorker();
      const ids = await sw.evaluate(async (u) => {
        const tabs = await chrome.tabs.query({});
        return tabs.filter((t) => t.url === u && t.id !== undefined).map((t) => t.id as number);
      }, url);
      if (ids.length > 1) throw new Error(`several tabs have the URL ${url}`);
      return ids[0];
    },
    { message: `the tab id of ${url}` },
  );
}

/**
 * Stops the extension's service worker the way Chrome stops an idle one (CDP `ServiceWorker.stopWorker`,
 * through the test page's own session): its memory goes with it. Resolves once DevTools reports the running
 * version stopped; a connected panel or page may start a new one at once, which is what the tests want.
 *
 * Closing the worker's DevTools target (`Target.closeTarget`), as this helper once did, made Playwright
 * report the whole context closed now and then; this path involves no browser-level session at all.
 */
export async function stopServiceWorker(launched: Launched): Promise<void> {
  const prefix = `chrome-extension://${launched.extensionId}/`;
  const session = await launched.context.newCDPSession(launched.page);
  const running = new Set<string>();
  const stopped = new Set<string>();
  session.on("ServiceWorker.workerVersionUpdated", (e) => {
    for (const v of e.versions) {
      if (!v.scriptURL.startsWith(prefix)) continue;
      if (v.runningStatus === "running") running.add(v.versionId);
      if (v.runningStatus === "stopped") stopped.add(v.versionId);
    }
  });
  try {
    // Wakes the worker if Chrome had already stopped it, so that there is one to stop.
    await launched.serviceWorker();
    await session.send("ServiceWorker.enable");
    const ids = await waitFor(() => (running.size > 0 ? [...running] : undefined), {
      message: "DevTools to report the extension's running worker",
    });
    stopped.clear();
    for (const versionId of ids) await session.send("ServiceWorker.stopWorker", { versionId });
    await waitFor(() => ids.every((id) => stopped.has(id)), { message: "the service worker to stop" });
  } finally {
    await session.detach().catch(() => {});
  }
}
