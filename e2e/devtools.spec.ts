/**
 * The real DevTools: the SSE panel inside Chrome's own DevTools window shows what the inspected page's
 * EventSources did — both connections, every event in order, a reconnect and the Last-Event-ID resumption.
 */
import { copyFileSync } from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "./helpers/browser";
import { BrowserCdp, devToolsFor } from "./helpers/devtools";
import { expect, test } from "./helpers/fixtures";
import { fixtureUrl, pageLog, received } from "./helpers/page";
import { connectionByUrl, eventsOf, PanelView } from "./helpers/panel";
import { waitFor } from "./helpers/wait";

test("two EventSources, custom types, a reconnect and Last-Event-ID resumption in the real DevTools", async ({
  server,
  launchBrowser,
}) => {
  const b = await launchBrowser({ autoOpenDevTools: true });
  const extensionId = b.extensionId as string;
  // The server ends /resumable after 4 events; the browser reconnects with Last-Event-ID, and the server
  // holds that reconnect (no response yet) until the test releases it: the "reconnecting" state is stable.
  const gate = "resumable-reconnect";
  const tickerPath = "/ticker?n=6&interval=30&types=price,news";
  const resumablePath = `/resumable?n=8&k=4&interval=30&retry=300&hold=${gate}`;
  await b.page.goto(
    fixtureUrl(server.origin, "two-streams.html", { ticker: tickerPath, resumable: resumablePath }),
  );

  const cdp = await BrowserCdp.connect(b.context);
  const devtools = await devToolsFor(cdp, b.page);
  const panel = await PanelView.attach(await devtools.showPanel(extensionId));

  // 1. Before the drop is answered: the ticker is complete, the resumable stream waits to reconnect.
  const dropped = await panel.waitFor(
    (s) => {
      const t = connectionByUrl(s.connections, "/ticker");
      const r = connectionByUrl(s.connections, "/resumable");
      return t?.count === 6 && r?.state === "reconnecting" && r.count === 4 && { t, r };
    },
    { message: "the ticker's 6 events and the resumable stream reconnecting after 4" },
  );
  expect(dropped.r.lastId).toBe("4");
  // The page agrees: its EventSource reported an error with readyState CONNECTING (0), i.e. "will retry".
  expect(await pageLog(b.page, "resumable")).toEqual([
    { src: "resumable", what: "open", readyState: 1 },
    { src: "resumable", what: "error", readyState: 0 },
  ]);
  // What the sidebar renders says the same.
  const sidebar = await panel.sidebar();
  expect(sidebar).toHaveLength(2);
  expect(connectionByUrl(sidebar, "/resumable")).toMatchObject({
    state: "reconnecting",
    count: 4,
    lastId: "4",
  });
  expect(connectionByUrl(sidebar, "/ticker")).toMatchObject({ state: "open", count: 6, lastId: "6" });
  const lastIdBeforeDrop = dropped.r.lastId;

  // 2. Let the reconnect through: the stream resumes and stays open.
  server.release(gate);
  const resumed = await panel.waitFor(
    (s) => {
      const r = connectionByUrl(s.connections, "/resumable");
      return r?.state === "open" && r.count === 9 && r;
    },
    { message: "the resumable stream open again with 4 + resumed + 4 events" },
  );
  expect(resumed.reconnects).toBeGreaterThanOrEqual(1);
  expect(resumed.lastId).toBe("8");

  // 3. Every event, in order, exactly as the page's own listeners received it.
  await waitFor(async () => (await received(b.page, "resumable")).length === 9, {
    message: "the page's 9 events",
  });
  const rows = await panel.rows();
  const tickerEvents = eventsOf(rows, dropped.t.cid);
  const resumableEvents = eventsOf(rows, dropped.r.cid);
  expect(tickerEvents).toEqual(await received(b.page, "ticker"));
  expect(resumableEvents).toEqual(await received(b.page, "resumable"));
  expect(tickerEvents.map((e) => e.type)).toEqual(["message", "price", "news", "message", "price", "news"]);
  expect(tickerEvents.map((e) => e.id)).toEqual(["1", "2", "3", "4", "5", "6"]);

  // 4. Last-Event-ID: the server's echo (first event after the reconnect) carries the id the panel listed
  // as last before the drop; the server log shows the header the browser actually sent.
  expect(resumableEvents[4]?.type).toBe("resumed");
  expect(JSON.parse(resumableEvents[4]?.data ?? "null")).toEqual({ lastEventId: lastIdBeforeDrop });
  expect(resumableEvents.map((e) => e.id)).toEqual(["1", "2", "3", "4", "4", "5", "6", "7", "8"]);
  expect(server.requests.filter((r) => r.path === "/resumable").map((r) => r.lastEventId)).toEqual([
    null,
    "4",
  ]);

  // The panel's row kinds tell the connection's story in order.
  const story = rows
    .filter((r) => r.cid === dropped.r.cid && r.kind !== "eventReceived" && r.kind !== "listenerAdded")
    .map((r) => r.kind);
  expect(story).toEqual(["connectionCreated", "connectionOpened", "errorReceived", "connectionOpened"]);

  // A picture of the real DevTools with the panel: always to artifacts/, and to the README's docs/panel.png
  // when asked (UPDATE_SCREENSHOTS=1), so that a test run does not leave the work tree changed.
  // With the reconnecting connection selected, so that the picture also shows its detail and attempts.
  await panel.where.evaluate((cid) => {
    const el = [...document.querySelectorAll<HTMLElement>("[data-testid=connection]")].find(
      (e) => e.dataset.cid === cid,
    );
    el?.click();
  }, dropped.r.cid);
  await waitFor(
    () => panel.where.evaluate(() => document.querySelectorAll("[data-testid=attempt]").length >= 2),
    {
      message: "the selected connection's attempts in the detail pane",
    },
  );
  await devtools.undock(1280, 760);
  const shot = path.join(REPO_ROOT, "artifacts", "panel.png");
  await devtools.screenshot(shot);
  if (process.env.UPDATE_SCREENSHOTS === "1") copyFileSync(shot, path.join(REPO_ROOT, "docs", "panel.png"));
  await cdp.dispose();
});
