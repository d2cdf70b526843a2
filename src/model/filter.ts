/**
 * The rows the table shows: the state's rows through the toolbar's filters and the sidebar's selection.
 *
 * Kept incremental because the table updates on every message: when the filter is unchanged and the state
 * only grew, only the new rows are tested and their indices appended (O(new rows)); any other change
 * re-scans once (O(rows)), which happens on a keystroke or a click, not per message. The per-type counts of
 * the event-name chips (`countTypes`) follow the same rule.
 */
import { appendLog, emptyLog, type Log, logAt, logNth, logSize, trimBefore } from "./log";
import type { PanelState, TableRow } from "./reducer";
import { EMPTY_OVERLAY, type NotDeliveredRow, type Overlay } from "./undelivered";

export interface RowFilter {
  /** Case-insensitive substring (or, with `regex`, pattern) of an event's type, data or id; "" = any. */
  readonly text: string;
  /** `text` is a regular expression (case-insensitive). An invalid one filters nothing (see compileSearch). */
  readonly regex: boolean;
  /** Only events (eventReceived) of one of these types; empty = any row. */
  readonly types: readonly string[];
  /** Hide heartbeat events (see isHeartbeat). */
  readonly hideHeartbeats: boolean;
  /** Only this connection's rows; "" = all connections. */
  readonly cid: string;
}

export const NO_FILTER: RowFilter = { text: "", regex: false, types: [], hideHeartbeats: false, cid: "" };

export interface FilteredRows {
  readonly filter: RowFilter;
  /**
   * What is shown, in order: absolute indices into the state's rows (>= 0, ascending), and, after the row
   * each is anchored to, events the page did not get as -(k+1) for `overlay.list[k]` (see undelivered.ts).
   */
  readonly indices: Log<number>;
  /** The undelivered events merged in, and each merged one's anchor row index (by its entry, -(k+1)). */
  readonly overlay: Overlay;
  /** Grown in place by resumed scans (like TypeCounts' counts): read it from the newest result only. */
  readonly anchorOf: Map<number, number>;
  /** The rows' lineage these indices belong to, and the absolute row index scanned up to. */
  readonly lineage: object;
  readonly scanned: number;
}

const sameTypes = (a: readonly string[], b: readonly string[]) =>
  a === b || (a.length === b.length && a.every((t, i) => t === b[i]));
const sameFilter = (a: RowFilter, b: RowFilter) =>
  a.text === b.text &&
  a.regex === b.regex &&
  a.hideHeartbeats === b.hideHeartbeats &&
  a.cid === b.cid &&
  sameTypes(a.types, b.types);

/**
 * The search box's text as a RegExp, or the reason it is not one. Plain text is escaped (a substring
 * search); with `regex` the text is the pattern. Both are case-insensitive, and neither has the `g` flag, so
 * `test` keeps no state between rows. An empty search gives `re: undefined` (no text filter).
 */
export function compileSearch(text: string, regex: boolean): { re?: RegExp; error?: string } {
  const needle = regex ? text : text.trim();
  if (needle === "") return {};
  if (!regex) return { re: new RegExp(needle.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "i") };
  try {
    return { re: new RegExp(needle, "i") };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/**
 * Event types that, by wide convention, carry keep-alives rather than data: servers and proxies time out an
 * idle stream, so SSE servers send either `:` comment lines (spec §9.2.6; those are network-record items,
 * hidden from the attempts with the same toggle) or a named event such as `ping` / `heartbeat` /
 * `keepalive`. Matched on the whole type, case-insensitive.
 */
export const HEARTBEAT_TYPE = /^(?:ping|pong|heartbeats?|keep[-_]?alive|hb|noop)$/i;

/**
 * A heartbeat event: a conventional heartbeat type (HEARTBEAT_TYPE), or an event whose data is empty or only
 * whitespace (a `data:` line with nothing after it dispatches an event with data "": such an event carries
 * nothing but liveness). Only events are heartbeats: the connection's story rows (open, error, close) stay.
 */
export function isHeartbeat(row: TableRow): boolean {
  const r = row.rec;
  if (r === undefined || r.kind !== "eventReceived") return false;
  return HEARTBEAT_TYPE.test(r.type) || r.data.trim() === "";
}

/** A test for one row; compiled once per scan. */
export function rowPredicate(f: RowFilter): (row: TableRow) => boolean {
  // A case-insensitive RegExp searches without lower-casing (copying) every row's data, which can be large.
  // An invalid pattern filters nothing (the toolbar shows the error): the rows do not vanish while typing.
  const { re } = compileSearch(f.text, f.regex);
  const types = f.types.length === 0 ? undefined : new Set(f.types);
  return (row) => {
    const r = row.rec;
    // Markers are places in the timeline: a navigation separates whatever is shown; a loss shows with its
    // document's connections. Neither matches a text or type filter (they would hide where data is missing
    // only when the user narrowed to events).
    if (r === undefined) {
      if (types || re) return false;
      const m = row.marker;
      return m.kind === "documentReplaced" || f.cid === "" || f.cid.startsWith(`${m.docId}.`);
    }
    if (f.cid !== "" && r.cid !== f.cid) return false;
    if (types && (r.kind !== "eventReceived" || !types.has(r.type))) return false;
    if (f.hideHeartbeats && isHeartbeat(row)) return false;
    if (re) {
      if (r.kind === "eventReceived") return re.test(r.type) || re.test(r.lastEventId) || re.test(r.data);
      if (r.kind === "listenerAdded") return re.test(r.type);
      return false;
    }
    return true;
  };
}

/** The same filter for an event the page did not get (the chips narrow these too; counts stay page events). */
export function notDeliveredPredicate(f: RowFilter): (row: NotDeliveredRow) => boolean {
  const { re } = compileSearch(f.text, f.regex);
  const types = f.types.length === 0 ? undefined : new Set(f.types);
  return (v) => {
    if (f.cid !== "" && v.cid !== f.cid) return false;
    if (types && !types.has(v.type)) return false;
    if (f.hideHeartbeats && (HEARTBEAT_TYPE.test(v.type) || v.data.trim() === "")) return false;
    if (re) return re.test(v.type) || re.test(v.lastEventId) || re.test(v.data);
    return true;
  };
}

/**
 * The filtered rows of `state`; pass the previous result to extend it instead of starting over. `until`
 * (an absolute row index) stops the view there: the toolbar's pause freezes the table while rows keep
 * arriving; resuming extends the same result with what came meanwhile. `overlay`'s events (undelivered.ts)
 * are shown after the row each is anchored to; a new overlay (once per network attempt) re-scans, and those
 * whose anchor row is no longer held are not shown.
 */
export function filterRows(
  state: PanelState,
  filter: RowFilter,
  prev?: FilteredRows,
  until = Number.POSITIVE_INFINITY,
  overlay: Overlay = EMPTY_OVERLAY,
): FilteredRows {
  const rows = state.rows;
  const end = Math.max(rows.start, Math.min(rows.end, until));
  const resume =
    prev !== undefined &&
    prev.lineage === rows.lineage &&
    prev.scanned <= end &&
    prev.overlay === overlay &&
    sameFilter(prev.filter, filter);
  let indices = resume ? prev.indices : emptyLog<number>();
  const anchorOf = resume ? prev.anchorOf : new Map<number, number>();
  const from = resume ? Math.max(prev.scanned, rows.start) : rows.start;
  if (from < end) {
    const test = rowPredicate(filter);
    const vtest = overlay.list.length > 0 ? notDeliveredPredicate(filter) : undefined;
    const found: number[] = [];
    for (let i = from; i < end; i++) {
      const row = logAt(rows, i) as TableRow;
      if (test(row)) found.push(i);
      if (vtest === undefined || row.rec === undefined) continue;
      const after = overlay.byAnchor.get(row.rec.tabSeq);
      if (after === undefined) continue;
      for (const k of after) {
        if (!vtest(overlay.list[k] as NotDeliveredRow)) continue;
        found.push(-(k + 1));
        anchorOf.set(-(k + 1), i);
      }
    }
    indices = appendLog(indices, found);
  }
  const result: FilteredRows = { filter, indices, overlay, anchorOf, lineage: rows.lineage, scanned: end };
  // Rows trimmed from the front of the state (panel cap) leave the filtered list too, with what follows them.
  const first = logNth(indices, 0);
  if (first !== undefined && sortKey(result, first) < rows.start) {
    indices = trimBefore(indices, indices.start + searchIndices(result, rows.start));
  }
  if (resume && indices === prev.indices && prev.scanned === end) return prev;
  return { ...result, indices };
}

/**
 * True when every row `b` shows is also shown by `a`: the same filter except that `b`'s plain-text search
 * contains `a`'s (the search box's text grew, e.g. "7" → "77"). Case-insensitive matching is char-wise, so a
 * row matching `b`'s text has a substring matching `a`'s.
 */
function narrows(a: RowFilter, b: RowFilter): boolean {
  return (
    !a.regex &&
    !b.regex &&
    a.hideHeartbeats === b.hideHeartbeats &&
    a.cid === b.cid &&
    sameTypes(a.types, b.types) &&
    b.text.trim().includes(a.text.trim())
  );
}

/** `prev` can be extended to `state`'s rows up to `end` (same rows lineage and overlay, not scanned past). */
const resumable = (prev: FilteredRows, state: PanelState, end: number, overlay: Overlay) =>
  prev.lineage === state.rows.lineage && prev.scanned <= end && prev.overlay === overlay;

/**
 * `filter`'s rows found by testing only the entries `wider` shows (see `narrows`), then the rows after what
 * `wider` scanned.
 */
function narrowRows(
  state: PanelState,
  filter: RowFilter,
  wider: FilteredRows,
  until: number,
  overlay: Overlay,
): FilteredRows {
  const rows = state.rows;
  const test = rowPredicate(filter);
  const vtest = notDeliveredPredicate(filter);
  const found: number[] = [];
  const anchorOf = new Map<number, number>();
  for (let p = 0, n = logSize(wider.indices); p < n; p++) {
    const e = logNth(wider.indices, p) as number;
    if (e >= 0) {
      const row = logAt(rows, e);
      if (row !== undefined && test(row)) found.push(e);
      continue;
    }
    const v = overlay.list[-e - 1];
    const anchor = wider.anchorOf.get(e);
    if (v === undefined || anchor === undefined || !vtest(v)) continue;
    found.push(e);
    anchorOf.set(e, anchor);
  }
  const partial: FilteredRows = {
    filter,
    indices: appendLog(emptyLog<number>(), found),
    overlay,
    anchorOf,
    lineage: rows.lineage,
    scanned: wider.scanned,
  };
  return filterRows(state, filter, partial, until, overlay);
}

/**
 * The view through `filterRows`, remembering the last few filters' results: going back to one of them
 * (deleting a typed character, clearing the search box, toggling a chip off again) resumes that result over
 * the rows that arrived since, and a narrower search tests only the rows the wider one shows, instead of
 * re-scanning every row on each keystroke (issue 5: < 50 ms from a keystroke to the grid with 1 000 000 rows).
 * Results from an older rows lineage (a replay, a clear) are dropped.
 */
export class FilterMemo {
  private recent: FilteredRows[] = [];

  /** Each result holds up to one index per row: a few of them, not one per filter ever typed. */
  constructor(private readonly size = 4) {}

  view(state: PanelState, filter: RowFilter, until = Number.POSITIVE_INFINITY, overlay = EMPTY_OVERLAY) {
    const rows = state.rows;
    const end = Math.max(rows.start, Math.min(rows.end, until));
    const usable = this.recent.filter((r) => resumable(r, state, end, overlay));
    const same = usable.find((r) => sameFilter(r.filter, filter));
    let result: FilteredRows;
    if (same !== undefined) result = filterRows(state, filter, same, until, overlay);
    else {
      const wider = usable.find((r) => narrows(r.filter, filter));
      result =
        wider === undefined
          ? filterRows(state, filter, undefined, until, overlay)
          : narrowRows(state, filter, wider, until, overlay);
    }
    // Entries behind a pause (scanned past `until`) stay: resuming the pause makes them usable again.
    const keep = this.recent.filter((r) => r.lineage === rows.lineage && !sameFilter(r.filter, filter));
    this.recent = [result, ...keep].slice(0, this.size);
    return result;
  }
}

// ── event-name chips: per-type counts ─────────────────────────────────────────────────────────────────────

/**
 * How many events of each type the rows [start, end) hold (one connection's, or all with cid ""). Updated
 * per appended batch: only the new rows are counted, and rows trimmed from the front (the panel's cap) are
 * subtracted, read from the previous snapshot, which still holds them. A rescan happens only when the cid
 * or the rows' lineage changes (a click, a replay, a clear).
 *
 * `counts` is updated in place by the next call (copying 10 000 types per batch would not be O(new rows)):
 * pass the previous result only to the next call, and read counts from the newest one.
 */
export interface TypeCounts {
  readonly counts: Map<string, number>;
  readonly cid: string;
  readonly lineage: object;
  /** The snapshot counted, and the range of it counted. */
  readonly rows: PanelState["rows"];
  readonly start: number;
  readonly end: number;
  /** Events counted in all. */
  readonly total: number;
}

function countInto(
  counts: Map<string, number>,
  rows: PanelState["rows"],
  cid: string,
  from: number,
  to: number,
  d: 1 | -1,
): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const r = (logAt(rows, i) as TableRow).rec;
    if (r === undefined || r.kind !== "eventReceived" || (cid !== "" && r.cid !== cid)) continue;
    const c = (counts.get(r.type) ?? 0) + d;
    if (c > 0) counts.set(r.type, c);
    else counts.delete(r.type);
    n += d;
  }
  return n;
}

export function countTypes(
  state: PanelState,
  cid: string,
  prev?: TypeCounts,
  until = Number.POSITIVE_INFINITY,
): TypeCounts {
  const rows = state.rows;
  const end = Math.max(rows.start, Math.min(rows.end, until));
  const resume = prev !== undefined && prev.lineage === rows.lineage && prev.cid === cid && prev.end <= end;
  if (!resume) {
    const counts = new Map<string, number>();
    const total = countInto(counts, rows, cid, rows.start, end, 1);
    return { counts, cid, lineage: rows.lineage, rows, start: rows.start, end, total };
  }
  if (prev.start === rows.start && prev.end === end) return prev;
  let total = prev.total;
  // Trimmed from the front: the previous snapshot still holds those rows.
  if (rows.start > prev.start)
    total += countInto(prev.counts, prev.rows, cid, prev.start, Math.min(rows.start, prev.end), -1);
  total += countInto(prev.counts, rows, cid, Math.max(prev.end, rows.start), end, 1);
  return { counts: prev.counts, cid, lineage: rows.lineage, rows, start: rows.start, end, total };
}

/**
 * The `n` most frequent types (ties by name), in that order, for the chip bar; O(types) plus a sort of `n`.
 * Selected types always get a chip, so a selection stays visible and can be undone even when rare.
 */
export function topTypes(
  counts: ReadonlyMap<string, number>,
  n: number,
  selected: readonly string[] = [],
): string[] {
  const better = (a: string, b: string) => {
    const d = (counts.get(b) ?? 0) - (counts.get(a) ?? 0);
    return d !== 0 ? d : a < b ? -1 : a > b ? 1 : 0;
  };
  const top: string[] = [];
  for (const t of counts.keys()) {
    if (top.length < n) {
      top.push(t);
      if (top.length === n) top.sort(better);
      continue;
    }
    if (better(t, top[n - 1] as string) >= 0) continue;
    // Insert in order (n is small: a chip bar's worth).
    let i = n - 1;
    while (i > 0 && better(t, top[i - 1] as string) < 0) i--;
    top.splice(i, 0, t);
    top.pop();
  }
  if (top.length < n) top.sort(better);
  for (const s of selected) if (!top.includes(s)) top.push(s);
  return top;
}

export function filteredCount(f: FilteredRows): number {
  return logSize(f.indices);
}

/** Page row at position `pos` (0 = first shown) of the filtered list; undefined for an undelivered event. */
export function filteredRow(state: PanelState, f: FilteredRows, pos: number): TableRow | undefined {
  const i = logNth(f.indices, pos);
  return i === undefined || i < 0 ? undefined : logAt(state.rows, i);
}

/** The undelivered event at position `pos` of the filtered list, if one is shown there. */
export function filteredNotDelivered(f: FilteredRows, pos: number): NotDeliveredRow | undefined {
  const i = logNth(f.indices, pos);
  return i === undefined || i >= 0 ? undefined : f.overlay.list[-i - 1];
}

/** Entry at position `pos` of the filtered list: an absolute row index, or -(k+1) for overlay event k. */
export function filteredIndex(f: FilteredRows, pos: number): number | undefined {
  return logNth(f.indices, pos);
}

/** Where an entry sorts: a row at its index, an undelivered event just after its anchor row. */
const sortKey = (f: FilteredRows, entry: number): number =>
  entry >= 0 ? entry : (f.anchorOf.get(entry) ?? Number.NEGATIVE_INFINITY) + 0.5;

/** Relative position of the first entry whose sort key is >= key (binary search: keys ascend). */
function searchIndices(f: FilteredRows, key: number): number {
  let lo = 0;
  let hi = logSize(f.indices);
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sortKey(f, logNth(f.indices, mid) as number) < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Position in the filtered list of the row at absolute `rowIndex`, or of the nearest row after it (so a
 * selection hidden by a filter lands next to where it was). With an overlay entry (-(k+1)), its position,
 * or that of the first entry after its anchor row when it is not shown.
 */
export function positionOf(f: FilteredRows, rowIndex: number): number {
  if (rowIndex >= 0) return searchIndices(f, rowIndex);
  const anchor = f.anchorOf.get(rowIndex);
  if (anchor === undefined) return logSize(f.indices);
  const p = searchIndices(f, anchor + 0.5);
  for (let q = p, n = logSize(f.indices); q < n; q++) {
    const e = logNth(f.indices, q) as number;
    if (e === rowIndex) return q;
    if (e >= 0) break;
  }
  return p;
}
