/**
 * Panel and memory sections of `npm run bench`.
 *
 * panel: 1 M events are loaded into the background (session cap raised for it), then a fresh panel page is
 * opened and measured: first rows on screen, a filter keystroke, scrolling, JS heaps.
 * memory: with the default caps, 1 M events flow with a panel open; the page's buffer and the background's
 * session must stay within their caps and the counters must add up exactly.
 *
 * The panel runs as a tab (`panel.html?tabId=N`, as e2e/helpers/panel.ts `openPanelTab` does) with the
 * bench's port tap (scripts/bench-util.ts PANEL_TAP); the README section says why not the DevTools iframe.
 */
import type { Page } from "@playwright/test";
import { type Launched, launch, stopServiceWorker, tabIdOf } from "../e2e/helpers/browser";
import { waitFor } from "../e2e/helpers/wait";
import type { BenchServer } from "./bench-server";
import {
  evaluate,
  load,
  openTappedPanel,
  pageHeap,
  quantile,
  readChannel,
  readTap,
  round,
  serviceWorkerHeap,
  tapChannel,
  waitForCount,
  withTimeout,
} from "./bench-util";

const PANEL_N = Number(process.env.BENCH_PANEL_N ?? 1_000_000);
const MEMORY_N = Number(process.env.BENCH_MEMORY_N ?? 1_000_000);
const EVENT_BYTES = 50;
const MiB = 2 ** 20;

interface Live {
  count: number;
  done: boolean;
  error: string;
}
const readLive = (page: Page) => evaluate(page, () => (window as unknown as { __live: Live }).__live);

/** Starts a burst of `n` events in the waiting page and waits until the page has them all. */
async function burst(page: Page, n: number, tag: string): Promise<{ ms: number; live: Live }> {
  const t0 = Date.now();
  await evaluate(
    page,
    ({ src, n }) => (window as unknown as { __start(s: string, n: number): void }).__start(src, n),
    {
      src: `/burst?n=${n}&size=${EVENT_BYTES}&tag=${tag}`,
      n,
    },
  );
  let lastLog = 0;
  const live = await waitFor(
    async () => {
      const l = await readLive(page);
      if (Date.now() - lastLog > 15_000) {
        lastLog = Date.now();
        console.log(`[bench]   ${tag}: page has ${l.count} of ${n} events (load ${load().join(" ")})`);
      }
      return l.done || l.error ? l : undefined;
    },
    { timeout: 300_000, interval: 500, message: "the page to receive the burst" },
  );
  return { ms: Date.now() - t0, live };
}

async function setSessionCap(b: Launched, cap: number): Promise<void> {
  const sw = await b.serviceWorker();
  await sw.evaluate(async (c) => {
    const stored = (await chrome.storage.local.get("settings")).settings ?? {};
    await chrome.storage.local.set({ settings: { ...stored, sessionCap: c } });
  }, cap);
  // The worker reads its settings when it starts: stop it, the page's first batch starts a new one.
  await stopServiceWorker(b);
}

export async function benchPanel(_server: BenchServer): Promise<Record<string, unknown>[]> {
  const server = _server;
  const b = await launch({ extension: true });
  const out: Record<string, unknown>[] = [];
  try {
    // The default session cap (200 000) would evict 800 000 of them: raised before the page starts.
    const cap = Math.max(200_000, Math.ceil(PANEL_N * 1.01) + 100);
    await setSessionCap(b, cap);
    const page = b.page;
    await page.goto(`${server.origin}/live`);
    const tabId = await tabIdOf(b, page);
    // A panel follows the stream as it loads: when it has every event, so has the background.
    const spare = await b.context.newPage();
    const loader = await openTappedPanel(b, tabId);
    const { ms: loadMs, live } = await burst(page, PANEL_N, "panel");
    console.log(
      `[bench]   panel: page has ${live.count} events after ${loadMs} ms; waiting for the live panel`,
    );
    const loaded = await waitForCount(async () => (await readTap(loader)).events, live.count, {
      stallMs: 30_000,
      message: "the loading panel to have every event",
    });
    const loadStats = (await readTap(loader)).stats;
    out.push({
      measure: `panel: ${PANEL_N} events × ${EVENT_BYTES} B loaded (page has all → live panel has)`,
      value: `${live.count} → ${loaded}`,
      unit: "events",
      pageMs: loadMs,
      backgroundStats: loadStats,
      sessionCap: cap,
      loadavg: load(),
    });
    console.log("[bench]   panel: service worker heap");
    const swHeap = await withTimeout(serviceWorkerHeap(b), 90_000, "service worker heap").catch(
      (e) => `failed: ${e}`,
    );

    console.log(`[bench]   panel: live panel has ${loaded}; opening a fresh panel`);
    // A fresh panel opens on the loaded session: load → first rows on screen.
    const t0 = Date.now();
    const opened = await withTimeout(
      openTappedPanel(b, tabId, spare),
      60_000,
      "opening the fresh panel",
    ).catch((e: Error) => e);
    if (opened instanceof Error) console.log(`[bench]   panel: ${opened.message}`);
    const fresh = spare;
    const first = await waitFor(
      async () => {
        const t = await withTimeout(readTap(fresh), 10_000, "the fresh panel's tap");
        return t.firstRowFrameAt >= 0 ? t : undefined;
      },
      { timeout: 180_000, interval: 100, message: "the fresh panel's first rows" },
    ).catch((e: Error) => e);
    let measured: Page = fresh;
    let which = "fresh panel";
    if (first instanceof Error) {
      measured = loader;
      which = "the panel open during loading (the fresh one showed no rows)";
      out.push({
        measure: "panel: first rows on screen after the panel opens",
        value: `none after ${round((Date.now() - t0) / 1000)} s`,
        unit: "",
        target: "< 300 ms",
        met: false,
        tap: await withTimeout(readTap(fresh), 10_000, "tap").catch((e: Error) => e.message),
        loadavg: load(),
      });
    } else {
      out.push({
        measure: "panel: first rows on screen after the panel opens (navigation start → frame after rows)",
        value: round(first.firstRowFrameAt),
        unit: "ms",
        target: "< 300",
        met: first.firstRowFrameAt < 300,
        firstRowInDomMs: round(first.firstRowAt),
        replayReceivedMs: round(first.replayAt),
        replayRecords: first.replayRecords,
        loadavg: load(),
      });
      await loader.close();
    }
    console.log(`[bench]   panel: measuring ${which}`);
    const rowsHeld = await evaluate(measured, () =>
      Number(document.querySelector<HTMLElement>("[data-testid=stats]")?.dataset.held ?? -1),
    );

    // Filter keystrokes: each sets the search box as typing would and dispatches `input`; timed to the
    // first change of the grid's DOM and to the frame after it. A text matching ~1 % of rows, then wider.
    const keys = ["7", "77", "777", "77", "7", ""];
    const filterTimes: { text: string; domMs: number; frameMs: number; rows: number }[] = [];
    for (const text of keys) {
      filterTimes.push(
        await evaluate(
          measured,
          (t: string) => {
            const input = document.querySelector<HTMLInputElement>("[data-testid=filter-text]");
            const body = document.querySelector(".tbody");
            if (!input || !body) throw new Error("no filter input / table body");
            return new Promise<{ text: string; domMs: number; frameMs: number; rows: number }>((resolve) => {
              let domMs = -1;
              const t0 = performance.now();
              const mo = new MutationObserver(() => {
                if (domMs >= 0) return;
                domMs = performance.now() - t0;
                mo.disconnect();
                requestAnimationFrame(() =>
                  resolve({
                    text: t,
                    domMs,
                    frameMs: performance.now() - t0,
                    rows: document.querySelectorAll("[data-testid=row]").length,
                  }),
                );
              });
              mo.observe(body, { childList: true, subtree: true, characterData: true, attributes: true });
              input.value = t;
              input.dispatchEvent(new InputEvent("input", { bubbles: true, data: t.slice(-1) }));
            });
          },
          text,
        ),
      );
    }
    const fFrames = filterTimes.map((f) => f.frameMs);
    out.push({
      measure: "panel: filter keystroke → updated grid (median of 6; frame after the DOM change)",
      value: round(quantile(fFrames, 0.5)),
      unit: "ms",
      target: "< 50",
      met: quantile(fFrames, 0.5) < 50,
      worstMs: round(Math.max(...fFrames)),
      keystrokes: filterTimes.map((f) => ({ ...f, domMs: round(f.domMs), frameMs: round(f.frameMs) })),
      panel: which,
      rowsHeld,
      loadavg: load(),
    });

    // Scrolling: one page further every animation frame (every row replaced, the worst case), 180 frames
    // from the top. Per frame: the interval between frames, and the work the scroll caused — from the
    // scroll event (a capture listener, before the panel's) to after style and layout, forced at the end of
    // the frame's rAF callback (the panel renders in a microtask of its scroll handler).
    // BENCH_PROFILE_SCROLL=1: a trace of the panel page while it scrolls (its main thread's time by event:
    // script, layout, paint, GC) and CDP Performance metrics.
    const profiler = process.env.BENCH_PROFILE_SCROLL ? await b.context.newCDPSession(measured) : undefined;
    // BENCH_GC_BEFORE_SCROLL=1: start scrolling on a collected heap (the filter figures leave garbage), to tell
    // the scroll figure's own cost from collection work owed by what came before.
    if (process.env.BENCH_GC_BEFORE_SCROLL) {
      const gc = await b.context.newCDPSession(measured);
      await gc.send("HeapProfiler.collectGarbage");
      await gc.detach();
    }
    const metrics = async () =>
      Object.fromEntries(
        ((await profiler?.send("Performance.getMetrics"))?.metrics ?? []).map((m) => [m.name, m.value]),
      ) as Record<string, number>;
    let before: Record<string, number> = {};
    const traceEvents: { name: string; ph: string; dur?: number; tid: number; pid: number }[] = [];
    if (profiler) {
      await profiler.send("Performance.enable");
      before = await metrics();
      profiler.on("Tracing.dataCollected", (e) =>
        traceEvents.push(...(e.value as unknown as typeof traceEvents)),
      );
      await profiler.send("Tracing.start", {
        traceConfig: {
          includedCategories: ["devtools.timeline", "v8", "disabled-by-default-devtools.timeline"],
        },
      });
    }
    const scroll = await evaluate(
      measured,
      (frames: number) => {
        const el = document.querySelector<HTMLElement>(".tbody");
        if (!el) throw new Error("no table body");
        el.scrollTop = 0;
        const intervals: number[] = [];
        const work: number[] = [];
        let scrollAt = -1;
        const onScroll = () => {
          scrollAt = performance.now();
        };
        document.addEventListener("scroll", onScroll, true);
        return new Promise<{ intervals: number[]; work: number[]; rowsSeen: number }>((resolve) => {
          let last = -1;
          let n = 0;
          const tick = (ts: number) => {
            if (scrollAt >= 0) {
              void document.body.getBoundingClientRect().height;
              work.push(performance.now() - scrollAt);
              scrollAt = -1;
            }
            if (last >= 0) intervals.push(ts - last);
            last = ts;
            if (n++ >= frames) {
              document.removeEventListener("scroll", onScroll, true);
              resolve({ intervals, work, rowsSeen: document.querySelectorAll("[data-testid=row]").length });
              return;
            }
            el.scrollTop += el.clientHeight;
            requestAnimationFrame(tick);
          };
          requestAnimationFrame(tick);
        });
      },
      180,
    );
    if (profiler) {
      const done = new Promise((r) => profiler.once("Tracing.tracingComplete", r));
      await profiler.send("Tracing.end");
      await done;
      // Complete events by name on the busiest thread (the panel's main thread), total ms.
      const byThread = new Map<string, number>();
      for (const e of traceEvents)
        if (e.ph === "X" && e.dur)
          byThread.set(`${e.pid}:${e.tid}`, (byThread.get(`${e.pid}:${e.tid}`) ?? 0) + e.dur);
      const main = [...byThread].sort((a, b) => b[1] - a[1])[0]?.[0];
      const byName = new Map<string, number>();
      for (const e of traceEvents)
        if (e.ph === "X" && e.dur && `${e.pid}:${e.tid}` === main)
          byName.set(e.name, (byName.get(e.name) ?? 0) + e.dur / 1000);
      for (const [k, ms] of [...byName].sort((a, b) => b[1] - a[1]).slice(0, 25))
        console.log(`[bench]     trace ${ms.toFixed(1).padStart(8)} ms  ${k}`);
      const after = await metrics();
      // Main-thread time by kind while scrolling (CDP Performance metrics, seconds → ms) and counts.
      for (const k of [
        "TaskDuration",
        "ScriptDuration",
        "RecalcStyleDuration",
        "LayoutDuration",
        "LayoutCount",
        "RecalcStyleCount",
        "Nodes",
        "JSHeapUsedSize",
      ])
        console.log(
          `[bench]     ${k}: ${k.endsWith("Duration") ? `${round(((after[k] ?? 0) - (before[k] ?? 0)) * 1000)} ms` : `${before[k]} → ${after[k]}`}`,
        );
    }
    out.push({
      measure: "panel: scroll, work per frame p95 (scroll event → style+layout done)",
      value: round(quantile(scroll.work, 0.95)),
      unit: "ms",
      target: "< 16",
      met: quantile(scroll.work, 0.95) < 16,
      workP50: round(quantile(scroll.work, 0.5)),
      frames: scroll.work.length,
      frameIntervalP50: round(quantile(scroll.intervals, 0.5)),
      frameIntervalP95: round(quantile(scroll.intervals, 0.95)),
      rowsInDom: scroll.rowsSeen,
      panel: which,
      loadavg: load(),
    });
    out.push({
      measure: "panel: frame interval p95 while scrolling (rAF timestamps; 16.7 = no frame dropped at 60 Hz)",
      value: round(quantile(scroll.intervals, 0.95)),
      unit: "ms",
      target: "≤ 16.7 + 0.3 jitter",
      met: quantile(scroll.intervals, 0.95) < 17,
    });
    console.log("[bench]   panel: panel heap");
    const panelHeap = await withTimeout(pageHeap(b, measured), 90_000, "panel heap").catch(
      (e) => `failed: ${e}`,
    );
    out.push({
      measure: `panel: JS heap of the panel page, ${rowsHeld} rows (CDP Runtime.getHeapUsage after GC)`,
      value: typeof panelHeap === "number" ? round(panelHeap / MiB) : panelHeap,
      unit: "MiB",
      panel: which,
    });
    out.push({
      measure: "panel: JS heap of the service worker, session loaded (CDP Runtime.getHeapUsage after GC)",
      value: typeof swHeap === "number" ? round(swHeap / MiB) : swHeap,
      unit: "MiB",
    });
  } finally {
    await b.close();
  }
  return out;
}

export async function benchMemory(server: BenchServer): Promise<Record<string, unknown>[]> {
  const b = await launch({ extension: true });
  const out: Record<string, unknown>[] = [];
  try {
    const page = b.page;
    await page.goto(`${server.origin}/live`);
    await tapChannel(b, page);
    const tabId = await tabIdOf(b, page);
    const panel = await openTappedPanel(b, tabId);
    const { ms, live } = await burst(page, MEMORY_N, "memory");
    // Every record the page made (events, created, listener, open, close) must be held or counted evicted.
    const produced = async () => (await readChannel(page)).produced;
    await waitFor(async () => (await produced()) > live.count, { message: "the page's last records" });
    const target = await produced();
    await waitForCount(
      async () => {
        const s = (await readTap(panel)).stats;
        return s ? s.held + s.evicted + s.lost : 0;
      },
      target,
      { stallMs: 30_000, message: "the background's stats to account for every record" },
    );
    const ch = await readChannel(page);
    const tap = await readTap(panel);
    const dom = await evaluate(panel, () => {
      const el = document.querySelector<HTMLElement>("[data-testid=stats]");
      return {
        held: Number(el?.dataset.held ?? -1),
        evicted: Number(el?.dataset.evicted ?? -1),
        lost: Number(el?.dataset.lost ?? -1),
      };
    });
    const count = (await evaluate(panel, () => (window.__sseConnections ?? []).map((c) => c.count)))[0] ?? 0;
    const s = tap.stats ?? { held: -1, evicted: -1, lost: -1, cap: -1 };
    const pageCap = { records: 5_000, chars: 16 * MiB };
    out.push({
      measure: `memory: page buffer max held while ${MEMORY_N} events flow (cap ${pageCap.records} records / 16 M chars)`,
      value: `${ch.maxHeld} records / ${round(ch.maxChars / MiB, 2)} M chars`,
      unit: "",
      target: `≤ ${pageCap.records} / ≤ 16 M`,
      met: ch.maxHeld <= pageCap.records && ch.maxChars <= pageCap.chars,
      batches: ch.batches,
      pageMs: ms,
      loadavg: load(),
    });
    out.push({
      measure: "memory: background session max held (default cap)",
      value: tap.maxHeld,
      unit: "records",
      target: `≤ ${s.cap}`,
      met: tap.maxHeld <= s.cap,
      final: s,
    });
    out.push({
      measure: "memory: evicted = produced − held (background stats; panel status bar)",
      value: `${s.evicted} = ${ch.produced} − ${s.held}; status bar ${dom.evicted}`,
      unit: "records",
      target: "exact",
      met: s.evicted === ch.produced - s.held && dom.evicted === s.evicted && dom.held === s.held,
      produced: ch.produced,
      eventsSent: live.count,
      panelConnectionCount: count,
    });
    out.push({
      measure: "memory: lost (panel kept up)",
      value: `${s.lost}; status bar ${dom.lost}`,
      unit: "records",
      target: "0",
      met: s.lost === 0 && dom.lost === 0,
    });
    out.push({
      measure: "memory: events counted by the panel ÷ sent",
      value: round(count / live.count, 4),
      unit: "ratio",
      target: "= 1.0",
      met: count === live.count,
      panelTapEvents: tap.events,
    });
  } finally {
    await b.close();
  }
  return out;
}
