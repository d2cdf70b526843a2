/**
 * `npm start` (after `vite build`): the demo SSE server, Chromium with the extension loaded, the demo page,
 * and DevTools open on the SSE panel.
 *
 * - With a display (DISPLAY or WAYLAND_DISPLAY): a normal window; runs until you close the browser.
 * - Without one: headless. The demo streams play until the panel shows them (a ticker, a stream that drops
 *   and resumes with Last-Event-ID, a stream the server stops with 204), then a screenshot of the DevTools
 *   window is saved (path printed) and everything stops.
 *
 * Browser: CHROMIUM_PATH, else /usr/bin/chromium, else Playwright's own build.
 */
import path from "node:path";
import { launch, REPO_ROOT } from "../e2e/helpers/browser";
import { BrowserCdp, devToolsFor } from "../e2e/helpers/devtools";
import { connectionByUrl, PanelView, type Snapshot } from "../e2e/helpers/panel";
import { waitFor } from "../e2e/helpers/wait";
import { startSseServer } from "./sse-server";

const headed = Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
const SHOT = path.join(REPO_ROOT, "artifacts", "start-panel.png");
/** Headless: the longest the demo may take to show every story in the panel. */
const HEADLESS_BOUND_MS = 45_000;

const log = (s: string) => console.log(`[start] ${s}`);

/** Headless is done when the panel shows each demo stream's story. */
function demoShown(s: Snapshot): boolean {
  const ticker = connectionByUrl(s.connections, "/ticker");
  const resumable = connectionByUrl(s.connections, "/resumable");
  const ends204 = connectionByUrl(s.connections, "/ends-204");
  return (
    (ticker?.count ?? 0) >= 5 &&
    (resumable?.reconnects ?? 0) >= 1 &&
    (resumable?.count ?? 0) >= 7 &&
    ends204?.state === "closed"
  );
}

async function main(): Promise<number> {
  const server = await startSseServer({ maxLifetimeMs: headed ? 12 * 60 * 60_000 : 5 * 60_000 });
  const demo = server.url("/demo");
  log(`demo server: ${demo}`);
  const b = await launch({ extension: true, autoOpenDevTools: true, headless: !headed });
  const stop = async () => {
    await b.close();
    await server.close();
  };
  // Ctrl-C: close the browser and remove its temporary profile before leaving.
  process.once("SIGINT", () => void stop().then(() => process.exit(130)));
  try {
    await b.page.goto(demo);
    const cdp = await BrowserCdp.connect(b.context);
    const devtools = await devToolsFor(cdp, b.page);
    const panel = await PanelView.attach(await devtools.showPanel(b.extensionId as string));
    log(`DevTools is open on the SSE panel (${headed ? "headed" : "headless"}).`);

    if (headed) {
      log("Close the browser window to stop.");
      await new Promise<void>((resolve) => b.context.on("close", () => resolve()));
      await server.close();
      return 0;
    }

    const started = Date.now();
    let complete = true;
    await panel
      .waitFor((s) => demoShown(s), {
        timeout: HEADLESS_BOUND_MS,
        interval: 250,
        message: "the demo's streams",
      })
      .catch(() => {
        complete = false;
      });
    const snap = await panel.snapshot();
    const events = snap.connections.reduce((n, c) => n + c.count, 0);
    for (const c of snap.connections)
      log(
        `  ${c.state.padEnd(12)} ${String(c.count).padStart(3)} events, ${c.reconnects} reconnects  ${c.url}`,
      );
    if (events === 0) {
      console.error("[start] the panel shows no events: something is broken");
      return 1;
    }
    if (!complete)
      log(`not every demo story was shown within ${HEADLESS_BOUND_MS / 1000} s; saving what there is`);
    else log(`the panel shows the demo after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    await devtools.undock(1280, 760);
    // The panel re-lays out after the resize; let it show the same rows.
    await waitFor(async () => (await panel.snapshot()).rows.length >= snap.rows.length, { timeout: 5_000 });
    log(`screenshot of DevTools with the SSE panel: ${await devtools.screenshot(SHOT)}`);
    await cdp.dispose();
    return 0;
  } finally {
    await stop();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error("[start] failed:", e instanceof Error ? e.stack : e);
    process.exit(1);
  },
);
