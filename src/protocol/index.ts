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

export const PageRecordSchema = v.variant("kind", [
  ConnectionCreated,
  ConnectionOpened,
  EventReceived,
  ErrorReceived,
  CloseCalled,
  ListenerAdded,
]);
export type PageRecord = v.InferOutput<typeof PageRecordSchema>;
export type RecordKind = PageRecord["kind"];
export type RecordOf<K extends RecordKind> = Extract<PageRecord, { kind: K }>;
/** A page record as distributed to panels: stamped by the background with a per-tab sequence number. */
export type TabRecord = PageRecord & { tabSeq: number; docId: string; frameId: number };

// ── hook ⇄ relay ⇄ background ────────────────────────────────────────────────────────────────────────────

/**
 * Up: a contiguous run of a document's records, `records[i].seq === fromSeq + i`. An empty run announces
 * where the document stands (used after the relay reconnects). `oldestSeq` is the oldest record still held
 * in the page's buffer: anything the background lacks below it is lost, and is counted as such.
 */
export const RecordsCapturedSchema = v.object({
  v: v.literal(PROTOCOL_VERSION),
  kind: v.literal("recordsCaptured"),
  docId: Id,
  frameUrl: v.string(),
  top: v.boolean(),
  fromSeq: Count,
  oldestSeq: Count,
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

export const HookUpSchema = RecordsCapturedSchema;
export type HookUp = RecordsCaptured;
export const HookDownSchema = v.variant("kind", [
  ResendRecordsSchema,
  AnnounceRecordsSchema,
  ConfigureHookSchema,
]);
export type HookDown = v.InferOutput<typeof HookDownSchema>;

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
export const PanelUpSchema = SubscribePanelSchema;
export type PanelUp = SubscribePanel;

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
});
/** Down: records new since the last message, in tabSeq order. */
export const RecordsAppendedSchema = v.object({
  v: v.literal(PROTOCOL_VERSION),
  kind: v.literal("recordsAppended"),
  tabId: Count,
  records: v.array(TabRecordSchema),
  stats: SessionStatsSchema,
});
export const PanelDownSchema = v.variant("kind", [SessionReplayedSchema, RecordsAppendedSchema]);
export type PanelDown = v.InferOutput<typeof PanelDownSchema>;
export type SessionReplayed = v.InferOutput<typeof SessionReplayedSchema>;
export type RecordsAppended = v.InferOutput<typeof RecordsAppendedSchema>;

// ── guards ───────────────────────────────────────────────────────────────────────────────────────────────

const guard =
  <S extends v.GenericSchema>(schema: S) =>
  (x: unknown): x is v.InferOutput<S> =>
    v.is(schema, x);

export const isPageRecord = guard(PageRecordSchema);
export const isHookUp = guard(HookUpSchema);
export const isHookDown = guard(HookDownSchema);
export const isPanelUp = guard(PanelUpSchema);
export const isPanelDown = guard(PanelDownSchema);
export const isResendRecords = guard(ResendRecordsSchema);
export const isAnnounceRecords = guard(AnnounceRecordsSchema);
