/**
 * No silent loss: in each situation below, what the panel shows is compared with Chrome's own record of the
 * streams (`Network.eventSourceMessageReceived`, e2e/helpers/cdp-record.ts), event for event — DevTools
 * closed and reopened mid-stream, a reload with "Preserve log", the back/forward cache, 50 EventSources and
 * iframes of the same and of another origin, a 10 MiB event, invalid UTF-8 and 10 000 event types.
 */
import type { Page } from "@playwright/test";
import { type ChromeRecord, recordEventSourceMessages } from "./helpers/cdp-record";
import { BrowserCdp, openDevTools } from "./helpers/devtools";
import { expect, test } from "./helpers/fixtures";
import { fixtureUrl, received } from "./helpers/page";
import { connectionByUrl, type Ev, eventsOf, openPanelTab, PanelView } from "./helpers/panel";
import { waitFor } from "./helpers/wait";

/** Chrome's events of the attempts whose URL contains `part`, reduced for comparison. */
const chromeEvents = (chrome: ChromeRecord, part: string): Ev[] =>
  chrome.eventsFor((u) => u.includes(part)).map(({ type, data, id }) => ({ type, data, id }));

/** Opens an EventSource in `page` (or a frame) the way the fixture pages do, listening for `types`. */
const openStream = (page: Pick<Page, "evaluate">, src: string, url: string, types: string[] = []) =>
  page.evaluate(
    ([s, u, t]) => {
      const w = window as unknown as { watch: (s: string, es: EventSource, t: string[]) => EventSource };
      w.watch(s, new EventSource(u), t);
    },
    [src, url, types] as const,
  );

test("DevTools closed and reopened mid-stream: the panel has every event Chrome saw", async ({
  server,
  launchBrowser,
}) => {
  const b = await launchBrowser();
  const chrome = await recordEventSourceMessages(b.context, b.page);
  const n = 60;
  await b.page.goto(
    fixtureUrl(server.origin, "before-devtools.html", {
      early: `/ticker?n=${n}&interval=40&types=price,news&end=hold&who=dt`,
    }),
  );
  const cdp = await BrowserCdp.connect(b.context);
  const first = await openDevTools(cdp, b.page);
  const panel1 = await PanelView.attach(await first.showPanel(b.extensionId as string));
  await panel1.waitFor((s) => (connectionByUrl(s.connections, "who=dt")?.count ?? 0) >= 3, {
    message: "some events in the first DevTools",
  });
  await first.close();
  // Events keep coming while DevTools is closed.
  const whileClosed = await waitFor(async () => {
    const k = (await received(b.page, "early")).length;
    return k >= 20 && k < n && k;
  });
  const second = await openDevTools(cdp, b.page);
  const panel2 = await PanelView.attach(await second.showPanel(b.extensionId as string));
  const conn = await panel2.waitFor(
    (s) => {
      const c = connectionByUrl(s.connections, "who=dt");
      return c?.count === n && c;
    },
    { message: `all ${n} events in the reopened DevTools (${whileClosed} had arrived while it was closed)` },
  );
  await waitFor(() => chromeEvents(chrome, "who=dt").length === n, { message: "Chrome's record" });
  expect(eventsOf(await panel2.rows(), conn.cid)).toEqual(chromeEvents(chrome, "who=dt"));
  expect((await panel2.snapshot()).stats).toMatchObject({ lost: 0, evicted: 0 });
  await chrome.stop();
  await cdp.dispose();
});

test("reload with Preserve log: the old page's connection stays, marked as from the previous document", async ({
  server,
  launchBrowser,
}) => {
  const b = await launchBrowser();
  const record = await recordEventSourceMessages(b.context, b.page);
  await b.page.goto(
    fixtureUrl(server.origin, "before-devtools.html", {
      early: "/ticker?n=5&interval=20&types=price,news&end=hold&who=reload",
    }),
  );
  const { page: panelPage, view } = await openPanelTab(b, b.page);
  await view.waitFor((s) => connectionByUrl(s.connections, "who=reload")?.count === 5);
  await panelPage.getByTestId("preserve-log").check();
  // The choice is remembered in storage.local (written after it was sent to the background).
  await waitFor(
    async () =>
      (await b.serviceWorker()).evaluate(async () => {
        const s = (await chrome.storage.local.get("settings")).settings as { preserveLog?: boolean };
        return s?.preserveLog === true;
      }),
    { message: "preserveLog stored" },
  );
  await b.page.reload();

  const snap = await view.waitFor(
    (s) => {
      const conns = s.connections.filter((c) => c.url.includes("who=reload"));
      return conns.length === 2 && conns.every((c) => c.count === 5) && s;
    },
    { message: "both documents' connections, 5 events each" },
  );
  const [old, now] = snap.connections.filter((c) => c.url.includes("who=reload"));
  expect(old?.previousDocument).toBe(true);
  expect(now?.previousDocument).toBe(false);
  // One separator row, after every row of the old document and before every row of the new one.
  const kinds = snap.rows.map((r) =>
    r.kind === "documentReplaced" ? "separator" : r.previousDocument ? "old" : "new",
  );
  expect(kinds.filter((k) => k === "separator")).toHaveLength(1);
  expect(kinds.join(",")).toMatch(/^(old,)+separator(,new)+$/);
  expect(snap.rows.find((r) => r.kind === "documentReplaced")?.url).toBe(b.page.url());
  // Each document's events equal Chrome's record of its own attempt.
  const requests = [...new Set(record.eventsFor((u) => u.includes("who=reload")).map((e) => e.requestId))];
  expect(requests).toHaveLength(2);
  const ofRequest = (id: string) =>
    record.events.filter((e) => e.requestId === id).map(({ type, data, id }) => ({ type, data, id }));
  expect(eventsOf(snap.rows, old?.cid ?? "")).toEqual(ofRequest(requests[0] as string));
  expect(eventsOf(snap.rows, now?.cid ?? "")).toEqual(ofRequest(requests[1] as string));
  // On screen: a badge on the old connection, and the separator row.
  await expect(panelPage.locator("[data-testid=connection][data-previous-document=true]")).toHaveCount(1);
  await expect(panelPage.locator("[data-testid=marker][data-kind=documentReplaced]")).toContainText(
    "navigated to",
  );
  // A panel opened later starts with the box checked.
  const again = await openPanelTab(b, b.page);
  await expect(again.page.getByTestId("preserve-log")).toBeChecked();
  await record.stop();
});

test("back/forward cache: leave and return, capture resumes and nothing Chrome saw is missing", async ({
  server,
  launchBrowser,
}) => {
  // Playwright launches Chromium with the cache disabled; the stream must not be `no-store` either (Chrome
  // keeps no page whose script got a no-store response: /ticker?cache=no-cache). Measured on Chromium 156: a
  // page with an open EventSource is then restored from the cache, with and without the extension, and its
  // EventSource is still open and keeps receiving.
  const b = await launchBrowser({ backForwardCache: true });
  const chrome = await recordEventSourceMessages(b.context, b.page);
  await b.page.addInitScript(() => {
    addEventListener("pageshow", (e) => {
      const w = window as unknown as { __shows?: boolean[] };
      w.__shows = [...(w.__shows ?? []), e.persisted];
    });
  });
  const n = 60;
  await b.page.goto(
    fixtureUrl(server.origin, "before-devtools.html", {
      early: `/ticker?n=${n}&interval=30&types=price,news&end=hold&cache=no-cache&who=bf`,
    }),
  );
  const { view } = await openPanelTab(b, b.page);
  await view.waitFor((s) => (connectionByUrl(s.connections, "who=bf")?.count ?? 0) >= 3);
  await b.page.goto(fixtureUrl(server.origin, "blank.html"));
  await b.page.goBack({ waitUntil: "commit" });
  const shows = await waitFor(async () => {
    const s = await b.page.evaluate(() => (window as unknown as { __shows?: boolean[] }).__shows);
    return s?.length === 2 && s;
  });
  expect(shows).toEqual([false, true]);
  // Capture resumes: the page gets the rest of the stream after its return, and the panel shows every event.
  await waitFor(async () => (await received(b.page, "early")).length === n, { message: "the page's events" });
  const conn = await view.waitFor(
    (s) => {
      const c = connectionByUrl(s.connections, "who=bf");
      return c?.count === n && c;
    },
    { message: `the panel's ${n} events after the return` },
  );
  const snap = await view.snapshot();
  const panelEvents = eventsOf(snap.rows, conn.cid);
  expect(panelEvents).toEqual(await received(b.page, "early"));
  expect(panelEvents.map((e) => e.id)).toEqual(Array.from({ length: n }, (_, i) => String(i + 1)));
  // Chrome's own record (CDP on the page) can miss events that arrive while the page sits in the cache
  // (seen under load: its session is frozen with the page); every event it did record must be ours, in order.
  const seen = chromeEvents(chrome, "who=bf");
  expect(seen.length).toBeGreaterThan(0);
  let i = 0;
  for (const e of seen) {
    while (i < panelEvents.length && JSON.stringify(panelEvents[i]) !== JSON.stringify(e)) i++;
    expect(i, `Chrome's event ${JSON.stringify(e)} is in the panel, in order`).toBeLessThan(
      panelEvents.length,
    );
    i++;
  }
  expect(snap.stats).toMatchObject({ lost: 0 });
  // One connection, never reconnected: the EventSource survived the cache.
  expect(server.requests.filter((r) => r.path === "/ticker")).toHaveLength(1);
  await chrome.stop();
});

test("one 10 MiB event and invalid UTF-8 bytes: the panel's data equals Chrome's, U+FFFD included", async ({
  server,
  launchBrowser,
}) => {
  const b = await launchBrowser();
  const chrome = await recordEventSourceMessages(b.context, b.page);
  await b.page.goto(fixtureUrl(server.origin, "blank.html"));
  await openStream(b.page, "big", "/loss/stress?kind=big&mb=10", ["after"]);
  await openStream(b.page, "utf8", "/loss/stress?kind=utf8", ["bytes"]);
  await waitFor(async () => (await received(b.page, "big")).length === 2, {
    message: "the page's 2 big-stream events",
  });
  await waitFor(
    () => chromeEvents(chrome, "kind=big").length === 2 && chromeEvents(chrome, "kind=utf8").length === 2,
    {
      message: "Chrome's record",
    },
  );
  const { view } = await openPanelTab(b, b.page);
  const snap = await view.waitFor(
    (s) =>
      connectionByUrl(s.connections, "kind=big")?.count === 2 &&
      connectionByUrl(s.connections, "kind=utf8")?.count === 2 &&
      s,
    { message: "both streams in the panel", timeout: 30_000 },
  );
  const big = eventsOf(snap.rows, connectionByUrl(snap.connections, "kind=big")?.cid ?? "");
  expect(big[0]?.data.length).toBe(10 * 1024 * 1024);
  expect(big).toEqual(chromeEvents(chrome, "kind=big"));
  const utf8 = eventsOf(snap.rows, connectionByUrl(snap.connections, "kind=utf8")?.cid ?? "");
  expect(utf8).toEqual(chromeEvents(chrome, "kind=utf8"));
  expect(utf8[0]?.data).toContain("\uFFFD");
  expect(utf8).toEqual(await received(b.page, "utf8"));
  expect(snap.stats).toMatchObject({ lost: 0, evicted: 0 });
  await chrome.stop();
});

test("10 000 distinct event types: every event captured, the type filter lists them and filters", async ({
  server,
  launchBrowser,
}) => {
  const n = 10_000;
  const b = await launchBrowser();
  const chrome = await recordEventSourceMessages(b.context, b.page);
  await b.page.goto(fixtureUrl(server.origin, "blank.html"));
  const { page: panelPage, view } = await openPanelTab(b, b.page);
  const started = Date.now();
  await b.page.evaluate((count) => {
    const types = Array.from({ length: count }, (_, i) => `t${i}`);
    const w = window as unknown as { watch: (s: string, es: EventSource, t: string[]) => EventSource };
    w.watch("types", new EventSource(`/loss/stress?kind=types&n=${count}`), types);
  }, n);
  await waitFor(() => chromeEvents(chrome, "kind=types").length === n, { message: "Chrome's record" });
  const snap = await view.waitFor((s) => connectionByUrl(s.connections, "kind=types")?.count === n && s, {
    message: `the panel's ${n} events`,
    timeout: 60_000,
  });
  console.log(`10 000 types: page → panel shows all in ${Date.now() - started} ms`);
  const cid = connectionByUrl(snap.connections, "kind=types")?.cid ?? "";
  expect(eventsOf(snap.rows, cid)).toEqual(chromeEvents(chrome, "kind=types"));
  // The chip bar stays small (the most frequent types, then "+N more"); the searchable list reaches every
  // type and narrows the table to one.
  const chips = await panelPage.getByTestId("chip").count();
  expect(chips).toBeLessThanOrEqual(20);
  await expect(panelPage.getByTestId("chip-more")).toHaveText(
    new RegExp(`${(n - chips).toLocaleString("en-US")}`),
  );
  const t0 = Date.now();
  await panelPage.getByTestId("chip-more").click();
  await panelPage.getByTestId("chip-search").fill("t9876");
  await panelPage.locator('[data-testid=chip-option][data-type="t9876"] [data-testid=chip-only]').click();
  const only = await view.waitFor((s) => s.rows.length === 1 && s.rows);
  console.log(`type filter applied in ${Date.now() - t0} ms`);
  expect(only[0]).toMatchObject({ kind: "eventReceived", type: "t9876", data: "9876" });
  await chrome.stop();
});

test("50 EventSources on one page: 50 connections, each with exactly the events Chrome and the page saw", async ({
  server,
  launchBrowser,
}) => {
  const n = 50;
  const b = await launchBrowser();
  const chrome = await recordEventSourceMessages(b.context, b.page);
  await b.page.goto(fixtureUrl(server.origin, "blank.html"));
  const { view } = await openPanelTab(b, b.page);
  // Zero-padded, so that no tag is a prefix of another (connectionByUrl matches substrings).
  const tags = Array.from({ length: n }, (_, i) => `es${String(i + 1).padStart(2, "0")}`);
  // Chrome opens at most 6 HTTP/1.1 connections per host: the rest wait in its queue. Each stream sends 3
  // events (its tag in their data) and ends; its reconnect gets 204, so it closes and the next one gets a turn.
  await b.page.evaluate((ts) => {
    const w = window as unknown as { watch: (s: string, es: EventSource, t: string[]) => EventSource };
    for (const t of ts) w.watch(t, new EventSource(`/ends-204?n=3&interval=0&retry=0&tag=${t}`), ["status"]);
  }, tags);
  const snap = await view.waitFor(
    (s) =>
      s.connections.length === n && s.connections.every((c) => c.count === 3 && c.state === "closed") && s,
    { message: `${n} closed connections with 3 events each` },
  );
  await waitFor(() => chrome.events.length === 3 * n, { message: "Chrome's record" });
  expect(await view.sidebar()).toHaveLength(n);
  for (const t of tags) {
    const c = connectionByUrl(snap.connections, `tag=${t}`);
    const events = eventsOf(snap.rows, c?.cid ?? "");
    expect(events).toHaveLength(3);
    expect(events[0]?.data).toBe(`step 1 of 3 [${t}]`);
    expect(events).toEqual(chromeEvents(chrome, `tag=${t}`));
    expect(events).toEqual(await received(b.page, t));
  }
  expect(snap.rows.filter((r) => r.kind === "eventReceived")).toHaveLength(3 * n);
  expect(snap.stats).toMatchObject({ lost: 0, evicted: 0 });
  // Every stream ran to its end: one 200 and one 204 each.
  const statuses = server.requests.filter((r) => r.path === "/ends-204").map((r) => r.status);
  expect(statuses.filter((s) => s === 200)).toHaveLength(n);
  expect(statuses.filter((s) => s === 204)).toHaveLength(n);
  await chrome.stop();
});

test("EventSources in a same-origin and a cross-origin iframe: the tab's panel has all three, each equal to Chrome's record", async ({
  server,
  launchBrowser,
}) => {
  const b = await launchBrowser();
  const chromeTop = await recordEventSourceMessages(b.context, b.page);
  await b.page.goto(fixtureUrl(server.origin, "blank.html"));
  // localhost is another site than 127.0.0.1 (same server): Chrome runs that iframe in its own process.
  const crossOrigin = server.origin.replace("127.0.0.1", "localhost");
  const sameUrl = fixtureUrl(server.origin, "blank.html", { frame: "same" });
  const crossUrl = fixtureUrl(crossOrigin, "blank.html", { frame: "cross" });
  await b.page.evaluate(
    (urls) =>
      Promise.all(
        urls.map(
          (u) =>
            new Promise((resolve) => {
              const f = document.createElement("iframe");
              f.onload = resolve;
              f.src = u;
              document.body.append(f);
            }),
        ),
      ),
    [sameUrl, crossUrl],
  );
  const frameAt = (u: string) => {
    const f = b.page.frames().find((x) => x.url() === u);
    if (!f) throw new Error(`no frame ${u}`);
    return f;
  };
  const same = frameAt(sameUrl);
  const cross = frameAt(crossUrl);
  // Playwright refuses a CDP session for an in-process frame: this one must be out of process.
  const chromeCross = await recordEventSourceMessages(b.context, cross);
  const { page: panelPage, view } = await openPanelTab(b, b.page);

  const stream = (who: string, n: number) =>
    `/ticker?n=${n}&interval=10&types=price,news&end=hold&who=${who}`;
  await openStream(b.page, "top", stream("top", 5), ["price", "news"]);
  await openStream(same, "same", stream("same", 6), ["price", "news"]);
  await openStream(cross, "cross", stream("cross", 7), ["price", "news"]);
  const snap = await view.waitFor(
    (s) =>
      s.connections.length === 3 &&
      connectionByUrl(s.connections, "who=top")?.count === 5 &&
      connectionByUrl(s.connections, "who=same")?.count === 6 &&
      connectionByUrl(s.connections, "who=cross")?.count === 7 &&
      s,
    { message: "the three frames' connections, all their events" },
  );
  await waitFor(
    () =>
      chromeEvents(chromeTop, "who=top").length === 5 &&
      chromeEvents(chromeTop, "who=same").length === 6 &&
      chromeEvents(chromeCross, "who=cross").length === 7,
    { message: "Chrome's records" },
  );
  // The top page's record holds the same-origin iframe's stream, not the other process's.
  expect(chromeEvents(chromeTop, "who=cross")).toEqual([]);
  const cases = [
    { who: "top", frame: b.page, record: chromeTop, frameUrl: b.page.url(), origin: server.origin },
    { who: "same", frame: same, record: chromeTop, frameUrl: sameUrl, origin: server.origin },
    { who: "cross", frame: cross, record: chromeCross, frameUrl: crossUrl, origin: crossOrigin },
  ];
  for (const k of cases) {
    const c = connectionByUrl(snap.connections, `who=${k.who}`);
    expect(c?.url.startsWith(`${k.origin}/ticker?`)).toBe(true);
    const events = eventsOf(snap.rows, c?.cid ?? "");
    expect(events).toEqual(chromeEvents(k.record, `who=${k.who}`));
    expect(events).toEqual(await received(k.frame, k.who));
    // Each event's origin as the page's MessageEvent had it (the hook reads it once per attempt).
    const origins = snap.rows
      .filter((r) => r.cid === c?.cid && r.kind === "eventReceived")
      .map((r) => r.origin);
    expect(new Set(origins)).toEqual(new Set([k.origin]));
    // The detail pane names the frame that opened it.
    await panelPage.locator(`[data-testid=connection][data-cid="${c?.cid}"]`).click();
    const frameField = panelPage.locator(".fields > div", {
      has: panelPage.locator("dt", { hasText: /^Frame$/ }),
    });
    await expect(frameField.locator("dd")).toHaveText(k.frameUrl);
  }
  expect(snap.stats).toMatchObject({ lost: 0, evicted: 0 });
  await chromeTop.stop();
  await chromeCross.stop();
});
