/**
 * Events that happened before DevTools was opened: the page's hook and the background keep them, so the
 * SSE panel lists them all as soon as DevTools opens — and keeps listing new ones live.
 */
import { BrowserCdp, openDevTools } from "./helpers/devtools";
import { expect, test } from "./helpers/fixtures";
import { fixtureUrl, received } from "./helpers/page";
import { connectionByUrl, eventsOf, PanelView } from "./helpers/panel";
import { waitFor } from "./helpers/wait";

test("events received before DevTools was opened are listed once it opens", async ({
  server,
  launchBrowser,
}) => {
  const b = await launchBrowser({ autoOpenDevTools: false });
  await b.page.goto(
    fixtureUrl(server.origin, "before-devtools.html", {
      early: "/ticker?n=5&interval=20&types=price,news&who=early",
    }),
  );
  await waitFor(async () => (await received(b.page, "early")).length === 5, {
    message: "the page's 5 early events",
  });

  const cdp = await BrowserCdp.connect(b.context);
  expect((await cdp.targets()).filter((t) => t.url.startsWith("devtools://"))).toEqual([]);
  const devtools = await openDevTools(cdp, b.page);
  const panel = await PanelView.attach(await devtools.showPanel(b.extensionId as string));

  const early = await panel.waitFor(
    (s) => {
      const c = connectionByUrl(s.connections, "who=early");
      return c?.count === 5 && c;
    },
    { message: "the 5 events from before DevTools opened" },
  );
  expect(early).toMatchObject({ state: "open", lastId: "5", reconnects: 0 });
  const rows = await panel.rows();
  expect(eventsOf(rows, early.cid)).toEqual(await received(b.page, "early"));
  expect(rows.filter((r) => r.cid === early.cid).map((r) => r.kind)).toEqual([
    "connectionCreated",
    "listenerAdded",
    "listenerAdded",
    "connectionOpened",
    "eventReceived",
    "eventReceived",
    "eventReceived",
    "eventReceived",
    "eventReceived",
  ]);

  // DevTools is open now: a new stream shows up live.
  await b.page.evaluate(
    (url) => (window as unknown as { openLate: (u: string) => void }).openLate(url),
    "/ticker?n=3&interval=20&types=news&who=late",
  );
  const late = await panel.waitFor(
    (s) => {
      const c = connectionByUrl(s.connections, "who=late");
      return c?.count === 3 && c;
    },
    { message: "the stream opened after DevTools, live" },
  );
  await waitFor(async () => (await received(b.page, "late")).length === 3, {
    message: "the page's 3 late events",
  });
  expect(eventsOf(await panel.rows(), late.cid)).toEqual(await received(b.page, "late"));
  await cdp.dispose();
});
