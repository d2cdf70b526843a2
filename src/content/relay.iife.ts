/**
 * Isolated-world relay (content script, document_start, every frame): the page channel on one side, a port
 * to the background on the other. Everything from the page world is checked against the protocol first.
 */
import browser, { type Runtime } from "webextension-polyfill";
import { createMessageBridge, reconnectingPort } from "../bridge/bridge";
import {
  isAnnounceRecords,
  isCloseConnection,
  isHookUp,
  isResendRecords,
  PAGE_PORT,
  PROTOCOL_VERSION,
} from "../protocol/index";
import { readSettings } from "../settings";
import { openRelayEnd } from "./channel";

const page = openRelayEnd(document);
const announce = () => page.post({ v: PROTOCOL_VERSION, kind: "announceRecords" });
// The port opens on the first batch only, so pages without EventSource cost the background nothing.
const port = reconnectingPort(PAGE_PORT, { onReconnected: announce });
createMessageBridge(page, port, { fromA: isHookUp, fromB: isResendRecords });

// A panel subscribed to this tab: the background may have been restarted since we last spoke (Chrome stops
// an idle worker after 30 s), and an idle stream would otherwise not tell it about this document until its
// next event.
//
// DevTools' force-close (`closeConnection`) reaches the hook only this way: runtime.onMessage delivers only
// what the extension itself sends (the background's tabs.sendMessage to this frame), never a page's message,
// and the hook takes commands only from this relay's private channel (./channel.ts).
browser.runtime.onMessage.addListener((m: unknown, sender: Runtime.MessageSender) => {
  if (sender.id !== browser.runtime.id) return;
  if (isAnnounceRecords(m)) announce();
  else if (isCloseConnection(m)) page.post({ v: PROTOCOL_VERSION, kind: m.kind, cid: m.cid, mode: m.mode });
});

// Entering the back/forward cache: Chrome closes the background's end of our port, but (measured, Chromium
// 156) this end gets no onDisconnect and postMessage neither throws nor delivers after the page returns, so
// every record would be silently dropped. Close it ourselves; the next post opens a new one.
addEventListener("pagehide", (e) => {
  if (e.persisted) port.disconnect();
});
// Leaving the back/forward cache: tell the background where this document stands so it can ask for what it
// missed (sse-facts.md, "Back/forward cache").
addEventListener("pageshow", (e) => {
  if (e.persisted) announce();
});

void readSettings(browser.storage.local).then((s) =>
  page.post({ v: PROTOCOL_VERSION, kind: "configureHook", pageBufferCap: s.pageBufferCap }),
);
