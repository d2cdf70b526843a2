/**
 * Background service worker: a thin shell around `SessionStore`. Pages report over "sse-page" ports (one per
 * frame that has something to say); DevTools panels subscribe to one tab over "sse-panel" ports.
 *
 * Chrome stops an idle worker and this module's memory goes with it. Nothing is lost: every page document
 * keeps a bounded buffer and re-sends from the seq we ask for (see src/session/store.ts); panels reconnect
 * and receive a full replay.
 */

import browser, { type Runtime, type WebNavigation, type WebRequest } from "webextension-polyfill";
import { StringPool, shareStrings } from "../src/model/intern";
import { NETWORK_CAP, NetworkStore } from "../src/network/store";
import { type Finished, type InFlight, KeptRecords, WebRequestTracker } from "../src/network/webrequest";
import {
  DEVTOOLS_PORT,
  decodeHookUp,
  isCloseConnectionInTab,
  isHookUp,
  isNetworkAttempt,
  isNetworkAttemptRecorded,
  isPanelUp,
  isSetPreserveLog,
  type NetworkAttempt,
  PAGE_PORT,
  PANEL_PORT,
  type PanelDown,
  PROTOCOL_VERSION,
  type ResendRecords,
} from "../src/protocol/index";
import { routeCloseConnection } from "../src/session/forceClose";
import { replayMessages } from "../src/session/replay";
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

/** The tab's session as bounded messages (src/session/replay.ts), to post one after another. */
const replay = (tabId: number, reason: "subscribed" | "navigated"): PanelDown[] =>
  replayMessages(tabId, reason, store.replay(tabId), store.stats(tabId), store.markers(tabId));

/** How long a fetch/XHR stream's network record waits for the hook's record of the same stream. */
const NETWORK_STREAM_DELAY_MS = 1_500;

/** One copy of each repeated string (connection id, type, origin) across the sessions held (src/model/intern.ts). */
const strings = new StringPool();

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
    const batch = decodeHookUp(m);
    if (!batch) return;
    batch.docId = strings.intern(batch.docId);
    shareStrings(strings, batch.records);
    const { appended, resendFrom, markers } = store.ingest(tabId, frameId, batch);
    if (resendFrom !== undefined) {
      const ask: ResendRecords = {
        v: PROTOCOL_VERSION,
        kind: "resendRecords",
        docId: m.docId,
        fromSeq: resendFrom,
      };
      port.postMessage(ask);
    }
    if ((appended.length > 0 || markers.length > 0) && panels.has(tabId)) {
      send(tabId, {
        v: PROTOCOL_VERSION,
        kind: "recordsAppended",
        tabId,
        records: appended,
        stats: store.stats(tabId),
        ...(markers.length > 0 ? { markers } : {}),
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
    if (isSetPreserveLog(m)) {
      // Only for the tab this panel inspects.
      if (m.tabId === subscribed) store.setPreserveLog(m.tabId, m.on);
      return;
    }
    if (isCloseConnectionInTab(m)) {
      // Only a connection of the tab this port subscribed to, sent to the frame the store knows for its
      // document (src/session/forceClose.ts). The hook's connectionForceClosed record is the answer.
      const route = routeCloseConnection(store, subscribed, m);
      if (route)
        browser.tabs.sendMessage(route.tabId, route.message, { frameId: route.frameId }).catch(() => {
          // The frame has gone (navigated, closed): there is nothing left to close.
        });
      return;
    }
    if (!isPanelUp(m) || m.kind !== "subscribePanel" || subscribed !== undefined) return;
    subscribed = m.tabId;
    const set = panels.get(m.tabId) ?? new Set();
    panels.set(m.tabId, set.add(port));
    for (const part of replay(m.tabId, "subscribed")) port.postMessage(part);
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
    if (m.attempt.resourceType !== undefined) {
      // Not an EventSource's: a fetch()/XHR stream, shown from this record when the hook did not see it.
      // Decided a little later: a short page stream can end, and DevTools' record of it arrive, before the
      // hook's next batch (every 20 ms) brings its streamOpened (measured: 1 run in 5 listed it twice).
      const { tabId, attempt } = m;
      setTimeout(() => {
        const appended = store.addNetworkStream(tabId, attempt);
        if (appended.length > 0 && panels.has(tabId))
          send(tabId, {
            v: PROTOCOL_VERSION,
            kind: "recordsAppended",
            tabId,
            records: appended,
            stats: store.stats(tabId),
          });
      }, NETWORK_STREAM_DELAY_MS);
      return;
    }
    // Merged with webRequest's record of the same attempt when there is one (same netSeq: replaced in place).
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

/**
 * Every EventSource attempt of every tab from webRequest (src/network/webrequest.ts), DevTools open or not:
 * status, headers, the Last-Event-ID sent, how it ended; no body. DevTools' record of the same attempt, when
 * it comes, replaces it (src/network/store.ts). Registered at the top level so that they wake this worker.
 *
 * Chrome stops this worker while streams stay open (measured: even within the first second after the
 * extension loads), so attempts in flight and finished records are kept in `storage.session` (one small key
 * each, written once) and restored on start; events wait for that restore.
 */
const webRequests = new WebRequestTracker();
const WR_IN_FLIGHT = "wr:f:";
const WR_RECORD = "wr:r:";
const kept = new KeptRecords(NETWORK_CAP, WR_RECORD);
const session = browser.storage.session;
const forget = (keys: string[]) => {
  if (keys.length > 0) session.remove(keys).catch(() => {});
};
const wrReady: Promise<void> = session
  .get(null)
  .then((all) => {
    const records: { key: string; tabId: number; attempt: NetworkAttempt }[] = [];
    for (const [key, value] of Object.entries(all)) {
      if (key.startsWith(WR_IN_FLIGHT))
        webRequests.restore(key.slice(WR_IN_FLIGHT.length), value as InFlight);
      else if (key.startsWith(WR_RECORD)) {
        const r = value as { tabId?: unknown; attempt?: unknown };
        if (typeof r.tabId === "number" && isNetworkAttempt(r.attempt))
          records.push({ key, tabId: r.tabId, attempt: r.attempt });
      }
    }
    records.sort((a, b) => a.attempt.startedWall - b.attempt.startedWall);
    for (const r of records) {
      forget(kept.add(r.tabId, r.attempt.startedWall, r.key).evict);
      network.add(r.tabId, r.attempt);
    }
    // Panels that re-subscribed before the restore finished get the full list again.
    for (const tabId of panels.keys()) send(tabId, networkReplay(tabId));
  })
  .catch(() => {});
const whenReady =
  <D>(fn: (d: D) => void) =>
  (d: D) => {
    void wrReady.then(() => fn(d));
  };
const recordWebRequest = (f: Finished | undefined) => {
  if (!f) return;
  forget([WR_IN_FLIGHT + f.requestId]);
  const { key, evict } = kept.add(f.tabId, f.attempt.startedWall);
  session.set({ [key]: { tabId: f.tabId, attempt: f.attempt } }).catch(() => {});
  forget(evict);
  network.countDropped(f.tabId, webRequests.takeForgotten(f.tabId));
  const held = network.add(f.tabId, f.attempt);
  send(f.tabId, {
    v: PROTOCOL_VERSION,
    kind: "networkAttemptsAppended",
    tabId: f.tabId,
    replace: false,
    attempts: [held],
    dropped: network.dropped(f.tabId),
  });
};
// EventSource requests are "xmlhttprequest" to webRequest (measured); the Accept header tells them apart.
const xhr = { urls: ["<all_urls>"], types: ["xmlhttprequest" as const] };
// "extraHeaders": without it Chromium 156 leaves Last-Event-ID (and Sec-Fetch-*) out of requestHeaders.
browser.webRequest.onSendHeaders.addListener(
  // Not behind the restore: a new attempt does not depend on it (restore never overwrites one), and the
  // sooner it is written the smaller the window in which a worker stopped by Chrome loses it (seen in e2e).
  (d: WebRequest.OnSendHeadersDetailsType) => {
    const f = webRequests.sendHeaders(d);
    if (f) session.set({ [WR_IN_FLIGHT + d.requestId]: f }).catch(() => {});
  },
  xhr,
  ["requestHeaders", "extraHeaders"],
);
browser.webRequest.onResponseStarted.addListener(
  whenReady((d: WebRequest.OnResponseStartedDetailsType) => webRequests.responseStarted(d)),
  xhr,
  ["responseHeaders"],
);
browser.webRequest.onBeforeRedirect.addListener(
  whenReady((d: WebRequest.OnBeforeRedirectDetailsType) => recordWebRequest(webRequests.beforeRedirect(d))),
  xhr,
  ["responseHeaders"],
);
browser.webRequest.onCompleted.addListener(
  whenReady((d: WebRequest.OnCompletedDetailsType) => recordWebRequest(webRequests.completed(d))),
  xhr,
  ["responseHeaders"],
);
browser.webRequest.onErrorOccurred.addListener(
  whenReady((d: WebRequest.OnErrorOccurredDetailsType) => recordWebRequest(webRequests.errorOccurred(d))),
  xhr,
);
browser.webNavigation.onCommitted.addListener(
  whenReady((d: WebNavigation.OnCommittedDetailsType) => {
    // As network.navigated below: the old page's records go unless "Preserve log" keeps them.
    if (d.frameId === 0 && !store.preserveLog(d.tabId)) forget(kept.navigated(d.tabId, d.timeStamp));
  }),
);
browser.tabs.onRemoved.addListener((tabId) => {
  webRequests.removeTab(tabId);
  forget(kept.removeTab(tabId));
});

browser.runtime.onConnect.addListener((port) => {
  if (port.name === PAGE_PORT) onPagePort(port);
  else if (port.name === PANEL_PORT) onPanelPort(port);
  else if (port.name === DEVTOOLS_PORT) onDevtoolsPort(port);
});

browser.webNavigation.onCommitted.addListener((d) => {
  if (d.frameId !== 0) return;
  // "Preserve log" keeps the old page's network attempts as well as its records.
  if (!store.preserveLog(d.tabId)) network.navigated(d.tabId, d.timeStamp);
  const result = store.navigated(d.tabId, d.timeStamp, d.url);
  if (result.kind === "dropped" && panels.has(d.tabId)) {
    for (const part of replay(d.tabId, "navigated")) send(d.tabId, part);
    send(d.tabId, networkReplay(d.tabId));
  } else if (result.kind === "preserved") {
    send(d.tabId, {
      v: PROTOCOL_VERSION,
      kind: "recordsAppended",
      tabId: d.tabId,
      records: [],
      stats: store.stats(d.tabId),
      markers: [result.marker],
    });
  }
});

browser.tabs.onRemoved.addListener((tabId) => {
  store.removeTab(tabId);
  network.removeTab(tabId);
});
