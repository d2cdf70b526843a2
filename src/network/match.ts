/**
 * Joining the two records of an EventSource: the page's (src/hook: created, open, events it listened for,
 * error with readyState, close()) and the network's (src/network/parse.ts over DevTools' record of each
 * attempt: status, headers, Last-Event-ID sent, retry, comments, every event). Pure.
 *
 * ## Attempts, from the page side
 * Attempt #1 begins at `connectionCreated`. A trusted `error` with readyState 0 ends the current attempt
 * (server closed the stream, or a network error) and begins the next one, which the browser makes after its
 * reconnection time (spec: "reestablish the connection"); `open` marks it established. An `error` with
 * readyState 2 (204, non-200, wrong Content-Type: "fail the connection") or `close()` ends the last attempt.
 *
 * ## The matching rule
 * Page attempts of all connections of the tab are taken in the order they began. Each claims the first
 * network attempt not yet claimed that
 *   1. has the connection's resolved URL (and its frame, when the network record knows it),
 *   2. started no earlier than the page attempt began and no later than it ended (both wall clocks are the
 *      same machine's; `CLOCK_SLACK_MS` absorbs their millisecond rounding), and
 *   3. sent the Last-Event-ID header the attempt had to send: none for #1; for #k+1 the lastEventId at the end
 *      of the matched network attempt #k (exact: the network sees ids the page cannot), else the page's last
 *      lastEventId (inferred). When only the inferred value is known and no candidate carries it, the first
 *      candidate by start order is taken and the match is marked `byOrder`.
 * Time is only a bound here, never the deciding fact. Within a matched attempt the network's events are
 * walked in order against the page's eventReceived records of that attempt: an event equal to the next page
 * event (type, data, lastEventId) was delivered; otherwise it was not — "no listener" when the page never
 * listened for its type, "not in the page record" when it did (listener added later, or records cleared or
 * evicted).
 *
 * ## Records without a body
 * webRequest's records (source "webRequest": attempts made while DevTools was closed) have the request's
 * frame, status, headers and the Last-Event-ID sent, but no body: their events are unknown, so nothing is
 * said about which events were or were not delivered (`rows` is empty, `bodyKnown` false), and the next
 * attempt's expected Last-Event-ID is the page's inferred one (rule 3).
 *
 * ## Known limits
 * - Two EventSources to the same URL in the same frame whose attempts begin in the same millisecond with
 *   the same Last-Event-ID are indistinguishable: they are matched in creation order, possibly swapped.
 * - DevTools' HAR entries carry no frame: same-URL streams in different frames are told apart only by time
 *   and Last-Event-ID.
 * - A redirected EventSource's network entries have the final URL: not matched (the page knows the first).
 *   webRequest records the redirect hop itself (`redirectUrl`), which does match attempt #1.
 * - An attempt still open has no network entry yet (DevTools reports attempts when they end).
 */
import { t } from "../i18n";
import { appendLog, emptyLog, type Log, logToArray } from "../model/log";
import type { NetItem, TabNetworkAttempt, TabRecord } from "../protocol/index";

export const CLOCK_SLACK_MS = 25;
/** Page attempts kept per connection; older ones are dropped and counted. */
export const MAX_PAGE_ATTEMPTS = 200;

export interface PageEv {
  readonly type: string;
  readonly data: string;
  readonly lastEventId: string;
  readonly tabSeq: number;
}

/** "devtools": force-closed from the panel. */
export type PageEnd = "reconnect" | "failed" | "close" | "devtools";

export interface PageAttempt {
  /** 1-based attempt number within the connection. */
  readonly k: number;
  /** Wall/mono time the attempt began: connectionCreated for #1, the error that ended #k-1 after that. */
  readonly beganWall: number;
  readonly beganMono: number;
  readonly openedMono?: number;
  /** tabSeq of the record that began the attempt, and of its open (the grid places undelivered events after them). */
  readonly beganTabSeq?: number;
  readonly openedTabSeq?: number;
  /** The page's lastEventId when the attempt began: the Last-Event-ID it will send, as far as the page knows. */
  readonly inferredLastEventId: string;
  readonly end?: { readonly how: PageEnd; readonly wall: number; readonly mono: number };
  readonly events: Log<PageEv>;
}

export interface PageAttempts {
  readonly list: readonly PageAttempt[];
  /** Oldest attempts dropped at MAX_PAGE_ATTEMPTS. */
  readonly dropped: number;
}

export const NO_ATTEMPTS: PageAttempts = { list: [], dropped: 0 };

/**
 * The attempts after one page record of the connection (`lastEventId`: the page's lastEventId before the
 * record). Returns `prev` unchanged when the record changes nothing. O(1) except when an attempt is added.
 */
export function stepAttempts(prev: PageAttempts, r: TabRecord, lastEventId: string): PageAttempts {
  const list = prev.list;
  const cur = list[list.length - 1];
  const replaceLast = (a: PageAttempt): PageAttempts => ({ ...prev, list: [...list.slice(0, -1), a] });
  const begin = (k: number): PageAttempt => ({
    k,
    beganWall: r.wall,
    beganMono: r.mono,
    beganTabSeq: r.tabSeq,
    inferredLastEventId: lastEventId,
    events: emptyLog(),
  });
  switch (r.kind) {
    case "connectionCreated":
      return stepAdd(prev, begin(1));
    case "connectionOpened":
      if (r.readyState !== 1 || !cur || cur.end || cur.openedMono !== undefined) return prev;
      return replaceLast({ ...cur, openedMono: r.mono, openedTabSeq: r.tabSeq });
    case "eventReceived":
      if (!r.trusted || !cur || cur.end) return prev;
      return replaceLast({
        ...cur,
        events: appendLog(cur.events, [
          { type: r.type, data: r.data, lastEventId: r.lastEventId, tabSeq: r.tabSeq },
        ]),
      });
    case "errorReceived": {
      if (!r.trusted || !cur || cur.end || r.readyState === 1) return prev;
      const how: PageEnd = r.readyState === 0 ? "reconnect" : "failed";
      const ended = replaceLast({ ...cur, end: { how, wall: r.wall, mono: r.mono } });
      return how === "reconnect" ? stepAdd(ended, begin(cur.k + 1)) : ended;
    }
    case "closeCalled":
      if (!cur || cur.end) return prev;
      return replaceLast({ ...cur, end: { how: "close", wall: r.wall, mono: r.mono } });
    case "connectionForceClosed":
      if (!cur || cur.end) return prev;
      return replaceLast({ ...cur, end: { how: "devtools", wall: r.wall, mono: r.mono } });
    case "listenerAdded":
    case "streamOpened":
    case "streamChunkReceived":
    case "streamEnded":
      // fetch()/XHR streams have no EventSource attempts (src/model/reducer.ts keeps their facts).
      return prev;
  }
}

function stepAdd(p: PageAttempts, a: PageAttempt): PageAttempts {
  const next = [...p.list, a];
  const over = Math.max(0, next.length - MAX_PAGE_ATTEMPTS);
  return { list: over > 0 ? next.slice(over) : next, dropped: p.dropped + over };
}

// ── matching ──────────────────────────────────────────────────────────────────────────────────────────────

export interface MatchInput {
  readonly cid: string;
  readonly url: string;
  readonly frameId: number;
  /** Every type the page listens for (open/message/error included). */
  readonly listened: readonly string[];
  readonly attempts: PageAttempts;
}

/** Why a network event is, or is not, among the page's events. */
export type Delivery = "delivered" | "noListener" | "notInPageRecord";

export type NetRow =
  | (Extract<NetItem, { kind: "event" }> & { delivered: Delivery })
  | Exclude<NetItem, { kind: "event" }>;

export interface MatchedAttempt {
  readonly k: number;
  readonly page: PageAttempt;
  readonly net: TabNetworkAttempt | undefined;
  /** How the network attempt was chosen: Last-Event-ID (or its absence) agreed, or only by order. */
  readonly byOrder: boolean;
  /**
   * The observed gap before this attempt (k > 1): from the error that ended #k-1 to this request's start
   * (network known) or to its open (page only). Not the server's retry value.
   */
  readonly gapMs: number | undefined;
  readonly gapTo: "request" | "open" | undefined;
  /** The Last-Event-ID this attempt carried: from the request header when known, else inferred. */
  readonly lastEventId: string | undefined;
  readonly lastEventIdFrom: "header" | "inferred";
  /** How it ended, in words ("" while it is still going). */
  readonly ending: string;
  /** The network's items with each event's delivery (empty when the body is unknown: see `bodyKnown`). */
  readonly rows: readonly NetRow[];
  /** Whether the network record has the body (false for webRequest's: events and deliveries unknown). */
  readonly bodyKnown: boolean;
}

export const isEventStream = (contentType: string): boolean =>
  contentType.split(";")[0]?.trim().toLowerCase() === "text/event-stream";

/** Words for how an attempt ended, from the page's end and, when known, the network's response. */
export function describeEnding(page: PageAttempt, net: TabNetworkAttempt | undefined): string {
  const how = page.end?.how;
  if (how === "close") return t("endingPageClose");
  if (how === "devtools") return t("endingDevtools");
  if (net?.redirectUrl !== undefined) return t("endingRedirect", net.status, net.redirectUrl);
  if (how === "failed") {
    if (net?.status === 204) return t("ending204");
    if (net && net.status !== 0 && net.status !== 200) return t("endingStatus", net.status);
    if (net && net.status === 200 && !isEventStream(net.contentType))
      return t("endingWrongType", net.contentType || t("endingNone"));
    if (net && net.status === 0)
      return net.error ? t("endingNetFailedWith", net.error) : t("endingNetFailed");
    return t("endingFailed");
  }
  if (how === "reconnect") {
    if (net && (net.status === 0 || net.error !== undefined))
      return net.error ? t("endingNetReconnectWith", net.error) : t("endingNetReconnect");
    if (net) return t("endingServerClosed");
    return t("endingUnknownReconnect");
  }
  return "";
}

/** Walks the network's items against the page's events of the attempt (see the rule above). */
export function deliveries(
  items: readonly NetItem[],
  pageEvents: readonly PageEv[],
  listened: readonly string[],
): NetRow[] {
  let p = 0;
  return items.map((it): NetRow => {
    if (it.kind !== "event") return it;
    const pe = pageEvents[p];
    if (pe && pe.type === it.type && pe.data === it.data && pe.lastEventId === it.lastEventId) {
      p++;
      return { ...it, delivered: "delivered" };
    }
    return { ...it, delivered: listened.includes(it.type) ? "notInPageRecord" : "noListener" };
  });
}

/** Per connection (by cid), its attempts joined with the network record. */
export function matchTab(
  conns: readonly MatchInput[],
  net: readonly TabNetworkAttempt[],
): Map<string, MatchedAttempt[]> {
  const order = [...net].sort((a, b) => a.startedWall - b.startedWall || a.netSeq - b.netSeq);
  const claimed = new Set<number>();
  const all: { c: MatchInput; a: PageAttempt; i: number }[] = [];
  conns.forEach((c) => {
    c.attempts.list.forEach((a, i) => {
      all.push({ c, a, i });
    });
  });
  // Sort is stable: equal begin times keep connection (creation) order.
  all.sort((x, y) => x.a.beganWall - y.a.beganWall);
  const chosen = new Map<PageAttempt, { net: TabNetworkAttempt | undefined; byOrder: boolean }>();

  for (const { c, a, i } of all) {
    const prevPage = c.attempts.list[i - 1];
    const prevNet = prevPage ? chosen.get(prevPage)?.net : undefined;
    // The header this attempt must have sent: exact from the previous network attempt, else inferred.
    const exact = a.k === 1 || (prevNet?.bodyKnown ?? false);
    const expected = a.k === 1 ? "" : prevNet?.bodyKnown ? prevNet.endLastEventId : a.inferredLastEventId;
    const candidates = order.filter(
      (n) =>
        !claimed.has(n.netSeq) &&
        n.url === c.url &&
        (n.frameId === undefined || n.frameId === c.frameId) &&
        n.startedWall >= a.beganWall - CLOCK_SLACK_MS &&
        (a.end === undefined || n.startedWall <= a.end.wall + CLOCK_SLACK_MS),
    );
    const headerOk = (n: TabNetworkAttempt) =>
      !n.requestHeadersKnown || (n.lastEventIdSent ?? "") === expected;
    let pick = candidates.find(headerOk);
    let byOrder = false;
    if (!pick && !exact && candidates.length > 0) {
      pick = candidates[0];
      byOrder = true;
    }
    if (pick) claimed.add(pick.netSeq);
    chosen.set(a, { net: pick, byOrder });
  }

  const out = new Map<string, MatchedAttempt[]>();
  for (const c of conns) {
    const list: MatchedAttempt[] = [];
    let prev: PageAttempt | undefined;
    for (const a of c.attempts.list) {
      const { net, byOrder } = chosen.get(a) ?? { net: undefined, byOrder: false };
      let gapMs: number | undefined;
      let gapTo: MatchedAttempt["gapTo"];
      if (a.k > 1 && prev?.end) {
        if (net) {
          gapMs = Math.max(0, net.startedWall - prev.end.wall);
          gapTo = "request";
        } else if (a.openedMono !== undefined) {
          gapMs = a.openedMono - prev.end.mono;
          gapTo = "open";
        }
      }
      const header = net?.requestHeadersKnown ? (net.lastEventIdSent ?? "") : undefined;
      list.push({
        k: a.k,
        page: a,
        net,
        byOrder,
        gapMs,
        gapTo,
        lastEventId: header ?? (a.k === 1 ? "" : a.inferredLastEventId),
        lastEventIdFrom: header !== undefined ? "header" : "inferred",
        ending: describeEnding(a, net),
        rows: net?.bodyKnown ? deliveries(net.items, logToArray(a.events), c.listened) : [],
        bodyKnown: net?.bodyKnown ?? false,
      });
      prev = a;
    }
    out.set(c.cid, list);
  }
  return out;
}
