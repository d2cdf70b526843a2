/**
 * Reading the SSE panel, wherever it runs: inside the real DevTools (a CDP session on its iframe) or opened
 * as a normal tab (`chrome-extension://ID/panel/panel.html?tabId=N`, a Playwright page).
 *
 * The panel's test contract (the panel engineer keeps it; these tests only read it):
 * - sidebar items `[data-testid=connection]` with `data-cid`, `data-state` (connecting|open|reconnecting|closed),
 *   `data-url`, children `[data-testid=connection-count]`, `[data-testid=connection-last-id]`,
 *   `[data-testid=connection-reconnects]`;
 * - table rows `[data-testid=row]` with `data-kind`, `data-cid`, `data-tabseq`, `data-type`, `data-id`, child
 *   `[data-testid=row-data]`; the table is virtualized, so the full list is `window.__sseRows`
 *   ({kind, cid, tabSeq, type, id, data, readyState}) and `window.__sseConnections`
 *   ({cid, url, state, count, lastId, reconnects});
 * - `[data-testid=stats]` with `data-lost` / `data-evicted`.
 */
import type { Page } from "@playwright/test";
import { type Launched, tabIdOf } from "./browser";
import {
  BrowserCdp,
  callExpression,
  type DevToolsWindow,
  devToolsFor,
  type Evaluator,
  type TargetSession,
} from "./devtools";
import { type WaitOptions, waitFor } from "./wait";

export type ConnectionState = "connecting" | "open" | "reconnecting" | "closed";

export interface PanelRow {
  kind: string;
  cid: string;
  tabSeq: number;
  /** The record's monotonic time (absent for markers). */
  mono?: number;
  type?: string;
  id?: string;
  data?: string;
  /** MessageEvent.origin of events. */
  origin?: string;
  readyState?: number;
  /** From a document replaced by a navigation with "Preserve log" on. */
  previousDocument?: boolean;
  /** Marker rows (kind "recordsLost" / "documentReplaced"): records lost there; the URL navigated to. */
  count?: number;
  url?: string;
}

export interface PanelConnection {
  cid: string;
  url: string;
  state: ConnectionState;
  count: number;
  lastId: string;
  reconnects: number;
  /** Its document was replaced by a navigation with "Preserve log" on (absent in the rendered sidebar). */
  previousDocument?: boolean;
  /** How the page reads it: "eventsource", or a fetch()/XHR stream's "fetch" / "xhr". */
  kind?: string;
}

export interface PanelStats {
  lost: number;
  evicted: number;
}

/** An event as the tests compare them: page record, panel row and Chrome's record reduce to this. */
export interface Ev {
  type: string;
  data: string;
  id: string;
}

/** A Playwright page as an Evaluator (a panel opened as a tab). */
export const pageEvaluator = (page: Page): Evaluator => ({
  evaluate: <R, A>(fn: (arg: A) => R | Promise<R>, arg?: A) =>
    page.evaluate(callExpression(fn, arg)) as Promise<R>,
});

/** What the panel's own UI state says. */
function readContract(): {
  rows: PanelRow[] | undefined;
  connections: PanelConnection[] | undefined;
  stats: PanelStats | undefined;
} {
  const w = window as unknown as { __sseRows?: PanelRow[]; __sseConnections?: PanelConnection[] };
  const el = document.querySelector<HTMLElement>("[data-testid=stats]");
  return {
    rows: Array.isArray(w.__sseRows) ? JSON.parse(JSON.stringify(w.__sseRows)) : undefined,
    connections: Array.isArray(w.__sseConnections)
      ? JSON.parse(JSON.stringify(w.__sseConnections))
      : undefined,
    stats: el ? { lost: Number(el.dataset.lost ?? 0), evicted: Number(el.dataset.evicted ?? 0) } : undefined,
  };
}

/** The sidebar as rendered. Numbers are read from the children's text. */
function readSidebar(): PanelConnection[] {
  const num = (el: Element | null) => Number((el?.textContent ?? "").replace(/[^0-9]/g, "") || 0);
  return [...document.querySelectorAll<HTMLElement>("[data-testid=connection]")].map((el) => ({
    cid: el.dataset.cid ?? "",
    url: el.dataset.url ?? "",
    state: (el.dataset.state ?? "") as ConnectionState,
    count: num(el.querySelector("[data-testid=connection-count]")),
    lastId: (el.querySelector("[data-testid=connection-last-id]")?.textContent ?? "").trim(),
    reconnects: num(el.querySelector("[data-testid=connection-reconnects]")),
  }));
}

/** The rendered table rows (only those the virtualized table has in the DOM). */
function readDomRows(): PanelRow[] {
  return [...document.querySelectorAll<HTMLElement>("[data-testid=row]")].map((el) => ({
    kind: el.dataset.kind ?? "",
    cid: el.dataset.cid ?? "",
    tabSeq: Number(el.dataset.tabseq),
    type: el.dataset.type,
    id: el.dataset.id,
    data: el.querySelector("[data-testid=row-data]")?.textContent ?? undefined,
  }));
}

export interface Snapshot {
  rows: PanelRow[];
  connections: PanelConnection[];
  stats: PanelStats | undefined;
}

export class PanelView {
  private constructor(readonly where: Evaluator) {}

  /** Starts reading the panel in `where` once the panel exposes its state. */
  static async attach(where: Evaluator): Promise<PanelView> {
    await waitFor(() => where.evaluate(() => Array.isArray((window as { __sseRows?: unknown }).__sseRows)), {
      timeout: 15_000,
      message: "the panel to expose window.__sseRows (its e2e contract)",
    });
    return new PanelView(where);
  }

  async snapshot(): Promise<Snapshot> {
    const c = await this.where.evaluate(readContract);
    return { rows: c.rows ?? [], connections: c.connections ?? [], stats: c.stats };
  }

  async rows(): Promise<PanelRow[]> {
    return (await this.snapshot()).rows;
  }

  async connections(): Promise<PanelConnection[]> {
    return (await this.snapshot()).connections;
  }

  /** The sidebar as rendered. */
  async sidebar(): Promise<PanelConnection[]> {
    return this.where.evaluate(readSidebar);
  }

  /** Table rows present in the DOM (the table is virtualized: a window of all rows). */
  async domRows(): Promise<PanelRow[]> {
    return this.where.evaluate(readDomRows);
  }

  /** Polls the panel until `pick(snapshot)` returns something truthy, and returns it. */
  async waitFor<T>(
    pick: (s: Snapshot) => T,
    opts: WaitOptions = {},
  ): Promise<Exclude<T, undefined | null | false>> {
    return waitFor(async () => pick(await this.snapshot()), { timeout: 20_000, ...opts });
  }
}

/** The events of one connection in the panel, in order, reduced for comparison. */
export function eventsOf(rows: PanelRow[], cid: string): Ev[] {
  return rows
    .filter((r) => r.kind === "eventReceived" && r.cid === cid)
    .sort((a, b) => a.tabSeq - b.tabSeq)
    .map((r) => ({ type: r.type ?? "", data: r.data ?? "", id: r.id ?? "" }));
}

/** The connection whose URL contains `part` (exactly one must). */
export function connectionByUrl(conns: PanelConnection[], part: string): PanelConnection | undefined {
  const found = conns.filter((c) => c.url.includes(part));
  if (found.length > 1)
    throw new Error(`several connections match ${part}: ${found.map((c) => c.url).join(", ")}`);
  return found[0];
}

/**
 * Opens the panel page as an ordinary tab for `inspected`'s tab (`panel.html?tabId=N`): no DevTools, so it
 * is cheap. Closing the returned page is optional (the browser goes at the end of the test).
 */
export async function openPanelTab(
  launched: Launched,
  inspected: Page,
  knownTabId?: number,
  spare?: Page,
): Promise<{ page: Page; view: PanelView }> {
  // Pass the tab id when the service worker may be stopped: looking it up needs a running worker. Pass a
  // `spare` page opened before stopping it too: Playwright's newPage() has hung right after a worker target
  // was closed (seen in CI).
  const tabId = knownTabId ?? (await tabIdOf(launched, inspected));
  const page = spare ?? (await launched.context.newPage());
  await page.goto(`chrome-extension://${launched.extensionId}/panel/panel.html?tabId=${tabId}`);
  return { page, view: await PanelView.attach(pageEvaluator(page)) };
}

/**
 * The SSE panel in the real DevTools of `b.page` (launched with `autoOpenDevTools`): DevTools found over
 * CDP, the panel shown, its test view attached — the set-up every DevTools spec starts with.
 */
export async function panelInDevTools(
  b: Launched,
): Promise<{ cdp: BrowserCdp; devtools: DevToolsWindow; frame: TargetSession; view: PanelView }> {
  const cdp = await BrowserCdp.connect(b.context);
  const devtools = await devToolsFor(cdp, b.page);
  const frame = await devtools.showPanel(b.extensionId as string);
  return { cdp, devtools, frame, view: await PanelView.attach(frame) };
}
