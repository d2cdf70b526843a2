/**
 * Relay section of `npm run bench`: does every event reach the panel, and how late.
 *
 * Each measurement gets a fresh browser with the extension, a page that waits, the panel opened first as a
 * tab (`panel.html?tabId=N` with the bench's port tap, scripts/bench-util.ts PANEL_TAP), then a paced stream
 * from the bench server. Nothing is compared with fixed sleeps: the bench waits until the page has every
 * event, then until the panel's count reaches it or stops moving for 10 s.
 */
import { launch, tabIdOf } from "../e2e/helpers/browser";
import { waitFor } from "../e2e/helpers/wait";
import type { BenchServer } from "./bench-server";
import { evaluate, load, openTappedPanel, quantile, readTap, round } from "./bench-util";

const RELAY_RATE = Number(process.env.BENCH_RELAY_RATE ?? 20_000);
const RELAY_SECONDS = Number(process.env.BENCH_RELAY_SECONDS ?? 10);
const LATENCY_RATE = Number(process.env.BENCH_LATENCY_RATE ?? 5_000);
const LATENCY_SECONDS = Number(process.env.BENCH_LATENCY_SECONDS ?? 10);

interface Paced {
  sent: number;
  pageGot: number;
  panelEvents: number;
  panelCount: number;
  serverMs: number;
  serverMaxLagMs: number;
  toPort: number[];
  toFrame: number[];
  load: number[];
}

async function pacedRun(server: BenchServer, rate: number, seconds: number, tag: string): Promise<Paced> {
  const b = await launch({ extension: true });
  try {
    const page = b.page;
    await page.goto(`${server.origin}/live`);
    const tabId = await tabIdOf(b, page);
    const panel = await openTappedPanel(b, tabId);
    const total = Math.round(rate * seconds);
    await evaluate(
      page,
      ({ src, n }) => (window as unknown as { __start(s: string, n: number): void }).__start(src, n),
      {
        src: `/paced?rate=${rate}&seconds=${seconds}&size=64&tag=${tag}`,
        n: total,
      },
    );
    const live = await waitFor(
      () =>
        evaluate(page, () => {
          const l = (window as unknown as { __live: { count: number; done: boolean; error: string } }).__live;
          return l.done || l.error ? l : undefined;
        }),
      { timeout: seconds * 1000 + 120_000, interval: 250, message: "the page to receive the paced stream" },
    );
    const loadAtEnd = load();
    // The panel gets what the page got, later: wait until it has it all or stops moving.
    let last = -1;
    let since = Date.now();
    await waitFor(
      async () => {
        const t = await readTap(panel);
        if (t.events >= live.count) return true;
        if (t.events !== last) {
          last = t.events;
          since = Date.now();
        }
        return Date.now() - since > 10_000;
      },
      { timeout: 300_000, interval: 200, message: "the panel to receive the stream" },
    );
    const tap = await readTap(panel);
    const conns = await evaluate(panel, () =>
      (window.__sseConnections ?? []).map((c) => ({ url: c.url, count: c.count })),
    );
    const lat = await evaluate(panel, () => {
      const B = (window as unknown as { __bench: { toPort: number[]; toFrame: number[] } }).__bench;
      return { toPort: B.toPort, toFrame: B.toFrame };
    });
    const report = server.reports.get(tag);
    return {
      sent: report?.sent ?? total,
      pageGot: live.count,
      panelEvents: tap.events,
      panelCount: conns.find((c) => c.url.includes("/paced"))?.count ?? 0,
      serverMs: report?.ms ?? Number.NaN,
      serverMaxLagMs: report?.maxLagMs ?? Number.NaN,
      toPort: lat.toPort,
      toFrame: lat.toFrame,
      load: loadAtEnd,
    };
  } finally {
    await b.close();
  }
}

export async function benchRelay(server: BenchServer): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  const r = await pacedRun(server, RELAY_RATE, RELAY_SECONDS, "relay");
  out.push({
    measure: "relay: events in panel ÷ sent",
    rate: RELAY_RATE,
    seconds: RELAY_SECONDS,
    sent: r.sent,
    pageReceived: r.pageGot,
    panelReceived: r.panelEvents,
    panelSidebarCount: r.panelCount,
    value: round(r.panelEvents / r.sent, 4),
    unit: "ratio",
    target: "= 1.0",
    met: r.panelEvents === r.sent,
    serverActualRate: round(r.sent / (r.serverMs / 1000), 0),
    serverMaxLagMs: round(r.serverMaxLagMs),
    loadavg: r.load,
  });
  const l = await pacedRun(server, LATENCY_RATE, LATENCY_SECONDS, "latency");
  const p = (xs: number[], q: number) => round(quantile(xs, q));
  const common = {
    rate: LATENCY_RATE,
    seconds: LATENCY_SECONDS,
    sent: l.sent,
    samples: l.toPort.length,
    loadavg: l.load,
  };
  out.push({
    measure: "latency page→panel p50 (server write → panel's port message)",
    ...common,
    value: p(l.toPort, 0.5),
    unit: "ms",
    target: "< 50",
    met: quantile(l.toPort, 0.5) < 50,
    nextFrameP50: p(l.toFrame, 0.5),
  });
  out.push({
    measure: "latency page→panel p99 (server write → panel's port message)",
    ...common,
    value: p(l.toPort, 0.99),
    unit: "ms",
    target: "< 250",
    met: quantile(l.toPort, 0.99) < 250,
    nextFrameP99: p(l.toFrame, 0.99),
    max: p(l.toPort, 1),
  });
  out.push({
    measure: "latency page→panel p50 / p99 to the next frame (row on screen)",
    ...common,
    value: `${p(l.toFrame, 0.5)} / ${p(l.toFrame, 0.99)}`,
    unit: "ms",
    target: "< 50 / < 250",
    met: quantile(l.toFrame, 0.5) < 50 && quantile(l.toFrame, 0.99) < 250,
  });
  return out;
}
