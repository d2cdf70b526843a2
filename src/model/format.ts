/**
 * Words the panel shows for rows and connections. Pure, so the wording the seeds ask for (readyState 0/1/2,
 * Last-Event-ID, observed gap, 204) is tested here rather than through the DOM.
 */
import { t } from "../i18n";
import type { RecordKind, SessionMarker, TabRecord } from "../protocol/index";
import type { ConnectionSummary, ReadyState, Row } from "./reducer";

/** The hook always listens for these three (the page's onopen/onmessage/onerror or addEventListener). */
export const BUILTIN_TYPES = ["open", "message", "error"] as const;

export const PREVIEW_CHARS = 200;

export function readyStateName(rs: ReadyState): "CONNECTING" | "OPEN" | "CLOSED" {
  return rs === 0 ? "CONNECTING" : rs === 1 ? "OPEN" : "CLOSED";
}

const pad = (n: number, w: number) => String(n).padStart(w, "0");

/** Local wall-clock time as hh:mm:ss.mmm, like DevTools' Network "Time" with timestamps. */
export function formatTime(wall: number): string {
  const d = new Date(wall);
  return `${pad(d.getHours(), 2)}:${pad(d.getMinutes(), 2)}:${pad(d.getSeconds(), 2)}.${pad(d.getMilliseconds(), 3)}`;
}

export function formatMs(ms: number): string {
  return `${Math.round(ms)} ms`;
}

/** Short text for the Kind column. */
export const KIND_LABEL: Record<RecordKind, string> = {
  connectionCreated: "created",
  connectionOpened: "open",
  eventReceived: "event",
  errorReceived: "error",
  closeCalled: "close()",
  listenerAdded: "listener",
  connectionForceClosed: "DevTools",
};

/** The first PREVIEW_CHARS characters of event data (the detail pane shows all of it). */
export function preview(data: string): string {
  return data.length > PREVIEW_CHARS ? `${data.slice(0, PREVIEW_CHARS)}…` : data;
}

/** What a row says in the table's last column: event data, or the readyState transition in words. */
export function describeRow(row: Row): string {
  const r = row.rec;
  const synthetic = row.synthetic ? " (synthetic: dispatched by a page script)" : "";
  switch (r.kind) {
    case "eventReceived":
      return preview(r.data);
    case "connectionCreated":
      return `CONNECTING (created)${r.withCredentials ? ", withCredentials" : ""}`;
    case "connectionOpened":
      if (row.synthetic) return `open event while readyState ${r.readyState}${synthetic}`;
      if (row.gapMs !== undefined) return `OPEN: reconnected after ${formatMs(row.gapMs)} (observed gap)`;
      if (row.connectMs !== undefined) return `OPEN (${formatMs(row.connectMs)} after created)`;
      return "OPEN";
    case "errorReceived":
      if (row.willSendLastEventId !== undefined) {
        const id = row.willSendLastEventId;
        return `error → reconnecting (readyState 0), ${
          id === "" ? "no Last-Event-ID to send (no id seen yet)" : `will send Last-Event-ID: ${id}`
        }`;
      }
      if (row.devtools) return t("forceCloseErrorRow");
      if (r.readyState === 2 && !row.synthetic) return "error → CLOSED (readyState 2: the browser gave up)";
      return `error (readyState ${r.readyState} ${readyStateName(r.readyState)})${synthetic}`;
    case "closeCalled":
      return `close() called by the page (was ${readyStateName(r.previousReadyState)})`;
    case "listenerAdded":
      return `listening for '${r.type}'`;
    case "connectionForceClosed":
      return r.mode === "close"
        ? "closed from DevTools, as if the page called close() (no event)"
        : "closed from DevTools as a failed connection: readyState 2 and an error event";
  }
}

/** What a marker row says: where records are missing, or where the page was replaced ("Preserve log"). */
export function describeMarker(m: SessionMarker): string {
  if (m.kind === "recordsLost") {
    return `⚠ ${m.count.toLocaleString("en-US")} record${m.count === 1 ? "" : "s"} lost here: the page's buffer could no longer re-send them`;
  }
  return `Page reloaded / navigated to ${m.url || "a new document"}: rows above are from the previous document`;
}

/** The head-of-table row for records evicted at the tab's cap (always the oldest). */
export function describeEvicted(evicted: number, cap: number): string {
  return `⚠ ${evicted.toLocaleString("en-US")} older records dropped here (cap ${cap.toLocaleString("en-US")} records per tab)`;
}

/** The record's `type` where it has one (events and listeners), else "". */
export function recordType(r: TabRecord): string {
  return r.kind === "eventReceived" || r.kind === "listenerAdded" ? r.type : "";
}

/** The record's lastEventId (events only), else "". */
export function recordId(r: TabRecord): string {
  return r.kind === "eventReceived" ? r.lastEventId : "";
}

/** The record's readyState, or null for listenerAdded (which has none). */
export function recordReadyState(r: TabRecord): ReadyState | null {
  return r.kind === "listenerAdded" ? null : r.readyState;
}

/** Badge text: closed connections say whether the browser gave up ("failed") or the page closed them. */
export function stateLabel(c: ConnectionSummary): string {
  if (c.state === "closed")
    return c.closeReason === "failed" || c.closeReason === "devtools-fail" ? "failed" : "closed";
  return c.state;
}

/** A sentence on why the connection is in its state, for the detail pane and tooltips. */
export function stateExplanation(c: ConnectionSummary): string {
  switch (c.state) {
    case "connecting":
      return "readyState 0 (CONNECTING): waiting for the first response";
    case "open":
      return "readyState 1 (OPEN): 200 with text/event-stream, events flowing";
    case "reconnecting":
      return "readyState 0 (CONNECTING): the connection dropped and the browser will reconnect";
    case "closed":
      if (c.closeReason === "failed")
        return "readyState 2 (CLOSED): the browser gave up. HTTP 204 (the server's way to stop reconnects), another non-200 status or a Content-Type other than text/event-stream";
      if (c.closeReason === "page") return "readyState 2 (CLOSED): the page called close()";
      if (c.closeReason === "devtools-close") return "readyState 2 (CLOSED): closed from DevTools (Close)";
      if (c.closeReason === "devtools-fail")
        return "readyState 2 (CLOSED): failed from DevTools (Fail: error event dispatched)";
      return "readyState 2 (CLOSED)";
  }
}

/**
 * The Last-Event-ID header the browser will send on its next attempt, while reconnecting: the last
 * lastEventId the page saw. Inferred from the page side: an `id:` in a block with no data, or on an event
 * type nobody listens for, changes it without the page seeing an event. undefined when not reconnecting.
 */
export function inferredLastEventIdHeader(c: ConnectionSummary): string | undefined {
  return c.state === "reconnecting" ? c.lastEventId : undefined;
}

/** Every type the page listens for: the three the hook always captures, then addEventListener's. */
export function listenedTypes(c: ConnectionSummary): string[] {
  const out: string[] = [...BUILTIN_TYPES];
  for (const t of c.typesListened) if (!out.includes(t)) out.push(t);
  return out;
}

/** Host and path of a URL for the narrow sidebar; the full URL goes in the tooltip. */
export function shortUrl(url: string): string {
  if (url === "") return "(unknown URL)";
  try {
    const u = new URL(url);
    return `${u.host}${u.pathname}${u.search}`;
  } catch {
    return url;
  }
}
