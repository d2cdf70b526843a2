/**
 * Where the panel's data comes from: which tab it inspects, and the stream of `PanelDown` messages for it.
 *
 * Inside DevTools the tab is `chrome.devtools.inspectedWindow.tabId`. The same page also runs as an ordinary
 * extension tab, `chrome-extension://ID/panel/panel.html?tabId=N`, where `chrome.devtools` does not exist:
 * fast end-to-end tests use that, without opening DevTools.
 */
import type { Runtime } from "webextension-polyfill";
import { reconnectingPort } from "../src/bridge/bridge";
import {
  isPanelDown,
  PANEL_PORT,
  type PanelDown,
  type PanelUp,
  PROTOCOL_VERSION,
  type SubscribePanel,
} from "../src/protocol/index";

interface DevtoolsGlobal {
  chrome?: { devtools?: { inspectedWindow?: { tabId?: unknown }; panels?: { themeName?: unknown } } };
}

const validTabId = (n: unknown): n is number => typeof n === "number" && Number.isInteger(n) && n >= 0;

/** The inspected tab: DevTools' own when present, else `?tabId=N` of `href`; undefined when neither. */
export function inspectedTabId(
  g: DevtoolsGlobal = globalThis as DevtoolsGlobal,
  href: string = location.href,
): number | undefined {
  const fromDevtools = g.chrome?.devtools?.inspectedWindow?.tabId;
  if (validTabId(fromDevtools)) return fromDevtools;
  const raw = new URL(href).searchParams.get("tabId");
  if (raw === null || !/^\d+$/.test(raw)) return undefined;
  const n = Number(raw);
  return validTabId(n) ? n : undefined;
}

/** DevTools' theme ("default" | "dark") when the panel runs inside DevTools; undefined in a plain tab. */
export function devtoolsTheme(
  g: DevtoolsGlobal = globalThis as DevtoolsGlobal,
): "light" | "dark" | undefined {
  const name = g.chrome?.devtools?.panels?.themeName;
  if (name === "dark") return "dark";
  if (typeof name === "string") return "light";
  return undefined;
}

export type LinkStatus = "connecting" | "connected" | "reconnecting";

export interface SourceOptions {
  onMessage(message: PanelDown): void;
  onStatus?(status: LinkStatus): void;
  /** Injected by tests; defaults to `browser.runtime.connect`. */
  connect?: (name: string) => Runtime.Port;
  /** Injected by tests. */
  setTimer?: (fn: () => void, ms: number) => unknown;
  /** Commands to send after every (re-)subscribe, e.g. "Preserve log": a restarted background forgot them. */
  afterSubscribe?: () => PanelUp[];
}

export interface PanelLink {
  /** Sends a command now (it is lost if the port is down; `afterSubscribe` re-sends what must persist). */
  post(message: PanelUp): void;
}

/** Delay before re-subscribing after the n-th disconnect in a row without a message in between. */
export function backoffMs(failures: number): number {
  return failures <= 1 ? 0 : Math.min(5_000, 250 * 2 ** (failures - 2));
}

/**
 * Subscribes to `tabId` over the "sse-panel" port. When the port closes (Chrome stopped the idle service
 * worker, or the extension's background was reloaded) it connects again and re-subscribes; the background
 * answers with a full `sessionReplayed`, which replaces the panel's state. Malformed messages are dropped.
 *
 * A background that keeps closing the port at once (it refused us) would otherwise make a tight loop:
 * consecutive disconnects without a message back off up to 5 s.
 */
export function connectPanel(tabId: number, opts: SourceOptions): PanelLink {
  const setTimer = opts.setTimer ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
  const subscribe: SubscribePanel = { v: PROTOCOL_VERSION, kind: "subscribePanel", tabId };
  let failures = 0;
  const port = reconnectingPort(PANEL_PORT, {
    ...(opts.connect ? { connect: opts.connect } : {}),
    onDisconnected: () => {
      failures++;
      opts.onStatus?.("reconnecting");
      setTimer(subscribeNow, backoffMs(failures));
    },
  });
  port.listen((m) => {
    if (!isPanelDown(m)) return;
    failures = 0;
    opts.onStatus?.("connected");
    opts.onMessage(m);
  });
  opts.onStatus?.("connecting");
  subscribeNow();
  return { post: (m) => port.post(m) };

  function subscribeNow() {
    port.post(subscribe);
    for (const m of opts.afterSubscribe?.() ?? []) port.post(m);
  }
}
