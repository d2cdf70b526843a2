/**
 * Chrome stops an idle extension service worker, and the background's memory goes with it. Each page
 * document keeps a bounded buffer and re-sends what the new worker lacks, so the panel loses nothing; when the
 * page buffer was too small to cover the gap, the loss is counted exactly and shown.
 */
import { type Launched, stopServiceWorker, tabIdOf } from "./helpers/browser";
import { recordEventSourceMessages } from "./helpers/cdp-record";
import { expect, test } from "./helpers/fixtures";
import { fixtureUrl, received } from "./helpers/page";
import { connectionByUrl, eventsOf, openPanelTab } from "./helpers/panel";
import { waitFor } from "./helpers/wait";

/** Marks the running worker, so that we can tell a restarted one from it. */
const markWorker = async (b: Launched) =>
  (await b.serviceWorker()).evaluate(() => {
    (globalThis as { __marked?: boolean }).__marked = true;
  });
const workerIsMarked = async (b: Launched) =>
  (await b.serviceWorker()).evaluate(() => (globalThis as { __marked?: boolean }).__marked === true);

test("a restarted service worker gets everything back from the page, with the panel open", async ({
  server,
  launchBrowser,
}) => {
  const b = await launchBrowser();
  const chrome = await recordEventSourceMessages(b.context, b.page);
  await b.page.goto(
    fixtureUrl(server.origin, "before-devtools.html", {
      early: "/ticker?n=6&interval=20&types=price&end=hold&who=early",
    }),
  );
  const { view } = await openPanelTab(b, b.page);
  await view.waitFor((s) => connectionByUrl(s.connections, "who=early")?.count === 6, {
    message: "the 6 early events in the panel before the restart",
  });

  await markWorker(b);
  await stopServiceWorker(b);

  // The page keeps going while no worker runs; its next batch starts a new one.
  await b.page.evaluate(
    (url) => (window as unknown as { openLate: (u: string) => void }).openLate(url),
    "/ticker?n=4&interval=20&types=price&end=hold&who=late",
  );
  await waitFor(async () => (await received(b.page, "late")).length === 4, {
    message: "the page's late events",
  });

  const snap = await view.waitFor(
    (s) =>
      connectionByUrl(s.connections, "who=early")?.count === 6 &&
      connectionByUrl(s.connections, "who=late")?.count === 4 &&
      s,
    { message: "both streams complete in the panel after the restart" },
  );
  expect(await workerIsMarked(b)).toBe(false);
  const early = connectionByUrl(snap.connections, "who=early");
  const late = connectionByUrl(snap.connections, "who=late");
  expect(eventsOf(snap.rows, early?.cid ?? "")).toEqual(await received(b.page, "early"));
  expect(eventsOf(snap.rows, late?.cid ?? "")).toEqual(await received(b.page, "late"));
  // And with Chrome's own record of both streams (what the browser parsed), event for event.
  const chromeEvents = (who: string) =>
    chrome.eventsFor((u) => u.includes(`who=${who}`)).map(({ type, data, id }) => ({ type, data, id }));
  expect(chromeEvents("early")).toHaveLength(6);
  expect(eventsOf(snap.rows, early?.cid ?? "")).toEqual(chromeEvents("early"));
  expect(eventsOf(snap.rows, late?.cid ?? "")).toEqual(chromeEvents("late"));
  await chrome.stop();
  expect(early).toMatchObject({ state: "open", lastId: "6" });
  expect(snap.stats).toMatchObject({ lost: 0, evicted: 0 });
  // Every record appears once, in the order the page made them.
  const tabSeqs = snap.rows.map((r) => r.tabSeq);
  expect(new Set(tabSeqs).size).toBe(tabSeqs.length);
});

test("a restarted worker on an idle page: opening the panel brings the page's records back", async ({
  server,
  launchBrowser,
}) => {
  const b = await launchBrowser();
  await b.page.goto(
    fixtureUrl(server.origin, "before-devtools.html", {
      early: "/ticker?n=5&interval=20&types=price&end=hold&who=idle",
    }),
  );
  await waitFor(async () => (await received(b.page, "early")).length === 5, {
    message: "the page's 5 events",
  });
  // Let the first worker take the records, then lose them with it. The stream is idle from here on.
  const first = await openPanelTab(b, b.page);
  await first.view.waitFor((s) => connectionByUrl(s.connections, "who=idle")?.count === 5);
  await first.page.close();
  const tabId = await tabIdOf(b, b.page);
  await markWorker(b);
  const spare = await b.context.newPage();
  await stopServiceWorker(b);

  const { view } = await openPanelTab(b, b.page, tabId, spare);
  const snap = await view.waitFor((s) => connectionByUrl(s.connections, "who=idle")?.count === 5 && s, {
    message: "the idle page's events in a panel opened after the restart",
  });
  expect(await workerIsMarked(b)).toBe(false);
  const idle = connectionByUrl(snap.connections, "who=idle");
  expect(eventsOf(snap.rows, idle?.cid ?? "")).toEqual(await received(b.page, "early"));
  expect(snap.stats).toMatchObject({ lost: 0 });
});

test("records the page buffer could no longer hold are counted as lost and shown", async ({
  server,
  launchBrowser,
}) => {
  const b = await launchBrowser();
  const cap = 4;
  await (await b.serviceWorker()).evaluate(
    (pageBufferCap) => chrome.storage.local.set({ settings: { pageBufferCap } }),
    cap,
  );
  await b.page.goto(
    fixtureUrl(server.origin, "before-devtools.html", {
      early: "/ticker?n=10&interval=20&types=price&end=hold&who=capped",
    }),
  );
  await waitFor(async () => (await received(b.page, "early")).length === 10, {
    message: "the page's events",
  });
  const first = await openPanelTab(b, b.page);
  await first.view.waitFor((s) => connectionByUrl(s.connections, "who=capped")?.count === 10);
  await first.page.close();
  const tabId = await tabIdOf(b, b.page);
  const spare = await b.context.newPage();
  await stopServiceWorker(b);

  const { page, view } = await openPanelTab(b, b.page, tabId, spare);
  // The document made 14 records: connectionCreated, listenerAdded for price and news (the fixture listens
  // for both), connectionOpened, 10 events.
  // The new worker can only get the newest `cap` of them back; the rest must be reported, exactly.
  const made = 14;
  const snap = await view.waitFor((s) => s.stats?.lost === made - cap && s, {
    message: `the panel to report ${made - cap} lost records`,
  });
  const capped = snap.rows.filter((r) => r.kind === "eventReceived");
  expect(capped.map((r) => r.id)).toEqual(["7", "8", "9", "10"]);
  // Where: one marker row, right before the first record the page could still re-send.
  expect(snap.rows.map((r) => (r.kind === "recordsLost" ? `lost:${r.count}` : r.kind))).toEqual([
    `lost:${made - cap}`,
    "eventReceived",
    "eventReceived",
    "eventReceived",
    "eventReceived",
  ]);
  await expect(page.getByTestId("marker")).toContainText(`${made - cap} records lost here`);
  // And it says so on screen, not only in an attribute.
  await expect(page.getByTestId("stats")).toContainText(String(made - cap));
});
