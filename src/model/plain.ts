/**
 * Plain-object views of rows and connections, the shape end-to-end tests read through `window.__sseRows`
 * and `window.__sseConnections` (the table is virtualized, so the DOM holds only the visible rows).
 */
import { type FilteredRows, filteredCount, filteredRow } from "./filter";
import { recordId, recordReadyState, recordType } from "./format";
import type { ConnectionSummary, ConnState, PanelState, ReadyState, Row } from "./reducer";

export interface PlainRow {
  kind: string;
  cid: string;
  tabSeq: number;
  /** Event type, or the type a listener was added for; "" for other kinds. */
  type: string;
  /** lastEventId of events; "" for other kinds. */
  id: string;
  /** Full event data (never truncated); "" for other kinds. */
  data: string;
  readyState: ReadyState | null;
}

export interface PlainConnection {
  cid: string;
  url: string;
  state: ConnState;
  count: number;
  lastId: string;
  reconnects: number;
}

export function plainRow(row: Row): PlainRow {
  const r = row.rec;
  return {
    kind: r.kind,
    cid: r.cid,
    tabSeq: r.tabSeq,
    type: recordType(r),
    id: recordId(r),
    data: r.kind === "eventReceived" ? r.data : "",
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
  };
}

export function plainRows(state: PanelState, f: FilteredRows): PlainRow[] {
  const out: PlainRow[] = [];
  for (let pos = 0, n = filteredCount(f); pos < n; pos++) {
    const row = filteredRow(state, f, pos);
    if (row) out.push(plainRow(row));
  }
  return out;
}

export function plainConnections(state: PanelState): PlainConnection[] {
  return [...state.connections.values()].map(plainConnection);
}
