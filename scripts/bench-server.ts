/**
 * The bench's own SSE server (127.0.0.1, free port, stops by itself). Routes:
 *
 * - `/page?n&size` + `/stream?n&size`: page cost — N events of `size` bytes written as fast as possible from
 *   one prebuilt body (the server's own cost must not vary between runs); the page times open → last event.
 * - `/live?src=…`: a page that opens `EventSource(src)` only when `window.__start()` is called (so the panel
 *   can be attached first), counts events and exposes `window.__live = {count, done, error}`.
 * - `/paced?rate&seconds&size`: `rate` events/s for `seconds`, paced by the wall clock (each 5 ms tick writes
 *   the events due by then). Each event's data is `L,<seq>,<send wall ms>,<padding>`: the send time is the
 *   server's `performance.timeOrigin + performance.now()` (same machine, same clock as the browser's).
 * - `/burst?n&size`: N events, generated chunk by chunk as fast as the socket takes them (1 M events do
 *   not need a prebuilt body). Data is `<seq> ` padded to `size` bytes.
 *
 * Every stream ends with one `event: done` that the pages do not listen for, then the response is held open
 * (an EventSource reconnects when a response ends).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

const PAGE_COST = `<!doctype html><meta charset="utf-8"><title>bench</title><script>
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

const LIVE = `<!doctype html><meta charset="utf-8"><title>bench live</title><body>live<script>
window.__live = { count: 0, done: false, error: "" };
window.__start = (src, n) => {
  const es = new EventSource(src);
  es.onmessage = () => {
    if (++window.__live.count === n) { window.__live.done = true; es.close(); }
  };
  es.onerror = () => { if (!window.__live.done) window.__live.error = "error at " + window.__live.count; };
};
</script>`;

/** One page-cost body per (n, size), built once. */
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

const sseHead = { "content-type": "text/event-stream", "cache-control": "no-store" };
const wallNow = () => performance.timeOrigin + performance.now();

/** What the paced and burst streams report when they end (read by the bench). */
export interface StreamReport {
  sent: number;
  /** ms from the first to the last event written. */
  ms: number;
  /** Largest lag behind the schedule (paced only), ms. */
  maxLagMs: number;
}

export interface BenchServer {
  origin: string;
  /** Reports of ended streams, by the `tag` query parameter. */
  reports: Map<string, StreamReport>;
  close(): Promise<void>;
}

export async function startBenchServer(): Promise<BenchServer> {
  const reports = new Map<string, StreamReport>();
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? "/", "http://127.0.0.1");
    const num = (k: string, d: number) => Number(u.searchParams.get(k) ?? d);
    const tag = u.searchParams.get("tag") ?? "";
    if (u.pathname === "/page") res.writeHead(200, { "content-type": "text/html" }).end(PAGE_COST);
    else if (u.pathname === "/live") res.writeHead(200, { "content-type": "text/html" }).end(LIVE);
    else if (u.pathname === "/stream") {
      const b = body(num("n", 1000), num("size", 1024));
      res.writeHead(200, sseHead);
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
    } else if (u.pathname === "/paced") {
      const rate = num("rate", 1000);
      const total = Math.round(rate * num("seconds", 1));
      const pad = "p".repeat(Math.max(0, num("size", 64) - 30));
      res.writeHead(200, sseHead);
      let sent = 0;
      let maxLagMs = 0;
      const t0 = wallNow();
      const tick = () => {
        const now = wallNow();
        const due = Math.min(total, Math.floor(((now - t0) * rate) / 1000) + 1);
        if (due > sent + 1) maxLagMs = Math.max(maxLagMs, now - (t0 + (sent * 1000) / rate));
        const parts: string[] = [];
        for (; sent < due; sent++)
          parts.push(`id: ${sent + 1}\ndata: L,${sent + 1},${wallNow().toFixed(3)},${pad}\n\n`);
        if (parts.length > 0) res.write(parts.join(""));
        if (sent < total) setTimeout(tick, 5);
        else {
          res.write("event: done\ndata: end\n\n");
          reports.set(tag, { sent, ms: wallNow() - t0, maxLagMs });
        }
      };
      tick();
    } else if (u.pathname === "/burst") {
      const n = num("n", 1000);
      const size = num("size", 64);
      res.writeHead(200, sseHead);
      let i = 0;
      const t0 = wallNow();
      const pump = () => {
        while (i < n) {
          const parts: string[] = [];
          const end = Math.min(n, i + 2_000);
          for (; i < end; i++) {
            const head = `${i + 1} `;
            parts.push(`id: ${i + 1}\ndata: ${head}${"b".repeat(Math.max(0, size - head.length))}\n\n`);
          }
          if (!res.write(parts.join(""))) return void res.once("drain", pump);
        }
        res.write("event: done\ndata: end\n\n");
        reports.set(tag, { sent: n, ms: wallNow() - t0, maxLagMs: 0 });
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
    reports,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
