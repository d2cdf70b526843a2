/**
 * Background service worker: a thin shell around `SessionStore`. Pages report over "sse-page" ports (one per
 * frame that has something to say); DevTools panels subscribe to one tab over "sse-panel" ports.
 *
 * Chrome stops an idle worker and this module's memory goes with it. Nothing is lost: every page document
 * keeps a bounded buffer and re-sends from the seq we ask for (see src/session/store.ts); panels reconnect
 * and receive a full replay.
 */
import browser, { type Runtime } from "webextension-polyfill";
import { NetworkStore } from "../src/network/store";
import {
  DEVTOOLS_PORT,
  isHookUp,
  isNetworkAttemptRecorded,
  isPanelUp,
  PAGE_PORT,
  PANEL_PORT,
  type PanelDown,
  PROTOCOL_VERSION,
  type ResendRecords,
} from "../src/protocol/index";
import { SessionStore } from "../src/session/store";
import { readSettings } from "../src/settings";

const store = new SessionStore();
const panels = new Map<number, Set<Runtime.Port>>();
/** Network attempts per tab (src/network/store.ts): from devtools pages, and from webRequest. */
const network = new NetworkStore();

void readSettings(browser.storage.local).then((s) =>
  store.setLimits({ sessionCap: s.sessionCap, maxTabs: 64 }),
);

const send = (tabId: number, message: PanelDown) => {
  for (const p of panels.get(tabId) ?? []) {
    try {
      p.postMessage(message);
    } catch {
      panels.get(tabId)?.delete(p);
    }
  }
};

/** Every network attempt held for the tab; sent after each `sessionReplayed`. */
const networkReplay = (tabId: number): PanelDown => ({
  v: PROTOCOL_VERSION,
  kind: "networkAttemptsAppended",
  tabId,
  replace: true,
  attempts: network.list(tabId),
  dropped: network.dropped(tabId),
});

const replay = (tabId: number, reason: "subscribed" | "navigated"): PanelDown => ({
  v: PROTOCOL_VERSION,
  kind: "sessionReplayed",
  reason,
  tabId,
  records: store.replay(tabId),
  stats: store.stats(tabId),
});

function onPagePort(port: Runtime.Port): void {
  const tabId = port.sender?.tab?.id;
  const frameId = port.sender?.frameId ?? 0;
  // Only content scripts in a tab may report; the tab comes from the browser, never from the message, so a
  // page can only ever write into its own tab's session.
  if (tabId === undefined || tabId < 0) {
    port.disconnect();
    return;
  }
  port.onMessage.addListener((m: unknown) => {
    if (!isHookUp(m)) return;
    const { appended, resendFrom } = store.ingest(tabId, frameId, m);
    if (resendFrom !== undefined) {
      const ask: ResendRecords = {
        v: PROTOCOL_VERSION,
        kind: "resendRecords",
        docId: m.docId,
        fromSeq: resendFrom,
      };
      port.postMessage(ask);
    }
    if (appended.length > 0 && panels.has(tabId)) {
      send(tabId, {
        v: PROTOCOL_VERSION,
        kind: "recordsAppended",
        tabId,
        records: appended,
        stats: store.stats(tabId),
      });
    }
  });
}

function onPanelPort(port: Runtime.Port): void {
  // Panels are extension pages: a port from a content script (its sender URL is the page's) must not read
  // other tabs' sessions. The sender may have a `tab`: the panel page also runs as an ordinary tab
  // (`panel.html?tabId=N`, see panel/source.ts).
  if (!port.sender?.url?.startsWith(browser.runtime.getURL(""))) {
    port.disconnect();
    return;
  }
  let subscribed: number | undefined;
  port.onMessage.addListener((m: unknown) => {
    if (!isPanelUp(m) || subscribed !== undefined) return;
    subscribed = m.tabId;
    const set = panels.get(m.tabId) ?? new Set();
    panels.set(m.tabId, set.add(port));
    port.postMessage(replay(m.tabId, "subscribed"));
    port.postMessage(networkReplay(m.tabId));
    // If this worker was restarted, it holds nothing yet for the tab's documents; each frame's relay asks its
    // hook to say where it stands, and what we lack is re-sent from the page buffers (appended live).
    browser.tabs.sendMessage(m.tabId, { v: PROTOCOL_VERSION, kind: "announceRecords" }).catch(() => {
      // No content script answers in this tab (a chrome:// page, or a tab that has since closed).
    });
  });
  port.onDisconnect.addListener(() => {
    if (subscribed === undefined) return;
    const set = panels.get(subscribed);
    set?.delete(port);
    if (set?.size === 0) panels.delete(subscribed);
  });
}

/**
 * The devtools page (panel/devtools.ts) reports each finished EventSource attempt of its inspected tab. Only
 * extension pages may: a content script's port has the page's URL as sender.
 */
function onDevtoolsPort(port: Runtime.Port): void {
  if (!port.sender?.url?.startsWith(browser.runtime.getURL(""))) {
    port.disconnect();
    return;
  }
  port.onMessage.addListener((m: unknown) => {
    if (!isNetworkAttemptRecorded(m)) return;
    const stamped = network.add(m.tabId, m.attempt);
    send(m.tabId, {
      v: PROTOCOL_VERSION,
      kind: "networkAttemptsAppended",
      tabId: m.tabId,
      replace: false,
      attempts: [stamped],
      dropped: network.dropped(m.tabId),
    });
  });
}

browser.runtime.onConnect.addListener((port) => {
  if (port.name === PAGE_PORT) onPagePort(port);
  else if (port.name === PANEL_PORT) onPanelPort(port);
  else if (port.name === DEVTOOLS_PORT) onDevtoolsPort(port);
});

browser.webNavigation.onCommitted.addListener((d) => {
  if (d.frameId !== 0) return;
  network.navigated(d.tabId, d.timeStamp);
  if (store.navigated(d.tabId, d.timeStamp) && panels.has(d.tabId)) {
    send(d.tabId, replay(d.tabId, "navigated"));
    send(d.tabId, networkReplay(d.tabId));
  }
});

browser.tabs.onRemoved.addListener((tabId) => {
  store.removeTab(tabId);
  network.removeTab(tabId);
});
