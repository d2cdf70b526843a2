/**
 * The network record in the real DevTools: the devtools page reads DevTools' own record of every
 * EventSource attempt (status, headers, Last-Event-ID sent, the raw body) and the panel joins it with the
 * page's records: events no listener received are marked "not delivered", retry values, comments (hidden by
 * the toggle), id-only blocks, attempts numbered with their gap, Last-Event-ID, status and ending.
 * The network side's events must equal Chrome's own record (`Network.eventSourceMessageReceived`).
 */
import type { PlainAttempt as Attempt } from "../src/network/view";
import { recordEventSourceMessages } from "./helpers/cdp-record";
import { BrowserCdp, devToolsFor } from "./helpers/devtools";
import { expect, test } from "./helpers/fixtures";
import { fixtureUrl, received } from "./helpers/page";
import { PanelView } from "./helpers/panel";
import { waitFor } from "./helpers/wait";

const readAttempts = () =>
  JSON.parse(JSON.stringify((window as { __sseAttempts?: unknown }).__sseAttempts ?? [])) as Attempt[];

test("attempts, undelivered events, retry, comments and endings from DevTools' network record", async ({
  server,
  launchBrowser,
}) => {
  const b = await launchBrowser({ autoOpenDevTools: true });
  const chrome = await recordEventSourceMessages(b.context, b.page);
  await b.page.goto(fixtureUrl(server.origin, "blank.html"));
  const cdp = await BrowserCdp.connect(b.context);
  const devtools = await devToolsFor(cdp, b.page);
  const frame = await devtools.showPanel(b.extensionId as string);
  const panel = await PanelView.attach(frame);

  // The page listens only through onmessage: `event: update` blocks reach no listener.
  await b.page.evaluate(() => {
    const w = window as unknown as { watch: (src: string, es: EventSource, types: string[]) => EventSource };
    w.watch("story", new EventSource("/net-story"), []);
    w.watch("wrong", new EventSource("/wrong-type"), []);
  });

  const byUrl = async (part: string) => {
    const conns = await panel.connections();
    const cid = conns.find((c) => c.url.includes(part))?.cid;
    return (await frame.evaluate(readAttempts)).filter((a) => a.cid === cid);
  };
  const story = await waitFor(
    async () => {
      const a = await byUrl("/net-story");
      // The network record of the 204 attempt can arrive before the page's own error record that ends it.
      return a.length === 3 && a.every((x) => x.status !== null && x.ending !== "") && a;
    },
    { timeout: 20_000, message: "three ended /net-story attempts with their network record" },
  );

  expect(story.map((a) => [a.attempt, a.status, a.lastEventId, a.lastEventIdFrom])).toEqual([
    [1, 200, "", "header"],
    [2, 200, "3", "header"],
    [3, 204, "5", "header"],
  ]);
  // The server received the same headers.
  expect(
    server.requests.filter((r) => r.path === "/net-story").map((r) => [r.lastEventId, r.status]),
  ).toEqual([
    [null, 200],
    ["3", 200],
    ["5", 204],
  ]);
  expect(story[0]?.gapMs).toBeNull();
  expect(story.slice(1).every((a) => typeof a.gapMs === "number")).toBe(true);
  expect(story.map((a) => a.ending)).toEqual([
    "server closed the stream; reconnecting",
    "server closed the stream; reconnecting",
    "204 No Content: the server asked not to reconnect",
  ]);
  const [first, second] = story;
  expect(first?.rows).toEqual([
    { kind: "comment", text: "hello" },
    { kind: "retry", retry: 700 },
    { kind: "networkEvent", type: "message", data: "m1", id: "1", delivered: true },
    { kind: "networkEvent", type: "update", data: "u2", id: "2", delivered: false, why: "noListener" },
    { kind: "comment", text: "heartbeat" },
    { kind: "idOnly", id: "3" },
  ]);
  expect(second?.rows).toEqual([
    { kind: "networkEvent", type: "message", data: "m4", id: "3", delivered: true },
    { kind: "networkEvent", type: "update", data: "u4", id: "4", delivered: false, why: "noListener" },
    { kind: "idOnly", id: "5" },
  ]);
  // What the page got is exactly the events marked delivered.
  const delivered = story.flatMap((a) =>
    a.rows
      .filter((r) => r.kind === "networkEvent" && r.delivered)
      .map(({ type, data, id }) => ({ type, data, id })),
  );
  expect(delivered).toEqual(await received(b.page, "story"));

  // The network side's events equal Chrome's own record, event for event.
  const networkEvents = story.flatMap((a) =>
    a.rows.filter((r) => r.kind === "networkEvent").map(({ type, data, id }) => ({ type, data, id })),
  );
  const chromeEvents = () =>
    chrome.eventsFor((u) => u.includes("/net-story")).map(({ type, data, id }) => ({ type, data, id }));
  await waitFor(() => chromeEvents().length === networkEvents.length, { message: "Chrome's record" });
  expect(networkEvents).toEqual(chromeEvents());

  // The wrong Content-Type attempt.
  const wrong = await waitFor(async () => {
    const a = await byUrl("/wrong-type");
    return a[0]?.status !== null && a[0]?.ending !== "" && a;
  });
  expect(wrong.map((a) => [a.attempt, a.status, a.contentType, a.ending])).toEqual([
    [1, 200, "text/plain", "wrong Content-Type (text/plain): the browser gave up"],
  ]);

  // The detail pane shows the story; undelivered events are marked; the toggle hides comments.
  await frame.evaluate(() => {
    const el = [...document.querySelectorAll<HTMLElement>("[data-testid=connection]")].find((e) =>
      (e.dataset.url ?? "").includes("/net-story"),
    );
    el?.click();
  });
  const dom = () =>
    frame.evaluate(() => ({
      attempts: document.querySelectorAll("[data-testid=attempt]").length,
      comments: document.querySelectorAll("[data-testid=net-row][data-kind=comment]").length,
      undelivered: [
        ...document.querySelectorAll<HTMLElement>(
          "[data-testid=net-row][data-kind=networkEvent][data-delivered=false]",
        ),
      ].map((e) => e.textContent ?? ""),
      retry: [...document.querySelectorAll<HTMLElement>("[data-testid=net-row][data-kind=retry]")].map(
        (e) => e.dataset.retry,
      ),
      gaps: [...document.querySelectorAll("[data-testid=attempt-gap]")].map((e) => e.textContent ?? ""),
    }));
  const shown = await waitFor(async () => {
    const d = await dom();
    return d.attempts === 3 && d;
  });
  expect(shown.comments).toBe(2);
  expect(shown.retry).toEqual(["700"]);
  expect(shown.undelivered).toHaveLength(2);
  expect(shown.undelivered[0]).toContain("not delivered: no listener for 'update'");
  expect(shown.gaps).toHaveLength(2);
  expect(shown.gaps.every((g) => g.startsWith("observed gap "))).toBe(true);

  await frame.evaluate(() =>
    document.querySelector<HTMLInputElement>("[data-testid=hide-heartbeats]")?.click(),
  );
  await waitFor(async () => (await dom()).comments === 0, {
    message: "comments hidden by 'Hide heartbeats'",
  });
  expect((await byUrl("/net-story")).flatMap((a) => a.rows).filter((r) => r.kind === "comment")).toEqual([]);
  await chrome.stop();
  await cdp.dispose();
});
