/**
 * The one place where every message shape between the extension's contexts is written.
 *
 *   page EventSource → hook (MAIN world) ──page channel──▶ relay (isolated) ──port "sse-page"──▶ background
 *   background ──port "sse-panel"──▶ panel (DevTools)
 *
 * Names say the direction: facts travel "up" in the past tense (`recordsCaptured`, `sessionReplayed`),
 * commands travel "down" in the imperative (`resendRecords`, `subscribePanel`).
 *
 * Each receiving boundary runs the matching `is…` guard and ignores anything that fails it: the page world
 * is untrusted, and a guard also protects us from a stale context speaking an older protocol version.
 * Types are derived from the schemas so a shape is never written twice.
 */
import * as v from "valibot";

import { PROTOCOL_VERSION } from "./constants";
import { decodeRecords } from "./wire";

export * from "./constants";

// Upper bounds on what a boundary accepts. Anything larger is malformed, not truncated: a hostile page must
// not be able to make the background allocate without limit.
const MAX_BATCH = 10_000;
const MAX_ID = 200;

const ReadyState = v.picklist([0, 1, 2]);
const Count = v.pipe(v.number(), v.integer(), v.minValue(0));
const Time = v.pipe(v.number(), v.finite());
const Id = v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_ID));

/** Fields shared by every record the hook makes. */
const base = {
  /** Position in its document's record sequence (0, 1, 2, …, no gaps): the unit of resend. */
  seq: Count,
  /** Connection id, unique within the tab: `${docId}.${n}`. */
  cid: Id,
  /** `Date.now()` when the hook saw it. */
  wall: Time,
  /** `performance.timeOrigin + performance.now()`: monotonic and comparable across frames. */
  mono: Time,
};

const ConnectionCreated = v.object({
  kind: v.literal("connectionCreated"),
  ...base,
  /** The URL as the browser resolved it (the native `url` getter). */
  url: v.string(),
  withCredentials: v.boolean(),
  frameUrl: v.string(),
  readyState: ReadyState,
});
const ConnectionOpened = v.object({ kind: v.literal("connectionOpened"), ...base, readyState: ReadyState });
const EventReceived = v.object({
  kind: v.literal("eventReceived"),
  ...base,
  type: v.string(),
  data: v.string(),
  lastEventId: v.string(),
  origin: v.string(),
  readyState: ReadyState,
  /** False when a page script dispatched a synthetic event on the EventSource. */
  trusted: v.boolean(),
  /**
   * Events of a fetch()/XHR stream are parsed by the background from a `streamChunkReceived` (src/session/
   * streams.ts) and share its seq: `part` numbers them within that chunk (1, 2, …); absent for EventSource.
   */
  part: v.optional(Count),
});
const ErrorReceived = v.object({
  kind: v.literal("errorReceived"),
  ...base,
  /** 0 = the browser will reconnect; 2 = it gave up (spec: "fail the connection"). */
  readyState: ReadyState,
  trusted: v.boolean(),
});
const CloseCalled = v.object({
  kind: v.literal("closeCalled"),
  ...base,
  /** readyState just before the page's `close()` call; after it, it is always 2. */
  previousReadyState: ReadyState,
  readyState: ReadyState,
});
const ListenerAdded = v.object({ kind: v.literal("listenerAdded"), ...base, type: v.string() });
/** How DevTools closes a connection: as the page's `close()` would, or as a failed connection (spec §9.2.3). */
export const ForceCloseMode = v.picklist(["close", "fail"]);
export type ForceCloseMode = v.InferOutput<typeof ForceCloseMode>;
/**
 * The hook closed the connection because the panel asked (`closeConnection`). Recorded before anything the page
 * observes because of it: for "fail", the `error` event the hook dispatches follows as an `errorReceived`
 * (`trusted: false`, readyState 2).
 */
const ConnectionForceClosed = v.object({
  kind: v.literal("connectionForceClosed"),
  ...base,
  mode: ForceCloseMode,
  previousReadyState: ReadyState,
  readyState: ReadyState,
});

// ── fetch() / XMLHttpRequest streams (issue 6) ──
// A response the page read with fetch() or XHR whose Content-Type is text/event-stream. Nothing is recorded
// for any other response (the hook does not even clone it). The hook records the body as decoded text chunks;
// the model parses them with the same parser as DevTools' network record (src/network/parse.ts), so the page
// world never runs a library over page data.
export const StreamTransport = v.picklist(["fetch", "xhr"]);
export type StreamTransport = v.InferOutput<typeof StreamTransport>;
const MAX_STREAM_HEADERS = 100;
const HeaderList = v.pipe(v.array(v.tuple([v.string(), v.string()])), v.maxLength(MAX_STREAM_HEADERS));
/** The response headers arrived (wall/mono) and its Content-Type is text/event-stream. */
const StreamOpened = v.object({
  kind: v.literal("streamOpened"),
  ...base,
  transport: StreamTransport,
  method: v.string(),
  /** The request URL as the page gave it, resolved. */
  requestUrl: v.string(),
  /** The response URL (after redirects). */
  url: v.string(),
  /** Headers the page set (fetch init / Request headers / setRequestHeader), not the browser's own. */
  requestHeaders: HeaderList,
  /** When the page called fetch() / send(). */
  requestWall: Time,
  requestMono: Time,
  status: Count,
  statusText: v.string(),
  responseHeaders: HeaderList,
  frameUrl: v.string(),
  /** As an EventSource's would be: 1 (open) from here until `streamEnded` (2). */
  readyState: ReadyState,
  /**
   * "network": not seen by the hook but made by the background from DevTools' network record after the
   * request ended (a Web Worker's or service worker's fetch): events without their own times.
   */
  source: v.optional(v.literal("network")),
});
/** A piece of the body as the observer read it, decoded as UTF-8 in stream mode (split characters joined). */
const StreamChunkReceived = v.object({
  kind: v.literal("streamChunkReceived"),
  ...base,
  text: v.string(),
  /** Bytes of this chunk on the body (before decoding). */
  bytes: Count,
  readyState: ReadyState,
  /**
   * Added by the background's parser (src/session/streams.ts), absent from the hook: `:` comment lines that
   * ended in this chunk, and the last valid `retry:` value (ms) among them.
   */
  comments: v.optional(Count),
  retryMs: v.optional(Count),
});
/**
 * How the body ended for the page: read to the end, cancelled/aborted by the page, a network error, closed
 * from DevTools (`closeConnection`), or the observer stopped reading at its size cap (the page's stream goes on;
 * nothing after this is recorded).
 */
export const StreamEndKind = v.picklist([
  "completed",
  "aborted",
  "network-error",
  "devtools",
  "observer-cap",
]);
export type StreamEndKind = v.InferOutput<typeof StreamEndKind>;
const StreamEnded = v.object({
  kind: v.literal("streamEnded"),
  ...base,
  how: StreamEndKind,
  /** The error's name and message, when one ended it. */
  error: v.optional(v.string()),
  /** Body bytes observed in total. */
  bytes: Count,
  readyState: ReadyState,
});

export const PageRecordSchema = v.variant("kind", [
  ConnectionCreated,
  ConnectionOpened,
  EventReceived,
  ErrorReceived,
  CloseCalled,
  ListenerAdded,
  ConnectionForceClosed,
  StreamOpened,
  StreamChunkReceived,
  StreamEnded,
]);
export type PageRecord = v.InferOutput<typeof PageRecordSchema>;
export type RecordKind = PageRecord["kind"];
export type RecordOf<K extends RecordKind> = Extract<PageRecord, { kind: K }>;
/** A page record as distributed to panels: stamped by the background with a per-tab sequence number. */
export type TabRecord = PageRecord & { tabSeq: number; docId: string; frameId: number };

// ── hook ⇄ relay ⇄ background ────────────────────────────────────────────────────────────────────────────

const capturedEnvelope = {
  v: v.literal(PROTOCOL_VERSION),
  kind: v.literal("recordsCaptured"),
  docId: Id,
  frameUrl: v.string(),
  top: v.boolean(),
  fromSeq: Count,
  oldestSeq: Count,
};
/**
 * Up (hook → relay → background): a contiguous run of a document's records, the i-th numbered `fromSeq + i`,
 * in the compact form of ./wire.ts (`strings` + `rows`; the relay forwards it without decoding, the background
 * decodes it with `decodeHookUp` and checks every record). An empty run announces where the document stands
 * (used after the relay reconnects). `oldestSeq` is the oldest record still held in the page's buffer:
 * anything the background lacks below it is lost, and is counted as such.
 */
export const RecordsCapturedWireSchema = v.object({
  ...capturedEnvelope,
  strings: v.pipe(v.array(v.string()), v.maxLength(3 * MAX_BATCH)),
  rows: v.pipe(v.array(v.unknown()), v.maxLength(MAX_BATCH)),
});
/** The same run decoded: `records[i].seq === fromSeq + i`. What the background's session store ingests. */
export const RecordsCapturedSchema = v.object({
  ...capturedEnvelope,
  records: v.pipe(v.array(PageRecordSchema), v.maxLength(MAX_BATCH)),
});
export type RecordsCaptured = v.InferOutput<typeof RecordsCapturedSchema>;

/** Down: the background asks a document to send its buffer again from `fromSeq` (it lost or never had it). */
export const ResendRecordsSchema = v.object({
  v: v.literal(PROTOCOL_VERSION),
  kind: v.literal("resendRecords"),
  docId: Id,
  fromSeq: Count,
});
export type ResendRecords = v.InferOutput<typeof ResendRecordsSchema>;

/**
 * Down (background → every frame's relay via `tabs.sendMessage` when a panel subscribes, and relay → hook
 * after its port reconnects): say where you stand, because the background may have restarted and lost what
 * it held. The hook answers with a (possibly empty) `recordsCaptured`, and the background asks for the rest.
 */
export const AnnounceRecordsSchema = v.object({
  v: v.literal(PROTOCOL_VERSION),
  kind: v.literal("announceRecords"),
});
/** Down (relay → hook only): settings read from extension storage. */
export const ConfigureHookSchema = v.object({
  v: v.literal(PROTOCOL_VERSION),
  kind: v.literal("configureHook"),
  pageBufferCap: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1_000_000)),
});
export type ConfigureHook = v.InferOutput<typeof ConfigureHookSchema>;

export const HookUpSchema = RecordsCapturedWireSchema;
export type HookUp = v.InferOutput<typeof RecordsCapturedWireSchema>;
/**
 * Down (background → the frame's relay via `tabs.sendMessage`, relay → hook): close connection `cid` of this
 * document. The hook ignores an unknown cid or one already closed; its `connectionForceClosed` record is the
 * acknowledgement.
 */
export const CloseConnectionSchema = v.object({
  v: v.literal(PROTOCOL_VERSION),
  kind: v.literal("closeConnection"),
  cid: Id,
  mode: ForceCloseMode,
});
export type CloseConnection = v.InferOutput<typeof CloseConnectionSchema>;

export const HookDownSchema = v.variant("kind", [
  ResendRecordsSchema,
  AnnounceRecordsSchema,
  ConfigureHookSchema,
  CloseConnectionSchema,
]);
export type HookDown = v.InferOutput<typeof HookDownSchema>;

// ── network record (devtools page ⇄ background ⇄ panel) ──────────────────────────────────────────────────

/**
 * One EventSource connection attempt as the network saw it: from `chrome.devtools.network.onRequestFinished`
 * in the devtools page (status, headers, the Last-Event-ID sent, and the raw body parsed by
 * src/network/parse.ts), or from `webRequest` in the background while DevTools was closed (no body).
 */
const NetItem = v.variant("kind", [
  v.object({
    kind: v.literal("event"),
    type: v.string(),
    data: v.string(),
    lastEventId: v.string(),
    blockId: v.optional(v.string()),
  }),
  v.object({ kind: v.literal("retry"), ms: Count }),
  v.object({ kind: v.literal("retryIgnored"), value: v.string() }),
  v.object({ kind: v.literal("comment"), text: v.string() }),
  v.object({ kind: v.literal("idOnly"), id: v.string() }),
]);
export type NetItem = v.InferOutput<typeof NetItem>;
const MAX_NET_ITEMS = 5_000;
const MAX_HEADERS = 64;

export const NetworkAttemptSchema = v.object({
  /** "devtools": DevTools' network record, body included; "webRequest": status and headers only. */
  source: v.picklist(["devtools", "webRequest"]),
  url: v.string(),
  /** Frame of the request when known (webRequest gives it; DevTools' HAR entries do not). */
  frameId: v.optional(v.pipe(v.number(), v.integer())),
  /** Wall time the request started (HAR startedDateTime / webRequest timeStamp). */
  startedWall: Time,
  /** ms from request start until the attempt ended. */
  durationMs: v.optional(Time),
  /** HTTP status; 0 when no response arrived (network error). */
  status: Count,
  statusText: v.string(),
  /** The response's Content-Type ("" when none). */
  contentType: v.string(),
  responseHeaders: v.pipe(
    v.array(v.object({ name: v.string(), value: v.string() })),
    v.maxLength(MAX_HEADERS),
  ),
  /** HTTP version of the response as DevTools' HAR gives it ("http/1.1", "h2", "h3"); undefined when unknown. */
  httpVersion: v.optional(v.pipe(v.string(), v.maxLength(32))),
  /** The Last-Event-ID request header the browser sent; undefined when it sent none or it is not known. */
  lastEventIdSent: v.optional(v.string()),
  /** Whether request headers were seen at all (so that an absent Last-Event-ID means "none sent"). */
  requestHeadersKnown: v.boolean(),
  /** Size of the response body in characters as DevTools gave it (-1 unknown) and bytes on the wire. */
  bodyChars: v.pipe(v.number(), v.integer(), v.minValue(-1)),
  transferBytes: v.pipe(v.number(), v.integer(), v.minValue(-1)),
  /** Body characters beyond the parse cap: not parsed, not kept. */
  bodyCharsDropped: Count,
  /** The body parsed, in stream order (events, retry, comments, id-only blocks); capped, the rest counted. */
  items: v.pipe(v.array(NetItem), v.maxLength(MAX_NET_ITEMS)),
  itemsDropped: Count,
  /** Events dispatched by the stream (kept or not). */
  events: Count,
  /** Events whose block had an `id:` line before its first `data:` line (src/diagnostics); absent = none. */
  idBeforeData: v.optional(Count),
  /** lastEventId at the end of the attempt (what the next attempt sends). */
  endLastEventId: v.string(),
  /** Text of a block the stream ended inside of (discarded by the browser). */
  unterminated: v.optional(v.string()),
  /** The network error, when the attempt failed without a response (e.g. "net::ERR_CONNECTION_REFUSED"). */
  error: v.optional(v.string()),
  /** Where a redirect response sent the request (webRequest records each hop as its own attempt). */
  redirectUrl: v.optional(v.string()),
  /** False when the body could not be read (webRequest, or getContent failed). */
  bodyKnown: v.boolean(),
  /**
   * DevTools' resource type when it is not an EventSource's: "fetch" / "xhr" for a text/event-stream response
   * read another way (a worker's fetch, a frame without the hook). Such an attempt is not an EventSource
   * attempt: the background shows it as a stream seen by the network only (src/session/networkStreams.ts).
   */
  resourceType: v.optional(v.pipe(v.string(), v.maxLength(32))),
  /** The request method, for those. */
  method: v.optional(v.pipe(v.string(), v.maxLength(32))),
});
export type NetworkAttempt = v.InferOutput<typeof NetworkAttemptSchema>;
/** A network attempt as held by the background for a tab: numbered in arrival order. */
export type TabNetworkAttempt = NetworkAttempt & { netSeq: number };

/** Up (devtools page → background, port "sse-devtools"): one finished EventSource attempt of the tab. */
export const NetworkAttemptRecordedSchema = v.object({
  v: v.literal(PROTOCOL_VERSION),
  kind: v.literal("networkAttemptRecorded"),
  tabId: Count,
  attempt: NetworkAttemptSchema,
});
export type NetworkAttemptRecorded = v.InferOutput<typeof NetworkAttemptRecordedSchema>;

/**
 * Down (background → panel): network attempts of the tab. `replace`: these are all the background holds
 * (sent after every `sessionReplayed`); otherwise they are new. `dropped`: attempts evicted at the cap.
 */
export const NetworkAttemptsAppendedSchema = v.object({
  v: v.literal(PROTOCOL_VERSION),
  kind: v.literal("networkAttemptsAppended"),
  tabId: Count,
  replace: v.boolean(),
  attempts: v.array(v.intersect([NetworkAttemptSchema, v.object({ netSeq: Count })])),
  dropped: Count,
});
export type NetworkAttemptsAppended = v.InferOutput<typeof NetworkAttemptsAppendedSchema>;

export const isNetworkAttempt = (x: unknown): x is NetworkAttempt => v.is(NetworkAttemptSchema, x);
export const isNetworkAttemptRecorded = (x: unknown): x is NetworkAttemptRecorded =>
  v.is(NetworkAttemptRecordedSchema, x);

// ── background ⇄ panel ───────────────────────────────────────────────────────────────────────────────────

/** What the background could not keep for a tab; shown in the panel, never silently swallowed. */
export const SessionStatsSchema = v.object({
  /** Records held now. */
  held: Count,
  /** Records evicted (oldest first) because the tab's session reached its cap. */
  evicted: Count,
  /** The session cap in records. */
  cap: Count,
  /** Records the page produced that never reached the background (trimmed from the page buffer first). */
  lost: Count,
});
export type SessionStats = v.InferOutput<typeof SessionStatsSchema>;

export const TabRecordSchema = v.intersect([
  PageRecordSchema,
  v.object({ tabSeq: Count, docId: Id, frameId: v.pipe(v.number(), v.integer()) }),
]);

export const SubscribePanelSchema = v.object({
  v: v.literal(PROTOCOL_VERSION),
  kind: v.literal("subscribePanel"),
  tabId: v.pipe(v.number(), v.integer(), v.minValue(0)),
});
export type SubscribePanel = v.InferOutput<typeof SubscribePanelSchema>;
/**
 * Up (panel → background): keep the records of documents the tab's top frame navigated away from (DevTools'
 * "Preserve log"). The panel remembers the choice in `storage.local` and sends it after each subscribe.
 */
export const SetPreserveLogSchema = v.object({
  v: v.literal(PROTOCOL_VERSION),
  kind: v.literal("setPreserveLog"),
  tabId: v.pipe(v.number(), v.integer(), v.minValue(0)),
  on: v.boolean(),
});
export type SetPreserveLog = v.InferOutput<typeof SetPreserveLogSchema>;
/**
 * Up (panel → background): force-close connection `cid` of tab `tabId`. The background acts only when
 * `tabId` is the tab this panel port subscribed to and `cid` belongs to a document it holds for that tab
 * (so a panel can never reach another tab), and forwards a `closeConnection` to that document's frame.
 */
export const CloseConnectionInTabSchema = v.object({
  v: v.literal(PROTOCOL_VERSION),
  kind: v.literal("closeConnectionInTab"),
  tabId: v.pipe(v.number(), v.integer(), v.minValue(0)),
  cid: Id,
  mode: ForceCloseMode,
});
export type CloseConnectionInTab = v.InferOutput<typeof CloseConnectionInTabSchema>;
export const PanelUpSchema = v.variant("kind", [
  SubscribePanelSchema,
  SetPreserveLogSchema,
  CloseConnectionInTabSchema,
]);
export type PanelUp = v.InferOutput<typeof PanelUpSchema>;

/**
 * A place in a tab's timeline that is not a page record, made by the background. `beforeTabSeq`: it sits
 * after every record with a smaller tabSeq and before the rest (the tabSeq the next record had or will have).
 *
 * - `recordsLost`: `count` records of document `docId` belong here but never reached the background: the
 *   page's buffer could no longer re-send them (after a service-worker restart, or a port closed while the
 *   page was in the back/forward cache). Records evicted at the tab's cap are not markers: they are always the
 *   oldest, so the panel shows them at the head of the table from `SessionStats.evicted`.
 * - `documentReplaced`: the top frame navigated to `url` with "Preserve log" on; `previousDocIds` are the
 *   documents that began before it, whose records are kept and shown as from a previous document.
 */
export const SessionMarkerSchema = v.variant("kind", [
  v.object({
    kind: v.literal("recordsLost"),
    beforeTabSeq: Count,
    wall: Time,
    count: Count,
    docId: Id,
  }),
  v.object({
    kind: v.literal("documentReplaced"),
    beforeTabSeq: Count,
    wall: Time,
    url: v.string(),
    previousDocIds: v.pipe(v.array(Id), v.maxLength(MAX_BATCH)),
  }),
]);
export type SessionMarker = v.InferOutput<typeof SessionMarkerSchema>;
const Markers = v.optional(v.pipe(v.array(SessionMarkerSchema), v.maxLength(MAX_BATCH)));

/**
 * Down: everything the background holds for the tab; the panel replaces its state with it. Sent when a panel
 * subscribes (or re-subscribes after a service-worker restart) and when the top frame navigated, which
 * discards the previous documents' records (DevTools' default, "Preserve log" off).
 */
export const SessionReplayedSchema = v.object({
  v: v.literal(PROTOCOL_VERSION),
  kind: v.literal("sessionReplayed"),
  reason: v.picklist(["subscribed", "navigated"]),
  tabId: Count,
  records: v.array(TabRecordSchema),
  stats: SessionStatsSchema,
  /** Every marker held for the tab (absent = none). */
  markers: Markers,
  /**
   * Messages the replay takes, this one included (absent = 1): the rest follow at once as `recordsAppended`
   * (src/session/replay.ts), so that the panel can tell the replay's end from live appends.
   */
  parts: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
});
/** Down: records new since the last message, in tabSeq order, and markers new since then (absent = none). */
export const RecordsAppendedSchema = v.object({
  v: v.literal(PROTOCOL_VERSION),
  kind: v.literal("recordsAppended"),
  tabId: Count,
  records: v.array(TabRecordSchema),
  stats: SessionStatsSchema,
  markers: Markers,
});
export const PanelDownSchema = v.variant("kind", [
  SessionReplayedSchema,
  RecordsAppendedSchema,
  NetworkAttemptsAppendedSchema,
]);
export type PanelDown = v.InferOutput<typeof PanelDownSchema>;
export type SessionReplayed = v.InferOutput<typeof SessionReplayedSchema>;
export type RecordsAppended = v.InferOutput<typeof RecordsAppendedSchema>;

// ── guards ───────────────────────────────────────────────────────────────────────────────────────────────

const guard =
  <S extends v.GenericSchema>(schema: S) =>
  (x: unknown): x is v.InferOutput<S> =>
    v.is(schema, x);

export const isPageRecord = guard(PageRecordSchema);
/** The envelope only (cheap: the relay runs it on the page's thread); rows are checked by `decodeHookUp`. */
export const isHookUp = guard(HookUpSchema);
const isRecordsCaptured = guard(RecordsCapturedSchema);
/** A `recordsCaptured` from the page decoded and checked record by record; undefined when anything is malformed. */
export function decodeHookUp(m: HookUp): RecordsCaptured | undefined {
  const records = decodeRecords(m.strings, m.rows, m.fromSeq);
  if (!records) return undefined;
  const { strings: _s, rows: _r, ...envelope } = m;
  const decoded = { ...envelope, records };
  return isRecordsCaptured(decoded) ? decoded : undefined;
}
export const isHookDown = guard(HookDownSchema);
export const isPanelUp = guard(PanelUpSchema);
export const isSetPreserveLog = guard(SetPreserveLogSchema);
export const isPanelDown = guard(PanelDownSchema);
export const isResendRecords = guard(ResendRecordsSchema);
export const isAnnounceRecords = guard(AnnounceRecordsSchema);
export const isCloseConnection = guard(CloseConnectionSchema);
export const isCloseConnectionInTab = guard(CloseConnectionInTabSchema);
