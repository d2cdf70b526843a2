/**
 * The background's network attempts per tab (see `NetworkAttemptSchema`): bounded, oldest evicted first and
 * counted. Plain TypeScript, unit-tested.
 *
 * ## One attempt, two records
 * While DevTools is open the same attempt is seen twice: by webRequest here (webrequest.ts, no body) and by
 * DevTools (har.ts, with the body). They share no id (measured on Chromium 156: HAR entries have no request
 * id and no frame), so they are paired by what both saw of the request. A webRequest record and a DevTools
 * record are the same attempt when
 *   1. they are of the same tab and have the same URL,
 *   2. they sent the same `Last-Event-ID` (or both none: both see the real request headers), and
 *   3. their start times differ by at most `PAIR_WINDOW_MS` (measured: webRequest's `onSendHeaders` comes
 *      1–5 ms after DevTools' `startedDateTime`; the window only bounds the search),
 * taking, among records of the other source not yet paired, the one nearest in start time. Either may arrive
 * first. The pair becomes ONE record: DevTools' (body, events), with webRequest's frame id, under the netSeq
 * the first of the two got, so a panel replaces it in place (never counts it twice).
 * Limit: two attempts of the tab to the same URL with the same Last-Event-ID that start within the window
 * (e.g. the same stream opened in two frames at once) may be paired crosswise; both records then still hold
 * a real attempt's status, headers and body, only the frame ids may be swapped.
 */
import type { NetworkAttempt, TabNetworkAttempt } from "../protocol/index";

/** Attempts kept per tab. Each holds at most 5 000 parsed items, so this bounds memory too. */
export const NETWORK_CAP = 500;
/** See "One attempt, two records". */
export const PAIR_WINDOW_MS = 1_000;

const headerOf = (a: NetworkAttempt) => (a.requestHeadersKnown ? (a.lastEventIdSent ?? "") : undefined);

/** Rules 1–3 above (same tab is the caller's); the other's distance in start time, or undefined. */
export function pairDistance(a: NetworkAttempt, b: NetworkAttempt): number | undefined {
  if (a.source === b.source || a.url !== b.url) return undefined;
  const ha = headerOf(a);
  const hb = headerOf(b);
  if (ha !== undefined && hb !== undefined && ha !== hb) return undefined;
  const d = Math.abs(a.startedWall - b.startedWall);
  return d <= PAIR_WINDOW_MS ? d : undefined;
}

interface TabNet {
  list: TabNetworkAttempt[];
  next: number;
  dropped: number;
  /** netSeqs of records that are a webRequest + DevTools pair already. */
  paired: Set<number>;
}

export class NetworkStore {
  private tabs = new Map<number, TabNet>();

  constructor(private readonly cap = NETWORK_CAP) {}

  /**
   * Adds the attempt, or merges it with its other record (see "One attempt, two records"). Returns the record
   * as held now: a merged one keeps the netSeq its first record had (panels replace by netSeq).
   */
  add(tabId: number, a: NetworkAttempt): TabNetworkAttempt {
    let t = this.tabs.get(tabId);
    if (!t) {
      t = { list: [], next: 0, dropped: 0, paired: new Set() };
      this.tabs.set(tabId, t);
    }
    let best = -1;
    let bestD = Number.POSITIVE_INFINITY;
    t.list.forEach((n, i) => {
      if (t.paired.has(n.netSeq)) return;
      const d = pairDistance(n, a);
      if (d !== undefined && d < bestD) {
        best = i;
        bestD = d;
      }
    });
    const other = t.list[best];
    if (other) {
      const [dt, wr] = a.source === "devtools" ? [a, other] : [other, a];
      const { netSeq: _, ...body } = dt as TabNetworkAttempt;
      const merged: TabNetworkAttempt = {
        ...body,
        ...(wr.frameId !== undefined ? { frameId: wr.frameId } : {}),
        netSeq: other.netSeq,
      };
      t.list[best] = merged;
      t.paired.add(merged.netSeq);
      return merged;
    }
    const stamped: TabNetworkAttempt = { ...a, netSeq: t.next++ };
    t.list.push(stamped);
    if (t.list.length > this.cap) {
      const over = t.list.length - this.cap;
      for (const gone of t.list.splice(0, over)) t.paired.delete(gone.netSeq);
      t.dropped += over;
    }
    return stamped;
  }

  /** Attempts never recorded (e.g. forgotten at webrequest.ts's in-flight cap): counted with the evicted. */
  countDropped(tabId: number, n: number): void {
    const t = this.tabs.get(tabId);
    if (t) t.dropped += n;
    else if (n > 0) this.tabs.set(tabId, { list: [], next: 0, dropped: n, paired: new Set() });
  }

  list(tabId: number): TabNetworkAttempt[] {
    return this.tabs.get(tabId)?.list.slice() ?? [];
  }

  dropped(tabId: number): number {
    return this.tabs.get(tabId)?.dropped ?? 0;
  }

  /** The top frame navigated at `timeStamp`: attempts that started before it belong to the old page. */
  navigated(tabId: number, timeStamp: number): void {
    const t = this.tabs.get(tabId);
    if (!t) return;
    t.list = t.list.filter((a) => a.startedWall >= timeStamp);
    const kept = new Set(t.list.map((a) => a.netSeq));
    for (const n of t.paired) if (!kept.has(n)) t.paired.delete(n);
  }

  removeTab(tabId: number): void {
    this.tabs.delete(tabId);
  }
}
