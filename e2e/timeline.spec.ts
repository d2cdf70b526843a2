/**
 * The timeline strip in the real DevTools (issue 4, item 2): one lane per EventSource, readyState bands, a
 * tick per event the page received, the reconnect gap labelled with the observed ms, the Last-Event-ID and
 * the retry from the network record; a click on a tick selects its row in the grid; zoom changes the window;
 * event-name chips narrow it; a force-close is marked "closed from DevTools".
 *
 * Pointer input is real (CDP `Input.dispatchMouseEvent` on the DevTools window at the panel iframe's offset),
 * as in layout.spec.ts.
 */
import { copyFileSync } from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "./helpers/browser";
import { panelPoint as centre, clickInPanel as click, type TargetSession } from "./helpers/devtools";
import { expect, test } from "./helpers/fixtures";
import { fixtureUrl, received } from "./helpers/page";
import { connectionByUrl, type PanelRow, panelInDevTools } from "./helpers/panel";
import { waitFor } from "./helpers/wait";

interface Drawn {
  from: number;
  to: number;
  follow: string;
  lanes: {
    cid: string;
    bands: { state: string; reason?: string }[];
    ticks: { type: string; tabSeq: number }[];
    gaps: { ms: number; leid: string; from: string; retry: string; label: string }[];
    devtools: string[];
  }[];
}

/** What the timeline draws now, read from its test contract. */
const drawn = (panel: TargetSession) =>
  panel.evaluate((): Drawn => {
    const root = document.querySelector<HTMLElement>("[data-testid=timeline]");
    const all = <T extends Element>(el: ParentNode, sel: string) => [
      ...el.querySelectorAll<T & HTMLElement>(sel),
    ];
    return {
      from: Number(root?.dataset.from),
      to: Number(root?.dataset.to),
      follow: root?.dataset.follow ?? "",
      lanes: all(document, "[data-testid=timeline-lane]").map((lane) => ({
        cid: lane.dataset.cid ?? "",
        bands: all<SVGElement>(lane, "[data-testid=timeline-band]").map((b) => ({
          state: b.dataset.state ?? "",
          ...(b.dataset.reason ? { reason: b.dataset.reason } : {}),
        })),
        ticks: all<SVGElement>(lane, "[data-testid=timeline-tick]").map((tk) => ({
          type: tk.dataset.type ?? "",
          tabSeq: Number(tk.dataset.tabseq),
        })),
        gaps: all<SVGElement>(lane, "[data-testid=timeline-gap]").map((g) => ({
          ms: Number(g.dataset.ms),
          leid: g.dataset.lastEventId ?? "",
          from: g.dataset.leidFrom ?? "",
          retry: g.dataset.retry ?? "",
          label: g.querySelector("[data-testid=timeline-gap-label]")?.textContent ?? "",
        })),
        devtools: all<SVGElement>(lane, "[data-testid=timeline-devtools]").map((d) => d.dataset.mode ?? ""),
      })),
    };
  });

test("timeline: lanes, bands, ticks, the reconnect gap with Last-Event-ID and retry; click selects; zoom; chips; force-close", async ({
  server,
  launchBrowser,
}) => {
  const b = await launchBrowser({ autoOpenDevTools: true });
  await b.page.goto(fixtureUrl(server.origin, "blank.html"));
  const { cdp, devtools, frame: panel, view } = await panelInDevTools(b);
  // Created once DevTools is open, so that DevTools' own record (with the body: `retry:`) has every attempt.
  // The server ends /resumable after 4 events with `retry: 300`; the browser reconnects with Last-Event-ID 4.
  await b.page.evaluate(() => {
    const w = window as unknown as { watch: (src: string, es: EventSource, types: string[]) => EventSource };
    w.watch("ticker", new EventSource("/ticker?n=6&interval=30&types=price,news"), ["price", "news"]);
    w.watch("resumable", new EventSource("/resumable?n=8&k=4&interval=30&retry=300"), ["resumed"]);
  });
  await devtools.undock(1280, 760);
  const conns = await view.waitFor(
    (s) => {
      const t = connectionByUrl(s.connections, "/ticker");
      const r = connectionByUrl(s.connections, "/resumable");
      return t?.count === 6 && r?.state === "open" && r.count === 9 && { t, r };
    },
    { message: "the ticker's 6 events and the resumable stream's 9 after its reconnect" },
  );
  const pageTicker = await received(b.page, "ticker");
  const pageResumable = await received(b.page, "resumable");
  expect(pageResumable).toHaveLength(9);

  // The retry comes from DevTools' record of attempt 1, which arrives once that attempt has ended.
  const d = await waitFor(
    async () => {
      const x = await drawn(panel);
      const r = x.lanes.find((l) => l.cid === conns.r.cid);
      return r?.ticks.length === 9 && r.gaps[0]?.retry === "300" && x;
    },
    { message: "the resumable lane's 9 ticks and its gap with the retry from the network record" },
  );
  // One lane per EventSource, in the sidebar's order.
  expect(d.lanes.map((l) => l.cid)).toEqual([conns.t.cid, conns.r.cid]);
  const rows = await view.rows();
  const ticker = d.lanes[0];
  const resumable = d.lanes[1];
  // A tick per event the page received, each the panel's row of that event (same type, same record).
  const eventRows = (cid: string) => rows.filter((r) => r.kind === "eventReceived" && r.cid === cid);
  expect(ticker?.ticks.map((x) => x.type)).toEqual(pageTicker.map((e) => e.type));
  expect(resumable?.ticks.map((x) => x.type)).toEqual(pageResumable.map((e) => e.type));
  expect(resumable?.ticks.map((x) => x.tabSeq)).toEqual(eventRows(conns.r.cid).map((r) => r.tabSeq));
  // Bands: CONNECTING, OPEN; the resumable one reconnects and opens again.
  expect(ticker?.bands.map((x) => x.state)).toEqual(["connecting", "open"]);
  expect(resumable?.bands.map((x) => x.state)).toEqual(["connecting", "open", "reconnecting", "open"]);
  // The gap: the observed time from the error to the next open, as the page's own records time them.
  const story = rows.filter(
    (r) => r.cid === conns.r.cid && (r.kind === "errorReceived" || r.kind === "connectionOpened"),
  );
  const errorAt = story.find((r) => r.kind === "errorReceived") as PanelRow;
  const reopenAt = story.filter((r) => r.kind === "connectionOpened")[1] as PanelRow;
  const gapMs = Math.round((reopenAt.mono as number) - (errorAt.mono as number));
  expect(resumable?.gaps).toHaveLength(1);
  expect(resumable?.gaps[0]?.ms).toBe(gapMs);
  // What the reconnect carried: Last-Event-ID 4, which the server says it received.
  expect(server.requests.filter((r) => r.path === "/resumable").map((r) => r.lastEventId)).toEqual([
    null,
    "4",
  ]);
  expect(resumable?.gaps[0]?.leid).toBe("4");
  expect(resumable?.gaps[0]?.label).toContain(`${gapMs} ms`);

  // A picture for the README (artifacts/ is written by every run; docs/ only when asked).
  const shot = path.join(REPO_ROOT, "artifacts", "timeline.png");
  await devtools.screenshot(shot);
  if (process.env.UPDATE_SCREENSHOTS === "1")
    copyFileSync(shot, path.join(REPO_ROOT, "docs", "timeline.png"));

  // Hover a tick: its type, id and data as text.
  const tickSel = (cid: string, tabSeq: number) =>
    `[data-testid=timeline-lane][data-cid="${cid}"] [data-testid=timeline-tick][data-tabseq="${tabSeq}"]`;
  const target = eventRows(conns.r.cid)[6] as PanelRow;
  const p = await centre(devtools, panel, tickSel(conns.r.cid, target.tabSeq));
  await devtools.session.send("Input.dispatchMouseEvent", { type: "mouseMoved", x: p.x, y: p.y });
  const tipText = await waitFor(
    () => panel.evaluate(() => document.querySelector("[data-testid=timeline-tip]")?.textContent ?? ""),
    { message: "the tooltip of the hovered tick" },
  );
  expect(tipText).toContain(target.data);
  expect(tipText).toContain(`id: ${target.id}`);

  // Click it: the grid selects that row and scrolls it into view.
  await click(devtools, panel, tickSel(conns.r.cid, target.tabSeq));
  const selected = await waitFor(
    () =>
      panel.evaluate(() => {
        const row = document.querySelector<HTMLElement>("[data-testid=row][aria-selected=true]");
        const body = document.querySelector(".tbody")?.getBoundingClientRect();
        const r = row?.getBoundingClientRect();
        return (
          row &&
          body &&
          r && {
            tabSeq: Number(row.dataset.tabseq),
            visible: r.top >= body.top - 1 && r.bottom <= body.bottom + 1,
          }
        );
      }),
    { message: "a row selected in the grid" },
  );
  expect(selected).toEqual({ tabSeq: target.tabSeq, visible: true });

  // Zoom: + halves the window around its middle and stops following; Ctrl+wheel zooms further; Fit returns.
  const before = await drawn(panel);
  expect(before.follow).toBe("true");
  await click(devtools, panel, "[data-testid=timeline-zoom-in]");
  const zoomed = await waitFor(
    async () => {
      const x = await drawn(panel);
      return x.follow === "false" && x;
    },
    { message: "the zoomed window" },
  );
  expect(zoomed.to - zoomed.from).toBeCloseTo((before.to - before.from) / 2, 3);
  expect((zoomed.from + zoomed.to) / 2).toBeCloseTo((before.from + before.to) / 2, 3);
  const w = await centre(devtools, panel, `[data-testid=timeline-lane][data-cid="${conns.r.cid}"] svg`);
  await devtools.session.send("Input.dispatchMouseEvent", {
    type: "mouseWheel",
    x: w.x,
    y: w.y,
    deltaX: 0,
    deltaY: -200,
    modifiers: 2,
  });
  const wheeled = await waitFor(
    async () => {
      const x = await drawn(panel);
      return x.to - x.from < zoomed.to - zoomed.from && x;
    },
    { message: "Ctrl+wheel to zoom in" },
  );
  expect(wheeled.to - wheeled.from).toBeGreaterThan(0);
  await click(devtools, panel, "[data-testid=timeline-fit]");
  await waitFor(async () => (await drawn(panel)).follow === "true", { message: "Fit to follow again" });

  // Chips: only "price" events: the ticker's 2 price ticks, none in the resumable lane; the bands stay.
  await click(devtools, panel, '[data-testid=chip][data-type="price"]');
  const priced = await waitFor(
    async () => {
      const x = await drawn(panel);
      return x.lanes.every((l) => l.ticks.every((tk) => tk.type === "price")) && x;
    },
    { message: "the timeline narrowed to price events" },
  );
  expect(priced.lanes.map((l) => l.ticks.length)).toEqual([
    pageTicker.filter((e) => e.type === "price").length,
    0,
  ]);
  expect(priced.lanes[1]?.bands.map((x) => x.state)).toEqual(["connecting", "open", "reconnecting", "open"]);
  await click(devtools, panel, "[data-testid=chip-all]");
  // The timeline redraws after the frame that shows the grid: wait for every tick before clicking one.
  await waitFor(async () => (await drawn(panel)).lanes[0]?.ticks.length === pageTicker.length, {
    message: "the timeline showing every ticker event again",
  });

  // Force-close the ticker from the detail pane: its lane ends CLOSED with a "closed from DevTools" mark.
  // (The detail pane shows the selected row's connection: select a ticker event first, from its lane.)
  const tickerEvent = eventRows(conns.t.cid)[0] as PanelRow;
  await click(devtools, panel, tickSel(conns.t.cid, tickerEvent.tabSeq));
  await waitFor(
    () =>
      panel.evaluate(
        () => document.querySelector<HTMLElement>("[data-testid=row][aria-selected=true]")?.dataset.tabseq,
      ),
    { message: "the ticker's event selected" },
  ).then((v) => expect(Number(v)).toBe(tickerEvent.tabSeq));
  await click(devtools, panel, `[data-testid=connection][data-cid="${conns.t.cid}"]`);
  const closeButton = `[data-testid=force-close][data-cid="${conns.t.cid}"] [data-testid=force-close-close]`;
  await waitFor(
    () =>
      panel.evaluate(
        (sel) => document.querySelector<HTMLButtonElement>(sel)?.disabled === false,
        closeButton,
      ),
    { message: "the ticker's enabled Close button" },
  );
  await click(devtools, panel, closeButton);
  const closed = await waitFor(
    async () => {
      const x = await drawn(panel);
      const t = x.lanes.find((l) => l.cid === conns.t.cid);
      return t?.devtools.length === 1 && t;
    },
    { message: "the ticker's lane marked closed from DevTools" },
  );
  expect(closed.devtools).toEqual(["close"]);
  expect(closed.bands.at(-1)).toEqual({ state: "closed", reason: "devtools-close" });
  await cdp.dispose();
});
