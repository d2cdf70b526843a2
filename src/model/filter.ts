/**
 * The rows the table shows: the state's rows through the toolbar's filters and the sidebar's selection.
 *
 * Kept incremental because the table updates on every message: when the filter is unchanged and the state
 * only grew, only the new rows are tested and their indices appended (O(new rows)); any other change
 * re-scans once (O(rows)), which happens on a keystroke or a click, not per message.
 */
import { appendLog, emptyLog, type Log, logAt, logNth, logSize, trimBefore } from "./log";
import type { PanelState, TableRow } from "./reducer";

export interface RowFilter {
  /** Case-insensitive substring of an event's type, data or id (or a listened-for type); "" = any. */
  readonly text: string;
  /** Only events (eventReceived) of exactly this type; "" = any row. */
  readonly type: string;
  /** Only this connection's rows; "" = all connections. */
  readonly cid: string;
}

export const NO_FILTER: RowFilter = { text: "", type: "", cid: "" };

export interface FilteredRows {
  readonly filter: RowFilter;
  /** Absolute indices into the state's rows, ascending. */
  readonly indices: Log<number>;
  /** The rows' lineage these indices belong to, and the absolute row index scanned up to. */
  readonly lineage: object;
  readonly scanned: number;
}

const sameFilter = (a: RowFilter, b: RowFilter) => a.text === b.text && a.type === b.type && a.cid === b.cid;

/** A test for one row; compiled once per scan. */
export function rowPredicate(f: RowFilter): (row: TableRow) => boolean {
  const needle = f.text.trim();
  // A case-insensitive RegExp searches without lower-casing (copying) every row's data, which can be large.
  const re = needle === "" ? undefined : new RegExp(needle.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "i");
  return (row) => {
    const r = row.rec;
    // Markers are places in the timeline: a navigation separates whatever is shown; a loss shows with its
    // document's connections. Neither matches a text or type filter (they would hide where data is missing
    // only when the user narrowed to events).
    if (r === undefined) {
      if (f.type !== "" || needle !== "") return false;
      const m = row.marker;
      return m.kind === "documentReplaced" || f.cid === "" || f.cid.startsWith(`${m.docId}.`);
    }
    if (f.cid !== "" && r.cid !== f.cid) return false;
    if (f.type !== "" && (r.kind !== "eventReceived" || r.type !== f.type)) return false;
    if (re) {
      if (r.kind === "eventReceived") return re.test(r.type) || re.test(r.lastEventId) || re.test(r.data);
      if (r.kind === "listenerAdded") return re.test(r.type);
      return false;
    }
    return true;
  };
}

/** The filtered rows of `state`; pass the previous result to extend it instead of starting over. */
export function filterRows(state: PanelState, filter: RowFilter, prev?: FilteredRows): FilteredRows {
  const rows = state.rows;
  const resume =
    prev !== undefined &&
    prev.lineage === rows.lineage &&
    prev.scanned <= rows.end &&
    sameFilter(prev.filter, filter);
  let indices = resume ? prev.indices : emptyLog<number>();
  const from = resume ? Math.max(prev.scanned, rows.start) : rows.start;
  if (from < rows.end) {
    const test = rowPredicate(filter);
    const found: number[] = [];
    for (let i = from; i < rows.end; i++) {
      if (test(logAt(rows, i) as TableRow)) found.push(i);
    }
    indices = appendLog(indices, found);
  }
  // Rows trimmed from the front of the state (panel cap) leave the filtered list too.
  const first = logNth(indices, 0);
  if (first !== undefined && first < rows.start) {
    indices = trimBefore(indices, indices.start + searchIndices(indices, rows.start));
  }
  if (resume && indices === prev.indices && prev.scanned === rows.end) return prev;
  return { filter, indices, lineage: rows.lineage, scanned: rows.end };
}

export function filteredCount(f: FilteredRows): number {
  return logSize(f.indices);
}

/** Row at position `pos` (0 = first shown) of the filtered list. */
export function filteredRow(state: PanelState, f: FilteredRows, pos: number): TableRow | undefined {
  const i = logNth(f.indices, pos);
  return i === undefined ? undefined : logAt(state.rows, i);
}

/** Absolute row index at position `pos` of the filtered list. */
export function filteredIndex(f: FilteredRows, pos: number): number | undefined {
  return logNth(f.indices, pos);
}

/** Relative position of the first index >= rowIndex (binary search: indices ascend). */
function searchIndices(indices: Log<number>, rowIndex: number): number {
  let lo = 0;
  let hi = logSize(indices);
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((logNth(indices, mid) as number) < rowIndex) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Position in the filtered list of the row at absolute `rowIndex`, or of the nearest row after it (so a
 * selection hidden by a filter lands next to where it was).
 */
export function positionOf(f: FilteredRows, rowIndex: number): number {
  return searchIndices(f.indices, rowIndex);
}
