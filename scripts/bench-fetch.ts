/**
 * "fetch" section of `npm run bench` (issue 6): a page reads a 100 MB text/event-stream with fetch() and a
 * getReader() loop (discarding the bytes), in a browser with the extension and in one without. The hook tees
 * the body (`clone()`) and reads its branch promptly up to its cap (src/hook/streams.ts OBSERVE_CAP, 64 MiB),
 * then cancels it; what that costs the page is the question. Reported, as numbers and ratios (no thresholds):
 * - the page's JS heap (CDP Runtime.getHeapUsage): peak sampled during the stream (no GC forced), and at its
 *   end after HeapProfiler.collectGarbage;
 * - the largest renderer process's resident memory (VmRSS from /proc, pids from CDP SystemInfo.getProcessInfo),
 *   peak sampled during the stream: the tee's queues live outside the JS heap.
 */
import { readFile } from "node:fs/promises";
import type { CDPSession } from "@playwright/test";
import { type Launched, launch } from "../e2e/helpers/browser";
import { waitFor } from "../e2e/helpers/wait";
import { load, pageHeap, round } from "./bench-util";
import { type SseServer, startSseServer } from "./sse-server";

const MB = Number(process.env.BENCH_FETCH_MB ?? 100);
const MiB = 1024 * 1024;

async function rendererRss(browserCdp: CDPSession): Promise<number> {
  try {
    const info = (await browserCdp.send("SystemInfo.getProcessInfo")) as {
      processInfo: { type: string; id: number }[];
    };
    let max = 0;
    for (const p of info.processInfo) {
      if (p.type !== "renderer") continue;
      const status = await readFile(`/proc/${p.id}/status`, "utf8").catch(() => "");
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      max = Math.max(max, kb * 1024);
    }
    return max;
  } catch {
    return 0;
  }
}

async function runOnce(b: Launched, server: SseServer) {
  await b.page.goto(server.url("/fixtures/blank.html"));
  const page = await b.context.newCDPSession(b.page);
  const browserCdp = await (
    b.context.browser() ?? { newBrowserCDPSession: undefined }
  ).newBrowserCDPSession?.();
  let peakHeap = 0;
  let peakRss = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peakHeap = Math.max(peakHeap, (await page.send("Runtime.getHeapUsage")).usedSize);
      if (browserCdp) peakRss = Math.max(peakRss, await rendererRss(browserCdp));
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  const t0 = Date.now();
  await b.page.evaluate((mb) => {
    const w = window as unknown as { __fetchBench?: { bytes: number; done: boolean } };
    w.__fetchBench = { bytes: 0, done: false };
    void (async () => {
      const r = await fetch(`/ft/big?mb=${mb}`);
      const reader = (r.body as ReadableStream<Uint8Array>).getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        (w.__fetchBench as { bytes: number }).bytes += value.byteLength;
      }
      (w.__fetchBench as { done: boolean }).done = true;
    })();
  }, MB);
  const got = await waitFor(
    () =>
      b.page.evaluate(() => {
        const s = (window as unknown as { __fetchBench: { bytes: number; done: boolean } }).__fetchBench;
        return s.done ? s.bytes : undefined;
      }),
    { timeout: 240_000, interval: 100, message: "the page to read the whole stream" },
  );
  const ms = Date.now() - t0;
  sampling = false;
  await sampler;
  const endHeap = await pageHeap(b, b.page);
  const endRss = browserCdp ? await rendererRss(browserCdp) : 0;
  await page.detach().catch(() => {});
  await browserCdp?.detach().catch(() => {});
  return { bytes: got, ms, peakHeap, endHeap, peakRss, endRss };
}

export async function benchFetch(): Promise<Record<string, unknown>[]> {
  const server = await startSseServer({ maxLifetimeMs: 10 * 60_000 });
  const withExt = await launch({ extension: true });
  const without = await launch({ extension: false });
  try {
    const a = await runOnce(withExt, server);
    const b = await runOnce(without, server);
    const mib = (x: number) => round(x / MiB, 1);
    const ratio = (x: number, y: number) => (y > 0 ? round(x / y, 2) : null);
    const common = { streamMB: MB, pageReadMiB: mib(a.bytes), loadavg: load() };
    return [
      {
        measure: `page JS heap, peak while reading a ${MB} MB fetch() stream, with ÷ without`,
        value: ratio(a.peakHeap, b.peakHeap),
        unit: "ratio",
        withMiB: mib(a.peakHeap),
        withoutMiB: mib(b.peakHeap),
        ...common,
      },
      {
        measure: `page JS heap at the end of a ${MB} MB fetch() stream (after GC), with ÷ without`,
        value: ratio(a.endHeap, b.endHeap),
        unit: "ratio",
        withMiB: mib(a.endHeap),
        withoutMiB: mib(b.endHeap),
        ...common,
      },
      {
        measure: `largest renderer's resident memory, peak during a ${MB} MB fetch() stream, with ÷ without`,
        value: ratio(a.peakRss, b.peakRss),
        unit: "ratio",
        withMiB: mib(a.peakRss),
        withoutMiB: mib(b.peakRss),
        endWithMiB: mib(a.endRss),
        endWithoutMiB: mib(b.endRss),
        ...common,
      },
      {
        measure: `time for the page to read a ${MB} MB fetch() stream, with ÷ without`,
        value: ratio(a.ms, b.ms),
        unit: "ratio",
        withMs: a.ms,
        withoutMs: b.ms,
        ...common,
      },
    ];
  } finally {
    await withExt.close();
    await without.close();
    await server.close();
  }
}
