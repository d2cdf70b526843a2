/**
 * Words the panel shows for rows and connections. Pure, so the wording the seeds ask for (readyState 0/1/2,
 * Last-Event-ID, observed gap, 204) is tested here rather than through the DOM.
 */
import { t, uiLanguage } from "../i18n";
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
  return t("unitMs", Math.round(ms));
}

/** Short text for the Kind column ("close()" and "DevTools" are names, the same in every language). */
export function kindLabel(kind: RecordKind): string {
  switch (kind) {
    case "connectionCreated":
      return t("kindCreated");
    case "connectionOpened":
      return t("kindOpen");
    case "eventReceived":
      return t("kindEvent");
    case "errorReceived":
      return t("kindError");
    case "closeCalled":
      return "close()";
    case "listenerAdded":
      return t("kindListener");
    case "connectionForceClosed":
      return "DevTools";
    case "streamOpened":
      return t("kindStreamOpened");
    case "streamChunkReceived":
      return t("kindStreamChunk");
    case "streamEnded":
      return t("kindStreamEnded");
  }
}

/** The first PREVIEW_CHARS characters of event data (the detail pane shows all of it). */
export function preview(data: string): string {
  return data.length > PREVIEW_CHARS ? `${data.slice(0, PREVIEW_CHARS)}…` : data;
}

/** What a row says in the table's last column: event data, or the readyState transition in words. */
export function describeRow(row: Row): string {
  const r = row.rec;
  switch (r.kind) {
    case "eventReceived":
      return preview(r.data);
    case "connectionCreated":
      return r.withCredentials ? t("rowCreatedCredentials") : t("rowCreated");
    case "connectionOpened":
      if (row.synthetic) return t("rowOpenSynthetic", r.readyState);
      if (row.gapMs !== undefined) return t("rowReconnected", formatMs(row.gapMs));
      if (row.connectMs !== undefined) return t("rowOpenAfter", formatMs(row.connectMs));
      return "OPEN";
    case "errorReceived":
      if (row.willSendLastEventId !== undefined) {
        const id = row.willSendLastEventId;
        return t("rowErrorReconnecting", id === "" ? t("rowNoLeidToSend") : t("rowWillSendLeid", id));
      }
      if (row.devtools) return t("forceCloseErrorRow");
      if (r.readyState === 2 && !row.synthetic) return t("rowErrorClosed");
      return t(row.synthetic ? "rowErrorSynthetic" : "rowError", r.readyState, readyStateName(r.readyState));
    case "closeCalled":
      return t("rowCloseCalled", readyStateName(r.previousReadyState));
    case "listenerAdded":
      return t("rowListening", r.type);
    case "connectionForceClosed":
      return r.mode === "close" ? t("rowForceClose") : t("rowForceFail");
    case "streamOpened":
      return t(
        "rowStreamOpened",
        r.transport,
        r.method,
        r.status,
        r.statusText,
        formatMs(r.mono - r.requestMono),
      );
    case "streamChunkReceived":
      return t("rowStreamChunk", formatCount(r.bytes), preview(r.text));
    case "streamEnded":
      switch (r.how) {
        case "completed":
          return t("rowStreamCompleted", formatCount(r.bytes));
        case "aborted":
          return t("rowStreamAborted", formatCount(r.bytes));
        case "network-error":
          return t("rowStreamNetworkError", formatCount(r.bytes), r.error ?? "");
        case "devtools":
          return t("rowStreamDevtools");
        case "observer-cap":
          return t("rowStreamCapped", formatCount(r.bytes));
      }
  }
}

/** What a marker row says: where records are missing, or where the page was replaced ("Preserve log"). */
export function describeMarker(m: SessionMarker): string {
  if (m.kind === "recordsLost")
    return t(m.count === 1 ? "markerLostOne" : "markerLost", formatCount(m.count));
  return t("markerReplaced", m.url || t("markerNewDocument"));
}

/** A count as the UI language writes it (1,234 / 1 234). */
export function formatCount(n: number): string {
  return n.toLocaleString(uiLanguage());
}

/** The head-of-table row for records evicted at the tab's cap (always the oldest). */
export function describeEvicted(evicted: number, cap: number): string {
  return t("markerEvicted", formatCount(evicted), formatCount(cap));
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

export type StateLabel = ConnectionSummary["state"] | "failed";

/** Badge key (also its CSS class): closed connections say whether the browser gave up ("failed") or not. */
export function stateLabel(c: ConnectionSummary): StateLabel {
  if (c.state === "closed")
    return c.closeReason === "failed" || c.closeReason === "devtools-fail" ? "failed" : "closed";
  return c.state;
}

/** The badge's words in the UI language. */
export function stateText(label: StateLabel): string {
  switch (label) {
    case "connecting":
      return t("stateConnecting");
    case "open":
      return t("stateOpen");
    case "reconnecting":
      return t("stateReconnecting");
    case "closed":
      return t("stateClosed");
    case "failed":
      return t("stateFailed");
  }
}

/** A sentence on why the connection is in its state, for the detail pane and tooltips. */
export function stateExplanation(c: ConnectionSummary): string {
  switch (c.state) {
    case "connecting":
      return t("stateWhyConnecting");
    case "open":
      return t("stateWhyOpen");
    case "reconnecting":
      return t("stateWhyReconnecting");
    case "closed":
      if (c.closeReason === "failed") return t("stateWhyFailed");
      if (c.closeReason === "page") return t("stateWhyPage");
      if (c.closeReason === "devtools-close") return t("stateWhyDevtoolsClose");
      if (c.closeReason === "devtools-fail") return t("stateWhyDevtoolsFail");
      if (c.closeReason === "ended") return t("stateWhyEnded");
      if (c.closeReason === "capped") return t("stateWhyCapped");
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
  if (url === "") return t("urlUnknownShort");
  try {
    const u = new URL(url);
    return `${u.host}${u.pathname}${u.search}`;
  } catch {
    return url;
  }
}
