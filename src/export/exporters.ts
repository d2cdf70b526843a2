/**
 * Export of what the panel holds: JSON (our own versioned format, docs/export-format.md and
 * docs/export.schema.json), NDJSON (one record per line), the raw `text/event-stream` of each connection
 * (replayable by any SSE server), and HAR 1.2 with the events under `_eventSourceMessages` as Chrome writes
 * them. Pure: the panel builds an `ExportSelection` (see `selectionFromState`) and saves the text.
 */
import { logToArray } from "../model/log";
import type { PanelState, TableRow } from "../model/reducer";
import { matchState } from "../network/view";
import type { NetItem, SessionMarker, SessionStats, TabNetworkAttempt, TabRecord } from "../protocol/index";

export const EXPORT_FORMAT = "sse-devtools";
/** Bumped only on an incompatible change of the JSON format (docs/export-format.md, "Versioning"). */
export const EXPORT_VERSION = 1;
const CREATOR = { name: "SSE DevTools", version: "0.1.0" };

export type ExportScope = "all" | "connection" | "filtered";

/** What is exported: records in tabSeq order, and each connection's network attempts when known. */
export interface ExportSelection {
  readonly scope: ExportScope;
  readonly tabId: number;
  /** The inspected page's URL when known. */
  readonly pageUrl?: string;
  /** The filter the rows were chosen with, in words (scope "filtered"). */
  readonly filter?: string;
  readonly records: readonly TabRecord[];
  /** Network attempts matched to each connection (cid), in start order. */
  readonly attempts?: ReadonlyMap<string, readonly TabNetworkAttempt[]>;
  /** Network attempts matched to no connection (scope "all" only). */
  readonly unmatched?: readonly TabNetworkAttempt[];
  readonly stats?: SessionStats;
  readonly markers?: readonly SessionMarker[];
}

export type SelectionRequest =
  | { scope: "all" }
  | { scope: "connection"; cid: string }
  | { scope: "filtered"; rows: readonly TableRow[]; filter: string };

/** The selection from the panel's state: all it shows, one connection, or the rows a filter left. */
export function selectionFromState(
  state: PanelState,
  req: SelectionRequest,
  pageUrl?: string,
): ExportSelection {
  const rows = req.scope === "filtered" ? req.rows : logToArray(state.rows);
  let records = rows.flatMap((r) => (r.rec ? [r.rec] : []));
  if (req.scope === "connection") records = records.filter((r) => r.cid === req.cid);
  const markers = rows.flatMap((r) => (r.marker ? [r.marker] : []));
  const matched = matchState(state);
  const cids = new Set(records.map((r) => r.cid));
  const attempts = new Map<string, TabNetworkAttempt[]>();
  const claimed = new Set<number>();
  for (const [cid, list] of matched) {
    const nets = list.flatMap((a) => (a.net ? [a.net] : []));
    for (const n of nets) claimed.add(n.netSeq);
    if (cids.has(cid) && nets.length > 0) attempts.set(cid, nets);
  }
  return {
    scope: req.scope,
    tabId: state.tabId,
    ...(pageUrl !== undefined ? { pageUrl } : {}),
    ...(req.scope === "filtered" ? { filter: req.filter } : {}),
    records,
    attempts,
    ...(req.scope === "all" ? { unmatched: state.network.filter((n) => !claimed.has(n.netSeq)) } : {}),
    stats: state.stats,
    ...(req.scope === "connection" ? {} : { markers }),
  };
}

// ── JSON ────────────────────────────────────────────────────────────────────────────────────────────────

export interface ExportedConnection {
  cid: string;
  /** From its connectionCreated record; "" when that record is not in the export. */
  url: string;
  frameUrl: string;
  withCredentials: boolean | null;
  docId: string;
  frameId: number;
  /** The page's records of this connection, in tabSeq order, exactly as the panel held them. */
  records: TabRecord[];
  /** The network's record of each attempt (DevTools' or webRequest's), in start order. */
  attempts: TabNetworkAttempt[];
}

export interface ExportJson {
  format: typeof EXPORT_FORMAT;
  version: typeof EXPORT_VERSION;
  /** ISO 8601. */
  exportedAt: string;
  creator: { name: string; version: string };
  scope: ExportScope;
  source: { tabId: number; pageUrl: string | null; filter: string | null };
  stats: SessionStats | null;
  connections: ExportedConnection[];
  unmatchedAttempts: TabNetworkAttempt[];
  markers: SessionMarker[];
}

/** Groups records by connection, in order of first appearance. */
function byConnection(records: readonly TabRecord[]): Map<string, TabRecord[]> {
  const out = new Map<string, TabRecord[]>();
  for (const r of records) {
    const list = out.get(r.cid);
    if (list) list.push(r);
    else out.set(r.cid, [r]);
  }
  return out;
}

/** The URL a connection's records name: its connectionCreated's, or a fetch()/XHR stream's streamOpened's. */
function urlOf(records: readonly TabRecord[]): string {
  for (const r of records) {
    if (r.kind === "connectionCreated" || r.kind === "streamOpened") return r.url;
  }
  return "";
}

export function toJson(sel: ExportSelection, now: Date = new Date()): ExportJson {
  const connections: ExportedConnection[] = [];
  for (const [cid, records] of byConnection(sel.records)) {
    const created = records.find((r) => r.kind === "connectionCreated");
    const opened = records.find((r) => r.kind === "streamOpened");
    const first = records[0] as TabRecord;
    connections.push({
      cid,
      url: urlOf(records),
      frameUrl: created?.frameUrl ?? opened?.frameUrl ?? "",
      withCredentials: created?.withCredentials ?? null,
      docId: first.docId,
      frameId: first.frameId,
      records,
      attempts: [...(sel.attempts?.get(cid) ?? [])],
    });
  }
  return {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: now.toISOString(),
    creator: CREATOR,
    scope: sel.scope,
    source: { tabId: sel.tabId, pageUrl: sel.pageUrl ?? null, filter: sel.filter ?? null },
    stats: sel.stats ?? null,
    connections,
    unmatchedAttempts: [...(sel.unmatched ?? [])],
    markers: [...(sel.markers ?? [])],
  };
}

// ── NDJSON ──────────────────────────────────────────────────────────────────────────────────────────────

/** One JSON object per line (https://github.com/ndjson/ndjson-spec): each record as the panel holds it. */
export function toNdjson(sel: ExportSelection): string {
  return sel.records.map((r) => `${JSON.stringify(r)}\n`).join("");
}

// ── text/event-stream ───────────────────────────────────────────────────────────────────────────────────

/**
 * One event as stream text. Data is split on line ends into one `data:` line each (the browser joins them
 * with "\n"); `event:` is left out for "message", the default type (WHATWG HTML §9.2.6). `id` is written only
 * when given: the caller decides, since the last event ID persists across blocks.
 */
function eventBlock(type: string, data: string, id: string | undefined): string {
  let s = id === undefined ? "" : id === "" ? "id\n" : `id: ${id}\n`;
  if (type !== "message") s += `event: ${type}\n`;
  for (const line of data.split(/\r\n|\r|\n/)) s += line === "" ? "data\n" : `data: ${line}\n`;
  return `${s}\n`;
}

/**
 * The network's items of one attempt back into stream text: events, id-only blocks, `retry:`, comments.
 * `startId` is the last event ID the attempt began with (its Last-Event-ID). An event gets an `id:` line when
 * its block had one, and also when its lastEventId differs from the running one: the id moved where the
 * items do not show it (an id-only block the parser did not report), and the replay must carry it.
 */
export function itemsToEventStream(items: readonly NetItem[], startId = ""): string {
  let s = "";
  let lastId = startId;
  for (const it of items) {
    switch (it.kind) {
      case "event":
        s += eventBlock(
          it.type,
          it.data,
          it.blockId ?? (it.lastEventId !== lastId ? it.lastEventId : undefined),
        );
        lastId = it.lastEventId;
        break;
      case "idOnly":
        s += it.id === "" ? "id\n\n" : `id: ${it.id}\n\n`;
        lastId = it.id;
        break;
      case "retry":
        s += `retry: ${it.ms}\n\n`;
        break;
      case "retryIgnored":
        s += `retry: ${it.value}\n\n`;
        break;
      case "comment":
        s += `:${it.text === "" ? "" : ` ${it.text}`}\n`;
        break;
    }
  }
  return s;
}

/** The page's trusted events back into stream text; an `id:` line only where the last event ID changed. */
export function recordsToEventStream(records: readonly TabRecord[]): string {
  let s = "";
  let lastId = "";
  for (const r of records) {
    // Synthetic events were dispatched by a page script: the server never sent them.
    if (r.kind !== "eventReceived" || !r.trusted) continue;
    const id = r.lastEventId !== lastId ? r.lastEventId : undefined;
    lastId = r.lastEventId;
    s += eventBlock(r.type, r.data, id);
  }
  return s;
}

const fullBody = (n: TabNetworkAttempt) => n.bodyKnown && n.itemsDropped === 0 && n.bodyCharsDropped === 0;

export interface EventStreamExport {
  cid: string;
  url: string;
  /** "network": the raw body DevTools recorded (retry and comments included); "page": the page's events. */
  from: "network" | "page";
  text: string;
}

/**
 * Per connection, a `text/event-stream` body that replays it: from the network's record when every attempt's
 * whole body is known (so `retry:`, comments, id-only blocks and events no listener got are kept), else from
 * the page's events (a filtered export always uses the page's events: they are what the filter chose).
 */
export function toEventStream(sel: ExportSelection): EventStreamExport[] {
  const out: EventStreamExport[] = [];
  for (const [cid, records] of byConnection(sel.records)) {
    const url = urlOf(records);
    const nets = sel.attempts?.get(cid) ?? [];
    if (sel.scope !== "filtered" && nets.length > 0 && nets.every(fullBody)) {
      // One stream replays all attempts: each continues from the last event ID the previous one ended with.
      const text = nets
        .map((n, i) => itemsToEventStream(n.items, i === 0 ? "" : nets[i - 1]?.endLastEventId))
        .join("");
      out.push({ cid, url, from: "network", text });
    } else {
      out.push({ cid, url, from: "page", text: recordsToEventStream(records) });
    }
  }
  return out;
}

// ── HAR 1.2 ─────────────────────────────────────────────────────────────────────────────────────────────

/** Chrome's shape (HARWriter): `time` in seconds, `eventId` the last event ID the message carried. */
export interface EventSourceMessage {
  time: number;
  eventName: string;
  eventId: string;
  data: string;
}

type Header = { name: string; value: string };

function harEntry(o: {
  url: string;
  startedWall: number;
  durationMs: number;
  status: number;
  statusText: string;
  requestHeaders: Header[];
  responseHeaders: Header[];
  mimeType: string;
  text: string | undefined;
  transferBytes: number;
  error: string | undefined;
  messages: EventSourceMessage[];
}) {
  let query: Header[] = [];
  try {
    query = [...new URL(o.url).searchParams].map(([name, value]) => ({ name, value }));
  } catch {
    // Not an absolute URL (a placeholder connection): no query string to list.
  }
  const duration = Math.max(0, o.durationMs);
  return {
    startedDateTime: new Date(o.startedWall).toISOString(),
    time: duration,
    request: {
      method: "GET",
      url: o.url,
      httpVersion: "HTTP/1.1",
      cookies: [],
      headers: o.requestHeaders,
      queryString: query,
      headersSize: -1,
      bodySize: 0,
    },
    response: {
      status: o.status,
      statusText: o.statusText,
      httpVersion: "HTTP/1.1",
      cookies: [],
      headers: o.responseHeaders,
      content: {
        size: o.text?.length ?? 0,
        mimeType: o.mimeType,
        ...(o.text !== undefined ? { text: o.text } : {}),
      },
      redirectURL: "",
      headersSize: -1,
      bodySize: -1,
      _transferSize: o.transferBytes,
      _error: o.error ?? null,
    },
    cache: {},
    timings: { blocked: -1, dns: -1, connect: -1, send: 0, wait: 0, receive: duration, ssl: -1 },
    _resourceType: "eventsource",
    _eventSourceMessages: o.messages,
  };
}

export type HarEntryOut = ReturnType<typeof harEntry>;
export type HarLog = { log: { version: "1.2"; creator: typeof CREATOR; pages: []; entries: HarEntryOut[] } };

/** One HAR entry for one network attempt (matched to a connection or not), with `messages` as its events. */
function attemptEntry(n: TabNetworkAttempt, messages: EventSourceMessage[]) {
  const requestHeaders: Header[] = [{ name: "Accept", value: "text/event-stream" }];
  if (n.lastEventIdSent !== undefined)
    requestHeaders.push({ name: "Last-Event-ID", value: n.lastEventIdSent });
  return harEntry({
    url: n.url,
    startedWall: n.startedWall,
    durationMs: n.durationMs ?? 0,
    status: n.status,
    statusText: n.statusText,
    requestHeaders,
    responseHeaders: n.responseHeaders,
    mimeType: n.contentType,
    text: fullBody(n) ? itemsToEventStream(n.items, n.lastEventIdSent) : undefined,
    transferBytes: n.transferBytes,
    error: n.error,
    messages,
  });
}

/**
 * HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/): one entry per network attempt when the network
 * record is known, else one per connection from its page records. Messages come from the network body when
 * known (each timed by the page's matching event when there is one, else the attempt's start), else from the
 * page's events in the attempt's time window.
 */
export function toHar(sel: ExportSelection): HarLog {
  const entries: ReturnType<typeof harEntry>[] = [];
  const secs = (wall: number) => wall / 1000;
  const pageMessages = (rs: readonly TabRecord[]): EventSourceMessage[] =>
    rs.flatMap((r) =>
      r.kind === "eventReceived" && r.trusted
        ? [{ time: secs(r.wall), eventName: r.type, eventId: r.lastEventId, data: r.data }]
        : [],
    );
  for (const [cid, records] of byConnection(sel.records)) {
    const nets = [...(sel.attempts?.get(cid) ?? [])].sort((a, b) => a.startedWall - b.startedWall);
    if (nets.length === 0) {
      const first = records[0] as TabRecord;
      const last = records[records.length - 1] as TabRecord;
      const stream = records.find((r) => r.kind === "streamOpened");
      const opened = stream !== undefined || records.some((r) => r.kind === "connectionOpened");
      entries.push(
        harEntry({
          url: urlOf(records),
          startedWall: first.wall,
          durationMs: last.wall - first.wall,
          status: stream?.status ?? (opened ? 200 : 0),
          statusText: stream?.statusText ?? (opened ? "OK" : ""),
          requestHeaders: [{ name: "Accept", value: "text/event-stream" }],
          responseHeaders: [],
          mimeType: opened ? "text/event-stream" : "",
          text: undefined,
          transferBytes: -1,
          error: undefined,
          messages: pageMessages(records),
        }),
      );
      continue;
    }
    nets.forEach((n, i) => {
      const until = nets[i + 1]?.startedWall ?? Number.POSITIVE_INFINITY;
      const inWindow = records.filter((r) => r.wall >= n.startedWall && r.wall < until);
      let messages: EventSourceMessage[];
      if (n.bodyKnown) {
        // The page's events of this attempt are a subsequence of the network's: walk both in order.
        const page = pageMessages(inWindow);
        let p = 0;
        messages = n.items.flatMap((it) => {
          if (it.kind !== "event") return [];
          const m = page[p];
          const same = m && m.eventName === it.type && m.data === it.data && m.eventId === it.lastEventId;
          if (same) p++;
          return [
            {
              time: same ? m.time : secs(n.startedWall),
              eventName: it.type,
              eventId: it.lastEventId,
              data: it.data,
            },
          ];
        });
      } else {
        messages = pageMessages(inWindow);
      }
      entries.push(attemptEntry(n, messages));
    });
  }
  // Attempts no connection claimed (scope "all"): their own entries, events from the body alone.
  for (const n of sel.unmatched ?? []) {
    entries.push(
      attemptEntry(
        n,
        n.items.flatMap((it) =>
          it.kind === "event"
            ? [{ time: secs(n.startedWall), eventName: it.type, eventId: it.lastEventId, data: it.data }]
            : [],
        ),
      ),
    );
  }
  // In start order, as browsers write them (a stable sort keeps one connection's attempts in order).
  entries.sort((a, b) => Date.parse(a.startedDateTime) - Date.parse(b.startedDateTime));
  return { log: { version: "1.2", creator: CREATOR, pages: [], entries } };
}
