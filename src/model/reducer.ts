/**
 * The panel's state and the one pure function that moves it forward (after preact-devtools: plain data and a
 * reducer here, signals only in the UI layer that wraps it).
 *
 * What a panel knows comes only from `PanelDown` messages: a `sessionReplayed` replaces everything, a
 * `recordsAppended` adds to it. From the records we derive, per EventSource (cid), the story the seeds talk
 * about: readyState 0/1/2, reconnects, the last event id and the Last-Event-ID the browser will send, custom
 * event types, `close()`, and the "failed" end (HTTP 204 / non-200 / wrong Content-Type).
 *
 * Cost per message is O(records in it + connections), never O(records held): rows live in an append-only
 * `Log` shared between snapshots, and only connections touched by the message are copied.
 */
import { NO_ATTEMPTS, type PageAttempts, stepAttempts } from "../network/match";
import type {
  PanelDown,
  SessionMarker,
  SessionStats,
  StreamEndKind,
  StreamTransport,
  TabNetworkAttempt,
  TabRecord,
} from "../protocol/index";
import { appendLog, emptyLog, type Log, logSize, trimBefore } from "./log";
import { BIG_EVENT_BYTES, utf8Length } from "./stats";

/** `data-state` values: the EventSource's readyState story, with 0 split into first connect and reconnect. */
export type ConnState = "connecting" | "open" | "reconnecting" | "closed";
/** Why a connection is closed: the browser gave up ("failed": 204, non-200, wrong type) or the page called close(). */
/** "devtools": closed from the panel (force-close), as "close" or as a failed connection ("fail"). */
export type CloseReason = "failed" | "page" | "devtools-close" | "devtools-fail" | "ended" | "capped";

/** What a fetch()/XHR event stream's records say (issue 6); absent for EventSource connections. */
export interface StreamInfo {
  readonly transport: StreamTransport;
  readonly method: string;
  readonly requestUrl: string;
  readonly status: number;
  readonly statusText: string;
  readonly requestHeaders: readonly [string, string][];
  readonly responseHeaders: readonly [string, string][];
  /** mono times: fetch()/send() called, response headers, first body chunk. */
  readonly requestMono: number;
  readonly responseMono: number;
  readonly firstChunkMono: number | undefined;
  /** Body bytes observed. */
  readonly bytes: number;
  readonly end: { readonly how: StreamEndKind; readonly error?: string; readonly mono: number } | undefined;
  /** Seen only in DevTools' network record after it ended (a worker's request): events have no own times. */
  readonly networkOnly: boolean;
  /** `:` comment lines seen, and the last `retry:` the server sent (fetch clients may or may not honour it). */
  readonly comments: number;
  readonly retryMs: number | undefined;
  /** Events over BIG_EVENT_BYTES (UTF-8) and the largest event's size, for the diagnostics. */
  readonly bigEvents: number;
  readonly maxEventBytes: number;
}

export type ReadyState = 0 | 1 | 2;

export interface ConnectionSummary {
  readonly cid: string;
  /** 1-based, in order of first appearance in this panel: the "#" users refer to. */
  readonly n: number;
  readonly docId: string;
  readonly frameId: number;
  /** The URL as the browser resolved it; "" when the connectionCreated record was evicted (placeholder). */
  readonly url: string;
  /** undefined when unknown (placeholder). */
  readonly withCredentials: boolean | undefined;
  readonly frameUrl: string;
  /** Wall time of creation; undefined when unknown (placeholder). */
  readonly createdAt: number | undefined;
  /** mono time of creation, for the first open's "N ms after created". */
  readonly createdMono: number | undefined;
  /**
   * True when records of this connection arrived without its connectionCreated (the background evicted it,
   * or it was lost): url, withCredentials and createdAt are unknown.
   */
  readonly placeholder: boolean;
  readonly state: ConnState;
  readonly closeReason: CloseReason | undefined;
  /** readyState read on the latest record that carries one. */
  readonly readyState: ReadyState;
  /** eventReceived records shown (since the last "clear"). */
  readonly messages: number;
  readonly errors: number;
  /** Opens that followed a reconnecting state (shown since the last "clear"). */
  readonly reconnects: number;
  /** lastEventId of the latest trusted eventReceived ("" if none or never set by the server). */
  readonly lastEventId: string;
  /** Types of events received, in order of first sight. */
  readonly typesSeen: readonly string[];
  /** Types the page added listeners for beyond open/message/error (which the hook always captures). */
  readonly typesListened: readonly string[];
  /** mono time of the error that started the current reconnect; undefined unless reconnecting. */
  readonly reconnectingSince: number | undefined;
  /** ms from that error to the following open, for the latest reconnect: the observed gap (not "retry"). */
  readonly lastGapMs: number | undefined;
  /** wall time of the latest record. */
  readonly lastWall: number;
  /** Rows shown for this connection (since the last "clear"). */
  readonly rows: number;
  /** The page side of each connection attempt (src/network/match.ts), joined with the network record there. */
  readonly attempts: PageAttempts;
  /** Its document was replaced by a top-frame navigation ("Preserve log" kept its records). */
  readonly previousDocument: boolean;
  /** Force-closed with "Fail": the next untrusted error (readyState 2) is the one the hook dispatched. */
  readonly devtoolsErrorPending?: boolean;
  /** A fetch()/XHR stream rather than an EventSource. */
  readonly stream?: StreamInfo;
}

/** One table row: a page record, or a place in the timeline the background marked (a loss, a navigation). */
export type TableRow = Row | MarkerRow;

/**
 * A background marker as a row, at its place among the records: `recordsLost` (records that belong here were
 * lost, never silently) or `documentReplaced` (the page reloaded / navigated with "Preserve log" on).
 */
export interface MarkerRow {
  readonly marker: SessionMarker;
  readonly rec?: undefined;
}

/** A record plus what was known about its connection when it happened. */
export interface Row {
  readonly marker?: undefined;
  readonly rec: TabRecord;
  /** The connection's "#". */
  readonly n: number;
  /** connectionOpened after reconnecting: ms since the error that started it (observed gap). */
  readonly gapMs?: number;
  /** First connectionOpened: ms since connectionCreated. */
  readonly connectMs?: number;
  /** errorReceived that starts reconnecting: the Last-Event-ID the browser will send ("" = none). */
  readonly willSendLastEventId?: string;
  /**
   * Dispatched by a page script, not by the browser: isTrusted false, or an open whose readyState is not 1.
   * Shown, but it does not change the connection's state.
   */
  readonly synthetic?: boolean;
  /**
   * The `error` event the hook dispatched for DevTools' "Fail" (isTrusted false, readyState 2): not a page
   * script's, so not synthetic; the connection is already closed by its connectionForceClosed.
   */
  readonly devtools?: boolean;
}

export interface PanelState {
  /** The inspected tab; messages for another tab are ignored. */
  readonly tabId: number;
  /** Bumped by every change, so that views can tell snapshots apart cheaply. */
  readonly version: number;
  readonly rows: Log<TableRow>;
  /** Insertion order = order of first appearance = `n`. */
  readonly connections: ReadonlyMap<string, ConnectionSummary>;
  readonly stats: SessionStats;
  /** tabSeq of the latest record applied: appends at or below it are duplicates. */
  readonly lastTabSeq: number;
  /** Greatest mono seen (clearView hides rows up to it). */
  readonly lastMono: number;
  /**
   * Records with mono at or below this were cleared from view: they still shape each connection's state
   * (url, readyState, last event id) but add no rows and no counts. Kept across replays, so a re-subscribe
   * after a service-worker restart does not bring cleared rows back.
   */
  readonly clearedAfterMono: number;
  /** Why the current contents were last replaced; undefined before the first replay. */
  readonly replayReason: "subscribed" | "navigated" | undefined;
  /** How many "navigated" replays this panel has seen. */
  readonly navigations: number;
  /** The tab's network attempts (DevTools' record / webRequest), in arrival order; matched in the UI. */
  readonly network: readonly TabNetworkAttempt[];
  /** Network attempts the background evicted at its cap. */
  readonly networkDropped: number;
  /** Documents a preserved navigation replaced: their connections and rows are marked as previous. */
  readonly previousDocs: ReadonlySet<string>;
}

const NO_STATS: SessionStats = { held: 0, evicted: 0, cap: 0, lost: 0 };

export function createPanelState(tabId: number): PanelState {
  return {
    tabId,
    version: 0,
    rows: emptyLog(),
    connections: new Map(),
    stats: NO_STATS,
    lastTabSeq: -1,
    lastMono: Number.NEGATIVE_INFINITY,
    clearedAfterMono: Number.NEGATIVE_INFINITY,
    replayReason: undefined,
    navigations: 0,
    network: [],
    networkDropped: 0,
    previousDocs: new Set(),
  };
}

/** The next state after one message from the background. Pure: `state` is left as it was. */
export function applyMessage(state: PanelState, msg: PanelDown): PanelState {
  if (msg.tabId !== state.tabId) return state;
  // Lists copied during an earlier message belong to that snapshot now: never grow them in place.
  ownedLists = new WeakSet();
  if (msg.kind === "networkAttemptsAppended") {
    // The background sends the full list (replace) after every replay, then each new attempt. An attempt
    // with a netSeq already held replaces it in place: DevTools' record (with body) of an attempt webRequest
    // recorded first (src/network/store.ts, "One attempt, two records").
    const network: TabNetworkAttempt[] = msg.replace ? msg.attempts : [...state.network];
    if (!msg.replace) {
      const at = new Map(network.map((n, i) => [n.netSeq, i]));
      for (const n of msg.attempts) {
        const i = at.get(n.netSeq);
        if (i === undefined) at.set(n.netSeq, network.push(n) - 1);
        else network[i] = n;
      }
    }
    return {
      ...state,
      version: state.version + 1,
      network,
      networkDropped: msg.dropped,
    };
  }
  if (msg.kind === "sessionReplayed") {
    const fresh: PanelState = {
      ...createPanelState(state.tabId),
      version: state.version,
      clearedAfterMono: state.clearedAfterMono,
      replayReason: msg.reason,
      navigations: state.navigations + (msg.reason === "navigated" ? 1 : 0),
      // Kept until the background's `networkAttemptsAppended` (replace) that follows every replay.
      network: state.network,
      networkDropped: state.networkDropped,
    };
    return ingest(fresh, msg.records, msg.stats, msg.markers);
  }
  return ingest(state, msg.records, msg.stats, msg.markers);
}

/**
 * "Clear" in the toolbar: drop every row seen so far and restart the counts, like DevTools' Network clear.
 * Connections that are still alive stay listed (later events belong to them); closed ones go.
 */
export function clearView(state: PanelState): PanelState {
  const connections = new Map<string, ConnectionSummary>();
  for (const [cid, c] of state.connections) {
    if (c.state !== "closed") connections.set(cid, { ...c, messages: 0, errors: 0, reconnects: 0, rows: 0 });
  }
  return {
    ...state,
    version: state.version + 1,
    rows: emptyLog(),
    connections,
    clearedAfterMono: Math.max(state.clearedAfterMono, state.lastMono),
  };
}

type Draft = { -readonly [K in keyof ConnectionSummary]: ConnectionSummary[K] };

const stateOf = (rs: ReadyState): ConnState => (rs === 0 ? "connecting" : rs === 1 ? "open" : "closed");

/** A connection first seen through a record other than its connectionCreated. */
function placeholder(r: TabRecord, n: number): Draft {
  // The state *before* this record: close() reports what it found in previousReadyState.
  const before =
    r.kind === "closeCalled" || r.kind === "connectionForceClosed"
      ? r.previousReadyState
      : r.kind === "listenerAdded"
        ? 0
        : r.readyState;
  return {
    cid: r.cid,
    n,
    docId: r.docId,
    frameId: r.frameId,
    url: "",
    withCredentials: undefined,
    frameUrl: "",
    createdAt: undefined,
    createdMono: undefined,
    placeholder: true,
    state: stateOf(before),
    closeReason: undefined,
    readyState: before,
    messages: 0,
    errors: 0,
    reconnects: 0,
    lastEventId: "",
    typesSeen: [],
    typesListened: [],
    reconnectingSince: undefined,
    lastGapMs: undefined,
    lastWall: r.wall,
    rows: 0,
    attempts: NO_ATTEMPTS,
    previousDocument: false,
  };
}

function ingest(
  state: PanelState,
  records: readonly TabRecord[],
  stats: SessionStats,
  markers: readonly SessionMarker[] = [],
): PanelState {
  // Connections touched by this message, copied once and mutated while the batch is applied.
  const drafts = new Map<string, Draft>();
  // Only needed to number connections that first appear in this message.
  let nextN = state.connections.size + 1;
  const newRows: TableRow[] = [];
  let lastTabSeq = state.lastTabSeq;
  let lastMono = state.lastMono;
  let previousDocs = state.previousDocs;

  // Markers go in among the records at their place (stable: markers at one place keep their order).
  const pending = [...markers].sort((a, b) => a.beforeTabSeq - b.beforeTabSeq);
  let mi = 0;
  const placeMarkersBefore = (tabSeq: number) => {
    for (; mi < pending.length && (pending[mi] as SessionMarker).beforeTabSeq <= tabSeq; mi++) {
      const m = pending[mi] as SessionMarker;
      if (m.kind === "documentReplaced") {
        const next = new Set(previousDocs);
        for (const id of m.previousDocIds) next.add(id);
        previousDocs = next;
        // O(connections) once per navigation: every connection of a replaced document is marked.
        for (const [cid, c] of state.connections) {
          if (!c.previousDocument && next.has(c.docId) && !drafts.has(cid)) drafts.set(cid, { ...c });
        }
        for (const d of drafts.values()) if (next.has(d.docId)) d.previousDocument = true;
      }
      if (m.wall > state.clearedAfterMono) newRows.push({ marker: m });
    }
  };

  for (const r of records) {
    // Appends arrive in tabSeq order; anything at or below what we hold is a duplicate delivery.
    if (r.tabSeq <= lastTabSeq) continue;
    placeMarkersBefore(r.tabSeq);
    lastTabSeq = r.tabSeq;
    if (r.mono > lastMono) lastMono = r.mono;
    let c = drafts.get(r.cid);
    if (!c) {
      const old = state.connections.get(r.cid);
      if (old) {
        c = { ...old };
      } else {
        c = placeholder(r, nextN++);
        c.previousDocument = previousDocs.has(r.docId);
      }
      drafts.set(r.cid, c);
    }
    const shown = r.mono > state.clearedAfterMono;
    const row = step(c, r, shown);
    if (shown) {
      c.rows++;
      newRows.push(row);
    }
  }
  placeMarkersBefore(Number.POSITIVE_INFINITY);

  let connections = state.connections;
  if (drafts.size > 0) {
    const next = new Map(state.connections);
    // Existing keys keep their place; new ones follow in order of first appearance (= n).
    for (const [cid, d] of drafts) next.set(cid, d);
    connections = next;
  }
  let rows = appendLog(state.rows, newRows);
  // Keep no more than the background does (its cap): a panel left open on an endless stream must not grow
  // without bound. The background reports what it evicted in `stats`.
  if (stats.cap > 0 && logSize(rows) > stats.cap) rows = trimBefore(rows, rows.end - stats.cap);
  return {
    ...state,
    version: state.version + 1,
    rows,
    connections,
    stats,
    lastTabSeq,
    lastMono,
    previousDocs,
  };
}

/**
 * Type lists grow by one entry per new type. Copying a list (and scanning it) per record made a page with
 * 10 000 event types quadratic, so: a Set index per list answers "seen?", and a list is copied at most once
 * per message (the copy is then owned by this message and grown in place). Earlier snapshots keep their
 * own, unchanged arrays.
 */
const typeIndex = new WeakMap<readonly string[], Set<string>>();
let ownedLists = new WeakSet<readonly string[]>();
function addType(list: readonly string[], t: string): readonly string[] {
  let index = typeIndex.get(list);
  if (!index) {
    index = new Set(list);
    typeIndex.set(list, index);
  }
  if (index.has(t)) return list;
  if (ownedLists.has(list)) {
    (list as string[]).push(t);
    index.add(t);
    return list;
  }
  const copy = [...list, t];
  ownedLists.add(copy);
  typeIndex.set(copy, new Set(index).add(t));
  return copy;
}

/** How a stream's end closes its connection in the sidebar's words. */
const STREAM_CLOSE: Record<StreamEndKind, CloseReason> = {
  completed: "ended",
  aborted: "page",
  "network-error": "failed",
  devtools: "devtools-fail",
  "observer-cap": "capped",
};

/** Applies one record to its connection's draft and returns the row describing it. */
function step(c: Draft, r: TabRecord, counted: boolean): Row {
  c.lastWall = r.wall;
  // Before the switch: an attempt begun by an error starts from the lastEventId the page had until then.
  if (r.kind !== "eventReceived" || r.trusted) c.attempts = stepAttempts(c.attempts, r, c.lastEventId);
  if (r.kind !== "listenerAdded") c.readyState = r.readyState;
  switch (r.kind) {
    case "connectionCreated":
      c.url = r.url;
      c.withCredentials = r.withCredentials;
      c.frameUrl = r.frameUrl;
      c.createdAt = r.wall;
      c.placeholder = false;
      c.state = "connecting";
      c.closeReason = undefined;
      c.reconnectingSince = undefined;
      c.createdMono = r.mono;
      return { rec: r, n: c.n };

    case "connectionOpened": {
      // Only a real open finds readyState 1; anything else was dispatched by a page script.
      if (r.readyState !== 1 || c.state === "closed") return { rec: r, n: c.n, synthetic: true };
      let row: Row = { rec: r, n: c.n };
      if (c.state === "reconnecting") {
        const gapMs = c.reconnectingSince === undefined ? undefined : r.mono - c.reconnectingSince;
        if (counted) c.reconnects++;
        c.lastGapMs = gapMs;
        row = { rec: r, n: c.n, gapMs };
      } else if (c.state === "connecting" && c.createdMono !== undefined) {
        row = { rec: r, n: c.n, connectMs: r.mono - c.createdMono };
      }
      c.state = "open";
      c.reconnectingSince = undefined;
      return row;
    }

    case "errorReceived": {
      if (counted) c.errors++;
      if (c.devtoolsErrorPending && !r.trusted && r.readyState === 2) {
        c.devtoolsErrorPending = undefined;
        return { rec: r, n: c.n, devtools: true };
      }
      if (!r.trusted || c.state === "closed") return { rec: r, n: c.n, synthetic: !r.trusted };
      if (r.readyState === 0) {
        // Chrome fires one error per failed attempt while it keeps retrying; the gap runs from the first.
        if (c.state !== "reconnecting") c.reconnectingSince = r.mono;
        c.state = "reconnecting";
        return { rec: r, n: c.n, willSendLastEventId: c.lastEventId };
      }
      if (r.readyState === 2) {
        c.state = "closed";
        c.closeReason = "failed";
        c.reconnectingSince = undefined;
      }
      return { rec: r, n: c.n };
    }

    case "closeCalled":
      c.state = "closed";
      c.closeReason = "page";
      c.reconnectingSince = undefined;
      return { rec: r, n: c.n };

    case "eventReceived":
      if (counted) c.messages++;
      if (c.stream && r.data.length * 3 > BIG_EVENT_BYTES) {
        // Sized only when it could be over the line (a char is at most 3 UTF-8 bytes): events are usually small.
        const bytes = utf8Length(r.data);
        if (bytes > BIG_EVENT_BYTES)
          c.stream = {
            ...c.stream,
            bigEvents: c.stream.bigEvents + 1,
            maxEventBytes: Math.max(c.stream.maxEventBytes, bytes),
          };
      }
      c.typesSeen = addType(c.typesSeen, r.type);
      if (!r.trusted) return { rec: r, n: c.n, synthetic: true };
      // The browser sets MessageEvent.lastEventId from the stream's last event ID, which persists across
      // events: the latest one is what it holds now (and would send as Last-Event-ID).
      c.lastEventId = r.lastEventId;
      // Messages only arrive while OPEN: if the open record is missing (lost), the event still tells us.
      if (r.readyState === 1 && (c.state === "connecting" || c.state === "reconnecting")) {
        c.state = "open";
        c.reconnectingSince = undefined;
      }
      return { rec: r, n: c.n };

    case "listenerAdded":
      c.typesListened = addType(c.typesListened, r.type);
      return { rec: r, n: c.n };

    case "connectionForceClosed":
      c.state = "closed";
      c.closeReason = r.mode === "close" ? "devtools-close" : "devtools-fail";
      c.reconnectingSince = undefined;
      c.devtoolsErrorPending = r.mode === "fail" ? true : undefined;
      return { rec: r, n: c.n };
    case "streamOpened":
      c.url = r.url;
      c.frameUrl = r.frameUrl;
      c.createdAt = r.requestWall;
      c.createdMono = r.requestMono;
      c.withCredentials = undefined;
      c.placeholder = false;
      c.state = "open";
      c.closeReason = undefined;
      c.stream = {
        transport: r.transport,
        method: r.method,
        requestUrl: r.requestUrl,
        status: r.status,
        statusText: r.statusText,
        requestHeaders: r.requestHeaders,
        responseHeaders: r.responseHeaders,
        requestMono: r.requestMono,
        responseMono: r.mono,
        firstChunkMono: undefined,
        bytes: 0,
        end: undefined,
        networkOnly: r.source === "network",
        comments: 0,
        retryMs: undefined,
        bigEvents: 0,
        maxEventBytes: 0,
      };
      return { rec: r, n: c.n, connectMs: r.mono - r.requestMono };

    case "streamChunkReceived":
      // Its events follow as eventReceived records (parsed by the background, src/session/streams.ts).
      if (c.stream)
        c.stream = {
          ...c.stream,
          bytes: c.stream.bytes + r.bytes,
          firstChunkMono: c.stream.firstChunkMono ?? r.mono,
          comments: c.stream.comments + (r.comments ?? 0),
          retryMs: r.retryMs ?? c.stream.retryMs,
        };
      return { rec: r, n: c.n };

    case "streamEnded": {
      c.state = "closed";
      c.closeReason = STREAM_CLOSE[r.how];
      const end = { how: r.how, mono: r.mono, ...(r.error === undefined ? {} : { error: r.error }) };
      if (c.stream) c.stream = { ...c.stream, bytes: Math.max(c.stream.bytes, r.bytes), end };
      return { rec: r, n: c.n };
    }
  }
}
