/**
 * The timeline strip's data (panel/ui/Timeline.tsx draws it): per EventSource a swimlane of readyState bands
 * (CONNECTING / OPEN / reconnecting / CLOSED), its errors, reconnect gaps and "closed from DevTools" marks,
 * and the events the grid's filtered view shows, as ticks or, when too many for the pixels, as per-type
 * buckets. Pure, like the rest of src/model.
 *
 * x is the records' `mono` time (`performance.timeOrigin + now()` in the page: monotonic and comparable across
 * frames), so a wall-clock change never bends the timeline.
 *
 * Cost: `buildStories` and `indexEvents` are incremental like filterRows (only appended rows are scanned;
 * their lane arrays grow in place, so pass a result only to the next call). `timelineFrame` is O(lanes ×
 * log events) to count what the window holds, plus O(events in the window) when it aggregates: with
 * 100 000 events it draws at most MAX_TICKS ticks or about one bucket per few pixels per lane.
 */
import { t } from "../i18n";
import type { MatchedAttempt } from "../network/match";
import type { FilteredRows } from "./filter";
import { type Log, logAt } from "./log";
import type { CloseReason, PanelState, TableRow } from "./reducer";

export type BandState = "connecting" | "open" | "reconnecting" | "closed";

export interface Band {
  readonly state: BandState;
  /** Why a closed band is closed. */
  readonly reason?: CloseReason;
  readonly from: number;
  /** undefined: still in this state (drawn up to "now"). */
  to: number | undefined;
}

/** A reconnect: from the error that began it to the open that ended it. */
export interface Gap {
  /**
   * The attempt the gap led to (2 for the first reconnect), as numbered in the detail pane's attempts: while
   * the browser keeps retrying, each failed retry is an attempt, and the gap ends with the one that opened.
   */
  k: number;
  readonly from: number;
  /** undefined while still reconnecting. */
  to: number | undefined;
  /** The observed gap (the reducer's row.gapMs: error → open), never the retry value. */
  ms: number | undefined;
  /** The Last-Event-ID the page expects the browser to send (the error row's willSendLastEventId). */
  readonly willSend: string;
}

/** Something that happened at one moment of a lane: an error event, or a force-close from DevTools. */
export interface Mark {
  readonly kind: "error" | "devtools";
  readonly mono: number;
  /** Absolute row index (for selecting it in the grid) and the record's tabSeq (test contract). */
  readonly index: number;
  readonly tabSeq: number;
  readonly readyState: number;
  /** error: dispatched by a page script; devtools: Close or Fail. */
  readonly synthetic?: boolean;
  readonly mode?: "close" | "fail";
}

export interface LaneStory {
  readonly cid: string;
  readonly bands: Band[];
  readonly gaps: Gap[];
  readonly marks: Mark[];
  /** mono of the lane's first record. */
  readonly first: number;
  /** Attempt number so far (1 after connectionCreated, +1 per reconnecting error, as src/network/match.ts). */
  attempt: number;
}

export interface Stories {
  readonly lanes: Map<string, LaneStory>;
  readonly lineage: object;
  /** Absolute row index scanned up to. */
  readonly scanned: number;
}

const current = (l: LaneStory): Band | undefined => l.bands[l.bands.length - 1];

function enter(l: LaneStory, state: BandState, mono: number, reason?: CloseReason): void {
  const cur = current(l);
  if (cur && cur.to === undefined) {
    if (cur.state === state && cur.reason === reason) return;
    cur.to = mono;
  }
  l.bands.push(
    reason === undefined
      ? { state, from: mono, to: undefined }
      : { state, reason, from: mono, to: undefined },
  );
}

/** The state before a lane's first record, when its connectionCreated is not among the rows (cleared, evicted). */
function stateBefore(row: TableRow): BandState {
  const r = row.rec;
  if (r === undefined) return "connecting";
  const rs =
    r.kind === "closeCalled" || r.kind === "connectionForceClosed"
      ? r.previousReadyState
      : r.kind === "listenerAdded"
        ? 0
        : r.readyState;
  return rs === 0 ? "connecting" : rs === 1 ? "open" : "closed";
}

/**
 * Applies one row to its lane. Mirrors the reducer's state machine (src/model/reducer.ts `step`), reading the
 * row's annotations (synthetic, devtools, gapMs, willSendLastEventId) where the reducer already decided.
 */
function stepLane(l: LaneStory, row: TableRow, index: number): void {
  const r = row.rec;
  if (r === undefined) return;
  const state = current(l)?.state;
  const closed = state === "closed";
  switch (r.kind) {
    case "connectionCreated":
      l.attempt = 1;
      enter(l, "connecting", r.mono);
      return;
    case "connectionOpened": {
      if (row.synthetic || closed) return;
      const gap = l.gaps[l.gaps.length - 1];
      if (state === "reconnecting" && gap && gap.to === undefined) {
        gap.to = r.mono;
        gap.ms = row.gapMs;
        gap.k = l.attempt;
      }
      enter(l, "open", r.mono);
      return;
    }
    case "errorReceived":
      l.marks.push({
        kind: "error",
        mono: r.mono,
        index,
        tabSeq: r.tabSeq,
        readyState: r.readyState,
        ...(row.synthetic ? { synthetic: true } : {}),
      });
      if (row.devtools || row.synthetic || closed || !r.trusted) return;
      if (r.readyState === 0) {
        l.attempt++;
        const open = l.gaps[l.gaps.length - 1];
        if (state === "reconnecting" && open && open.to === undefined) open.k = l.attempt;
        if (state !== "reconnecting")
          l.gaps.push({
            k: l.attempt,
            from: r.mono,
            to: undefined,
            ms: undefined,
            willSend: row.willSendLastEventId ?? "",
          });
        enter(l, "reconnecting", r.mono);
      } else if (r.readyState === 2) {
        closeGap(l, r.mono);
        enter(l, "closed", r.mono, "failed");
      }
      return;
    case "closeCalled":
      closeGap(l, r.mono);
      enter(l, "closed", r.mono, "page");
      return;
    case "connectionForceClosed":
      l.marks.push({
        kind: "devtools",
        mono: r.mono,
        index,
        tabSeq: r.tabSeq,
        readyState: r.readyState,
        mode: r.mode,
      });
      closeGap(l, r.mono);
      enter(l, "closed", r.mono, r.mode === "close" ? "devtools-close" : "devtools-fail");
      return;
    case "eventReceived":
      if (r.trusted && r.readyState === 1 && (state === "connecting" || state === "reconnecting")) {
        enter(l, "open", r.mono);
      }
      return;
    case "listenerAdded":
      return;
  }
}

/** A reconnect that ended without an open (closed meanwhile): the gap ends there, with no observed ms. */
function closeGap(l: LaneStory, mono: number): void {
  const gap = l.gaps[l.gaps.length - 1];
  if (gap && gap.to === undefined) {
    gap.to = mono;
    gap.k = l.attempt;
  }
}

/**
 * Every connection's bands, gaps and marks from the state's rows (all of them: the bands are the
 * connection's story, whatever the filters hide). Pass the previous result to scan only appended rows.
 */
export function buildStories(state: PanelState, prev?: Stories): Stories {
  const rows = state.rows;
  const resume = prev !== undefined && prev.lineage === rows.lineage && prev.scanned <= rows.end;
  const lanes = resume ? prev.lanes : new Map<string, LaneStory>();
  const from = resume ? Math.max(prev.scanned, rows.start) : rows.start;
  if (resume && from >= rows.end) return prev;
  for (let i = from; i < rows.end; i++) {
    const row = logAt(rows, i) as TableRow;
    const r = row.rec;
    if (r === undefined) continue;
    let l = lanes.get(r.cid);
    if (!l) {
      l = { cid: r.cid, bands: [], gaps: [], marks: [], first: r.mono, attempt: 1 };
      if (r.kind !== "connectionCreated")
        l.bands.push({ state: stateBefore(row), from: r.mono, to: undefined });
      lanes.set(r.cid, l);
    }
    stepLane(l, row, i);
  }
  return { lanes, lineage: rows.lineage, scanned: rows.end };
}

// ── the filtered view's events, per lane ─────────────────────────────────────────────────────────────────

/** One lane's events (eventReceived rows the view shows), ascending in mono (one document's clock). */
export interface LaneEvents {
  readonly mono: number[];
  /** Absolute row index of each. */
  readonly index: number[];
  readonly type: string[];
}

export interface TimelineEvents {
  readonly byCid: Map<string, LaneEvents>;
  /** The view's index list this was built from, and the absolute position in it scanned up to. */
  readonly lineage: object;
  readonly scanned: number;
}

/**
 * The view's events grouped by connection. Resumes when the view only grew (same index-list lineage); a
 * filter change restarts the view's list (a new lineage), and so this.
 */
export function indexEvents(state: PanelState, view: FilteredRows, prev?: TimelineEvents): TimelineEvents {
  const ix: Log<number> = view.indices;
  const resume = prev !== undefined && prev.lineage === ix.lineage && prev.scanned <= ix.end;
  const byCid = resume ? prev.byCid : new Map<string, LaneEvents>();
  const from = resume ? Math.max(prev.scanned, ix.start) : ix.start;
  if (resume && from >= ix.end) return prev;
  for (let p = from; p < ix.end; p++) {
    const i = logAt(ix, p) as number;
    const r = logAt(state.rows, i)?.rec;
    if (r === undefined || r.kind !== "eventReceived") continue;
    let lane = byCid.get(r.cid);
    if (!lane) {
      lane = { mono: [], index: [], type: [] };
      byCid.set(r.cid, lane);
    }
    lane.mono.push(r.mono);
    lane.index.push(i);
    lane.type.push(r.type);
  }
  // Rows trimmed from the front (the panel's cap): drop them once they are many.
  for (const lane of byCid.values()) {
    const cut = lowerBound(lane.index, state.rows.start);
    if (cut >= 4_096 && cut * 2 >= lane.index.length) {
      lane.mono.splice(0, cut);
      lane.index.splice(0, cut);
      lane.type.splice(0, cut);
    }
  }
  return { byCid, lineage: ix.lineage, scanned: ix.end };
}

/** First position whose value is >= x in an ascending array. */
export function lowerBound(a: readonly number[], x: number, lo = 0, hi = a.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((a[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// ── time window: zoom, pan, fit ──────────────────────────────────────────────────────────────────────────

/** A visible time range in mono ms, [from, to). */
export interface Win {
  readonly from: number;
  readonly to: number;
}

/** Narrowest window (a zoom stops there) and widest (a month). */
export const MIN_SPAN_MS = 1;
export const MAX_SPAN_MS = 30 * 24 * 3_600_000;

const span = (w: Win) => w.to - w.from;

/**
 * Zooms by `factor` (< 1 in, > 1 out) around `anchor`, the fraction of the width under the pointer (0 = left
 * edge): the time under the pointer stays under it.
 */
export function zoomWindow(w: Win, factor: number, anchor = 0.5): Win {
  const s = span(w);
  const next = Math.min(MAX_SPAN_MS, Math.max(MIN_SPAN_MS, s * factor));
  const a = Math.min(1, Math.max(0, anchor));
  const at = w.from + s * a;
  return { from: at - next * a, to: at - next * a + next };
}

/** Moves the window by `ms` (positive: later). */
export function panWindow(w: Win, ms: number): Win {
  return { from: w.from + ms, to: w.to + ms };
}

/** Pixels dragged → ms, at this window and width. */
export const pxToMs = (w: Win, width: number, px: number): number => (width > 0 ? (px * span(w)) / width : 0);

/** x of a time in this window over `width` pixels. */
export const xOf = (w: Win, width: number, mono: number): number => ((mono - w.from) / span(w)) * width;

/** The window showing [first, last] with a small margin each side (at least 100 ms wide). */
export function fitWindow(first: number, last: number): Win {
  const s = Math.max(100, last - first);
  const pad = s * 0.02;
  return { from: first - pad, to: first + s + pad };
}

// ── the time axis ────────────────────────────────────────────────────────────────────────────────────────

export interface AxisTick {
  readonly x: number;
  /** ms since the origin (the first record shown). */
  readonly ms: number;
  readonly label: string;
}

/** The smallest "nice" step (1, 2, 5 × 10^k ms) that leaves at least `minPx` between labels. */
export function niceStep(w: Win, width: number, minPx = 80): number {
  const raw = width > 0 ? (span(w) * minPx) / width : span(w);
  const pow = 10 ** Math.floor(Math.log10(Math.max(raw, 1e-6)));
  for (const m of [1, 2, 5, 10]) if (m * pow >= raw) return m * pow;
  return 10 * pow;
}

/** An offset from the origin as people read it at this step: "250 ms", "1.5 s", "2 min 5 s". */
export function formatOffset(ms: number, step: number): string {
  const sign = ms < 0 ? "−" : "";
  const a = Math.abs(ms);
  if (step < 1000 && a < 1000) {
    const digits = step >= 1 ? 0 : Math.min(3, Math.ceil(-Math.log10(step)));
    return t("timelineAxisMs", sign + a.toFixed(digits));
  }
  if (a < 60_000) {
    const digits = step >= 1000 ? 0 : Math.min(3, Math.ceil(-Math.log10(step / 1000)));
    return t("timelineAxisS", sign + (a / 1000).toFixed(digits));
  }
  const min = Math.floor(a / 60_000);
  const s = (a - min * 60_000) / 1000;
  const digits = step >= 1000 ? 0 : Math.min(3, Math.ceil(-Math.log10(step / 1000)));
  return t("timelineAxisMin", sign + min, s.toFixed(digits));
}

/** Labelled ticks across the window, at multiples of a nice step from `origin`. */
export function axisTicks(w: Win, width: number, origin: number, minPx = 80): AxisTick[] {
  const step = niceStep(w, width, minPx);
  const out: AxisTick[] = [];
  const first = Math.ceil((w.from - origin) / step);
  for (let i = first; ; i++) {
    const ms = i * step;
    const x = xOf(w, width, origin + ms);
    if (x > width || out.length > 1000) break;
    // Rounded against float drift (0.1 + 0.2).
    const clean = Math.round(ms * 1e6) / 1e6;
    out.push({ x, ms: clean, label: formatOffset(clean, step) });
  }
  return out;
}

// ── one frame: what to draw for a window and a width ─────────────────────────────────────────────────────

/** Ticks drawn one by one at most; above this, events are drawn as buckets. */
export const MAX_TICKS = 2_000;
/** Bucket elements at most (all lanes); a bucket is at least MIN_BUCKET_PX wide. */
export const MAX_BUCKETS = 2_000;
export const MIN_BUCKET_PX = 3;

export interface FrameBand {
  readonly state: BandState;
  readonly reason?: CloseReason;
  readonly x0: number;
  readonly x1: number;
  /** mono start and end (now, for an ongoing band). */
  readonly from: number;
  readonly to: number;
  /** The band runs on past "now" (the connection is still in this state). */
  readonly ongoing: boolean;
}
export interface FrameGap extends Gap {
  readonly x0: number;
  readonly x1: number;
}
export interface FrameMark extends Mark {
  readonly x: number;
}
export interface FrameTick {
  readonly x: number;
  readonly index: number;
  readonly type: string;
}
export interface FrameBucket {
  readonly x0: number;
  readonly x1: number;
  readonly count: number;
  /** Types in the bucket, most frequent first. */
  readonly types: readonly (readonly [string, number])[];
  /** mono range the bucket covers (a click zooms there). */
  readonly from: number;
  readonly to: number;
}

export interface LaneFrame {
  readonly cid: string;
  readonly bands: FrameBand[];
  readonly gaps: FrameGap[];
  readonly marks: FrameMark[];
  /** Events drawn one by one (mode "ticks"), or undefined. */
  readonly ticks?: FrameTick[];
  /** Events aggregated (mode "buckets"), or undefined. */
  readonly buckets?: FrameBucket[];
  /** Events of this lane inside the window. */
  readonly inWindow: number;
}

export interface Frame {
  readonly mode: "ticks" | "buckets";
  readonly lanes: LaneFrame[];
  /** Events inside the window, all lanes. */
  readonly inWindow: number;
}

export interface FrameInput {
  /** Lanes to draw, top to bottom. */
  readonly cids: readonly string[];
  readonly stories: Stories;
  readonly events: TimelineEvents;
  readonly win: Win;
  readonly width: number;
  /** mono of "now": ongoing bands end here. */
  readonly now: number;
  /** Row indices below this were trimmed (the state's rows.start). */
  readonly rowsStart?: number;
  readonly maxTicks?: number;
  readonly maxBuckets?: number;
}

/** The range [lo, hi) of a lane's events inside the window (and not trimmed). */
function range(e: LaneEvents, w: Win, rowsStart: number): [number, number] {
  const alive = lowerBound(e.index, rowsStart);
  return [Math.max(alive, lowerBound(e.mono, w.from)), lowerBound(e.mono, w.to)];
}

export function timelineFrame(input: FrameInput): Frame {
  const { win, width, now } = input;
  const rowsStart = input.rowsStart ?? Number.NEGATIVE_INFINITY;
  const maxTicks = input.maxTicks ?? MAX_TICKS;
  const maxBuckets = input.maxBuckets ?? MAX_BUCKETS;
  const x = (mono: number) => xOf(win, width, mono);
  const ranges = input.cids.map((cid) => {
    const e = input.events.byCid.get(cid);
    return e ? range(e, win, rowsStart) : ([0, 0] as [number, number]);
  });
  const inWindow = ranges.reduce((n, [lo, hi]) => n + (hi - lo), 0);
  const mode = inWindow <= maxTicks ? "ticks" : "buckets";
  const lanesWithEvents = ranges.filter(([lo, hi]) => hi > lo).length;
  const bucketPx = Math.max(MIN_BUCKET_PX, Math.ceil((lanesWithEvents * width) / maxBuckets));
  const msPerBucket = pxToMs(win, width, bucketPx);

  const lanes = input.cids.map((cid, li): LaneFrame => {
    const story = input.stories.lanes.get(cid);
    const bands: FrameBand[] = [];
    const gaps: FrameGap[] = [];
    const marks: FrameMark[] = [];
    if (story) {
      for (const b of story.bands) {
        const to = b.to ?? Math.max(now, b.from);
        if (to < win.from || b.from > win.to) continue;
        bands.push({
          state: b.state,
          ...(b.reason ? { reason: b.reason } : {}),
          x0: Math.max(0, x(b.from)),
          x1: Math.min(width, x(to)),
          from: b.from,
          to,
          ongoing: b.to === undefined,
        });
      }
      for (const g of story.gaps) {
        const to = g.to ?? Math.max(now, g.from);
        if (to < win.from || g.from > win.to) continue;
        gaps.push({ ...g, x0: x(g.from), x1: x(to) });
      }
      for (const m of story.marks) {
        if (m.mono < win.from || m.mono > win.to) continue;
        marks.push({ ...m, x: x(m.mono) });
      }
    }
    const e = input.events.byCid.get(cid);
    const [lo, hi] = ranges[li] as [number, number];
    if (!e || hi <= lo)
      return {
        cid,
        bands,
        gaps,
        marks,
        inWindow: 0,
        ...(mode === "ticks" ? { ticks: [] } : { buckets: [] }),
      };
    if (mode === "ticks") {
      const ticks: FrameTick[] = [];
      for (let i = lo; i < hi; i++) {
        ticks.push({ x: x(e.mono[i] as number), index: e.index[i] as number, type: e.type[i] as string });
      }
      return { cid, bands, gaps, marks, ticks, inWindow: hi - lo };
    }
    const buckets: FrameBucket[] = [];
    let i = lo;
    while (i < hi) {
      const b = Math.floor(((e.mono[i] as number) - win.from) / msPerBucket);
      const bFrom = win.from + b * msPerBucket;
      const bTo = bFrom + msPerBucket;
      const end = lowerBound(e.mono, bTo, i, hi);
      const counts = new Map<string, number>();
      for (let j = i; j < end; j++) {
        const ty = e.type[j] as string;
        counts.set(ty, (counts.get(ty) ?? 0) + 1);
      }
      const types = [...counts].sort((p, q) => q[1] - p[1] || (p[0] < q[0] ? -1 : 1));
      buckets.push({
        x0: b * bucketPx,
        x1: Math.min(width, (b + 1) * bucketPx),
        count: end - i,
        types,
        from: bFrom,
        to: bTo,
      });
      // A bucket always takes at least one event: float edges cannot stall the loop.
      i = Math.max(end, i + 1);
    }
    return { cid, bands, gaps, marks, buckets, inWindow: hi - lo };
  });
  return { mode, lanes, inWindow };
}

/** [first, last] mono over what the lanes hold (bands and events), for "fit"; undefined when empty. */
export function extentOf(
  cids: readonly string[],
  stories: Stories,
  events: TimelineEvents,
  now: number,
): Win | undefined {
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const cid of cids) {
    const s = stories.lanes.get(cid);
    if (s) {
      first = Math.min(first, s.first);
      // A closed lane ends where it closed; a lane in any other state goes on until now.
      const b = s.bands[s.bands.length - 1];
      last = Math.max(last, b ? (b.to ?? (b.state === "closed" ? b.from : now)) : s.first);
    }
    const e = events.byCid.get(cid);
    if (e && e.mono.length > 0) {
      first = Math.min(first, e.mono[0] as number);
      last = Math.max(last, e.mono[e.mono.length - 1] as number);
    }
  }
  return first <= last ? { from: first, to: last } : undefined;
}

// ── what a reconnect carried: the Last-Event-ID and the retry in force ───────────────────────────────────

/** The reconnection time in force: a `retry:` value seen, the browser's default, or not known. */
export type RetryInForce = { readonly ms: number } | "default" | "unknown";

/**
 * The retry in force when attempt `k` began: the last `retry:` item of the attempts before it (spec §9.2.6:
 * it sets the EventSource's reconnection time, which persists). Known only when every earlier attempt's body
 * is known (DevTools' record); with none at all, the browser's default (Chrome 3000 ms).
 */
export function retryInForce(attempts: readonly MatchedAttempt[], k: number): RetryInForce {
  const before = attempts.filter((a) => a.k < k);
  // Attempts dropped at the page-side cap, or never recorded: the body of an earlier attempt is unknown.
  if (before.length !== k - 1) return "unknown";
  let found: number | undefined;
  for (const a of before) {
    if (!a.bodyKnown) {
      // An unknown body may have set it; a later known retry still decides.
      found = undefined;
      continue;
    }
    for (const r of a.rows) if (r.kind === "retry") found = r.ms;
  }
  if (found !== undefined) return { ms: found };
  return before.every((a) => a.bodyKnown) ? "default" : "unknown";
}

/** The Last-Event-ID attempt `k` carried: the request header when the network record has it, else the page's. */
export function lastEventIdOf(
  attempts: readonly MatchedAttempt[],
  k: number,
  inferred: string,
): { readonly id: string; readonly from: "header" | "inferred" } {
  const a = attempts.find((x) => x.k === k);
  if (a && a.lastEventIdFrom === "header" && a.lastEventId !== undefined)
    return { id: a.lastEventId, from: "header" };
  return { id: inferred, from: "inferred" };
}

// ── colours ──────────────────────────────────────────────────────────────────────────────────────────────

/**
 * A stable colour per event type (the same name always gets the same colour, in every panel): FNV-1a of the
 * name into a palette readable on light and dark backgrounds. "message" (the default type) is always blue.
 */
export const TYPE_PALETTE = [
  "#1a73e8",
  "#e8710a",
  "#188038",
  "#d93025",
  "#9334e6",
  "#12b5cb",
  "#e52592",
  "#a8742a",
  "#7cb342",
  "#5f6bd8",
  "#f9ab00",
  "#00897b",
] as const;

export function typeColor(type: string): string {
  if (type === "message") return TYPE_PALETTE[0];
  let h = 0x811c9dc5;
  for (let i = 0; i < type.length; i++) {
    h ^= type.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // Never the "message" blue for another type.
  return TYPE_PALETTE[1 + ((h >>> 0) % (TYPE_PALETTE.length - 1))] as string;
}
