/**
 * Plain-object views of rows and connections, the shape end-to-end tests read through `window.__sseRows`
 * and `window.__sseConnections` (the table is virtualized, so the DOM holds only the visible rows).
 */
import { type FilteredRows, filteredCount, filteredNotDelivered, filteredRow } from "./filter";
import { recordId, recordReadyState, recordType } from "./format";
import type { ConnectionSummary, ConnState, PanelState, ReadyState, TableRow } from "./reducer";

export interface PlainRow {
  kind: string;
  cid: string;
  tabSeq: number;
  /** The record's monotonic time (ms; `performance.timeOrigin + now()` in the page); absent for markers. */
  mono?: number;
  /** Event type, or the type a listener was added for; "" for other kinds. */
  type: string;
  /** lastEventId of events; "" for other kinds. */
  id: string;
  /** Full event data (never truncated); "" for other kinds. */
  data: string;
  /** MessageEvent.origin of events (absent for other kinds). */
  origin?: string;
  readyState: ReadyState | null;
  /** The record's document was replaced by a preserved navigation (absent when false). */
  previousDocument?: true;
  /**
   * Marker rows (kind "recordsLost" | "documentReplaced"; cid "", tabSeq = the marker's place - 0.5, so that
   * sorting by tabSeq keeps it between the records around it): how many records were lost there, and the
   * URL navigated to.
   */
  count?: number;
  url?: string;
  /**
   * Kind "notDelivered": an event the network record shows but the page did not get (undelivered.ts), with
   * tabSeq = its anchor record's + 0.5, and why ("noListener" | "notInPageRecord") and its attempt.
   */
  why?: string;
  attempt?: number;
}

export interface PlainConnection {
  cid: string;
  url: string;
  state: ConnState;
  count: number;
  lastId: string;
  reconnects: number;
  /** Its document was replaced by a navigation with "Preserve log" on. */
  previousDocument: boolean;
  /** How the page reads it: "eventsource", or a fetch()/XHR stream's "fetch" / "xhr". */
  kind: string;
}

export function plainRow(row: TableRow, previousDocs: ReadonlySet<string> = new Set()): PlainRow {
  const r = row.rec;
  if (r === undefined) {
    const m = row.marker;
    const common = { kind: m.kind, cid: "", tabSeq: m.beforeTabSeq - 0.5, type: "", id: "", data: "" };
    return m.kind === "recordsLost"
      ? { ...common, readyState: null, count: m.count }
      : { ...common, readyState: null, url: m.url };
  }
  return {
    ...(previousDocs.has(r.docId) ? { previousDocument: true as const } : {}),
    kind: r.kind,
    cid: r.cid,
    tabSeq: r.tabSeq,
    mono: r.mono,
    type: recordType(r),
    id: recordId(r),
    data: r.kind === "eventReceived" ? r.data : "",
    ...(r.kind === "eventReceived" ? { origin: r.origin } : {}),
    readyState: recordReadyState(r),
  };
}

export function plainConnection(c: ConnectionSummary): PlainConnection {
  return {
    cid: c.cid,
    url: c.url,
    state: c.state,
    count: c.messages,
    lastId: c.lastEventId,
    reconnects: c.reconnects,
    previousDocument: c.previousDocument,
    kind: c.stream?.transport ?? "eventsource",
  };
}

export function plainRows(state: PanelState, f: FilteredRows): PlainRow[] {
  const out: PlainRow[] = [];
  for (let pos = 0, n = filteredCount(f); pos < n; pos++) {
    const row = filteredRow(state, f, pos);
    if (row) out.push(plainRow(row, state.previousDocs));
    const v = row ? undefined : filteredNotDelivered(f, pos);
    if (v)
      out.push({
        kind: "notDelivered",
        cid: v.cid,
        tabSeq: v.anchorTabSeq + 0.5,
        type: v.type,
        id: v.lastEventId,
        data: v.data,
        readyState: null,
        why: v.why,
        attempt: v.attempt,
      });
  }
  return out;
}

export function plainConnections(state: PanelState): PlainConnection[] {
  return [...state.connections.values()].map(plainConnection);
}
