/**
 * DevTools page: runs once per DevTools window, as soon as DevTools opens (before the panel is shown). It
 * registers the "SSE" panel and reports every finished EventSource attempt of the inspected tab from
 * DevTools' network record (status, headers, the Last-Event-ID sent, the raw body parsed) to the background,
 * which distributes it to panels (protocol: `networkAttemptRecorded`).
 */
import browser from "webextension-polyfill";
import { reconnectingPort } from "../src/bridge/bridge";
import {
  attemptFromHar,
  type HarEntry,
  isEventSourceEntry,
  isOtherEventStreamEntry,
} from "../src/network/har";
import { DEVTOOLS_PORT, type NetworkAttemptRecorded, PROTOCOL_VERSION } from "../src/protocol/index";

void browser.devtools.panels.create("SSE", "/icons/icon16.png", "/panel/panel.html");

const tabId = browser.devtools.inspectedWindow.tabId;
// Connects on first use and again on the next post after Chrome stopped the idle service worker.
const port = reconnectingPort(DEVTOOLS_PORT, {});

// webextension-polyfill's devtools.network types omit getContent's callback form; use chrome's directly.
chrome.devtools.network.onRequestFinished.addListener((req) => {
  const entry = req as unknown as HarEntry;
  // EventSource attempts, and event streams read with fetch()/XHR (workers' included: src/session/networkStreams.ts).
  if (!isEventSourceEntry(entry) && !isOtherEventStreamEntry(entry)) return;
  req.getContent((content) => {
    const body = typeof content === "string" ? content : undefined;
    const msg: NetworkAttemptRecorded = {
      v: PROTOCOL_VERSION,
      kind: "networkAttemptRecorded",
      tabId,
      attempt: attemptFromHar(entry, body),
    };
    port.post(msg);
  });
});
