/**
 * Events the network record shows but the page never got (no listener for their type, or not in the page's
 * record), as rows the grid shows between the delivered ones: DevTools' body of an attempt is walked against
 * the page's events (src/network/match.ts `deliveries`), and each undelivered event is placed right after the
 * last page record it follows: the attempt's previous delivered event, else the attempt's open (or its
 * beginning). Network items carry no time of their own, so this is their place, not a timestamp. Pure.
 *
 * Derived from the matched view, which changes only when a network attempt arrives (once per attempt) or the
 * page's attempts change: the store recomputes it only then, so the grid's filter stays incremental.
 */
import type { Delivery, MatchedAttempt } from "../network/match";
import { logNth } from "./log";

export interface NotDeliveredRow {
  /** Identity across recomputations: connection, attempt, item index in the network record. */
  readonly key: string;
  readonly cid: string;
  /** The connection's "#". */
  readonly n: number;
  readonly attempt: number;
  readonly type: string;
  readonly data: string;
  readonly lastEventId: string;
  readonly why: Exclude<Delivery, "delivered">;
  /** tabSeq of the page record the event comes after. */
  readonly anchorTabSeq: number;
}

export interface Overlay {
  /** In placement order: by anchor, then by order within the anchor. */
  readonly list: readonly NotDeliveredRow[];
  /** Positions in `list` of the rows placed after each anchor tabSeq, in order. */
  readonly byAnchor: ReadonlyMap<number, readonly number[]>;
  /** Position in `list` by `key`. */
  readonly byKey: ReadonlyMap<string, number>;
}

export const EMPTY_OVERLAY: Overlay = { list: [], byAnchor: new Map(), byKey: new Map() };

/** The undelivered events of every matched attempt (`n` gives a connection's "#"). */
export function undeliveredRows(
  matched: ReadonlyMap<string, readonly MatchedAttempt[]>,
  n: (cid: string) => number,
): Overlay {
  const list: NotDeliveredRow[] = [];
  for (const [cid, attempts] of matched) {
    for (const a of attempts) {
      if (!a.bodyKnown) continue;
      let anchor = a.page.openedTabSeq ?? a.page.beganTabSeq;
      let p = 0;
      a.rows.forEach((r, i) => {
        if (r.kind !== "event") return;
        if (r.delivered === "delivered") {
          // The walk in `deliveries` consumes page events in order: the p-th delivered is the p-th page event.
          anchor = logNth(a.page.events, p)?.tabSeq ?? anchor;
          p++;
          return;
        }
        if (anchor === undefined) return;
        list.push({
          key: `${cid}:${a.k}:${i}`,
          cid,
          n: n(cid),
          attempt: a.k,
          type: r.type,
          data: r.data,
          lastEventId: r.lastEventId,
          why: r.delivered,
          anchorTabSeq: anchor,
        });
      });
    }
  }
  // Stable: rows of one anchor keep the network's order.
  list.sort((x, y) => x.anchorTabSeq - y.anchorTabSeq);
  if (list.length === 0) return EMPTY_OVERLAY;
  const byAnchor = new Map<number, number[]>();
  const byKey = new Map<string, number>();
  list.forEach((r, i) => {
    const at = byAnchor.get(r.anchorTabSeq);
    if (at) at.push(i);
    else byAnchor.set(r.anchorTabSeq, [i]);
    byKey.set(r.key, i);
  });
  return { list, byAnchor, byKey };
}
