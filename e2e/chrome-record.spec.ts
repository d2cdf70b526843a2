/**
 * The extension against Chrome's own record of the stream: `Network.eventSourceMessageReceived` (what the
 * browser parsed) and the panel's captured events must be equal, event for event, in order — for a stream
 * with plain messages, several custom types, ids set, kept and reset, multi-line data and non-events
 * (comments, retry, an empty data block).
 */
import { recordEventSourceMessages } from "./helpers/cdp-record";
import { expect, test } from "./helpers/fixtures";
import { fixtureUrl, received } from "./helpers/page";
import { connectionByUrl, type Ev, eventsOf, openPanelTab } from "./helpers/panel";
import { waitFor } from "./helpers/wait";

/** What one /mixed block dispatches (see MIXED_BLOCK in scripts/sse-server.ts). `id` is the event's lastEventId. */
const ONE_BLOCK: Ev[] = [
  { type: "message", data: "plain message, no id", id: "" },
  { type: "alpha", data: "first alpha", id: "a1" },
  { type: "message", data: "message keeps id a1", id: "a1" },
  { type: "beta", data: "line one\nline two\nline three", id: "b1" },
  { type: "gamma", data: '{"json":true,"n":[1,2,3]}', id: "b1" },
  { type: "alpha", data: "tight\n\nafter empty line", id: "a2" },
  { type: "beta", data: "after silent id", id: "silent" },
  { type: "delta", data: "id reset to empty", id: "" },
  { type: "message", data: "unicode: ΣSE ✓ 日本", id: "" },
  { type: "gamma", data: "  two leading spaces kept after the first is dropped", id: "g1" },
];

test("the panel's events equal Chrome's own record of the stream", async ({ server, launchBrowser }) => {
  const repeat = 3;
  const expected = Array.from({ length: repeat }, () => ONE_BLOCK).flat();
  // After the first block, the persisted id is "g1" where the stream sets none.
  for (let i = ONE_BLOCK.length; i < expected.length; i++) {
    const e = expected[i] as Ev;
    if (i % ONE_BLOCK.length === 0) expected[i] = { ...e, id: "g1" };
  }

  const b = await launchBrowser();
  const chrome = await recordEventSourceMessages(b.context, b.page);
  await b.page.goto(fixtureUrl(server.origin, "mixed.html", { mixed: `/mixed?repeat=${repeat}&interval=5` }));
  await waitFor(async () => (await received(b.page, "mixed")).length === expected.length, {
    message: `the page's ${expected.length} events`,
  });
  const chromeEvents = (): Ev[] =>
    chrome.eventsFor((u) => u.includes("/mixed")).map(({ type, data, id }) => ({ type, data, id }));
  await waitFor(() => chromeEvents().length === expected.length, {
    message: "Chrome's record of every event",
  });

  const { view } = await openPanelTab(b, b.page);
  const conn = await view.waitFor(
    (s) => {
      const c = connectionByUrl(s.connections, "/mixed");
      return c?.count === expected.length && c;
    },
    { message: `the panel's ${expected.length} events` },
  );
  const panelEvents = eventsOf(await view.rows(), conn.cid);

  expect(panelEvents).toEqual(chromeEvents());
  expect(chromeEvents()).toEqual(await received(b.page, "mixed"));
  expect(chromeEvents()).toEqual(expected);
  await chrome.stop();
});

test("a stream the server stops with 204 ends closed, without further reconnects", async ({
  server,
  launchBrowser,
}) => {
  const b = await launchBrowser();
  await b.page.goto(fixtureUrl(server.origin, "blank.html"));
  await b.page.evaluate(() => {
    const w = window as unknown as { watch: (src: string, es: EventSource, types: string[]) => EventSource };
    w.watch("s204", new EventSource("/ends-204?n=3&interval=20&retry=200"), ["status"]);
  });
  const { view } = await openPanelTab(b, b.page);
  const conn = await view.waitFor(
    (s) => {
      const c = connectionByUrl(s.connections, "/ends-204");
      return c?.state === "closed" && c;
    },
    { message: "the 204-stopped stream closed" },
  );
  expect(conn).toMatchObject({ count: 3, lastId: "3", reconnects: 0 });
  const rows = (await view.rows()).filter((r) => r.cid === conn.cid);
  expect(rows.filter((r) => r.kind === "errorReceived").map((r) => r.readyState)).toEqual([0, 2]);
  expect(eventsOf(rows, conn.cid)).toEqual(await received(b.page, "s204"));
  expect(server.requests.filter((r) => r.path === "/ends-204").map((r) => [r.lastEventId, r.status])).toEqual(
    [
      [null, 200],
      ["3", 204],
    ],
  );
});
