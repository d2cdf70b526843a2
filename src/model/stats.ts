/**
 * Numbers the grid and the sidebar show that the reducer does not keep: an event's size in bytes, the time
 * between two rows (Δ), a connection's rate, bytes received and uptime. Pure; the sidebar's per-connection
 * aggregate (`connectionFacts`) is incremental like filterRows: when only rows were appended it scans only
 * those.
 */
import { t, uiLanguage } from "../i18n";
import { logAt } from "./log";
import type { ConnectionSummary, PanelState, TableRow } from "./reducer";

/**
 * Bytes of `s` encoded as UTF-8 (what the server sent for `data`, give or take the `data:` prefixes and line
 * ends), counted without allocating: a 10 MiB event must not be copied to be measured. A lone surrogate
 * counts as U+FFFD (3 bytes), as TextEncoder would write it.
 */
/** Events larger than this (UTF-8 bytes) are flagged by the diagnostics (src/diagnostics: bigEvent). */
export const BIG_EVENT_BYTES = 1_048_576;

export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

/**
 * Bytes for people, as DevTools' Network panel writes them (decimal units: 1 kB = 1000 B): "0 B", "999 B",
 * "1.5 kB", "12.3 kB", "123 kB", "1.2 MB".
 */
export function formatBytes(n: number): string {
  if (n < 1000) return t("unitB", n);
  const kb = n / 1000;
  if (kb < 100) return t("unitKB", formatFixed(kb, 1));
  if (kb < 1000) return t("unitKB", Math.round(kb));
  const mb = kb / 1000;
  return t("unitMB", mb < 100 ? formatFixed(mb, 1) : Math.round(mb));
}

let decimalSign: string | undefined;
/** `x.toFixed(digits)` with the UI language's decimal sign (1.5 / 1,5); no digit grouping, as before. */
export function formatFixed(x: number, digits: number): string {
  decimalSign ??= (1.5).toLocaleString(uiLanguage()).charAt(1) || ".";
  return x.toFixed(digits).replace(".", decimalSign);
}

/** The monotonic time of a row; markers (a loss, a navigation) have only a wall time, so none. */
export const rowMono = (row: TableRow | undefined): number | undefined => row?.rec?.mono;

/**
 * Δ of the row at `pos`: ms since the row shown before it (`rowAt` reads the current filtered view), from
 * the records' `mono` (monotonic, comparable across frames). Marker rows have no Δ and are looked past, a
 * few at most. undefined for the first row and for markers.
 */
export function deltaAt(
  rowAt: (pos: number) => TableRow | undefined,
  pos: number,
  lookBack = 8,
): number | undefined {
  const mono = rowMono(rowAt(pos));
  if (mono === undefined) return undefined;
  for (let p = pos - 1; p >= 0 && p >= pos - lookBack; p--) {
    const before = rowMono(rowAt(p));
    if (before !== undefined) return mono - before;
  }
  return undefined;
}

/** "+12 ms", "+1.25 s", "+2 min 5 s" — Δ as the grid writes it. */
export function formatDelta(ms: number): string {
  const a = Math.abs(ms);
  const sign = ms < 0 ? "−" : "+";
  if (a < 1000) return sign + t("unitMs", Math.round(a));
  if (a < 60_000) return sign + t("unitS", formatFixed(a / 1000, a < 10_000 ? 2 : 1));
  return `${sign}${formatDuration(a)}`;
}

/** A duration for the sidebar: "850 ms", "12 s", "3 min 4 s", "2 h 5 min". */
export function formatDuration(ms: number): string {
  const a = Math.max(0, ms);
  if (a < 1000) return t("unitMs", Math.round(a));
  const s = Math.floor(a / 1000);
  if (s < 60) return t("unitS", s);
  const m = Math.floor(s / 60);
  if (m < 60) return t("unitMinS", m, s % 60);
  return t("unitHMin", Math.floor(m / 60), m % 60);
}

/** Window of the sidebar's rate (events per second over the last ~10 s). */
export const RATE_WINDOW_MS = 10_000;

/**
 * Events per second over the window ending at `now`: events with a time in (now − window, now], divided by
 * the window — or by the connection's age when it is younger than the window (`since`, its creation time),
 * so a stream that started 2 s ago at 5 events/s reads 5/s, not 1/s. The age counts at least 1 s, so the
 * first event does not read as thousands per second. `times` ascending.
 */
export function eventRate(
  times: readonly number[],
  now: number,
  since?: number,
  windowMs = RATE_WINDOW_MS,
): number {
  const from = now - windowMs;
  let n = 0;
  for (let i = times.length - 1; i >= 0; i--) {
    const t = times[i] as number;
    if (t <= from) break;
    if (t <= now) n++;
  }
  const age = since === undefined ? windowMs : Math.min(windowMs, Math.max(1000, now - since));
  return n / (age / 1000);
}

/** "0/s", "0.3/s", "12/s", "1.2k/s". */
export function formatRate(perSecond: number): string {
  if (perSecond === 0) return t("unitPerS", 0);
  if (perSecond < 10) return t("unitPerS", formatFixed(perSecond, 1));
  if (perSecond < 1000) return t("unitPerS", Math.round(perSecond));
  return t("unitKPerS", formatFixed(perSecond / 1000, 1));
}

/**
 * How long the connection has lived, by wall clock: since it was created while it is not closed; when it is
 * closed, from creation to its last record (the close, the give-up error or the force-close). undefined when
 * the creation time is unknown (its connectionCreated record was evicted).
 */
export function uptimeMs(
  c: Pick<ConnectionSummary, "createdAt" | "state" | "lastWall">,
  nowWall: number,
): number | undefined {
  if (c.createdAt === undefined) return undefined;
  // The panel's clock ticks once a second: never show less than the records themselves prove.
  return Math.max(0, (c.state === "closed" ? c.lastWall : Math.max(nowWall, c.lastWall)) - c.createdAt);
}

/** Per connection: bytes of event data received and the times (mono) of its recent events. */
export interface ConnFacts {
  bytes: number;
  /** Event times, ascending, pruned to the last RATE_WINDOW_MS before the newest event of the tab. */
  recent: number[];
}

export interface ConnectionFactsState {
  readonly lineage: object;
  /** Absolute row index scanned up to. */
  readonly scanned: number;
  readonly newestMono: number;
  readonly byCid: ReadonlyMap<string, ConnFacts>;
}

/**
 * Bytes received and recent event times per connection, over the rows held. Extends `prev` when the rows
 * only grew (same lineage): O(new rows). `prev`'s lists are reused and extended: do not read `prev` after.
 * A clear starts a new lineage, so the counts restart with it (as the sidebar's message counts do).
 */
export function connectionFacts(state: PanelState, prev?: ConnectionFactsState): ConnectionFactsState {
  const rows = state.rows;
  const resume = prev !== undefined && prev.lineage === rows.lineage && prev.scanned <= rows.end;
  const byCid = new Map<string, ConnFacts>(resume ? prev.byCid : []);
  let newestMono = resume ? prev.newestMono : Number.NEGATIVE_INFINITY;
  const from = resume ? Math.max(prev.scanned, rows.start) : rows.start;
  for (let i = from; i < rows.end; i++) {
    const r = logAt(rows, i)?.rec;
    if (r === undefined || r.kind !== "eventReceived") continue;
    let f = byCid.get(r.cid);
    if (f === undefined) {
      f = { bytes: 0, recent: [] };
      byCid.set(r.cid, f);
    }
    f.bytes += utf8Length(r.data);
    f.recent.push(r.mono);
    if (r.mono > newestMono) newestMono = r.mono;
  }
  if (from < rows.end) {
    const cut = newestMono - RATE_WINDOW_MS;
    for (const f of byCid.values()) {
      let k = 0;
      while (k < f.recent.length && (f.recent[k] as number) <= cut) k++;
      if (k > 0) f.recent.splice(0, k);
    }
  }
  return { lineage: rows.lineage, scanned: rows.end, newestMono, byCid };
}
