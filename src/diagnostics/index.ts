/**
 * Diagnostics: problems an SSE developer wants pointed out, found in the panel's state (the page's records)
 * and the network record joined with it (src/network/match.ts). Pure: state in, findings out; the UI
 * (panel/ui/Diagnostics.tsx) words them with `t(key, ...subs)` and links each to the HTML standard.
 *
 * The rules, and the facts each one rests on:
 * - wrongContentType (error): a 200 response whose Content-Type is not `text/event-stream` (network record).
 *   The browser fails the connection and never reconnects (§9.2.2, the constructor's fetch step).
 * - badStatus (error): a final response other than 200 / 204 (a redirect hop is not one; status 0 is a network
 *   error, which the browser retries). Same rule, same consequence.
 * - stop204 (info): 204 No Content, the documented way for a server to stop reconnects (§9.2.1).
 * - noIds (warning): a connection received events and no id ever came (page: every lastEventId ""; network:
 *   no id field, no Last-Event-ID sent): after a drop the browser has no Last-Event-ID to send (§9.2.4).
 * - idBeforeData (info): blocks with `id:` before their first `data:` (network record, src/network/parse.ts).
 *   The seeds warn about it; browsers commit the id only at dispatch (§9.2.6 "dispatch the event", step 1), so
 *   EventSource is unaffected: we say so, and keep it informational.
 * - reconnectStorm (warning): at least STORM_ATTEMPTS attempts (page side: creation and every reconnect) began
 *   within any STORM_WINDOW_MS. 10 per minute means the stream lives ~6 s on average, far below what a stream
 *   is for, and it is what `retry` under a second plus a server that ends each response produces.
 * - lowRetry (warning): a valid `retry:` below MIN_RETRY_MS (network record: the page cannot see retry).
 * - unlistenedType (warning): events the network record has that reached no listener because the page never
 *   listened for their type ("noListener" in match.ts). One finding per connection, listing the types.
 * - tooManyConnections (warning): more than HTTP1_PER_HOST EventSources of the tab connecting or open at once
 *   to one origin, unless the network record says that origin speaks HTTP/2 or HTTP/3. Chrome allows 6
 *   connections per host over HTTP/1.1, across all tabs; the later ones wait (§9.2.7). Findings go to the
 *   connections beyond the 6th (in creation order: the ones the browser queues). Only "connecting" and "open"
 *   count: a connection waiting out its reconnection time holds no socket.
 * - bigEvent (warning): events whose data is over BIG_EVENT_BYTES in UTF-8 (network record when it has the
 *   attempt's body, else the page's records). The browser buffers a whole event before dispatching it (§9.2.6).
 *
 * Cost: O(connections + network attempts) per call, plus each event's data once: per-attempt scans are kept in
 * WeakMaps keyed by the immutable attempt objects, and page events are scanned incrementally (logs only grow).
 */

import { type MessageKey, t } from "../i18n";
import type { ConnectionSummary, PanelState, StreamInfo } from "../model/reducer";
import { BIG_EVENT_BYTES, formatFixed, utf8Length } from "../model/stats";
import { isEventStream, type MatchedAttempt, type PageAttempt } from "../network/match";
import type { TabNetworkAttempt } from "../protocol/index";

export type Severity = "error" | "warning" | "info";
export type DiagCode =
  | "wrongContentType"
  | "badStatus"
  | "stop204"
  | "noIds"
  | "idBeforeData"
  | "reconnectStorm"
  | "lowRetry"
  | "unlistenedType"
  | "tooManyConnections"
  | "bigEvent";

export interface Finding {
  readonly code: DiagCode;
  readonly severity: Severity;
  readonly cid: string;
  /** The connection's "#" in the panel. */
  readonly n: number;
  /** The attempt (1-based) the finding is about, when it is about one. */
  readonly attempt?: number;
  /** The message, for `t(key, ...subs)`. */
  readonly key: MessageKey;
  readonly subs: readonly string[];
  /** The section of the HTML standard that explains it. */
  readonly spec: string;
}

export const STORM_ATTEMPTS = 10;
export const STORM_WINDOW_MS = 60_000;
export const MIN_RETRY_MS = 1_000;
export { BIG_EVENT_BYTES };
export const HTTP1_PER_HOST = 6;
/** Types named in one unlistenedType finding; the rest are counted in its total. */
export const MAX_TYPES_NAMED = 5;

const SPEC = "https://html.spec.whatwg.org/multipage/server-sent-events.html";
export const SPEC_LINKS: Record<DiagCode, string> = {
  // The constructor's fetch steps: "if res's status is not 200, or if res's Content-Type is not
  // text/event-stream, then fail the connection".
  wrongContentType: `${SPEC}#the-eventsource-interface`,
  badStatus: `${SPEC}#the-eventsource-interface`,
  // Introduction: "a client can be told to stop reconnecting using the HTTP 204 No Content response code".
  stop204: `${SPEC}#server-sent-events-intro`,
  noIds: `${SPEC}#the-last-event-id-header`,
  // "Set the last event ID string of the event source to the value of the last event ID buffer" at dispatch.
  idBeforeData: `${SPEC}#dispatchMessage`,
  // Reestablish: wait the reconnection time, "optionally, wait some more" (exponential backoff).
  reconnectStorm: `${SPEC}#reestablish-the-connection`,
  lowRetry: `${SPEC}#concept-event-stream-reconnection-time`,
  // Introduction: event types and addEventListener for each.
  unlistenedType: `${SPEC}#server-sent-events-intro`,
  // Authoring notes: "HTTP's per-server connection limitation".
  tooManyConnections: `${SPEC}#authoring-notes`,
  // Interpreting: the data buffer grows until the blank line that dispatches it.
  bigEvent: `${SPEC}#event-stream-interpretation`,
};

const SEVERITY: Record<DiagCode, Severity> = {
  wrongContentType: "error",
  badStatus: "error",
  stop204: "info",
  noIds: "warning",
  idBeforeData: "info",
  reconnectStorm: "warning",
  lowRetry: "warning",
  unlistenedType: "warning",
  tooManyConnections: "warning",
  bigEvent: "warning",
};
const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

const isBig = (data: string) => data.length * 3 > BIG_EVENT_BYTES && utf8Length(data) > BIG_EVENT_BYTES;

interface Scan {
  /** Events seen. */
  events: number;
  /** Some id was set (lastEventId non-empty at some event, an id field, or a Last-Event-ID sent). */
  hasId: boolean;
  big: number;
  maxBytes: number;
}
const emptyScan = (): Scan => ({ events: 0, hasId: false, big: 0, maxBytes: 0 });

/** Page events of an attempt, scanned incrementally: logs only grow within one lineage. */
const pageScans = new WeakMap<object, Scan & { end: number }>();
function scanPage(a: PageAttempt): Scan {
  const log = a.events;
  let s = pageScans.get(log.lineage);
  if (!s || s.end > log.end) s = { ...emptyScan(), end: log.start };
  for (let i = s.end; i < log.end; i++) {
    const e = log.items[i - log.offset];
    if (!e) continue;
    s.events++;
    if (e.lastEventId !== "") s.hasId = true;
    if (isBig(e.data)) {
      s.big++;
      s.maxBytes = Math.max(s.maxBytes, utf8Length(e.data));
    }
  }
  s.end = log.end;
  pageScans.set(log.lineage, s);
  return s;
}

/** A network attempt's body, scanned once (attempt objects are immutable). */
const netScans = new WeakMap<TabNetworkAttempt, Scan & { minRetry: number | undefined }>();
function scanNet(n: TabNetworkAttempt) {
  let s = netScans.get(n);
  if (s) return s;
  s = { ...emptyScan(), minRetry: undefined };
  s.events = n.events;
  if (n.endLastEventId !== "" || (n.lastEventIdSent ?? "") !== "") s.hasId = true;
  for (const it of n.items) {
    if (it.kind === "event") {
      if (it.lastEventId !== "" || it.blockId !== undefined) s.hasId = true;
      if (isBig(it.data)) {
        s.big++;
        s.maxBytes = Math.max(s.maxBytes, utf8Length(it.data));
      }
    } else if (it.kind === "idOnly") s.hasId = true;
    else if (it.kind === "retry" && (s.minRetry === undefined || it.ms < s.minRetry)) s.minRetry = it.ms;
  }
  netScans.set(n, s);
  return s;
}

const originOf = (url: string): string | undefined => {
  try {
    const u = new URL(url);
    return u.origin === "null" ? undefined : u.origin;
  } catch {
    return undefined;
  }
};
/** h2 / h3 multiplex streams over one connection: the per-host limit does not bite. */
const isMultiplexed = (v: string) => /^(h2|h3|http\/[23])/i.test(v.trim());

const mb = (bytes: number) => t("unitMB", formatFixed(bytes / 1_048_576, 1));

/** Every finding for the panel's state, errors first, then by connection and attempt. */
export function diagnose(
  state: PanelState,
  matched: ReadonlyMap<string, readonly MatchedAttempt[]>,
): Finding[] {
  const out: Finding[] = [];
  const add = (
    code: DiagCode,
    c: ConnectionSummary,
    key: MessageKey,
    subs: (string | number)[],
    attempt?: number,
  ) =>
    out.push({
      code,
      severity: SEVERITY[code],
      cid: c.cid,
      n: c.n,
      ...(attempt !== undefined ? { attempt } : {}),
      key,
      subs: subs.map(String),
      spec: SPEC_LINKS[code],
    });

  for (const c of state.connections.values()) {
    if (c.stream) {
      streamFindings(c, c.stream, add);
      continue;
    }
    const attempts = matched.get(c.cid) ?? [];
    const once = new Set<DiagCode>();
    let events = 0;
    let hasId = c.lastEventId !== "";
    let big = 0;
    let maxBytes = 0;
    let idFirst = 0;
    let lowRetry: { ms: number; k: number } | undefined;
    const unlistened = new Map<string, number>();
    for (const a of attempts) {
      const net = a.net;
      if (net && net.redirectUrl === undefined) {
        if (net.status === 200 && !isEventStream(net.contentType) && !once.has("wrongContentType")) {
          once.add("wrongContentType");
          add("wrongContentType", c, "diagWrongType", [net.contentType || "—"], a.k);
        } else if (net.status === 204 && !once.has("stop204")) {
          once.add("stop204");
          add("stop204", c, "diagStop204", [], a.k);
        } else if (net.status !== 0 && net.status !== 200 && net.status !== 204 && !once.has("badStatus")) {
          once.add("badStatus");
          add("badStatus", c, "diagBadStatus", [`${net.status} ${net.statusText}`.trim()], a.k);
        }
      }
      // Events: the network's body when known (it has every event), else what the page's listeners got. A
      // response that is not a stream (non-200, wrong type) was never parsed by the browser: its body is no
      // events. DevTools still hands it, parsed by us.
      const stream = net === undefined || (net.status === 200 && isEventStream(net.contentType));
      const bodyUsed = net?.bodyKnown === true && stream;
      const scan = bodyUsed ? scanNet(net) : stream ? scanPage(a.page) : undefined;
      if (net && !net.bodyKnown && (net.lastEventIdSent ?? "") !== "") hasId = true;
      if (scan) {
        events += scan.events;
        hasId ||= scan.hasId;
        big += scan.big;
        maxBytes = Math.max(maxBytes, scan.maxBytes);
      }
      if (bodyUsed) {
        idFirst += net.idBeforeData ?? 0;
        const r = scanNet(net).minRetry;
        if (r !== undefined && r < MIN_RETRY_MS && (lowRetry === undefined || r < lowRetry.ms))
          lowRetry = { ms: r, k: a.k };
        for (const row of a.rows) {
          if (row.kind === "event" && row.delivered === "noListener")
            unlistened.set(row.type, (unlistened.get(row.type) ?? 0) + 1);
        }
      }
    }
    if (events > 0 && !hasId) add("noIds", c, "diagNoIds", [events]);
    if (idFirst > 0) add("idBeforeData", c, "diagIdBeforeData", [idFirst]);
    const storm = stormOf(c.attempts.list);
    if (storm) add("reconnectStorm", c, "diagStorm", [storm, STORM_WINDOW_MS / 1000]);
    if (lowRetry) add("lowRetry", c, "diagLowRetry", [lowRetry.ms], lowRetry.k);
    if (unlistened.size > 0) {
      let total = 0;
      for (const v of unlistened.values()) total += v;
      const names = [...unlistened.keys()].slice(0, MAX_TYPES_NAMED).map((t) => `"${t}"`);
      if (unlistened.size > MAX_TYPES_NAMED) names.push("…");
      add("unlistenedType", c, "diagUnlistened", [total, names.join(", ")]);
    }
    if (big > 0) add("bigEvent", c, "diagBigEvent", [big, mb(maxBytes)]);
  }

  tooManyConnections(state, add);

  return out.sort(
    (a, b) => RANK[a.severity] - RANK[b.severity] || a.n - b.n || (a.attempt ?? 0) - (b.attempt ?? 0),
  );
}

/**
 * A fetch()/XHR stream (issue 6): one request, no EventSource attempts. What applies to it: its status (only
 * text/event-stream responses are recorded, so the content type is right), events without any id (a client
 * such as fetch-event-source resumes with Last-Event-ID like EventSource), a `retry:` below 1 s (such clients
 * honour it), events over 1 MB. Reconnect storms, 204 and unlistened types are EventSource matters.
 */
function streamFindings(
  c: ConnectionSummary,
  s: StreamInfo,
  add: (code: DiagCode, c: ConnectionSummary, key: MessageKey, subs: (string | number)[]) => void,
): void {
  if (s.status !== 200) add("badStatus", c, "diagBadStatus", [`${s.status} ${s.statusText}`.trim()]);
  if (c.messages > 0 && c.lastEventId === "") add("noIds", c, "diagNoIds", [c.messages]);
  if (s.retryMs !== undefined && s.retryMs < MIN_RETRY_MS) add("lowRetry", c, "diagLowRetry", [s.retryMs]);
  if (s.bigEvents > 0) add("bigEvent", c, "diagBigEvent", [s.bigEvents, mb(s.maxEventBytes)]);
}

/** The most attempts that began within one STORM_WINDOW_MS, if at least STORM_ATTEMPTS; else undefined. */
export function stormOf(list: readonly PageAttempt[]): number | undefined {
  if (list.length < STORM_ATTEMPTS) return undefined;
  let best = 0;
  let from = 0;
  for (let i = 0; i < list.length; i++) {
    const t = (list[i] as PageAttempt).beganWall;
    while (t - (list[from] as PageAttempt).beganWall > STORM_WINDOW_MS) from++;
    best = Math.max(best, i - from + 1);
  }
  return best >= STORM_ATTEMPTS ? best : undefined;
}

function tooManyConnections(
  state: PanelState,
  add: (code: DiagCode, c: ConnectionSummary, key: MessageKey, subs: (string | number)[]) => void,
): void {
  const byOrigin = new Map<string, ConnectionSummary[]>();
  for (const c of state.connections.values()) {
    if (c.state !== "open" && c.state !== "connecting") continue;
    const o = originOf(c.url);
    if (o === undefined) continue;
    const list = byOrigin.get(o) ?? [];
    list.push(c);
    byOrigin.set(o, list);
  }
  for (const [origin, list] of byOrigin) {
    if (list.length <= HTTP1_PER_HOST) continue;
    // What the network record says the origin speaks (the newest attempt that says anything).
    let version: string | undefined;
    for (const n of state.network)
      if (n.httpVersion !== undefined && originOf(n.url) === origin) version = n.httpVersion;
    if (version !== undefined && isMultiplexed(version)) continue;
    list.sort((a, b) => a.n - b.n);
    for (const c of list.slice(HTTP1_PER_HOST)) {
      if (version === undefined) add("tooManyConnections", c, "diagTooManyUnknown", [list.length, origin]);
      else add("tooManyConnections", c, "diagTooMany", [list.length, origin, version.toUpperCase()]);
    }
  }
}

/** Findings per connection (cid → count), for the sidebar's badges. */
export function countByConnection(
  findings: readonly Finding[],
): Map<string, { count: number; worst: Severity }> {
  const m = new Map<string, { count: number; worst: Severity }>();
  for (const f of findings) {
    const cur = m.get(f.cid);
    if (!cur) m.set(f.cid, { count: 1, worst: f.severity });
    else
      m.set(f.cid, {
        count: cur.count + 1,
        worst: RANK[f.severity] < RANK[cur.worst] ? f.severity : cur.worst,
      });
  }
  return m;
}
