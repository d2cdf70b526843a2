/**
 * DevTools' force-close, background side: which frame (if any) a panel's `closeConnectionInTab` may reach.
 * Plain TypeScript, unit-tested; background/service-worker.ts only sends what this returns.
 *
 * Only the inspected tab's connections can be targeted (issue 4, item 5):
 * - the command must name the tab this panel port subscribed to (a panel for tab A cannot name tab B);
 * - the connection must belong to a document the background holds for that tab, as that tab's current
 *   document in its frame — the frame comes from the store (from the browser's port sender when the document
 *   reported), never from the message. A cid of another tab's document, an unknown cid, or one of a document
 *   a navigation replaced sends nothing.
 * The hook then checks the cid against its own instances, so a stale frame (its document since replaced)
 * ignores it.
 */
import { type CloseConnection, type CloseConnectionInTab, PROTOCOL_VERSION } from "../protocol/index";

/** Where the store says a document lives. */
export interface DocumentFrames {
  frameOf(tabId: number, docId: string): number | undefined;
}

export interface CloseRoute {
  tabId: number;
  frameId: number;
  message: CloseConnection;
}

/** The document id in a connection id `${docId}.${n}`; undefined when `cid` has not that form. */
export function docIdOf(cid: string): string | undefined {
  const dot = cid.lastIndexOf(".");
  if (dot <= 0 || !/^[1-9][0-9]*$/.test(cid.slice(dot + 1))) return undefined;
  return cid.slice(0, dot);
}

/**
 * `subscribedTabId`: the tab the panel's port subscribed to (undefined before it did). Returns where to send
 * `closeConnection`, or undefined when the command must be ignored.
 */
export function routeCloseConnection(
  docs: DocumentFrames,
  subscribedTabId: number | undefined,
  m: CloseConnectionInTab,
): CloseRoute | undefined {
  if (subscribedTabId === undefined || m.tabId !== subscribedTabId) return undefined;
  const docId = docIdOf(m.cid);
  if (docId === undefined) return undefined;
  const frameId = docs.frameOf(m.tabId, docId);
  if (frameId === undefined) return undefined;
  return {
    tabId: m.tabId,
    frameId,
    message: { v: PROTOCOL_VERSION, kind: "closeConnection", cid: m.cid, mode: m.mode },
  };
}
