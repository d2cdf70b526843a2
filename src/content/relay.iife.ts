/**
 * Isolated-world relay (content script, document_start, every frame): the page channel on one side, a port
 * to the background on the other. Everything from the page world is checked against the protocol first.
 */
import browser from "webextension-polyfill";
import { createMessageBridge, reconnectingPort } from "../bridge/bridge";
import { isAnnounceRecords, isHookUp, isResendRecords, PAGE_PORT, PROTOCOL_VERSION } from "../protocol/index";
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
browser.runtime.onMessage.addListener((m: unknown) => {
  if (isAnnounceRecords(m)) announce();
});

// Leaving the back/forward cache: our port was closed when the page entered it (sse-facts.md, "Back/forward
// cache"); tell the background where this document stands so it can ask for what it missed.
addEventListener("pageshow", (e) => {
  if (e.persisted) announce();
});

void readSettings(browser.storage.local).then((s) =>
  page.post({ v: PROTOCOL_VERSION, kind: "configureHook", pageBufferCap: s.pageBufferCap }),
);
