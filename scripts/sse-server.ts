/**
 * One real Server-Sent Events server for the e2e tests and the demo (`npm start`).
 *
 * Binds 127.0.0.1 on a free port by default and stops by itself: `close()`, or a maximum-lifetime timer that
 * does not keep the process alive. Every stream's event count and pacing come from query parameters so that
 * tests are fast and deterministic; nothing depends on wall-clock luck.
 *
 *   GET /, /demo              the demo page (ticker, resumable stream, 204 stream, a fetch() LLM stream)
 *   GET /fixtures/NAME.html   a page (or NAME.js, a script) from e2e/fixtures/
 *   GET /ticker               n (0 = endless), interval ms, types (comma list; "message" is always in the
 *                             cycle), end=hold|close. Event i (1-based) has id i and cycles message, ...types.
 *                             A reconnect with Last-Event-ID continues after it.
 *   GET /resumable            n, k, interval, retry. Ids 1..n; each response sends at most k events, then ends
 *                             it while events remain, so the browser reconnects. A reconnect first gets
 *                             `event: resumed` / `data: {"lastEventId":"<the Last-Event-ID header received>"}`,
 *                             then continues after that id. After id n the response stays open.
 *                             hold=NAME: a reconnect waits (no response headers yet) until `release(NAME)`.
 *   GET /ends-204             n, interval, retry, tag. n events (tag appended to their data), end; the reconnect
 *                             (it carries Last-Event-ID) gets 204.
 *   GET /net-story            three attempts told by Last-Event-ID: comments, retry 700, `event: update`,
 *                             id-only blocks, an unterminated block; the third gets 204 (see the route).
 *   GET /wrong-type           200 text/plain: the browser fails the connection.
 *   GET /t/raw, /t/status, /t/redirect, /t/cors   the transparency suite's streams: raw bodies (BOM, CR-only,
 *                             NUL in id, id resets, multi-line data), any status, redirects, CORS with credentials.
 *   GET /loss/stress          kind=big (one 10 MiB event), utf8 (invalid UTF-8 bytes), types (n distinct types).
 *   GET /diag/NAME            diagnostics fixtures (e2e/diagnostics.spec.ts), one problem each, ids after data
 *                             unless the problem is about ids: clean, no-ids, id-first, storm, low-retry,
 *                             unlistened, big (mb=1.1), hold (stays open: 7 of them overload one HTTP/1.1 host).
 *                             Non-200, 204 and wrong type are /t/status?code=500, /t/status?code=204, /wrong-type.
 *   GET/POST /fs/stream       fetch()/XHR streams (e2e/fetch-streams.spec.ts): n events (id i, event `tick` for even
 *                             i, data `{"i":i,"body":<the request body>}`), a `: comment`, `retry: 2500`, then
 *                             waits for `release(gate)` (if gate=NAME), then m more events and ends the response.
 *   GET /llm                  name=openai-chat|openai-responses|anthropic|unknown: a recorded LLM stream
 *                             (e2e/fixtures/llm/NAME.txt) one block every `interval` ms (default 10), then open.
 *   GET /fs/plain             a non-SSE response (application/json) for the "not touched" tests.
 *   GET /fs/wasm              a tiny WebAssembly module (application/wasm) for WebAssembly.compileStreaming.
 *   GET /ft/drip, /ft/break e2e/fetch-transparency.spec.ts: a body (`type`, default text/event-stream) that goes on
 *                             until the client leaves; an SSE body whose socket the server destroys after n events.
 *   GET /ft/big               mb MiB of 1 KiB events as fast as the client reads (the bench's "fetch" section).
 *   GET /npm/PKG/FILE         a file of an npm package from node_modules (the fetch-event-source and XHR
 *                             polyfill clients of the e2e tests), as JavaScript.
 *   GET /mixed                repeat, interval. A scripted block: messages, several custom types, ids (set,
 *                             kept, reset), multi-line data, comments, an empty-data block, `retry:`; then open.
 *
 * Run alone: `npx tsx scripts/sse-server.ts [port]` prints the demo URL.
 */
import { readFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export interface SseServerOptions {
  /** 0 (default): a free port. */
  port?: number;
  host?: string;
  /** The server closes itself after this long (default 10 minutes). The timer never keeps Node alive. */
  maxLifetimeMs?: number;
  /** Where /fixtures/ pages come from (default: e2e/fixtures next to this repository's scripts/). */
  fixturesDir?: string;
}

/** One request the server answered, for tests to check what the browser sent. */
export interface RequestSeen {
  path: string;
  query: Record<string, string>;
  /** The `Last-Event-ID` request header, or null when the browser sent none. */
  lastEventId: string | null;
  status: number;
  /** The response is over: ended by the server, or the browser went away (an EventSource's close()). */
  closed?: boolean;
}

export interface SseServer {
  readonly origin: string;
  readonly port: number;
  readonly requests: RequestSeen[];
  url(path: string): string;
  /** Let reconnects waiting on `hold=name` proceed (now and from now on). */
  release(name: string): void;
  close(): Promise<void>;
}

export interface SseEvent {
  event?: string;
  id?: string;
  data?: string;
  retry?: number;
  comment?: string;
}

/** Serializes one block of the text/event-stream format. Multi-line data becomes several `data:` lines. */
export function formatEvent(e: SseEvent): string {
  let s = "";
  if (e.comment !== undefined) s += `: ${e.comment}\n`;
  if (e.retry !== undefined) s += `retry: ${e.retry}\n`;
  if (e.event !== undefined) s += `event: ${e.event}\n`;
  if (e.id !== undefined) s += `id: ${e.id}\n`;
  if (e.data !== undefined) for (const line of e.data.split("\n")) s += `data: ${line}\n`;
  return `${s}\n`;
}

/** The /mixed block, as raw stream text and as the events a browser dispatches for it (type, data, id). */
export const MIXED_BLOCK: readonly (string | SseEvent)[] = [
  { retry: 2000 },
  { data: "plain message, no id" },
  { event: "alpha", id: "a1", data: "first alpha" },
  { data: "message keeps id a1" },
  { event: "beta", id: "b1", data: "line one\nline two\nline three" },
  { comment: "a comment is not an event" },
  { event: "gamma", data: '{"json":true,"n":[1,2,3]}' },
  // Raw text: no space after the colon, an empty data line inside, a field without a colon (ignored).
  "event:alpha\nid:a2\ndata:tight\ndata\ndata:after empty line\nunknownfield\n\n",
  // An empty data buffer dispatches nothing, but the id still changes.
  "event: beta\nid: silent\n\n",
  { event: "beta", data: "after silent id" },
  { event: "delta", id: "", data: "id reset to empty" },
  { data: "unicode: ΣSE ✓ 日本" },
  { event: "gamma", id: "g1", data: "  two leading spaces kept after the first is dropped" },
];
export const MIXED_TYPES = ["message", "alpha", "beta", "gamma", "delta"] as const;

/**
 * Raw stream bodies for the transparency suite (e2e/transparency-cases.spec.ts), written byte for byte so that
 * the browser's own parser is what is compared: BOM, CR-only line ends, NUL in an id, `id` resets,
 * multi-line data (WHATWG HTML, "Server-sent events", parsing). A body may depend on the Last-Event-ID the
 * request carried (undefined: none sent).
 */
/**
 * Data a hostile server could send (e2e/hostile.spec.ts): markup, event handlers, prototype keys. The panel
 * must show each as literal text and create nothing from it. A long retry keeps the browser from replaying it.
 */
export const HOSTILE_EVENTS: readonly SseEvent[] = [
  { retry: 3_600_000 },
  { id: "<b>1</b>", data: "<script>alert(1)</script>" },
  { event: "x<img src=x onerror=alert(3)>", data: "a custom type made of markup" },
  { data: '<img src=x onerror="alert(2)">' },
  { data: '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"a":1}' },
  { data: '</pre></div><iframe srcdoc="<script>alert(5)</script>"></iframe>' },
  { data: "end of hostile data" },
];

export const RAW_STREAMS: Record<string, (lastEventId: string | undefined) => string> = {
  hostile: () => HOSTILE_EVENTS.map(formatEvent).join(""),
  // e2e/layout.spec.ts: JSON for the detail pane's tree (markup inside, a 250-element array, multi-byte text);
  // a long retry keeps the browser from replaying it.
  "layout-json": () =>
    [
      { retry: 3_600_000 },
      { id: "j1", data: "plain text, not JSON" },
      {
        event: "tree",
        id: "j2",
        data: JSON.stringify({
          html: '<img src=x onerror="window.__pwned=1">',
          list: Array.from({ length: 250 }, (_, i) => i),
          nested: { deep: { leaf: "日本語 ✓" } },
        }),
      },
    ]
      .map(formatEvent)
      .join(""),
  "two-then-end": () => "retry: 50\nid: 1\ndata: one\n\nid: 2\ndata: two\n\n",
  ids: () =>
    "id: 1\ndata: a\n\ndata: keeps 1\n\nid\ndata: reset by bare id\n\nid: 2\ndata: b\n\n" +
    "id:\ndata: reset by empty id:\n\nid: 3\n\ndata: id set by a block without data\n\n",
  "nul-id": () => "id: ok\ndata: 1\n\nid: bad\u0000id\ndata: 2 keeps ok\n\nid: x\u0000\ndata: 3\n\n",
  multiline: () =>
    "data: a\ndata:\ndata: b\ndata\n\ndata:  two spaces\ndata:no space\n\ndata: crlf 1\r\ndata: crlf 2\r\n\r\n",
  bom: () => "\uFEFFdata: after bom\n\n\uFEFFdata: a second BOM is part of the field name\n\ndata: last\n\n",
  "cr-only": () => "data: a\rdata: b\r\rid: 3\rdata: c\r\revent: custom\rdata: d\r\r",
  // Attempt 1 sends no Last-Event-ID and gets id 7; attempt 2 sends 7 and gets a bare `id` (reset to "");
  // attempt 3 therefore sends none again (the browser omits an empty Last-Event-ID).
  "echo-id": (h) =>
    `retry: 50\ndata: sent ${h ?? "none"}\n\n` +
    (h === "7" ? "id\ndata: reset\n\n" : "id: 7\ndata: set 7\n\n"),
};

/** CORS response headers for `mode`: "echo" (the request's Origin, with credentials), "star", or none. */
function corsHeaders(req: http.IncomingMessage, mode: string | null): Record<string, string> {
  if (mode === "echo")
    return {
      "Access-Control-Allow-Origin": req.headers.origin ?? "null",
      "Access-Control-Allow-Credentials": "true",
    };
  if (mode === "star") return { "Access-Control-Allow-Origin": "*" };
  return {};
}

const DEFAULT_FIXTURES = fileURLToPath(new URL("../e2e/fixtures/", import.meta.url));
/** Packages the e2e pages load (`/npm/PKG/FILE`). */
const REPO_NODE_MODULES = fileURLToPath(new URL("../node_modules/", import.meta.url));

const int = (q: URLSearchParams, name: string, dflt: number, max = 1_000_000): number => {
  const raw = q.get(name);
  const n = raw === null ? Number.NaN : Number(raw);
  return Number.isInteger(n) && n >= 0 ? Math.min(n, max) : dflt;
};

export async function startSseServer(opts: SseServerOptions = {}): Promise<SseServer> {
  const host = opts.host ?? "127.0.0.1";
  const fixturesDir = opts.fixturesDir ?? DEFAULT_FIXTURES;
  const requests: RequestSeen[] = [];
  const released = new Set<string>();
  const waiting = new Map<string, (() => void)[]>();
  /** Cleanups of the streams still running: timers are cleared on close. */
  const live = new Set<() => void>();

  const release = (name: string) => {
    released.add(name);
    for (const go of waiting.get(name) ?? []) go();
    waiting.delete(name);
  };
  const gate = (name: string | null): Promise<void> =>
    name === null || released.has(name)
      ? Promise.resolve()
      : new Promise((resolve) => {
          const list = waiting.get(name) ?? [];
          list.push(resolve);
          waiting.set(name, list);
        });

  /** Starts an event stream on `res` and returns helpers bound to its lifetime. */
  /**
   * `cacheControl`: Chrome keeps no page in the back/forward cache that received a `no-store` response to a
   * script's request (measured: `JsNetworkRequestReceivedCacheControlNoStoreResource`); /ticker?cache=no-cache
   * sends `no-cache` instead, as many real SSE servers do.
   */
  const stream = (req: http.IncomingMessage, res: http.ServerResponse, cacheControl = "no-store") => {
    res.writeHead(200, {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": cacheControl,
      Connection: "keep-alive",
      "X-Accel-Buffering": "no",
    });
    res.flushHeaders();
    const timers = new Set<NodeJS.Timeout>();
    let ended = false;
    const stop = () => {
      ended = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      live.delete(stop);
    };
    live.add(stop);
    req.on("close", stop);
    res.on("close", stop);
    const write = (chunk: string | SseEvent) => {
      if (!ended) res.write(typeof chunk === "string" ? chunk : formatEvent(chunk));
    };
    const later = (ms: number, fn: () => void) => {
      if (ended) return;
      const t = setTimeout(() => {
        timers.delete(t);
        if (!ended) fn();
      }, ms);
      timers.add(t);
    };
    /** Keep the response open; a heartbeat comment now and then keeps proxies from timing it out. */
    const hold = () => {
      const beat = () => {
        write({ comment: "heartbeat" });
        later(15_000, beat);
      };
      later(15_000, beat);
    };
    const end = () => {
      stop();
      res.end();
    };
    /** Calls `each(i)` for i = 0, 1, … every `interval` ms while `each` returns true, then `done()`. */
    const pace = (interval: number, each: (i: number) => boolean, done: () => void) => {
      let i = 0;
      const step = () => {
        if (each(i++)) later(interval, step);
        else done();
      };
      step();
    };
    return { write, hold, end, pace, later };
  };

  const routes: Record<
    string,
    (req: http.IncomingMessage, res: http.ServerResponse, q: URLSearchParams) => void
  > = {
    "/ticker": (req, res, q) => {
      const n = int(q, "n", 0);
      const interval = int(q, "interval", 1000, 60_000);
      const types = [
        "message",
        ...(q.get("types") ?? "price,news").split(",").filter((t) => t && t !== "message"),
      ];
      const after = Number(req.headers["last-event-id"] ?? 0) || 0;
      const s = stream(req, res, q.get("cache") === "no-cache" ? "no-cache" : "no-store");
      const retry = q.get("retry");
      if (retry !== null) s.write({ retry: int(q, "retry", 3000) });
      const symbols = ["ACME", "GLOBEX", "INITECH"];
      s.pace(
        interval,
        (k) => {
          const i = after + k + 1;
          if (n > 0 && i > n) return false;
          const type = types[(i - 1) % types.length] as string;
          const payload =
            type === "price"
              ? {
                  seq: i,
                  symbol: symbols[i % symbols.length],
                  price: Math.round(1000 + 37 * Math.sin(i)) / 10,
                }
              : type === "news"
                ? { seq: i, headline: `Headline number ${i}` }
                : { seq: i, text: `tick ${i}` };
          s.write({
            event: type === "message" ? undefined : type,
            id: String(i),
            data: JSON.stringify(payload),
          });
          return true;
        },
        () => (q.get("end") === "close" ? s.end() : s.hold()),
      );
    },

    "/resumable": (req, res, q) => {
      const n = int(q, "n", 10);
      const k = Math.max(1, int(q, "k", 3));
      const interval = int(q, "interval", 50, 60_000);
      const header = req.headers["last-event-id"];
      const lastEventId = typeof header === "string" ? header : null;
      void gate(lastEventId === null ? null : q.get("hold")).then(() => {
        if (res.destroyed) return;
        const s = stream(req, res);
        s.write({ retry: int(q, "retry", 500, 60_000) });
        if (lastEventId !== null) s.write({ event: "resumed", data: JSON.stringify({ lastEventId }) });
        const from = (Number(lastEventId ?? 0) || 0) + 1;
        s.pace(
          interval,
          (j) => {
            const i = from + j;
            if (j >= k || i > n) return false;
            s.write({ id: String(i), data: JSON.stringify({ n: i }) });
            return true;
          },
          () => (from + k <= n ? s.end() : s.hold()),
        );
      });
    },

    "/ends-204": (req, res, q) => {
      if (req.headers["last-event-id"] !== undefined) {
        res.writeHead(204).end();
        return;
      }
      const n = int(q, "n", 3);
      // tag: appended to each event's data, so that many streams at once carry distinct events.
      const tag = q.get("tag") ? ` [${q.get("tag")}]` : "";
      const s = stream(req, res);
      s.write({ retry: int(q, "retry", 500, 60_000) });
      s.pace(
        int(q, "interval", 50, 60_000),
        (j) => {
          if (j >= n) return false;
          s.write({ event: "status", id: String(j + 1), data: `step ${j + 1} of ${n}${tag}` });
          return true;
        },
        () => s.end(),
      );
    },

    // Network record (src/network): a scripted story over three attempts, told by the Last-Event-ID received.
    // Attempt 1 (no header): comment, retry 700, messages, `event: update` blocks, an id-only block, end.
    // Attempt 2 (Last-Event-ID 3): more of the same, with an unterminated last block, end.
    // Attempt 3 (Last-Event-ID 5): 204, so the browser stops.
    "/net-story": (req, res) => {
      const header = req.headers["last-event-id"];
      if (header === "5") {
        res.writeHead(204).end();
        return;
      }
      const s = stream(req, res);
      if (header === undefined) {
        s.write(": hello\n\nretry: 700\n\n");
        s.write({ id: "1", data: "m1" });
        s.write({ event: "update", id: "2", data: "u2" });
        s.write(": heartbeat\n\nid: 3\n\n");
      } else {
        s.write({ data: "m4" });
        s.write({ event: "update", id: "4", data: "u4" });
        s.write("id: 5\n\ndata: never dispatched");
      }
      s.end();
    },

    // 200 with a Content-Type other than text/event-stream: the browser fails the connection.
    "/wrong-type": (_req, res) => {
      res.writeHead(200, { "Content-Type": "text/plain" }).end("data: not a stream\n\n");
    },

    // Transparency suite (e2e/transparency-cases.spec.ts). /t/raw?name=N[&cors=echo|star]: RAW_STREAMS[N], then
    // the response ends (the browser reconnects after `retry`).
    "/t/raw": (req, res, q) => {
      const body = RAW_STREAMS[q.get("name") ?? ""];
      if (!body) return notFound(res);
      const header = req.headers["last-event-id"];
      res.writeHead(200, {
        "Content-Type": "text/event-stream",
        "Cache-Control": "no-store",
        ...corsHeaders(req, q.get("cors")),
      });
      res.end(body(typeof header === "string" ? header : undefined));
    },
    "/fs/stream": (req, res, q) => {
      let body = "";
      req.on("data", (d: Buffer) => {
        body += d.toString("utf8");
      });
      req.on("end", () => {
        // Not `stream()`: it stops at the request's "close", which Node emits once a request body has been
        // read, not only when the client goes away.
        res.writeHead(200, {
          "Content-Type": "text/event-stream; charset=utf-8",
          "Cache-Control": "no-store",
        });
        res.flushHeaders();
        const s = {
          write: (chunk: string | SseEvent) => {
            if (!res.writableEnded && !res.destroyed)
              res.write(typeof chunk === "string" ? chunk : formatEvent(chunk));
          },
          end: () => res.end(),
        };
        const n = int(q, "n", 3);
        const m = int(q, "m", 2);
        const ev = (i: number) => ({
          ...(i % 2 === 0 ? { event: "tick" } : {}),
          id: String(i),
          data: JSON.stringify({ i, body }),
        });
        for (let i = 1; i <= n; i++) s.write(ev(i));
        s.write({ comment: "between" });
        s.write("retry: 2500\n\n");
        void gate(q.get("gate")).then(() => {
          for (let i = n + 1; i <= n + m; i++) s.write(ev(i));
          s.end();
        });
      });
    },
    "/llm": (req, res, q) => {
      const name = q.get("name") ?? "";
      if (!/^[a-z-]+$/.test(name)) return notFound(res);
      readFile(path.join(fixturesDir, "llm", `${name}.txt`), "utf8")
        .then((text) => {
          const blocks = text.split("\n\n").filter((b) => b !== "");
          const s = stream(req, res);
          s.pace(
            int(q, "interval", 10),
            (i) => {
              if (i < blocks.length) s.write(`${blocks[i]}\n\n`);
              return i < blocks.length;
            },
            s.hold,
          );
        })
        .catch(() => notFound(res));
    },
    "/fs/plain": (_req, res) => send(res, "application/json", JSON.stringify({ plain: true })),
    // The smallest valid module: magic + version (WebAssembly.compileStreaming needs application/wasm).
    "/fs/wasm": (_req, res) => {
      res.writeHead(200, { "Content-Type": "application/wasm" });
      res.end(Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]));
    },
    // e2e/fetch-transparency.spec.ts: a body that goes on until the client leaves (`type`, default
    // text/event-stream; one small event every `interval` ms), and one the server breaks after n events.
    "/ft/drip": (_req, res, q) => {
      res.writeHead(200, {
        "Content-Type": q.get("type") ?? "text/event-stream",
        "Cache-Control": "no-store",
      });
      let i = 0;
      const tick = () => {
        if (res.destroyed || res.writableEnded) return;
        res.write(`id: ${++i}\ndata: drip ${i}\n\n`);
        const t = setTimeout(tick, int(q, "interval", 20, 10_000));
        t.unref();
      };
      tick();
    },
    "/ft/break": (req, res, q) => {
      res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-store" });
      for (let i = 1; i <= int(q, "n", 2); i++) res.write(`id: ${i}\ndata: before the break ${i}\n\n`);
      // Destroying the socket in the middle of a chunked body: the browser's reader fails with a network error.
      const t = setTimeout(() => req.socket.destroy(), 50);
      t.unref();
    },
    // scripts/bench-fetch.ts: `mb` MiB of 1 KiB events, written as fast as the client reads them.
    "/ft/big": (_req, res, q) => {
      res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-store" });
      const event = Buffer.from(`data: ${"x".repeat(1024 - 7)}\n\n`);
      const block = Buffer.concat(Array.from({ length: 64 }, () => event));
      let left = int(q, "mb", 100, 4096) * 16;
      const pump = () => {
        while (left > 0 && !res.destroyed) {
          left--;
          if (!res.write(block)) return void res.once("drain", pump);
        }
        if (!res.destroyed) res.end();
      };
      pump();
    },
    // /t/status?code=404|503|204|…: that status, a stream-looking body that must never be parsed.
    "/t/status": (_req, res, q) => {
      const code = Math.min(599, Math.max(200, int(q, "code", 404)));
      res.writeHead(code, { "Content-Type": q.get("type") ?? "text/event-stream" });
      res.end(code === 204 ? undefined : "data: must not be dispatched\n\n");
    },
    // /t/redirect?code=301|302|307|308&to=URL (absolute or relative to this server).
    "/t/redirect": (_req, res, q) => {
      const code = int(q, "code", 302);
      res.writeHead([301, 302, 303, 307, 308].includes(code) ? code : 302, { Location: q.get("to") ?? "/" });
      res.end();
    },
    // /t/cors?cors=echo|star: one event saying which Cookie and Origin headers arrived, then the response ends.
    "/t/cors": (req, res, q) => {
      res.writeHead(200, {
        "Content-Type": "text/event-stream",
        "Cache-Control": "no-store",
        ...corsHeaders(req, q.get("cors")),
      });
      const seen = { cookie: req.headers.cookie ?? null, origin: req.headers.origin ?? null };
      res.end(`retry: 60000\ndata: ${JSON.stringify(seen)}\n\n`);
    },

    // /loss/stress?kind=big|utf8|types (e2e/no-loss.spec.ts): awkward single streams, then the response stays open.
    //   big: one event of `mb` MiB of data (default 10, id "big"), then event "after".
    //   utf8: events whose data holds invalid UTF-8 bytes (the browser decodes each bad sequence to U+FFFD).
    //   types: `n` events (default 10 000), each of its own type t0, t1, …
    "/loss/stress": (req, res, q) => {
      const s = stream(req, res);
      const kind = q.get("kind");
      if (kind === "big") {
        const size = Math.round(Math.min(64, Math.max(0.001, Number(q.get("mb") ?? 10) || 10)) * 1024 * 1024);
        const unit = "0123456789abcdefghijklmnopqrstuvwxyz";
        s.write(`id: big\ndata: ${unit.repeat(Math.ceil(size / unit.length)).slice(0, size)}\n\n`);
        s.write({ event: "after", id: "after", data: "after the big one" });
      } else if (kind === "utf8") {
        res.write(
          Buffer.concat([
            Buffer.from("id: u1\ndata: lone continuation ["),
            Buffer.from([0x80]),
            Buffer.from("] overlong ["),
            Buffer.from([0xc0, 0xaf]),
            Buffer.from("] truncated ["),
            Buffer.from([0xe2, 0x82]),
            Buffer.from("] ff ["),
            Buffer.from([0xff, 0xfe]),
            Buffer.from("] ok é\n\n"),
            Buffer.from("event: bytes\nid: u2\ndata: surrogate ["),
            Buffer.from([0xed, 0xa0, 0x80]),
            Buffer.from("] end\n\n"),
          ]),
        );
      } else if (kind === "types") {
        const n = int(q, "n", 10_000, 100_000);
        const parts: string[] = [];
        for (let i = 0; i < n; i++) parts.push(`event: t${i}\nid: ${i}\ndata: ${i}\n\n`);
        s.write(parts.join(""));
      }
      s.hold();
    },

    // Diagnostics (src/diagnostics, e2e/diagnostics.spec.ts). A problem stream ends once it has shown its
    // problem, with `retry: 3600000` so that the browser waits (readyState 0, no socket held) instead of
    // repeating it. Written raw: formatEvent puts id before data, which is itself a diagnostic.
    "/diag/clean": (req, res) => {
      // Attempt 1 ends after a retry of exactly 1 s (not "below 1 s"), ids after data, a listened custom type
      // and a heartbeat; the reconnect resumes after its Last-Event-ID and stays open.
      const s = stream(req, res);
      if (req.headers["last-event-id"] === undefined) {
        s.write('retry: 1000\n\ndata: {"n":1}\nid: 1\n\nevent: tick\ndata: t2\nid: 2\n\n: heartbeat\n\n');
        s.end();
      } else {
        s.write("event: tick\ndata: t3\nid: 3\n\n");
        s.hold();
      }
    },
    "/diag/no-ids": (req, res) => {
      const s = stream(req, res);
      s.write("retry: 3600000\n\ndata: a\n\ndata: b\n\n");
      s.end();
    },
    "/diag/id-first": (req, res) => {
      const s = stream(req, res);
      s.write("retry: 3600000\n\nid: 1\ndata: id before data\n\ndata: fine\nid: 2\n\n");
      s.end();
    },
    "/diag/storm": (req, res) => {
      // Each response ends at once with retry 100: 12 attempts in about a second, then it calms down.
      const n = Number(req.headers["last-event-id"] ?? 0) || 0;
      const s = stream(req, res);
      s.write(`retry: ${n >= 11 ? 3_600_000 : 100}\n\ndata: attempt ${n + 1}\nid: ${n + 1}\n\n`);
      s.end();
    },
    "/diag/low-retry": (req, res) => {
      const s = stream(req, res);
      if (req.headers["last-event-id"] === undefined) s.write("retry: 500\n\ndata: a\nid: 1\n\n");
      else s.write("retry: 3600000\n\ndata: b\nid: 2\n\n");
      s.end();
    },
    "/diag/unlistened": (req, res) => {
      const s = stream(req, res);
      s.write(
        "retry: 3600000\n\nevent: orphan\ndata: o1\nid: 1\n\ndata: m\nid: 2\n\nevent: orphan\ndata: o2\nid: 3\n\n",
      );
      s.end();
    },
    "/diag/big": (req, res, q) => {
      const bytes = Math.round(
        Math.min(16, Math.max(0.001, Number(q.get("mb") ?? 1.1) || 1.1)) * 1024 * 1024,
      );
      const s = stream(req, res);
      s.write(`retry: 3600000\n\ndata: ${"x".repeat(bytes)}\nid: big\n\n`);
      s.end();
    },
    "/diag/hold": (req, res) => {
      const s = stream(req, res);
      s.write("data: held\nid: 1\n\n");
      s.hold();
    },

    "/mixed": (req, res, q) => {
      const repeat = Math.max(1, int(q, "repeat", 1, 10_000));
      const blocks = Array.from({ length: repeat }, () => MIXED_BLOCK).flat();
      const s = stream(req, res);
      const interval = int(q, "interval", 0, 60_000);
      if (interval === 0) {
        for (const b of blocks) s.write(b);
        s.hold();
      } else {
        s.pace(
          interval,
          (i) => {
            const b = blocks[i];
            if (b === undefined) return false;
            s.write(b);
            return true;
          },
          () => s.hold(),
        );
      }
    },
  };

  // maxHeaderSize: the hostile-page tests open a 64 KB URL (Node's default allows 16 KB of request head).
  const server = http.createServer({ maxHeaderSize: 256 * 1024 }, (req, res) => {
    const u = new URL(req.url ?? "/", "http://x");
    const q = u.searchParams;
    const header = req.headers["last-event-id"];
    const seen: RequestSeen = {
      path: u.pathname,
      query: Object.fromEntries(q),
      lastEventId: typeof header === "string" ? header : null,
      status: 200,
    };
    requests.push(seen);
    // A demo may run for hours: keep the recent past only.
    if (requests.length > 10_000) requests.splice(0, requests.length - 5_000);
    res.on("finish", () => {
      seen.status = res.statusCode;
    });
    res.on("close", () => {
      seen.status = res.statusCode;
      seen.closed = true;
    });
    const route = routes[u.pathname];
    if (route) return route(req, res, q);
    if (u.pathname === "/" || u.pathname === "/demo") return send(res, "text/html", DEMO_PAGE);
    const fixture = /^\/fixtures\/([a-z0-9-]+\.(html|js))$/.exec(u.pathname);
    if (fixture) {
      const [, name, ext] = fixture as unknown as [string, string, string];
      readFile(path.join(fixturesDir, name), "utf8")
        .then((text) => send(res, ext === "js" ? "text/javascript" : "text/html", text))
        .catch(() => notFound(res));
      return;
    }
    if (u.pathname === "/favicon.ico") return void res.writeHead(204).end();
    // ES modules of packages import "./fetch" without an extension (resolved by bundlers, not browsers).
    const npm = /^\/npm\/((?:@[a-z0-9-]+\/)?[a-z0-9.-]+)\/([a-z0-9/._-]+)$/.exec(u.pathname);
    if (npm && !npm[2]?.includes("..")) {
      const [, pkg, file] = npm as unknown as [string, string, string];
      readFile(path.join(REPO_NODE_MODULES, pkg, file.endsWith(".js") ? file : `${file}.js`), "utf8")
        .then((text) => send(res, "text/javascript", text))
        .catch(() => notFound(res));
      return;
    }
    notFound(res);
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const origin = `http://${host}:${port}`;

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= new Promise<void>((resolve) => {
      clearTimeout(lifetime);
      for (const stop of [...live]) stop();
      for (const name of [...waiting.keys()]) release(name);
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closing;
  };
  const lifetime = setTimeout(() => void close(), opts.maxLifetimeMs ?? 10 * 60_000);
  lifetime.unref();

  return { origin, port, requests, url: (path) => new URL(path, origin).href, release, close };
}

function send(res: http.ServerResponse, type: string, body: string): void {
  res.writeHead(200, { "Content-Type": `${type}; charset=utf-8`, "Cache-Control": "no-store" });
  res.end(body);
}

function notFound(res: http.ServerResponse): void {
  res.writeHead(404, { "Content-Type": "text/plain" });
  res.end("not found\n");
}

/** The demo page: three EventSources and a fetch() LLM stream, what each receives shown as text (never as markup). */
export const DEMO_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>SSE DevTools demo</title>
<style>
  body { font: 13px system-ui, sans-serif; margin: 16px; color: #222; }
  h1 { font-size: 18px; margin: 0 0 4px; }
  p.hint { color: #555; margin: 0 0 12px; }
  .grid { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 12px; }
  section { border: 1px solid #ccc; border-radius: 6px; padding: 8px; min-width: 0; }
  h2 { font-size: 14px; margin: 0 0 4px; }
  .state { font-weight: 600; }
  ol { margin: 6px 0 0; padding-left: 20px; max-height: 60vh; overflow: auto; font: 12px ui-monospace, monospace; }
  li { white-space: pre-wrap; word-break: break-all; }
</style>
</head>
<body>
<h1>SSE DevTools demo</h1>
<p class="hint">Open DevTools, panel "SSE": each EventSource below is listed there with its events, reconnects and state; the fourth stream is read with fetch() like an LLM chat UI (select it: the detail pane shows its transcript).</p>
<div class="grid">
  <section id="ticker"><h2>/ticker</h2><div>state: <span class="state">-</span></div><ol></ol></section>
  <section id="resumable"><h2>/resumable</h2><div>state: <span class="state">-</span></div><ol></ol></section>
  <section id="ends-204"><h2>/ends-204</h2><div>state: <span class="state">-</span></div><ol></ol></section>
  <section id="llm"><h2>fetch() /llm</h2><div>state: <span class="state">-</span></div><ol></ol></section>
</div>
<script>
  const STATES = ["connecting", "open", "closed"];
  window.__demoReceived = 0;
  function show(id, url, types) {
    const box = document.getElementById(id);
    const list = box.querySelector("ol");
    const state = box.querySelector(".state");
    const es = new EventSource(url);
    const log = (text) => {
      const li = document.createElement("li");
      li.textContent = text;
      list.prepend(li);
      while (list.children.length > 200) list.lastChild.remove();
    };
    const onEvent = (e) => {
      window.__demoReceived++;
      log((e.type === "message" ? "" : e.type + " ") + (e.lastEventId ? "#" + e.lastEventId + " " : "") + e.data);
    };
    es.onmessage = onEvent;
    for (const t of types) es.addEventListener(t, onEvent);
    es.onopen = () => { state.textContent = STATES[es.readyState]; log("(open)"); };
    es.onerror = () => {
      state.textContent = es.readyState === 0 ? "reconnecting" : STATES[es.readyState];
      log(es.readyState === 0 ? "(error: the browser will reconnect)" : "(error: the browser gave up)");
    };
    return es;
  }
  show("ticker", "/ticker?interval=1000&types=price,news", ["price", "news"]);
  show("resumable", "/resumable?n=1000000&k=5&interval=700&retry=1500", ["resumed"]);
  show("ends-204", "/ends-204?n=4&interval=800&retry=1000", ["status"]);
  // An LLM-style stream read with fetch() and a reader, as chat UIs do; again every 15 s.
  async function chat() {
    const box = document.getElementById("llm");
    const state = box.querySelector(".state");
    const li = document.createElement("li");
    box.querySelector("ol").prepend(li);
    state.textContent = "streaming";
    const r = await fetch("/llm?name=openai-chat&interval=60", { method: "POST", body: "{}" });
    const reader = r.body.getReader();
    const decoder = new TextDecoder();
    let buf = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buf += decoder.decode(value, { stream: true });
      for (let end = buf.indexOf("\\n\\n"); end >= 0; end = buf.indexOf("\\n\\n")) {
        const data = buf.slice(0, end).replace(/^data: /, "");
        buf = buf.slice(end + 2);
        if (data === "[DONE]") { await reader.cancel(); state.textContent = "done"; setTimeout(chat, 15000); return; }
        const delta = JSON.parse(data).choices?.[0]?.delta?.content;
        if (delta) { li.textContent += delta; window.__demoReceived++; }
      }
    }
  }
  chat();
</script>
</body>
</html>
`;

// Standalone: `npx tsx scripts/sse-server.ts [port]`.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const s = await startSseServer({ port: Number(process.argv[2] ?? 0) || 0, maxLifetimeMs: 60 * 60_000 });
  console.log(`SSE demo server: ${s.url("/demo")} (stops after an hour or on Ctrl-C)`);
  process.on("SIGINT", () => void s.close().then(() => process.exit(0)));
}
