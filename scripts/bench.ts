/**
 * `npm run bench`: what the extension costs the page, measured in one run as a ratio against the same
 * browser build without the extension. Prints a table and writes bench/results.json.
 *
 * Page cost: a page receives N events of a given size from a local SSE server as fast as the server can
 * write them; the page itself measures from `open` to the last event (performance.now). Runs alternate
 * between the two browsers (with / without the extension; the order flips every round so neither is always
 * warmer), and the median of the rounds is compared. Both browsers run at the same time but only one measures
 * at a time.
 *
 * Env: BENCH_N (events, default 100000), BENCH_ROUNDS (default 5), BENCH_SIZES (bytes of data per event,
 * default "1024,50"). Build first (`npm run build`; SSE_DIST picks another build).
 */
import { mkdir, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { EXTENSION_DIR, type Launched, launch, REPO_ROOT } from "../e2e/helpers/browser";
import { waitFor } from "../e2e/helpers/wait";

const N = Number(process.env.BENCH_N ?? 100_000);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 5));
const SIZES = (process.env.BENCH_SIZES ?? "1024,50").split(",").map(Number);

const PAGE = `<!doctype html><meta charset="utf-8"><title>bench</title><script>
const q = new URLSearchParams(location.search);
const n = Number(q.get("n"));
const es = new EventSource("/stream?" + q);
let t0 = 0, count = 0, bytes = 0;
es.onopen = () => { t0 = performance.now(); };
es.onmessage = (e) => {
  count++; bytes += e.data.length;
  if (count === n) { const ms = performance.now() - t0; es.close(); window.__result = { ms, count, bytes }; }
};
es.onerror = () => { if (count < n) window.__result = { error: "error at " + count }; };
</script>`;

/** One stream body per (n, size), built once: the server's own cost must not vary between runs. */
const bodies = new Map<string, Buffer>();
function body(n: number, size: number): Buffer {
  const key = `${n}:${size}`;
  let b = bodies.get(key);
  if (!b) {
    const data = "x".repeat(size);
    const parts: string[] = [];
    for (let i = 1; i <= n; i++) parts.push(`id: ${i}\ndata: ${data}\n\n`);
    b = Buffer.from(parts.join(""));
    bodies.set(key, b);
  }
  return b;
}

async function startServer(): Promise<{ origin: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? "/", "http://127.0.0.1");
    if (u.pathname === "/page") {
      res.writeHead(200, { "content-type": "text/html" }).end(PAGE);
    } else if (u.pathname === "/stream") {
      const b = body(Number(u.searchParams.get("n")), Number(u.searchParams.get("size")));
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store" });
      // Written in large chunks and then held open: the page closes it after the last event.
      const CHUNK = 256 * 1024;
      let off = 0;
      const pump = () => {
        while (off < b.length) {
          const ok = res.write(b.subarray(off, off + CHUNK));
          off += CHUNK;
          if (!ok) return void res.once("drain", pump);
        }
      };
      pump();
    } else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  // Stops by itself even if the bench dies.
  setTimeout(() => server.close(), 30 * 60_000).unref();
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

async function runOnce(b: Launched, origin: string, n: number, size: number): Promise<number> {
  await b.page.goto(`${origin}/page?n=${n}&size=${size}`);
  const r = await waitFor(
    () =>
      b.page.evaluate(() => (window as unknown as { __result?: { ms?: number; error?: string } }).__result),
    { timeout: 120_000, interval: 50, message: "the page's measurement" },
  );
  if (r.error || r.ms === undefined) throw new Error(`bench page: ${r.error}`);
  return r.ms;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

async function main(): Promise<void> {
  const server = await startServer();
  const withExt = await launch({ extension: true });
  const without = await launch({ extension: false });
  const results: Record<string, unknown>[] = [];
  try {
    for (const size of SIZES) {
      const times = { with: [] as number[], without: [] as number[] };
      // A warm-up run each, not counted: first runs pay for compilation and caches.
      await runOnce(withExt, server.origin, Math.min(N, 5_000), size);
      await runOnce(without, server.origin, Math.min(N, 5_000), size);
      for (let round = 0; round < ROUNDS; round++) {
        const order = round % 2 === 0 ? (["with", "without"] as const) : (["without", "with"] as const);
        for (const v of order)
          times[v].push(await runOnce(v === "with" ? withExt : without, server.origin, N, size));
      }
      const mWith = median(times.with);
      const mWithout = median(times.without);
      results.push({
        measure: "page cost",
        events: N,
        bytesPerEvent: size,
        rounds: ROUNDS,
        medianMsWith: round1(mWith),
        medianMsWithout: round1(mWithout),
        ratio: Math.round((mWith / mWithout) * 1000) / 1000,
        target: "≤ 1.03",
        runsMsWith: times.with.map(round1),
        runsMsWithout: times.without.map(round1),
      });
    }
  } finally {
    await withExt.close();
    await without.close();
    await server.close();
  }

  console.log(
    `\nSSE DevTools bench — ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, Node ${process.version}`,
  );
  console.log(`extension: ${EXTENSION_DIR}\n`);
  console.log(
    "| measure | events | bytes/event | median ms with | median ms without | ratio (target ≤ 1.03) |",
  );
  console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
  for (const r of results)
    console.log(
      `| ${r.measure} | ${r.events} | ${r.bytesPerEvent} | ${r.medianMsWith} | ${r.medianMsWithout} | ${r.ratio} |`,
    );
  const out = path.join(REPO_ROOT, "bench", "results.json");
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(
    out,
    `${JSON.stringify({ date: new Date().toISOString(), cpus: os.cpus().length, node: process.version, results }, null, 2)}\n`,
  );
  console.log(`\nwritten: ${out}`);
}

const round1 = (x: number) => Math.round(x * 10) / 10;

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
