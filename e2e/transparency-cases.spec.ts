/**
 * Transparency, case by case: each case is a small page-side scenario evaluated in e2e/fixtures/cases.html
 * that returns a JSON observation (readyState sequence with event types, data, lastEventId, origin, error
 * classes and messages…). Every case runs in a browser with the extension and in one without; the two
 * observations must be deep-equal, and each test is one case, so a failure names it. A `check` on the plain
 * browser's observation keeps a case honest: two identical failures would otherwise compare equal.
 *
 * Both browsers and both servers are started once for the file (a browser launch costs ~1 s; a case costs
 * tens of ms). The second server (another port on 127.0.0.1) is the cross-origin side: CORS with
 * credentials, cross-origin redirects. Stream bodies: RAW_STREAMS and the /t/ routes in scripts/sse-server.ts.
 * Facts checked: ../shared/notes/sse-facts.md and WHATWG HTML "Server-sent events".
 */
import { expect, test } from "@playwright/test";
import { type SseServer, startSseServer } from "../scripts/sse-server";
import { type Launched, launch } from "./helpers/browser";
import { fixtureUrl } from "./helpers/page";
import { connectionByUrl, openPanelTab } from "./helpers/panel";

interface Env {
  /** The page's origin (server 1). */
  origin: string;
  /** Another origin: server 2, another port on 127.0.0.1. */
  other: string;
  /** The case's own `args`. */
  args: unknown[];
}

interface Entry {
  ev: string;
  rs: number;
  trusted: boolean;
  cls: string;
  data?: string;
  id?: string;
  origin?: string;
}
interface Run {
  threw?: { name: string; message: string };
  ctor?: { url: string; withCredentials: boolean; rs: number };
  log: Entry[];
  rsAfterClose: number;
  timedOut?: boolean;
}
type Until = (log: Entry[], es: EventSource) => boolean;
interface WatchOpts {
  types?: string[];
  until?: Until;
  during?: (e: Event, log: Entry[], es: EventSource) => void;
}
/** The page's helpers (e2e/fixtures/cases.html). */
interface TApi {
  err(e: unknown): unknown;
  watch(es: EventSource, opts?: WatchOpts): Promise<Run>;
  run(url: unknown, init?: EventSourceInit, opts?: WatchOpts): Promise<Run>;
  firstError: Until;
  count(ev: string, n: number): Until;
  ticks(url: string, n: number): Promise<Run>;
}
declare const T: TApi;

interface Case {
  name: string;
  /** Values the page function receives as `env.args` (undefined and null survive the trip). */
  args?: unknown[];
  /** Evaluated in the page (serialized: it may use only its argument and the page's globals). */
  run: (env: Env) => Promise<unknown>;
  /** Facts the plain browser's observation must show. */
  check?: (plain: never, env: Env) => void;
}

/** The events of a run as `type/readyState` (and data when there is some), for compact checks. */
const story = (r: Run) =>
  r.log.map((e) => (e.data === undefined ? `${e.ev}/${e.rs}` : `${e.ev}/${e.rs}:${e.data}`));
const gaveUp = (r: Run) => {
  expect(r.timedOut).toBeUndefined();
  expect(story(r)).toEqual(["error/2"]);
};

const cases: Case[] = [
  // ── constructor arguments (WPT eventsource/eventsource-constructor-stringify) ────────────────────────────
  {
    name: "constructor: an object is stringified once",
    run: async () => {
      let calls = 0;
      const url = {
        toString() {
          calls++;
          return "/t/raw?name=two-then-end";
        },
      };
      const r = await T.run(url, undefined, { until: T.firstError });
      return { ...r, calls };
    },
    check: (p: Run & { calls: number }, env) => {
      expect(p.calls).toBe(1);
      expect(p.ctor?.url).toBe(`${env.origin}/t/raw?name=two-then-end`);
      expect(story(p)).toEqual(["open/1", "message/1:one", "message/1:two", "error/0"]);
    },
  },
  ...[1, null, undefined, ""].map(
    (arg): Case => ({
      name: `constructor: ${JSON.stringify(arg) ?? "undefined"}`,
      args: [arg],
      // The fixture page is /fixtures/cases.html: 1, null, undefined resolve to /fixtures/<them> (404); "" is the
      // page itself (text/html). All fail the connection.
      run: (env) => T.run(env.args[0]),
      check: (p: Run) => gaveUp(p),
    }),
  ),
  {
    name: "constructor: URL object and withCredentials coercion",
    run: async () => {
      const es = new EventSource(new URL("/t/status?code=404", location.href) as unknown as string, {
        withCredentials: "yes" as unknown as boolean,
      });
      const facts = { url: es.url, withCredentials: es.withCredentials, rs: es.readyState };
      return { facts, ...(await T.watch(es)) };
    },
    check: (p: Run & { facts: { withCredentials: boolean } }) => expect(p.facts.withCredentials).toBe(true),
  },
  {
    name: "bogus URLs throw SyntaxError",
    run: async () =>
      ["http://[::1", "http://[1:2]/", "https://:80/", "http://a:99999/", "http://user@/"].map((u) => {
        try {
          new EventSource(u).close();
          return { u, threw: false };
        } catch (e) {
          return { u, threw: T.err(e) };
        }
      }),
    check: (p: { threw: { name: string; isDOMException: boolean } }[]) => {
      for (const r of p) expect(r.threw).toMatchObject({ name: "SyntaxError", isDOMException: true });
    },
  },
  {
    name: "non-http schemes",
    run: async () => {
      const out: Record<string, unknown> = {};
      for (const u of [
        "ftp://127.0.0.1/x",
        "file:///etc/hostname",
        "javascript:1",
        "about:blank",
        "ws://127.0.0.1:1/",
        "data:text/event-stream,data%3A%20from%20a%20data%20URL%0A%0A",
      ])
        out[u] = await T.run(u, undefined, { until: T.firstError });
      return out;
    },
    check: (p: Record<string, Run>) => {
      for (const [u, r] of Object.entries(p)) {
        expect(r.timedOut, u).toBeUndefined();
        expect(r.log.at(-1)?.ev, u).toBe("error");
      }
    },
  },

  // ── connection outcomes ───────────────────────────────────────────────────────────────────────────────
  {
    name: "200 then end of body: reconnects (error at readyState 0), then open again",
    run: () => T.run("/t/raw?name=two-then-end", undefined, { until: T.count("open", 2) }),
    check: (p: Run) =>
      expect(story(p)).toEqual(["open/1", "message/1:one", "message/1:two", "error/0", "open/1"]),
  },
  ...(
    [
      ["204", "/t/status?code=204"],
      ["404", "/t/status?code=404"],
      ["503", "/t/status?code=503"],
      ["500 text/event-stream", "/t/status?code=500"],
      ["wrong Content-Type (text/plain)", "/wrong-type"],
      ["wrong Content-Type (application/json)", "/t/status?code=200&type=application%2Fjson"],
    ] as const
  ).map(
    ([what, path]): Case => ({
      name: `${what}: the browser gives up`,
      args: [path],
      run: (env) => T.run(env.args[0]),
      check: (p: Run) => gaveUp(p),
    }),
  ),
  {
    name: "Content-Type with parameters is still a stream",
    run: () =>
      T.run("/t/status?code=200&type=text%2Fevent-stream%3B%20charset%3Dutf-8", undefined, {
        until: T.firstError,
      }),
    check: (p: Run) => expect(story(p)).toEqual(["open/1", "message/1:must not be dispatched", "error/0"]),
  },

  // ── redirects: followed; url stays the one constructed; origin is the final URL's ───────────────────────
  ...[301, 302, 307, 308].map(
    (code): Case => ({
      name: `redirect ${code} (same origin)`,
      args: [`/t/redirect?code=${code}&to=${encodeURIComponent("/t/raw?name=two-then-end")}`],
      run: (env) => T.run(env.args[0], undefined, { until: T.firstError }),
      check: (p: Run, env) => {
        expect(p.ctor?.url).toContain("/t/redirect");
        expect(story(p)).toEqual(["open/1", "message/1:one", "message/1:two", "error/0"]);
        expect(p.log[1]?.origin).toBe(env.origin);
      },
    }),
  ),
  {
    name: "redirect 307 to another origin with CORS: origin is the final URL's",
    run: (env) =>
      T.run(
        `/t/redirect?code=307&to=${encodeURIComponent(`${env.other}/t/raw?name=two-then-end&cors=echo`)}`,
        undefined,
        {
          until: T.firstError,
        },
      ),
    check: (p: Run, env) => {
      expect(story(p)).toEqual(["open/1", "message/1:one", "message/1:two", "error/0"]);
      expect(p.log[1]?.origin).toBe(env.other);
    },
  },
  {
    name: "redirect 302 to another origin without CORS: fails",
    run: (env) =>
      T.run(`/t/redirect?code=302&to=${encodeURIComponent(`${env.other}/t/raw?name=two-then-end`)}`),
    check: (p: Run) => gaveUp(p),
  },

  // ── the stream format (WHATWG HTML, "Server-sent events", parsing) ──────────────────────────────────────
  {
    name: "lastEventId persists across events and is reset by a bare or empty id",
    run: () => T.run("/t/raw?name=ids", undefined, { until: T.firstError }),
    check: (p: Run) =>
      expect(p.log.filter((e) => e.ev === "message").map((e) => [e.data, e.id])).toEqual([
        ["a", "1"],
        ["keeps 1", "1"],
        ["reset by bare id", ""],
        ["b", "2"],
        ["reset by empty id:", ""],
        ["id set by a block without data", "3"],
      ]),
  },
  {
    name: "Last-Event-ID across reconnects, and reset by an empty id",
    run: () => T.run("/t/raw?name=echo-id", undefined, { until: T.count("message", 5) }),
    check: (p: Run) =>
      expect(p.log.filter((e) => e.ev === "message").map((e) => [e.data, e.id])).toEqual([
        ["sent none", ""],
        ["set 7", "7"],
        ["sent 7", "7"],
        ["reset", ""],
        ["sent none", ""],
      ]),
  },
  {
    name: "an id containing NUL is ignored",
    run: () => T.run("/t/raw?name=nul-id", undefined, { until: T.firstError }),
    check: (p: Run) =>
      expect(p.log.filter((e) => e.ev === "message").map((e) => e.id)).toEqual(["ok", "ok", "ok"]),
  },
  {
    name: "multi-line data, empty data lines, leading spaces, CRLF",
    run: () => T.run("/t/raw?name=multiline", undefined, { until: T.firstError }),
    check: (p: Run) =>
      expect(p.log.filter((e) => e.ev === "message").map((e) => e.data)).toEqual([
        "a\n\nb\n",
        " two spaces\nno space",
        "crlf 1\ncrlf 2",
      ]),
  },
  {
    name: "a leading BOM is stripped; a second one is part of a field name",
    run: () => T.run("/t/raw?name=bom", undefined, { until: T.firstError }),
    check: (p: Run) =>
      expect(p.log.filter((e) => e.ev === "message").map((e) => e.data)).toEqual(["after bom", "last"]),
  },
  {
    name: "CR-only line ends",
    run: () => T.run("/t/raw?name=cr-only", undefined, { types: ["custom"], until: T.firstError }),
    check: (p: Run) =>
      expect(story(p)).toEqual(["open/1", "message/1:a\nb", "message/1:c", "custom/1:d", "error/0"]),
  },

  // ── the page stopping things ─────────────────────────────────────────────────────────────────────────
  {
    name: "close() inside a message handler: nothing after it",
    run: async () => {
      const es = new EventSource("/ticker?interval=20&types=");
      const log: unknown[] = [];
      await new Promise<void>((resolve) => {
        es.onmessage = (e) => {
          log.push(["message", e.data, es.readyState]);
          if (log.length === 2) {
            es.close();
            log.push(["closed", es.readyState]);
            resolve();
          }
        };
        es.onerror = () => log.push(["error", es.readyState]);
      });
      // A clock: while a fresh stream delivers three events, the closed one would have delivered more.
      await T.ticks("/ticker?interval=20&types=&n=3", 3);
      return log;
    },
    check: (p: unknown[]) => expect(p.at(-1)).toEqual(["closed", 2]),
  },
  {
    name: "close() inside open and error handlers",
    run: async () => {
      const inOpen: unknown[] = [];
      const es = new EventSource("/ticker?interval=20&types=");
      await new Promise<void>((resolve) => {
        es.onopen = () => {
          es.close();
          inOpen.push(["open→closed", es.readyState]);
          resolve();
        };
        es.onmessage = (e) => inOpen.push(["message", e.data]);
        es.onerror = () => inOpen.push(["error", es.readyState]);
      });
      // End of body → error at readyState 0; closing there cancels the reconnect.
      const inError: unknown[] = [];
      const es2 = new EventSource("/t/raw?name=two-then-end");
      await new Promise<void>((resolve) => {
        es2.onopen = () => inError.push(["open", es2.readyState]);
        es2.onmessage = (e) => inError.push(["message", e.data]);
        es2.onerror = () => {
          inError.push(["error", es2.readyState]);
          es2.close();
          inError.push(["closed", es2.readyState]);
          resolve();
        };
      });
      // The stream asks for a 50 ms retry: by the clock's end a reconnect would have opened.
      await T.ticks("/ticker?interval=40&types=&n=3", 3);
      return { inOpen, inError };
    },
    check: (p: { inError: unknown[] }) => expect(p.inError.at(-1)).toEqual(["closed", 2]),
  },
  {
    name: "window.stop()",
    run: async () => {
      const es = new EventSource("/ticker?interval=20&types=");
      const seen: unknown[] = [];
      for (const t of ["open", "message", "error"])
        es.addEventListener(t, (e) => seen.push([e.type, es.readyState]));
      await new Promise((r) => es.addEventListener("message", r, { once: true }));
      window.stop();
      const right = es.readyState;
      const clock = await T.ticks("/ticker?interval=20&types=&n=3", 3);
      const after = es.readyState;
      es.close();
      return { right, after, seen, clock: clock.log.map((e) => e.ev) };
    },
  },

  // ── credentials and realms ───────────────────────────────────────────────────────────────────────────
  {
    name: "withCredentials with a cross-origin server (CORS echo / * / none)",
    run: async (env) => {
      // biome-ignore lint/suspicious/noDocumentCookie: a cookie set the way most pages still set one.
      document.cookie = "tr=1; path=/";
      const out: Record<string, unknown> = {};
      for (const [withCredentials, cors] of [
        [true, "echo"],
        [false, "echo"],
        [true, "star"],
        [false, "star"],
        [true, "none"],
        [false, "none"],
      ] as const)
        out[`withCredentials ${withCredentials}, CORS ${cors}`] = await T.run(
          `${env.other}/t/cors?cors=${cors}`,
          { withCredentials },
          { until: (log) => log.at(-1)?.ev !== "open" },
        );
      return out;
    },
    check: (p: Record<string, Run>, env) => {
      const seen = (k: string) => story(p[k] as Run);
      expect(seen("withCredentials true, CORS echo")).toEqual([
        "open/1",
        `message/1:${JSON.stringify({ cookie: "tr=1", origin: env.origin })}`,
      ]);
      expect(seen("withCredentials false, CORS echo")).toEqual([
        "open/1",
        `message/1:${JSON.stringify({ cookie: null, origin: env.origin })}`,
      ]);
      expect(seen("withCredentials true, CORS star")).toEqual(["error/2"]);
      expect(seen("withCredentials false, CORS star")).toHaveLength(2);
      expect(seen("withCredentials true, CORS none")).toEqual(["error/2"]);
      expect(seen("withCredentials false, CORS none")).toEqual(["error/2"]);
    },
  },
  {
    name: "iframe realms: instances, events and listeners across frames",
    run: async () => {
      const f = document.createElement("iframe");
      document.body.append(f);
      const W = f.contentWindow as typeof window;
      const FES = W.EventSource;
      const firstMessage = (es: EventSource, listener?: (r: (v: unknown) => void) => EventListener) =>
        new Promise<unknown>((r) =>
          es.addEventListener("message", listener ? listener(r) : r, { once: true }),
        );

      const es = new FES("/t/raw?name=two-then-end");
      const e = (await firstMessage(es)) as MessageEvent;
      const iframeCtor = {
        distinct: FES !== EventSource,
        protoIsIframe: Object.getPrototypeOf(es) === FES.prototype,
        instanceofTop: es instanceof EventSource,
        instanceofIframe: es instanceof FES,
        eventIframeRealm: e instanceof W.MessageEvent,
        eventTopRealm: e instanceof MessageEvent,
        targetIsEs: e.target === es,
        url: es.url,
        origin: e.origin,
        data: e.data,
      };
      es.close();

      // A top-frame EventSource with a listener made in the iframe's realm.
      const es2 = new EventSource("/t/raw?name=two-then-end");
      const makeListener = new W.Function(
        "r",
        "return function (e) { r([e instanceof MessageEvent, Object.getPrototypeOf(e) === MessageEvent.prototype, e.data]); }",
      ) as (r: (v: unknown) => void) => EventListener;
      const iframeListener = await firstMessage(es2, makeListener);
      es2.close();

      // new.target from the other realm decides the prototype.
      const es3 = Reflect.construct(EventSource, ["/t/raw?name=two-then-end"], FES) as EventSource;
      const crossNewTarget = {
        protoIsIframe: Object.getPrototypeOf(es3) === FES.prototype,
        instanceofTop: es3 instanceof EventSource,
        data: ((await firstMessage(es3)) as MessageEvent).data,
      };
      es3.close();
      f.remove();
      return { iframeCtor, iframeListener, crossNewTarget };
    },
    check: (p: { iframeCtor: Record<string, unknown> }) =>
      expect(p.iframeCtor).toMatchObject({ distinct: true, eventIframeRealm: true, eventTopRealm: false }),
  },
  {
    name: "listener order, once, duplicates, capture, handleEvent, removal and additions during dispatch",
    run: async () => {
      const es = new EventSource("/t/raw?name=two-then-end");
      const order: string[] = [];
      const a = (e: MessageEvent) => order.push(`a:${e.data}`);
      const removed = (e: MessageEvent) => order.push(`removed:${e.data}`);
      es.addEventListener("error", () => order.push(`error-listener:${es.readyState}`));
      es.onerror = () => order.push(`onerror:${es.readyState}`);
      es.addEventListener("message", a);
      es.onmessage = (e) => order.push(`on:${e.data}`);
      es.addEventListener("message", { handleEvent: (e: MessageEvent) => order.push(`obj:${e.data}`) });
      es.addEventListener("message", (e) => order.push(`once:${e.data}`), { once: true });
      es.addEventListener("message", a); // a duplicate: ignored
      es.addEventListener(
        "message",
        (e) => {
          order.push(`capture:${e.data}`);
          if (e.data === "one") {
            // Reassigning onmessage keeps its place; a listener added now does not see this event.
            es.onmessage = (e2) => order.push(`on2:${e2.data}`);
            es.addEventListener("message", (e2) => order.push(`added:${e2.data}`));
            es.removeEventListener("message", removed);
          } else e.stopImmediatePropagation();
        },
        true,
      );
      es.addEventListener("message", removed);
      es.addEventListener("message", (e) => order.push(`last:${e.data}`));
      es.addEventListener("open", () => order.push(`open:${es.readyState}`));
      es.onopen = () => order.push("onopen");
      await new Promise<void>((r) => es.addEventListener("error", () => r()));
      es.close();
      return order;
    },
    check: (p: string[]) =>
      expect(p).toEqual([
        "open:1",
        "onopen",
        "a:one",
        "on:one",
        "obj:one",
        "once:one",
        "capture:one",
        "last:one",
        "a:two",
        "on2:two",
        "obj:two",
        "capture:two",
        "error-listener:0",
        "onerror:0",
      ]),
  },
];

let server: SseServer;
let other: SseServer;
let withExt: Launched;
let without: Launched;

test.beforeAll(async () => {
  [server, other, withExt, without] = await Promise.all([
    startSseServer({ maxLifetimeMs: 5 * 60_000 }),
    startSseServer({ maxLifetimeMs: 5 * 60_000 }),
    launch({ extension: true }),
    launch({ extension: false }),
  ]);
});
test.afterAll(async () => {
  await Promise.all([withExt?.close(), without?.close(), server?.close(), other?.close()]);
});

const observe = async (b: Launched, c: Case, env: Env): Promise<unknown> => {
  await b.page.goto(fixtureUrl(env.origin, "cases.html"));
  return b.page.evaluate(c.run, env);
};
const envFor = (c: Case): Env => ({ origin: server.origin, other: other.origin, args: c.args ?? [] });

for (const c of cases) {
  test(c.name, async () => {
    const env = envFor(c);
    const [a, b] = await Promise.all([observe(withExt, c, env), observe(without, c, env)]);
    // CASES_DUMP=1 prints each observation (to read what the browser did when adding a case).
    if (process.env.CASES_DUMP) console.log(c.name, JSON.stringify(b, null, 1));
    c.check?.(b as never, env);
    expect(a, `${c.name}: with the extension vs without`).toEqual(b);
  });
}

test("the extension was there: its panel saw the suite's page", async () => {
  const env = envFor({ name: "", run: async () => 0 });
  await withExt.page.goto(fixtureUrl(env.origin, "cases.html"));
  await withExt.page.evaluate(() => T.run("/t/raw?name=two-then-end", undefined, { until: T.firstError }));
  const { view, page } = await openPanelTab(withExt, withExt.page);
  await view.waitFor((s) => connectionByUrl(s.connections, "/t/raw?name=two-then-end"), {
    message: "the hooked page's stream in the panel",
  });
  await page.close();
});
