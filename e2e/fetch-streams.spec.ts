/**
 * Issue 6: event streams read with fetch() and XMLHttpRequest, not EventSource.
 *
 * - Three real clients (a plain fetch + getReader loop, @microsoft/fetch-event-source, and the XHR transport of
 *   event-source-polyfill, both from node_modules) show up in the panel live: the server holds each response
 *   open after its first events until the test has seen them in the panel, then sends the rest and ends it.
 * - What the page observes is the same with and without the extension: the original Response and its
 *   properties, pipeTo, WebAssembly.compileStreaming, clone() on a locked body, non-SSE responses not even
 *   cloned, the wrappers' names, lengths, sources and descriptors, and a page's cancel ending the request.
 */
import type { Page } from "@playwright/test";
import type { Launched } from "./helpers/browser";
import { expect, test } from "./helpers/fixtures";
import { fixtureUrl } from "./helpers/page";
import { connectionByUrl, eventsOf, openPanelTab, type PanelView } from "./helpers/panel";
import { waitFor } from "./helpers/wait";

type Ev = { type: string; id: string; data: string };

/** Starts the three clients in the page; each records what it received in `window.__got[client]`. */
function startClients(arg: { gate: string }) {
  const w = window as unknown as { __got: Record<string, Ev[]>; __done: Record<string, string> };
  w.__got = { raw: [], fes: [], xhr: [] };
  w.__done = {};
  const url = (client: string) => `/fs/stream?n=3&m=2&gate=${arg.gate}-${client}&client=${client}`;

  // 1. A plain fetch() + getReader() loop with its own little parser (what many chat UIs do).
  void (async () => {
    const r = await fetch(url("raw"), { method: "POST", headers: { "x-client": "raw" }, body: "raw-body" });
    const reader = (r.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let buf = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buf += decoder.decode(value, { stream: true });
      let end = buf.indexOf("\n\n");
      while (end >= 0) {
        const block = buf.slice(0, end);
        buf = buf.slice(end + 2);
        const ev: Ev = { type: "message", id: "", data: "" };
        let hasData = false;
        for (const line of block.split("\n")) {
          const colon = line.indexOf(":");
          const k = line.slice(0, colon);
          const v = line.slice(colon + 1).replace(/^ /, "");
          if (k === "event") ev.type = v;
          else if (k === "id") ev.id = v;
          else if (k === "data") {
            ev.data = v;
            hasData = true;
          }
        }
        if (hasData) w.__got.raw?.push(ev);
        end = buf.indexOf("\n\n");
      }
    }
    w.__done.raw = "completed";
  })();

  // 2. @microsoft/fetch-event-source (ES module served from node_modules).
  void (async () => {
    const { fetchEventSource } = (await import(
      "/npm/@microsoft/fetch-event-source/lib/esm/index.js" as string
    )) as {
      fetchEventSource: (u: string, o: Record<string, unknown>) => Promise<void>;
    };
    await fetchEventSource(url("fes"), {
      method: "POST",
      headers: { "x-client": "fes" },
      body: "fes-body",
      openWhenHidden: true,
      onmessage(e: { event: string; id: string; data: string }) {
        w.__got.fes?.push({ type: e.event || "message", id: e.id, data: e.data });
      },
      onclose() {
        w.__done.fes = "completed";
        throw new Error("no retry"); // fetch-event-source reconnects after a close unless told otherwise
      },
      onerror(e: unknown) {
        throw e;
      },
    }).catch(() => {});
  })();

  // 3. event-source-polyfill over XMLHttpRequest: loaded with `fetch` hidden so that it picks its XHR transport.
  void (async () => {
    const text = await (await fetch("/npm/event-source-polyfill/src/eventsource.js")).text();
    // Its UMD wrapper takes `globalThis` as its global: give it the window's, without fetch.
    const global: Record<string, unknown> = {
      setTimeout: setTimeout.bind(window),
      clearTimeout: clearTimeout.bind(window),
      XMLHttpRequest,
      EventSource,
      document,
      Promise,
      Response,
      TextDecoder,
      TextEncoder,
      AbortController,
    };
    new Function("globalThis", text)(global);
    const Poly = global.EventSourcePolyfill as typeof EventSource;
    const es = new Poly(url("xhr"), { headers: { "x-client": "xhr" } } as EventSourceInit);
    const take = (e: MessageEvent) => {
      w.__got.xhr?.push({ type: e.type, id: e.lastEventId, data: e.data });
      if (e.lastEventId === "5") {
        es.close();
        w.__done.xhr = "closed";
      }
    };
    es.addEventListener("message", take as EventListener);
    es.addEventListener("tick", take as EventListener);
  })();
}

/**
 * What a client handed the page, as a browser would dispatch it: fetch-event-source also calls `onmessage`
 * for blocks without data (here the one with the comment and `retry:`), which an EventSource never dispatches
 * and the panel (spec-faithful) does not list.
 */
const pageEvents = (all: Record<string, Ev[]>, client: string) =>
  (all[client] ?? []).filter((e) => client !== "fes" || e.data !== "");

const got = (page: Page) => page.evaluate(() => (window as unknown as { __got: Record<string, Ev[]> }).__got);

/** The events of the connection whose URL has `client=NAME`, as the panel shows them. */
const panelEvents = async (view: PanelView, client: string) => {
  const s = await view.snapshot();
  const c = connectionByUrl(s.connections, `client=${client}`);
  return { c, events: c ? eventsOf(s.rows, c.cid) : [] };
};

test("fetch(), fetch-event-source and an XHR polyfill stream live into the panel, event by event", async ({
  server,
  launchBrowser,
}) => {
  const b = await launchBrowser({ extension: true });
  await b.page.goto(fixtureUrl(server.origin, "blank.html"));
  const { view, page: panel } = await openPanelTab(b, b.page);
  await b.page.evaluate(startClients, { gate: "g" });
  const expected = (body: string, upTo: number) =>
    Array.from({ length: upTo }, (_, k) => {
      const i = k + 1;
      return { type: i % 2 === 0 ? "tick" : "message", id: String(i), data: JSON.stringify({ i, body }) };
    });
  const bodies: Record<string, string> = { raw: "raw-body", fes: "fes-body", xhr: "" };

  for (const client of ["raw", "fes", "xhr"]) {
    // The first three events are in the panel while the server still holds the response open.
    const { c, events } = await waitFor(
      async () => {
        const p = await panelEvents(view, client);
        return p.events.length >= 3 ? p : undefined;
      },
      { message: `${client}: first events in the panel` },
    );
    expect(events).toEqual(expected(bodies[client] as string, 3));
    expect(c?.kind).toBe(client === "xhr" ? "xhr" : "fetch");
    expect(c?.state).toBe("open");
    const open = server.requests.filter((r) => r.query.client === client && !r.closed);
    expect(open).toHaveLength(1);
    // …and the page has them too: this is the stream as it happens, not a record of it afterwards.
    expect(pageEvents(await got(b.page), client)).toEqual(expected(bodies[client] as string, 3));
  }

  for (const client of ["raw", "fes", "xhr"]) server.release(`g-${client}`);
  for (const client of ["raw", "fes", "xhr"]) {
    const { c, events } = await waitFor(
      async () => {
        const p = await panelEvents(view, client);
        return p.events.length >= 5 && p.c?.state === "closed" ? p : undefined;
      },
      { message: `${client}: the rest and the end` },
    );
    expect(events).toEqual(pageEvents(await got(b.page), client));
    expect(events).toEqual(expected(bodies[client] as string, 5));
    expect(c?.lastId).toBe("5");
  }

  // The request facts the detail pane shows come from the records: method, headers the page set, status.
  const s = await view.snapshot();
  const rows = s.rows.filter((r) => r.kind === "streamOpened");
  expect(rows).toHaveLength(3);

  // The timeline draws each stream as a lane: an open band, one tick per event, typed.
  const raw = connectionByUrl(s.connections, "client=raw");
  const lane = panel.locator(`[data-testid=timeline-lane][data-cid="${raw?.cid}"]`);
  await expect(lane.locator("[data-testid=timeline-band][data-state=open]")).toHaveCount(1);
  await expect(lane.locator("[data-testid=timeline-tick]")).toHaveCount(5);
  await expect(lane.locator("[data-testid=timeline-tick][data-type=tick]")).toHaveCount(2);

  // The text filter narrows stream events as it does EventSource ones: the 4th event of each of the three.
  await panel.locator("[data-testid=filter-text]").fill('"i":4');
  const filtered = await view.waitFor((s) => {
    const ev = s.rows.filter((r) => r.kind === "eventReceived");
    return ev.length === 3 && s.rows.length === 3 ? ev : undefined;
  });
  expect(filtered.every((r) => r.type === "tick" && r.id === "4")).toBe(true);
});

/** What a page can observe of fetch/XHR streams; run in a browser with and one without the extension. */
async function observe(page: Page, origin: string) {
  await page.goto(fixtureUrl(origin, "blank.html"));
  return page.evaluate(async () => {
    const out: Record<string, unknown> = {};
    // A page that counts clone() calls: a non-SSE response must not be cloned by anyone but itself.
    let clones = 0;
    const clone = Response.prototype.clone;
    Response.prototype.clone = function (this: Response) {
      clones++;
      return clone.call(this);
    };
    const plain = await fetch("/fs/plain");
    out.plain = { json: await plain.json(), clones, type: plain.type, bodyUsed: plain.bodyUsed };
    Response.prototype.clone = clone;

    // An SSE response behind a redirect: the original object, its properties, read by pipeTo.
    const target = "/fs/stream?n=2&m=0&client=props";
    const r = await fetch(`/t/redirect?code=302&to=${encodeURIComponent(target)}`);
    const before = {
      isResponse: r instanceof Response,
      proto: Object.getPrototypeOf(r) === Response.prototype,
      url: new URL(r.url).pathname + new URL(r.url).search,
      type: r.type,
      redirected: r.redirected,
      status: r.status,
      contentType: r.headers.get("content-type"),
      bodyUsed: r.bodyUsed,
      ownKeys: Reflect.ownKeys(r).length,
    };
    let text = "";
    const decoder = new TextDecoder();
    await (r.body as ReadableStream<Uint8Array>).pipeTo(
      new WritableStream({
        write(chunk) {
          text += decoder.decode(chunk, { stream: true });
        },
      }),
    );
    out.sse = { ...before, text, bodyUsedAfter: r.bodyUsed };

    // clone() of a locked body throws the browser's own TypeError.
    const locked = await fetch("/fs/stream?n=1&m=0&client=locked");
    const reader = (locked.body as ReadableStream).getReader();
    try {
      locked.clone();
      out.lockedClone = "no error";
    } catch (e) {
      out.lockedClone = `${(e as Error).name}`;
    }
    await reader.cancel();

    const mod = await WebAssembly.compileStreaming(fetch("/fs/wasm"));
    out.wasm = mod instanceof WebAssembly.Module;

    // The wrapped functions look native.
    const fns: [string, unknown][] = [
      ["fetch", fetch],
      ["getReader", ReadableStream.prototype.getReader],
      ["cancel", ReadableStream.prototype.cancel],
      ["read", ReadableStreamDefaultReader.prototype.read],
      ["readerCancel", ReadableStreamDefaultReader.prototype.cancel],
      ["open", XMLHttpRequest.prototype.open],
      ["setRequestHeader", XMLHttpRequest.prototype.setRequestHeader],
      ["send", XMLHttpRequest.prototype.send],
    ];
    out.fns = fns.map(([k, f]) => [
      k,
      (f as { name: string }).name,
      (f as { length: number }).length,
      Function.prototype.toString.call(f),
      Object.hasOwn(f as object, "prototype"),
      Reflect.ownKeys(f as object).join(","),
    ]);
    out.fetchDescriptor = (({ value, ...flags }) => ({ ...flags, same: value === fetch }))(
      Object.getOwnPropertyDescriptor(window, "fetch") as PropertyDescriptor,
    );

    // XHR: the page reads the stream as usual.
    out.xhr = await new Promise((resolve) => {
      const x = new XMLHttpRequest();
      x.open("GET", "/fs/stream?n=2&m=0&client=xhrprops");
      x.setRequestHeader("x-client", "xhrprops");
      const states: number[] = [];
      x.onreadystatechange = () => states.push(x.readyState);
      x.onload = () => resolve({ status: x.status, text: x.responseText, states: [...new Set(states)] });
      x.send();
    });
    return out;
  });
}

test("the page observes fetch() and XHR exactly as without the extension", async ({
  server,
  launchBrowser,
}) => {
  const [withExt, without] = await Promise.all([
    launchBrowser({ extension: true }),
    launchBrowser({ extension: false }),
  ]);
  const [a, plain] = await Promise.all([
    observe(withExt.page, server.origin),
    observe(without.page, server.origin),
  ]);
  expect(plain.plain).toMatchObject({ clones: 0, json: { plain: true } });
  expect(plain.wasm).toBe(true);
  expect(plain.lockedClone).toBe("TypeError");
  expect(a).toEqual(plain);

  // …and the extension did observe the SSE ones (and not the plain JSON).
  const { view } = await openPanelTab(withExt, withExt.page);
  const s = await view.waitFor((s) => {
    const props = connectionByUrl(s.connections, "client=props");
    const xhr = connectionByUrl(s.connections, "client=xhrprops");
    return props && xhr && eventsOf(s.rows, props.cid).length === 2 && eventsOf(s.rows, xhr.cid).length === 2
      ? s
      : undefined;
  });
  expect(s.connections.some((c) => c.url.includes("/fs/plain"))).toBe(false);
  expect(s.connections.some((c) => c.url.includes("/fs/wasm"))).toBe(false);
});

test("a page cancelling its reader ends the request; DevTools' force-close fails the page's next read", async ({
  server,
  launchBrowser,
}) => {
  const b: Launched = await launchBrowser({ extension: true });
  await b.page.goto(fixtureUrl(server.origin, "blank.html"));
  const { view, page: panel } = await openPanelTab(b, b.page);
  await b.page.evaluate(async () => {
    const w = window as unknown as { __cancelled: boolean; __fail: string };
    const r = await fetch("/fs/stream?n=1&m=1&gate=never&client=cancel");
    const reader = (r.body as ReadableStream).getReader();
    await reader.read();
    await reader.cancel();
    w.__cancelled = true;
    // A second stream, left for DevTools to close.
    const r2 = await fetch("/fs/stream?n=1&m=1&gate=never2&client=forced");
    const reader2 = (r2.body as ReadableStream).getReader();
    void (async () => {
      try {
        for (;;) if ((await reader2.read()).done) break;
        w.__fail = "ended";
      } catch (e) {
        // The read it was waiting on fails with a TypeError; so does the next one, as a network error's.
        const first = (e as Error).name;
        try {
          await reader2.read();
          w.__fail = `${first}; then a read succeeded`;
        } catch (e2) {
          w.__fail = `${first}; then ${(e2 as Error).name}: ${(e2 as Error).message}`;
        }
      }
    })();
  });
  // The page cancelled: the hook cancelled its own branch too, so the request is over at the server.
  await waitFor(() => server.requests.find((r) => r.query.client === "cancel" && r.closed), {
    message: "the cancelled request to end at the server",
  });
  const cancelled = await view.waitFor((s) => {
    const c = connectionByUrl(s.connections, "client=cancel");
    return c?.state === "closed" ? c : undefined;
  });
  expect(cancelled.kind).toBe("fetch");

  // Force-close the other one from the panel (the Fail button of the selected connection).
  const forced = await view.waitFor((s) => connectionByUrl(s.connections, "client=forced"));
  await panel.locator(`[data-testid=connection][data-cid="${forced.cid}"]`).click();
  await panel.locator("[data-testid=force-close-fail]").click();
  const message = await waitFor(
    () => b.page.evaluate(() => (window as unknown as { __fail?: string }).__fail),
    { message: "the page's read to fail" },
  );
  expect(message).toBe("TypeError; then TypeError: network error");
  await waitFor(() => server.requests.find((r) => r.query.client === "forced" && r.closed), {
    message: "the force-closed request to end at the server",
  });
});
