/**
 * Hostile pages. A page script that imitates the hook's channel (the bootstrap event, guessed names, floods,
 * `window.postMessage` of record-shaped objects) adds nothing to any panel; a page that replaces
 * `EventSource` with its own fetch-based polyfill keeps working; markup and prototype keys in stream data
 * are shown as text and create nothing; the page world reaches no extension API.
 *
 * Why forging cannot work (src/content/channel.ts): the relay and hook agree on a random secret before any
 * page script runs and talk only over event names that carry it; the background takes the tab from the
 * port's sender, never from a message (background/service-worker.ts), so even a forged batch could only
 * ever land in its own tab.
 */
import type { CDPSession, Page } from "@playwright/test";
import { HOSTILE_EVENTS } from "../scripts/sse-server";
import { BOOTSTRAP_EVENT, PROTOCOL_VERSION } from "../src/protocol/constants";
import type { Launched } from "./helpers/browser";
import { expect, test } from "./helpers/fixtures";
import { fixtureUrl } from "./helpers/page";
import { connectionByUrl, eventsOf, openPanelTab, type Snapshot } from "./helpers/panel";

const MARK = "FORGED-by-a-page";

/** Exceptions thrown in any of the page's worlds (main, isolated content script) and console errors. */
async function watchErrors(page: Page): Promise<{ errors: string[]; cdp: CDPSession }> {
  const errors: string[] = [];
  const cdp = await page.context().newCDPSession(page);
  cdp.on("Runtime.exceptionThrown", (e) =>
    errors.push(`exception: ${e.exceptionDetails.exception?.description ?? e.exceptionDetails.text}`),
  );
  cdp.on("Runtime.consoleAPICalled", (e) => {
    if (e.type === "error") errors.push(`console.error: ${JSON.stringify(e.args.map((a) => a.value))}`);
  });
  await cdp.send("Runtime.enable");
  return { errors, cdp };
}

/** Errors the extension's service worker logs. */
async function watchWorker(b: Launched): Promise<string[]> {
  const errors: string[] = [];
  (await b.serviceWorker()).on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  return errors;
}

/** Everything the panel holds, as one string, to search for the forger's mark. */
const everything = (s: Snapshot) => JSON.stringify(s);

/**
 * Evaluated in the hostile page (or one of its frames): every way a page script could try to speak on the
 * channel, then a flood. `w` is the window to attack.
 */
function forgeAll(arg: { mark: string; bootstrap: string; v: number; floods: number }, w: Window = window) {
  const { mark, bootstrap, v, floods } = arg;
  const now = Date.now();
  const batch = (docId: string) => ({
    v,
    kind: "recordsCaptured",
    docId,
    frameUrl: `http://forged.invalid/${mark}`,
    top: true,
    fromSeq: 0,
    oldestSeq: 0,
    // The wire form of src/protocol/wire.ts (what the background would accept from the real hook).
    strings: [`${docId}.1`, "message", "http://forged.invalid"],
    rows: [
      [
        1,
        {
          kind: "connectionCreated",
          seq: 0,
          cid: `${docId}.1`,
          wall: now,
          mono: now,
          url: `http://forged.invalid/${mark}`,
          withCredentials: false,
          frameUrl: `http://forged.invalid/${mark}`,
          readyState: 0,
        },
      ],
      [0, 0, now, now, 1, mark, mark, 2, 1, 1],
    ],
  });
  const doc = w.document;
  const CE = (w as unknown as { CustomEvent: typeof CustomEvent }).CustomEvent;
  const targets: EventTarget[] = [doc, w, doc.documentElement];
  const fire = (name: string, detail: unknown) => {
    for (const t of targets) t.dispatchEvent(new CE(name, { detail, bubbles: true, composed: true }));
  };
  // Re-keying attempts: the bootstrap with secrets of our choosing, then traffic on those secrets.
  for (const secret of ["mine", "", "undefined", "null", "0"]) {
    fire(bootstrap, { secret });
    fire(`sse-devtools:${secret}:up`, batch(`forged-${secret || "empty"}`));
  }
  const guessed = [
    bootstrap,
    "sse-devtools",
    "sse-devtools:up",
    "sse-devtools:down",
    "sse-devtools:bootstrap:up",
    "sse-page",
    "sse-panel",
    "recordsCaptured",
    "message",
  ];
  for (let i = 0; i < floods; i++) for (const n of guessed) fire(n, batch(`forged-flood-${i % 7}`));
  for (let i = 0; i < floods; i++) {
    w.postMessage(batch(`forged-post-${i % 7}`), "*");
    w.postMessage({ secret: "mine" }, "*");
    w.postMessage({ v, kind: "announceRecords" }, "*");
  }
}

test("a page imitating the channel adds nothing to its own panel or to another tab's", async ({
  server,
  launchBrowser,
}) => {
  const b = await launchBrowser({ extension: true });
  const swErrors = await watchWorker(b);
  const innocent = b.page;
  await innocent.goto(fixtureUrl(server.origin, "blank.html"));
  await innocent.evaluate(() => {
    const w = window as unknown as { watch: (s: string, es: EventSource, t: string[]) => void };
    w.watch("innocent", new EventSource("/ticker?n=2&interval=10&types="), []);
  });

  const hostile = await b.context.newPage();
  const { errors } = await watchErrors(hostile);
  await hostile.goto(fixtureUrl(server.origin, "blank.html", { role: "hostile" }));
  const arg = { mark: MARK, bootstrap: BOOTSTRAP_EVENT, v: PROTOCOL_VERSION, floods: 2_000 };
  await hostile.evaluate(
    ({ source, arg }) => {
      const forge = new Function(`return (${source})`)() as (a: typeof arg, w?: Window) => void;
      forge(arg);
      // An about:blank frame the page controls from its first moment: attack it at once after insertion,
      // before anything else runs in it, then let it make a real EventSource of its own.
      const f = document.createElement("iframe");
      document.body.append(f);
      forge(arg, f.contentWindow as Window);
      const W = f.contentWindow as unknown as { EventSource: typeof EventSource };
      new W.EventSource("/ticker?n=3&interval=10&types=&frame=1");
      // Only now the top frame's real stream: its records travel behind the forged ones, on the same port.
      const w = window as unknown as { watch: (s: string, es: EventSource, t: string[]) => void };
      w.watch("hostile", new EventSource("/ticker?n=3&interval=10&types=&frame=0"), []);
    },
    { source: forgeAll.toString(), arg },
  );

  const hostilePanel = (await openPanelTab(b, hostile)).view;
  const seen = await hostilePanel.waitFor(
    (s) => {
      const top = connectionByUrl(s.connections, "frame=0");
      const frame = connectionByUrl(s.connections, "frame=1");
      return top &&
        frame &&
        eventsOf(s.rows, top.cid).length === 3 &&
        eventsOf(s.rows, frame.cid).length === 3
        ? s
        : undefined;
    },
    { message: "the hostile tab's two real streams, 3 events each" },
  );
  expect(seen.connections.map((c) => new URL(c.url).search).sort()).toEqual([
    "?n=3&interval=10&types=&frame=0",
    "?n=3&interval=10&types=&frame=1",
  ]);
  expect(everything(seen)).not.toContain(MARK);
  expect(everything(seen)).not.toContain("forged");

  const innocentPanel = (await openPanelTab(b, innocent)).view;
  const calm = await innocentPanel.waitFor((s) => {
    const c = connectionByUrl(s.connections, "/ticker?n=2");
    return c && eventsOf(s.rows, c.cid).length === 2 ? s : undefined;
  });
  expect(calm.connections).toHaveLength(1);
  expect(everything(calm)).not.toContain(MARK);
  expect(everything(calm)).not.toContain("frame=");

  // The page itself was not disturbed, and nothing threw anywhere.
  expect(
    await hostile.evaluate(() => (window as unknown as { __received: unknown[] }).__received.length),
  ).toBe(3);
  expect(errors).toEqual([]);
  expect(swErrors).toEqual([]);
});

/**
 * A page that swaps in its own EventSource (fetch-based, extends EventTarget) after the hook ran. Run with
 * and without the extension: the page's own results must be the same, nothing may throw, and the extension
 * still records the native EventSource the page made through the constructor it saved.
 */
function polyfillScenario(): Promise<unknown> {
  const Native = window.EventSource;
  class PolyfillEventSource extends EventTarget {
    static readonly CONNECTING = 0;
    static readonly OPEN = 1;
    static readonly CLOSED = 2;
    readyState = 0;
    onmessage: ((e: MessageEvent) => void) | null = null;
    private ctrl = new AbortController();
    constructor(readonly url: string) {
      super();
      void this.run();
    }
    private async run() {
      const res = await fetch(this.url, {
        signal: this.ctrl.signal,
        headers: { Accept: "text/event-stream" },
      });
      this.readyState = 1;
      this.dispatchEvent(new Event("open"));
      const reader = (res.body as ReadableStream<Uint8Array>)
        .pipeThrough(new TextDecoderStream() as unknown as ReadableWritablePair<string, Uint8Array>)
        .getReader();
      let buf = "";
      let id = "";
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) break;
        buf += value;
        let end = buf.indexOf("\n\n");
        while (end >= 0) {
          const block = buf.slice(0, end);
          buf = buf.slice(end + 2);
          let type = "message";
          const data: string[] = [];
          for (const line of block.split("\n")) {
            const [k, ...rest] = line.split(":");
            const val = rest.join(":").replace(/^ /, "");
            if (k === "data") data.push(val);
            else if (k === "event") type = val;
            else if (k === "id") id = val;
          }
          if (data.length) {
            const e = new MessageEvent(type, { data: data.join("\n"), lastEventId: id });
            this.dispatchEvent(e);
            if (type === "message") this.onmessage?.(e);
          }
          end = buf.indexOf("\n\n");
        }
      }
    }
    close() {
      this.readyState = 2;
      this.ctrl.abort();
    }
  }
  (window as unknown as { EventSource: unknown }).EventSource = PolyfillEventSource;

  const got: unknown[] = [];
  const poly = new EventSource("/ticker?n=3&interval=10&types=news&poly=1");
  return new Promise((resolve) => {
    poly.addEventListener("open", () => got.push(["open", poly.readyState]));
    poly.onmessage = (e) => got.push(["message", e.data, e.lastEventId]);
    poly.addEventListener("news", (e) => {
      got.push(["news", (e as MessageEvent).data]);
      poly.close();
      // And a native one through the constructor the page saved before swapping.
      const real = new Native("/ticker?n=2&interval=10&types=&native=1");
      real.onmessage = (m) => {
        got.push(["native", m.data]);
        if (m.lastEventId === "2") {
          real.close();
          resolve({
            got,
            swapped: window.EventSource === (PolyfillEventSource as unknown),
            instance: poly instanceof PolyfillEventSource,
            nativeInstance: real instanceof Native,
          });
        }
      };
    });
  });
}

test("a page that replaces EventSource with its own polyfill keeps working", async ({
  server,
  launchBrowser,
}) => {
  const [withExt, without] = await Promise.all([
    launchBrowser({ extension: true }),
    launchBrowser({ extension: false }),
  ]);
  const swErrors = await watchWorker(withExt);
  const run = async (b: Launched) => {
    const { errors } = await watchErrors(b.page);
    await b.page.goto(fixtureUrl(server.origin, "blank.html"));
    const result = await b.page.evaluate(polyfillScenario);
    return { result, errors };
  };
  const [a, plain] = await Promise.all([run(withExt), run(without)]);
  expect(plain.result).toMatchObject({ swapped: true, instance: true, nativeInstance: true });
  expect((plain.result as { got: unknown[] }).got).toHaveLength(5);
  expect(a).toEqual(plain);
  expect(swErrors).toEqual([]);

  const { view } = await openPanelTab(withExt, withExt.page);
  const s = await view.waitFor((s) => {
    const c = connectionByUrl(s.connections, "native=1");
    return c && eventsOf(s.rows, c.cid).length === 2 ? s : undefined;
  });
  // The polyfill reads its stream with fetch(): listed as a fetch stream (issue 6), with the events its
  // server sent; nothing of it broke.
  expect(s.connections.map((c) => [new URL(c.url).search, c.kind])).toEqual([
    ["?n=3&interval=10&types=news&poly=1", "fetch"],
    ["?n=2&interval=10&types=&native=1", "eventsource"],
  ]);
  const poly = connectionByUrl(s.connections, "poly=1");
  expect(eventsOf(s.rows, poly?.cid ?? "").map((e) => e.type)).toContain("news");
});

test("hostile stream data and a 64 KB URL are shown as literal text and create nothing", async ({
  server,
  launchBrowser,
}) => {
  const b = await launchBrowser({ extension: true });
  await b.page.goto(fixtureUrl(server.origin, "blank.html"));
  const longUrl = `/t/raw?name=two-then-end&pad=${"<script>alert(9)</script>".repeat(2_700).slice(0, 64 * 1024)}`;
  const customType = HOSTILE_EVENTS.find((e) => e.event)?.event as string;
  await b.page.evaluate(
    ({ longUrl, customType }) => {
      const w = window as unknown as { watch: (s: string, es: EventSource, t: string[]) => void };
      w.watch("hostile", new EventSource("/t/raw?name=hostile"), [customType]);
      const long = new EventSource(longUrl);
      long.onerror = () => long.close();
    },
    { longUrl, customType },
  );
  const dialogs: string[] = [];
  const { page: panel, view } = await openPanelTab(b, b.page);
  panel.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  b.page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });

  const expected = HOSTILE_EVENTS.filter((e) => e.data !== undefined).map((e) => e.data as string);
  const s = await view.waitFor((s) => {
    const c = connectionByUrl(s.connections, "name=hostile");
    const long = connectionByUrl(s.connections, "pad=");
    return c &&
      long &&
      eventsOf(s.rows, c.cid).length === expected.length &&
      eventsOf(s.rows, long.cid).length === 2
      ? s
      : undefined;
  });
  const hostileCid = (connectionByUrl(s.connections, "name=hostile") as { cid: string }).cid;
  expect(eventsOf(s.rows, hostileCid).map((e) => e.data)).toEqual(expected);
  const long = connectionByUrl(s.connections, "pad=") as { url: string };
  expect(long.url.length).toBeGreaterThan(64 * 1024); // resolved and percent-encoded, never cut short

  // The DOM: each piece of data is text in its row, and nothing was made from it.
  const dom = await panel.evaluate(() => {
    const rows = [...document.querySelectorAll("[data-testid=row-data]")].map((e) => e.textContent ?? "");
    const all = [...document.querySelectorAll("*")];
    return {
      rows,
      sidebar: [...document.querySelectorAll("[data-testid=connection]")].map((e) => e.textContent ?? ""),
      made: all
        .filter((e) => ["IMG", "IFRAME", "B"].includes(e.tagName))
        .map((e) => e.outerHTML.slice(0, 80)),
      inlineScripts: [...document.scripts].filter((e) => !e.src).length,
      handlers: all.filter((e) => [...e.attributes].some((a) => a.name.startsWith("on"))).length,
      polluted: ({} as { polluted?: unknown }).polluted,
    };
  });
  for (const d of expected.slice(0, 4)) expect(dom.rows.some((r) => r.includes(d))).toBe(true);
  expect(dom.sidebar.some((t) => t.includes("pad=%3Cscript%3E"))).toBe(true);
  expect(dom.made).toEqual([]);
  expect(dom.inlineScripts).toBe(0);
  expect(dom.handlers).toBe(0);
  expect(dom.polluted).toBeUndefined();

  // The detail pane of the JSON with __proto__ keys: literal text, formatted without polluting anything.
  await panel.locator("[data-testid=row]", { hasText: "__proto__" }).first().click();
  const detail = await panel.evaluate(() => ({
    data: document.querySelector(".detail pre.data")?.textContent,
    polluted: ({} as { polluted?: unknown }).polluted,
  }));
  expect(detail.data).toBe(expected[3]);
  expect(detail.polluted).toBeUndefined();

  // Still working: the text filter narrows to the markup rows, and new events still arrive.
  await panel.locator("[data-testid=filter-text]").fill("onerror");
  await expect
    .poll(async () =>
      (await view.domRows()).filter((r) => r.kind === "eventReceived").map((r) => `${r.type} ${r.data}`),
    )
    .toEqual([`${customType} a custom type made of markup`, `message ${expected[2]}`]);
  await panel.locator("[data-testid=filter-text]").fill("");
  await b.page.evaluate(() => {
    new EventSource("/ticker?n=1&interval=10&types=&after=1");
  });
  await view.waitFor((s) => connectionByUrl(s.connections, "after=1"));
  expect(dialogs).toEqual([]);
  expect(
    await b.page.evaluate(() => (window as unknown as { __received: unknown[] }).__received.length),
  ).toBe(expected.length);
});

test("the page world reaches no extension API", async ({ server, launchBrowser }) => {
  const [withExt, without] = await Promise.all([
    launchBrowser({ extension: true }),
    launchBrowser({ extension: false }),
  ]);
  const probe = async (b: Launched) => {
    await b.page.goto(fixtureUrl(server.origin, "blank.html"));
    return b.page.evaluate(async (id) => {
      const w = window as unknown as { chrome?: Record<string, unknown>; browser?: unknown };
      const runtime = w.chrome?.runtime as { sendMessage?: unknown; connect?: unknown } | undefined;
      let reach: string = "no chrome.runtime";
      if (runtime && typeof runtime.sendMessage === "function") {
        try {
          await (runtime.sendMessage as (id: string, m: unknown) => Promise<unknown>)(id ?? "", { v: 1 });
          reach = "sendMessage answered";
        } catch (e) {
          reach = `sendMessage threw: ${(e as Error).message}`;
        }
      }
      return {
        chrome: typeof w.chrome,
        chromeKeys: Object.keys(w.chrome ?? {}).sort(),
        runtime: typeof runtime,
        browser: typeof w.browser,
        reach,
        // Nothing of ours on the page's global object either.
        globals: Object.getOwnPropertyNames(window).sort(),
      };
    }, withExt.extensionId);
  };
  const [a, plain] = await Promise.all([probe(withExt), probe(without)]);
  expect(a.runtime).toBe("undefined");
  expect(a.browser).toBe("undefined");
  expect(a.reach).toBe("no chrome.runtime");
  expect(a.globals.filter((k) => /sse-?devtools|__sse|relay|hook|secret/i.test(k))).toEqual([]);
  expect(a).toEqual(plain);
});
