/**
 * The panel's layout in the real DevTools (issue 4, item 1): resizable splits remembered across reopening,
 * the grid's Δ / Size / Delivered columns against what the page received, the sidebar's rate and bytes, the
 * detail pane's JSON tree (markup stays text), its copy buttons (read back from the clipboard), and Esc.
 *
 * Pointer input is real: CDP `Input.dispatchMouseEvent` on the DevTools window, at the panel iframe's offset
 * plus the element's place in the panel, so pointer capture and user activation (for copying) are the
 * browser's own.
 */
import type { Page } from "@playwright/test";
import { SIDEBAR_MIN } from "../src/model/layout";
import {
  BrowserCdp,
  clickInPanel as click,
  devToolsFor,
  dragInPanel as drag,
  openDevTools,
  type TargetSession,
} from "./helpers/devtools";
import { expect, test } from "./helpers/fixtures";
import { fixtureUrl } from "./helpers/page";
import { connectionByUrl, type PanelRow, PanelView } from "./helpers/panel";
import { waitFor } from "./helpers/wait";

interface Stamp {
  src: string;
  type: string;
  id: string;
  t: number;
  bytes: number;
}

const stamps = (page: Page) => page.evaluate(() => (window as unknown as { __stamps: Stamp[] }).__stamps);

const widths = (panel: TargetSession) =>
  panel.evaluate(() => ({
    sidebar: Math.round(document.querySelector(".sidebar")?.getBoundingClientRect().width ?? 0),
    detail: Math.round(document.querySelector(".detail")?.getBoundingClientRect().width ?? 0),
    sidebarAria: Number(document.querySelector("[data-testid=split-sidebar]")?.getAttribute("aria-valuenow")),
  }));

async function open(
  launchBrowser: Parameters<Parameters<typeof test>[2]>[0]["launchBrowser"],
  origin: string,
) {
  const b = await launchBrowser({ autoOpenDevTools: true });
  await b.page.goto(fixtureUrl(origin, "layout.html"));
  const cdp = await BrowserCdp.connect(b.context);
  const devtools = await devToolsFor(cdp, b.page);
  const panel = await devtools.showPanel(b.extensionId as string);
  const view = await PanelView.attach(panel);
  // Both streams done: 2 JSON-stream events, 6 ticks.
  const conns = await view.waitFor(
    (s) => {
      const json = connectionByUrl(s.connections, "layout-json");
      const tick = connectionByUrl(s.connections, "/ticker");
      return json?.count === 2 && tick?.count === 6 && { json, tick };
    },
    { message: "both streams' events in the panel" },
  );
  return { b, cdp, devtools, panel, view, conns };
}

test("splits: dragging and ←/→ resize the panes, clamped; the widths and the collapsed timeline survive reopening the panel", async ({
  server,
  launchBrowser,
}) => {
  const { b, cdp, devtools, panel } = await open(launchBrowser, server.origin);
  const before = await widths(panel);
  // The docked panel is ~550 px wide here: room to narrow the sidebar, little to widen it.
  await drag(devtools, panel, "[data-testid=split-sidebar]", -60);
  const dragged = await waitFor(
    async () => {
      const w = await widths(panel);
      return w.sidebar !== before.sidebar && w;
    },
    { message: "the sidebar to follow the drag" },
  );
  expect(dragged.sidebar).toBe(before.sidebar - 60);
  expect(dragged.sidebarAria).toBe(dragged.sidebar);
  // Keyboard: focus the separator, → twice (10 px each).
  await panel.evaluate(() => (document.querySelector("[data-testid=split-sidebar]") as HTMLElement).focus());
  await devtools.session.send("Input.dispatchKeyEvent", {
    type: "rawKeyDown",
    key: "ArrowRight",
    code: "ArrowRight",
    windowsVirtualKeyCode: 39,
  });
  await devtools.session.send("Input.dispatchKeyEvent", {
    type: "keyUp",
    key: "ArrowRight",
    code: "ArrowRight",
    windowsVirtualKeyCode: 39,
  });
  await waitFor(async () => (await widths(panel)).sidebar === dragged.sidebar + 10, {
    message: "→ widens by 10 px",
  });
  // Dragged to the panel's left edge: clamped at the minimum, never gone.
  await drag(devtools, panel, "[data-testid=split-sidebar]", -215);
  const min = await waitFor(async () => {
    const w = await widths(panel);
    return w.sidebar < dragged.sidebar && w;
  });
  expect(min.sidebar).toBe(SIDEBAR_MIN);
  await drag(devtools, panel, "[data-testid=split-sidebar]", 100);
  const chosen = await waitFor(async () => {
    const w = await widths(panel);
    return w.sidebar === min.sidebar + 100 && w;
  });
  // The timeline strip is a split too: collapse it.
  await panel.evaluate(() => document.querySelector<HTMLElement>("[data-testid=timeline-toggle]")?.click());
  await waitFor(() => panel.evaluate(() => document.querySelector(".timeline.collapsed") !== null), {
    message: "the timeline collapsed",
  });
  // Remembered per browser: wait until stored, then close DevTools and open it again.
  await waitFor(
    () =>
      panel.evaluate(async (w) => {
        const s = (await chrome.storage.local.get("settings")).settings as
          | { sidebarWidth?: number; timelineOpen?: boolean }
          | undefined;
        return s?.sidebarWidth === w && s.timelineOpen === false;
      }, chosen.sidebar),
    { message: "the width and the collapsed timeline stored" },
  );
  await devtools.close();
  const again = await openDevTools(cdp, b.page);
  const panel2 = await again.showPanel(b.extensionId as string);
  await PanelView.attach(panel2);
  await waitFor(async () => (await widths(panel2)).sidebar === chosen.sidebar, {
    message: `the reopened panel's sidebar at ${chosen.sidebar} px`,
  });
  expect(await panel2.evaluate(() => document.querySelector(".timeline.collapsed") !== null)).toBe(true);
  await cdp.dispose();
});

test("grid Δ/size/delivered and sidebar bytes/rate match the page; JSON tree, copy and Esc in the detail pane", async ({
  server,
  launchBrowser,
}) => {
  const { b, cdp, devtools, panel, conns } = await open(launchBrowser, server.origin);
  const page = await waitFor(
    async () => {
      const s = await stamps(b.page);
      return (
        s.filter((x) => x.src === "tick").length === 6 && s.filter((x) => x.src === "json").length === 2 && s
      );
    },
    { message: "the page's 8 events" },
  );
  const sum = (src: string) => page.filter((x) => x.src === src).reduce((n, x) => n + x.bytes, 0);

  // Sidebar: bytes are the UTF-8 sizes of the data the page received; the rate counts the recent events.
  const side = await waitFor(
    () =>
      panel.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>("[data-testid=connection]")].map((el) => ({
          cid: el.dataset.cid,
          bytes: Number(el.querySelector<HTMLElement>("[data-testid=connection-bytes]")?.dataset.bytes),
          rate: Number(el.querySelector<HTMLElement>("[data-testid=connection-rate]")?.dataset.rate),
          rateText: el.querySelector("[data-testid=connection-rate]")?.textContent,
          uptime: el.querySelector("[data-testid=connection-uptime]")?.textContent,
        })),
      ),
    { message: "the sidebar's facts" },
  );
  const tickSide = side.find((x) => x.cid === conns.tick.cid);
  const jsonSide = side.find((x) => x.cid === conns.json.cid);
  expect(tickSide?.bytes).toBe(sum("tick"));
  expect(jsonSide?.bytes).toBe(sum("json"));
  // 6 events, all within the last 10 s, over at least 1 s: more than 0, at most 6 per second.
  expect(tickSide?.rate).toBeGreaterThan(0);
  expect(tickSide?.rate).toBeLessThanOrEqual(6);
  expect(tickSide?.rateText).toMatch(/\/s$/);
  expect(tickSide?.uptime).toMatch(/\d/);

  // JSON tree: open the "tree" event with a real click; the markup inside is a text node.
  await click(devtools, panel, "[data-testid=row][data-type=tree]");
  await waitFor(() => panel.evaluate(() => !!document.querySelector("[data-testid=json-tree]")), {
    message: "the JSON tree in the detail pane",
  });
  const tree = await panel.evaluate(() => {
    const node = (p: string) =>
      document.querySelector<HTMLElement>(`[data-testid=json-node][data-path="${p}"]`);
    return {
      rootOpen: node("")?.dataset.open,
      html: node("html")?.textContent,
      listOpen: node("list")?.dataset.open,
      listChildren: node("list")?.querySelectorAll("[data-testid=json-node]").length,
      imgs: document.querySelectorAll("img").length,
      pwned: (window as { __pwned?: unknown }).__pwned,
    };
  });
  expect(tree).toEqual({
    rootOpen: "true",
    html: `html: ${JSON.stringify('<img src=x onerror="window.__pwned=1">')}`,
    listOpen: "false",
    listChildren: 0,
    imgs: 0,
    pwned: undefined,
  });
  const listState = () =>
    panel.evaluate(() => {
      const list = document.querySelector<HTMLElement>('[data-testid=json-node][data-path="list"]');
      return {
        open: list?.dataset.open,
        children: list?.querySelectorAll("[data-testid=json-node]").length,
        hidden: list?.querySelector<HTMLElement>("[data-testid=json-more]")?.dataset.hidden,
      };
    });
  await click(devtools, panel, '[data-testid=json-node][data-path="list"] > [data-testid=json-toggle]');
  await waitFor(async () => (await listState()).open === "true", { message: "list expanded" });
  expect(await listState()).toEqual({ open: "true", children: 100, hidden: "150" });
  await click(devtools, panel, '[data-testid=json-node][data-path="list"] [data-testid=json-more]');
  await waitFor(async () => (await listState()).children === 200, { message: "100 more shown" });
  expect((await listState()).hidden).toBe("50");
  await click(devtools, panel, '[data-testid=json-node][data-path="list"] > [data-testid=json-toggle]');
  await waitFor(async () => (await listState()).open === "false", { message: "list collapsed" });
  expect((await listState()).children).toBe(0);

  // Copy data: the clipboard holds exactly what the page received (read back in the page, allowed to).
  await click(devtools, panel, "[data-testid=copy-data]");
  await waitFor(
    () =>
      panel.evaluate(() => document.querySelector<HTMLElement>("[data-testid=copy-data]")?.dataset.copied),
    { message: "the copy button's feedback" },
  ).then((v) => expect(v).toBe("yes"));
  // Esc closes the detail pane; the row stays selected.
  await panel.evaluate(() => (document.querySelector("[data-testid=detail-close]") as HTMLElement).focus());
  await devtools.session.send("Input.dispatchKeyEvent", {
    type: "rawKeyDown",
    key: "Escape",
    code: "Escape",
    windowsVirtualKeyCode: 27,
  });
  await devtools.session.send("Input.dispatchKeyEvent", {
    type: "keyUp",
    key: "Escape",
    code: "Escape",
    windowsVirtualKeyCode: 27,
  });
  await waitFor(() => panel.evaluate(() => !document.querySelector("[data-testid=detail]")), {
    message: "Esc to close the detail pane",
  });
  expect(
    await panel.evaluate(() =>
      document.querySelector("[data-testid=row][aria-selected=true]")?.getAttribute("data-type"),
    ),
  ).toBe("tree");

  // Grid, one connection: Δ is the time between the page's own receipts; Size is their UTF-8 size; ✓ each.
  await click(devtools, panel, `[data-testid=connection][data-cid="${conns.tick.cid}"]`);
  const grid = await waitFor(
    async () => {
      const rows = await panel.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>("[data-testid=row][data-kind=eventReceived]")].map(
          (el) => ({
            cid: el.dataset.cid,
            id: el.dataset.id,
            delta: Number(el.querySelector<HTMLElement>("[data-testid=row-delta]")?.dataset.ms),
            bytes: Number(el.querySelector<HTMLElement>("[data-testid=row-size]")?.dataset.bytes),
            delivered: el.querySelector<HTMLElement>("[data-testid=row-delivered]")?.dataset.delivered,
          }),
        ),
      );
      return rows.length === 6 && rows.every((r) => r.cid === conns.tick.cid) && rows;
    },
    { message: "the ticker's 6 event rows alone" },
  );
  const ticks = page.filter((x) => x.src === "tick");
  expect(grid.map((r) => r.id)).toEqual(ticks.map((x) => x.id));
  expect(grid.map((r) => r.bytes)).toEqual(ticks.map((x) => x.bytes));
  expect(grid.every((r) => r.delivered === "true")).toBe(true);
  // Δ is the time since the previous row shown, from the records' own monotonic clock (the arithmetic is unit-
  // tested in src/model/stats.test.ts); here: the column shows it for the rows on screen, and it is the
  // server's pacing as the page saw it, not the time the panel got the batch.
  const shown = (await panel.evaluate(() => (window as { __sseRows?: PanelRow[] }).__sseRows ?? [])).filter(
    (r) => r.kind === "eventReceived",
  );
  for (let i = 1; i < 6; i++) {
    const expected = (shown[i]?.mono ?? Number.NaN) - (shown[i - 1]?.mono ?? Number.NaN);
    expect(grid[i]?.delta, `Δ of event ${i + 1}`).toBeCloseTo(expected, 6);
  }
  // Read back last: bringing the page to the front takes the keyboard focus from DevTools.
  await b.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.origin });
  await b.page.bringToFront();
  const pageData = (
    await b.page.evaluate(() =>
      (window as unknown as { __received: { type: string; data: string }[] }).__received.find(
        (e) => e.type === "tree",
      ),
    )
  )?.data;
  expect(await b.page.evaluate(() => navigator.clipboard.readText())).toBe(pageData);

  await cdp.dispose();
});
