/**
 * fetch() and XHR event streams, case by case, with and without the extension (issue 6, item 2; the model is
 * e2e/transparency-cases.spec.ts): each case runs the same page function in both browsers and the two
 * observations must be deep-equal; a `check` on the plain browser's keeps a case honest; and a `seen` check on
 * the extension's panel (opened as a tab on the inspected page) proves the hook did observe what it must and
 * nothing else — observation and invisibility together. Cases that leave a request open ask the server
 * whether it ended (`closed`) in both browsers. All cases run on one loaded document per browser (the panel
 * keeps the document's connections), each with its own `client=` in its URLs.
 * Not compared (a known limit): `Reflect.construct(fetch, [])` throws "… is not a constructor" whose text V8 builds
 * from the function's own source, not through Function.prototype.toString, so the hook's source shows there (as
 * for every patched method, EventSource's included).
 * Facts: ../shared/notes/sse-facts.md ("Observing fetch()-based streams"), src/hook/streams.ts.
 */
import { expect, test } from "@playwright/test";
import { type SseServer, startSseServer } from "../scripts/sse-server";
import { type Launched, launch } from "./helpers/browser";
import { fixtureUrl } from "./helpers/page";
import { connectionByUrl, eventsOf, openPanelTab, type PanelView, type Snapshot } from "./helpers/panel";
import { waitFor } from "./helpers/wait";

interface Env {
  /** Distinguishes the two browsers' requests at the server (never part of an observation). */
  tag: string;
}
interface Case {
  name: string;
  run: (env: Env) => Promise<unknown>;
  check?: (plain: never) => void;
  /** Requests (by `client=`) the page leaves open that must end at the server, in both browsers. */
  ends?: string[];
  /** What the extension's panel must show once the case has run. */
  seen?: (s: Snapshot) => boolean;
}

/** The page's helpers, defined once per document. */
function helpers() {
  const w = window as unknown as { H: unknown };
  const err = (e: unknown) =>
    e && typeof e === "object"
      ? {
          ctor: (e as Error).constructor?.name,
          name: (e as Error).name,
          message: (e as Error).message,
          // Stack lines as the page sees them: a chrome-extension:// frame would give the hook away.
          stack: String((e as Error).stack)
            .split("\n")
            .map((l) => l.trim()),
        }
      : { value: String(e) };
  const fnShape = (f: unknown) => {
    const fn = f as (...a: unknown[]) => unknown;
    const d = Object.getOwnPropertyDescriptors(fn);
    return {
      name: fn.name,
      length: fn.length,
      src: Function.prototype.toString.call(fn),
      viaString: String(fn),
      own: Reflect.ownKeys(fn).map(String),
      descriptors: Object.fromEntries(
        Object.entries(d).map(([k, v]) => [
          k,
          { ...v, value: typeof v.value === "function" ? "fn" : v.value },
        ]),
      ),
    };
  };
  const descriptorOf = (o: object, k: string) => {
    const d = Object.getOwnPropertyDescriptor(o, k);
    return d && { ...d, value: typeof d.value === "function" ? `fn ${d.value.name}` : d.value };
  };
  const decodeAll = async (r: ReadableStreamDefaultReader<Uint8Array>, limit = Infinity) => {
    const dec = new TextDecoder();
    let text = "";
    let reads = 0;
    for (; reads < limit; reads++) {
      const { done, value } = await r.read();
      if (done) return { text, done: true };
      text += dec.decode(value, { stream: true });
    }
    return { text, done: false };
  };
  w.H = { err, fnShape, descriptorOf, decodeAll };
}
interface HApi {
  err(e: unknown): unknown;
  fnShape(f: unknown): unknown;
  descriptorOf(o: object, k: string): unknown;
  decodeAll(
    r: ReadableStreamDefaultReader<Uint8Array>,
    limit?: number,
  ): Promise<{ text: string; done: boolean }>;
}
declare const H: HApi;

const ended = (s: Snapshot, client: string, kind = "fetch") => {
  const c = connectionByUrl(s.connections, `client=${client}`);
  return (
    c !== undefined &&
    c.kind === kind &&
    s.rows.some((r) => r.kind === "streamEnded" && r.cid === c.cid) &&
    eventsOf(s.rows, c.cid).length > 0
  );
};
const absent = (s: Snapshot, client: string) =>
  !s.connections.some((c) => c.url.includes(`client=${client}`));

const cases: Case[] = [
  {
    name: "window.fetch and the patched methods look native: name, length, source, descriptors",
    run: async () => ({
      fetch: H.fnShape(fetch),
      window: H.descriptorOf(window, "fetch"),
      xhr: ["open", "setRequestHeader", "send"].map((k) =>
        H.fnShape((XMLHttpRequest.prototype as unknown as Record<string, unknown>)[k]),
      ),
      streams: [
        ReadableStream.prototype.getReader,
        ReadableStream.prototype.cancel,
        ReadableStreamDefaultReader.prototype.read,
        ReadableStreamDefaultReader.prototype.cancel,
      ].map(H.fnShape),
    }),
    check: (p: { fetch: { name: string; length: number; src: string } }) =>
      expect(p.fetch).toMatchObject({ name: "fetch", length: 1, src: "function fetch() { [native code] }" }),
  },
  {
    name: "fetch() rejections carry the page's stack only (bad URL, refused connection, wrong this, no argument)",
    run: async () => {
      const out: unknown[] = [];
      const tries: (() => Promise<unknown>)[] = [
        () => fetch("http://[::1/?client=ft-bad"),
        () => fetch("http://127.0.0.1:1/?client=ft-refused"),
        () =>
          (fetch as unknown as (this: unknown, u: string) => Promise<unknown>).call(5, "/?client=ft-this"),
        () => (fetch as unknown as () => Promise<unknown>)(),
        () => fetch("/fs/plain?client=ft-badinit", { method: "CONNECT" }),
      ];
      for (const t of tries) {
        try {
          await t();
          out.push("resolved");
        } catch (e) {
          out.push(H.err(e));
        }
      }
      return out;
    },
    check: (p: { name: string }[]) => {
      for (const e of p) expect(e.name).toBe("TypeError");
    },
  },
  {
    name: "an SSE response is the original object: redirect, properties, headers, page's own clone, reader",
    run: async () => {
      const target = "/fs/stream?n=2&m=0&client=ft-orig";
      const r = await fetch(`/t/redirect?code=302&to=${encodeURIComponent(target)}`, {
        headers: { "x-page": "1" },
      });
      const props = {
        proto: Object.getPrototypeOf(r) === Response.prototype,
        ownKeys: Reflect.ownKeys(r).map(String),
        url: new URL(r.url).pathname + new URL(r.url).search,
        type: r.type,
        redirected: r.redirected,
        status: r.status,
        ok: r.ok,
        statusText: r.statusText,
        headers: [...r.headers].filter(([k]) => k !== "date"),
        bodyUsed: r.bodyUsed,
        bodyIsStream: r.body instanceof ReadableStream,
        locked: r.body?.locked,
      };
      const mine = r.clone();
      const read = await H.decodeAll((r.body as ReadableStream<Uint8Array>).getReader());
      return { props, read, cloneText: await mine.text(), bodyUsed: r.bodyUsed };
    },
    check: (p: { props: { redirected: boolean }; read: { done: boolean; text: string } }) => {
      expect(p.props.redirected).toBe(true);
      expect(p.read.done).toBe(true);
      expect(p.read.text).toContain('"i":2');
    },
    seen: (s) => ended(s, "ft-orig"),
  },
  {
    name: "pipeThrough(TextDecoderStream) and pipeTo, and text() of another",
    run: async () => {
      const r = await fetch("/fs/stream?n=3&m=0&client=ft-pipe");
      let text = "";
      await (r.body as ReadableStream<Uint8Array>)
        .pipeThrough(new TextDecoderStream() as unknown as ReadableWritablePair<string, Uint8Array>)
        .pipeTo(
          new WritableStream({
            write(c) {
              text += c;
            },
          }),
        );
      const r2 = await fetch("/fs/stream?n=1&m=0&client=ft-text");
      return { text, bodyUsed: r.bodyUsed, locked: r.body?.locked, text2: await r2.text() };
    },
    seen: (s) => ended(s, "ft-pipe") && ended(s, "ft-text"),
  },
  {
    name: "non-SSE responses are not touched: compileStreaming, instantiateStreaming, clone of a used body",
    run: async () => {
      const mod = await WebAssembly.compileStreaming(fetch("/fs/wasm?client=ft-wasm"));
      const inst = await WebAssembly.instantiateStreaming(fetch("/fs/wasm?client=ft-wasm2"));
      const plain = await fetch("/fs/plain?client=ft-plain");
      await plain.json();
      let clone: unknown;
      try {
        plain.clone();
        clone = "cloned";
      } catch (e) {
        clone = H.err(e);
      }
      return { mod: mod instanceof WebAssembly.Module, inst: Object.keys(inst), clone, used: plain.bodyUsed };
    },
    check: (p: { mod: boolean }) => expect(p.mod).toBe(true),
    seen: (s) => absent(s, "ft-wasm") && absent(s, "ft-wasm2") && absent(s, "ft-plain"),
  },
  {
    name: "a non-SSE body the page cancels ends the request (it was not teed)",
    run: async (env) => {
      const r = await fetch(`/ft/drip?type=application%2Foctet-stream&client=ft-plaincancel-${env.tag}`);
      const reader = (r.body as ReadableStream<Uint8Array>).getReader();
      const first = await H.decodeAll(reader, 1);
      await reader.cancel();
      return { first: first.text.slice(0, 12), after: await reader.read() };
    },
    ends: ["ft-plaincancel"],
    seen: (s) => absent(s, "ft-plaincancel"),
  },
  {
    name: "clone() of a locked SSE body throws the browser's TypeError; the page's cancel ends the request",
    run: async (env) => {
      const r = await fetch(`/ft/drip?client=ft-cancel-${env.tag}`);
      const reader = (r.body as ReadableStream<Uint8Array>).getReader();
      let clone: unknown;
      try {
        r.clone();
        clone = "cloned";
      } catch (e) {
        clone = H.err(e);
      }
      const first = await H.decodeAll(reader, 2);
      await reader.cancel("enough");
      return { clone, first: first.text.startsWith("id: 1"), after: await reader.read() };
    },
    check: (p: { clone: { name: string } }) => expect(p.clone.name).toBe("TypeError"),
    ends: ["ft-cancel"],
    seen: (s) => ended(s, "ft-cancel"),
  },
  {
    name: "the page aborts its signal: the read rejects with the browser's AbortError; the request ends",
    run: async (env) => {
      const ac = new AbortController();
      const r = await fetch(`/ft/drip?client=ft-abort-${env.tag}`, { signal: ac.signal });
      const reader = (r.body as ReadableStream<Uint8Array>).getReader();
      await H.decodeAll(reader, 1);
      ac.abort();
      const out: unknown[] = [];
      try {
        for (;;) if ((await reader.read()).done) break;
        out.push("done");
      } catch (e) {
        out.push(H.err(e));
      }
      await reader.closed.catch((e) => out.push(["closed", (e as Error).name]));
      return out;
    },
    ends: ["ft-abort"],
    seen: (s) => ended(s, "ft-abort"),
  },
  {
    name: "for await left early and a pipeThrough chain cancelled at its end: the request ends",
    run: async (env) => {
      const r = await fetch(`/ft/drip?client=ft-forawait-${env.tag}`);
      let n = 0;
      for await (const _ of r.body as unknown as AsyncIterable<Uint8Array>) if (++n === 2) break;
      const r2 = await fetch(`/ft/drip?client=ft-chain-${env.tag}`);
      const reader = (r2.body as ReadableStream<Uint8Array>)
        .pipeThrough(new TextDecoderStream() as unknown as ReadableWritablePair<string, Uint8Array>)
        .getReader();
      const first = await reader.read();
      await reader.cancel();
      return { n, locked: r.body?.locked, first: String(first.value).slice(0, 5), locked2: r2.body?.locked };
    },
    ends: ["ft-forawait", "ft-chain"],
    seen: (s) => ended(s, "ft-forawait") && ended(s, "ft-chain"),
  },
  {
    name: "a network error in the middle of the body: what the page's reader gets",
    run: async () => {
      const r = await fetch("/ft/break?n=2&client=ft-break");
      const reader = (r.body as ReadableStream<Uint8Array>).getReader();
      try {
        await H.decodeAll(reader);
        return "done";
      } catch (e) {
        return H.err(e);
      }
    },
    check: (p: { name: string; message: string }) =>
      expect(p).toMatchObject({ name: "TypeError", message: "network error" }),
    seen: (s) => ended(s, "ft-break"),
  },
  {
    name: "XHR: events, states, headers and text of an SSE response; abort mid-stream",
    run: async (env) => {
      const full = await new Promise((resolve) => {
        const x = new XMLHttpRequest();
        x.open("GET", "/fs/stream?n=2&m=0&client=ft-xhrfull");
        x.setRequestHeader("x-page", "1");
        const seen: string[] = [];
        for (const t of ["readystatechange", "loadstart", "progress", "load", "loadend"])
          x.addEventListener(t, (e) => {
            const s = `${e.type}:${x.readyState}`;
            if (seen.at(-1) !== s) seen.push(s);
          });
        x.onloadend = () =>
          resolve({
            seen,
            status: x.status,
            text: x.responseText,
            type: x.getResponseHeader("content-type"),
            url: new URL(x.responseURL).search,
          });
        x.send();
      });
      const aborted = await new Promise((resolve) => {
        const x = new XMLHttpRequest();
        x.open("GET", `/ft/drip?client=ft-xhrabort-${env.tag}`);
        const seen: string[] = [];
        for (const t of ["readystatechange", "progress", "abort", "error", "loadend"])
          x.addEventListener(t, (e) => {
            if (e.type !== "progress" || seen.at(-1) !== "progress")
              seen.push(e.type === "progress" ? "progress" : `${e.type}:${x.readyState}`);
            if (e.type === "progress") x.abort();
            if (e.type === "loadend") resolve({ seen, status: x.status, text: x.responseText });
          });
        x.send();
      });
      const json = await new Promise((resolve) => {
        const x = new XMLHttpRequest();
        x.open("GET", "/fs/stream?n=1&m=0&client=ft-xhrjson");
        x.responseType = "json";
        x.onloadend = () => resolve({ status: x.status, response: x.response });
        x.send();
      });
      return { full, aborted, json };
    },
    ends: ["ft-xhrabort"],
    seen: (s) => ended(s, "ft-xhrfull", "xhr") && absent(s, "ft-xhrjson"),
  },
];

let server: SseServer;
let withExt: Launched;
let without: Launched;
let panel: PanelView;

test.beforeAll(async () => {
  [server, withExt, without] = await Promise.all([
    startSseServer({ maxLifetimeMs: 5 * 60_000 }),
    launch({ extension: true }),
    launch({ extension: false }),
  ]);
  for (const b of [withExt, without]) {
    await b.page.goto(fixtureUrl(server.origin, "blank.html"));
    await b.page.evaluate(helpers);
  }
  panel = (await openPanelTab(withExt, withExt.page)).view;
});
test.afterAll(async () => {
  await Promise.all([withExt?.close(), without?.close(), server?.close()]);
});

for (const c of cases) {
  test(c.name, async () => {
    const [a, b] = await Promise.all([
      withExt.page.evaluate(c.run, { tag: "ext" }),
      without.page.evaluate(c.run, { tag: "plain" }),
    ]);
    if (process.env.CASES_DUMP) console.log(c.name, JSON.stringify(b, null, 1));
    c.check?.(b as never);
    expect(a, `${c.name}: with the extension vs without`).toEqual(b);
    for (const client of c.ends ?? [])
      for (const tag of ["ext", "plain"])
        await waitFor(() => server.requests.find((r) => r.query.client === `${client}-${tag}` && r.closed), {
          message: `${client}-${tag} to end at the server`,
        });
    if (c.seen) await panel.waitFor((s) => c.seen?.(s), { message: `the panel: ${c.name}` });
  });
}
