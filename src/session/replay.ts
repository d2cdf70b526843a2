/**
 * A tab's session as the messages that replay it to a panel: one `sessionReplayed` with the oldest records,
 * then `recordsAppended` with the rest, in tabSeq order.
 *
 * One message for the whole session does not work at scale: a million records serialize to well over
 * 100 MB, above what an extension message may carry (Chrome caps runtime messages at 64 MiB), and the panel
 * can only paint once it has parsed and applied all of it. Chunks keep every message bounded and let the
 * panel paint after the first. They are posted one after another in one task of the service worker, so no
 * live `recordsAppended` can come between them.
 */
import {
  type PanelDown,
  PROTOCOL_VERSION,
  type SessionMarker,
  type SessionStats,
  type TabRecord,
} from "../protocol/index";

export interface ReplayLimits {
  /** Records per message. */
  records: number;
  /**
   * Records in the first message (default: `records`): small, because the panel paints after applying it
   * (issue 5: first rows on screen < 300 ms with 1 000 000 records held).
   */
  firstRecords?: number;
  /** Characters of event data per message (a record's data counts whole, so one huge event still goes). */
  dataChars: number;
}

export const REPLAY_LIMITS: ReplayLimits = { records: 10_000, firstRecords: 1_000, dataChars: 8_000_000 };

const dataChars = (r: TabRecord) => (r.kind === "eventReceived" ? r.data.length : 0);

export function replayMessages(
  tabId: number,
  reason: "subscribed" | "navigated",
  records: readonly TabRecord[],
  stats: SessionStats,
  markers: readonly SessionMarker[],
  limits: ReplayLimits = REPLAY_LIMITS,
): PanelDown[] {
  const sorted = [...markers].sort((a, b) => a.beforeTabSeq - b.beforeTabSeq);
  const out: PanelDown[] = [];
  let mi = 0;
  let start = 0;
  do {
    let end = start;
    let chars = 0;
    const max = out.length === 0 ? (limits.firstRecords ?? limits.records) : limits.records;
    while (end < records.length && end - start < max) {
      const c = dataChars(records[end] as TabRecord);
      if (end > start && chars + c > limits.dataChars) break;
      chars += c;
      end++;
    }
    // A marker sits before the record whose tabSeq is its `beforeTabSeq`: it goes with this chunk when that
    // record is in it or comes right after it (the last chunk takes every marker left).
    const next = records[end];
    const bound = next === undefined ? Number.POSITIVE_INFINITY : next.tabSeq;
    const from = mi;
    while (mi < sorted.length && (sorted[mi] as SessionMarker).beforeTabSeq <= bound) mi++;
    const chunkMarkers = sorted.slice(from, mi);
    const part = records.slice(start, end);
    out.push(
      out.length === 0
        ? {
            v: PROTOCOL_VERSION,
            kind: "sessionReplayed",
            reason,
            tabId,
            records: part,
            stats,
            markers: chunkMarkers,
          }
        : {
            v: PROTOCOL_VERSION,
            kind: "recordsAppended",
            tabId,
            records: part,
            stats,
            ...(chunkMarkers.length > 0 ? { markers: chunkMarkers } : {}),
          },
    );
    start = end;
  } while (start < records.length);
  const first = out[0];
  if (first?.kind === "sessionReplayed" && out.length > 1) first.parts = out.length;
  return out;
}
