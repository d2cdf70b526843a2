/**
 * Import of an export back into a panel, to inspect it offline: our JSON (docs/export-format.md) or a HAR
 * (ours, or Chrome's "Save all as HAR with content"). Files are untrusted: every field is checked with
 * valibot, arrays are capped, and anything else is rejected with an `ImportError` that says what is wrong.
 *
 * The result is what the reducer already loads: a `sessionReplayed` (records, stats, markers) and a
 * `networkAttemptsAppended` (replace), plus `imported: true` so the panel can mark it as not live.
 */
import * as v from "valibot";
import { t } from "../i18n";
import { attemptFromHar, type HarEntry, isEventSourceEntry } from "../network/har";
import {
  NetworkAttemptSchema,
  type NetworkAttemptsAppended,
  PROTOCOL_VERSION,
  SessionMarkerSchema,
  type SessionReplayed,
  type SessionStats,
  SessionStatsSchema,
  type TabNetworkAttempt,
  type TabRecord,
  TabRecordSchema,
} from "../protocol/index";
import { EXPORT_FORMAT, EXPORT_VERSION } from "./exporters";

/** The background's per-tab cap: an import holds no more than a live session could. */
export const MAX_IMPORT_RECORDS = 200_000;
const MAX_CONNECTIONS = 10_000;
const MAX_ATTEMPTS = 10_000;
const MAX_HAR_ENTRIES = 100_000;
const MAX_MESSAGES = 200_000;

export class ImportError extends Error {
  override name = "ImportError";
}

export interface ImportedSession {
  readonly imported: true;
  readonly from: "json" | "har";
  /** When the file was written (JSON's exportedAt; null for HAR). */
  readonly exportedAt: string | null;
  readonly pageUrl: string | null;
  readonly replay: SessionReplayed;
  readonly network: NetworkAttemptsAppended;
}

const Count = v.pipe(v.number(), v.integer(), v.minValue(0));
const TabAttempt = v.intersect([NetworkAttemptSchema, v.object({ netSeq: Count })]);
const capped = <S extends v.GenericSchema>(item: S, max: number) => v.pipe(v.array(item), v.maxLength(max));

/** Version 1 of docs/export.schema.json, as valibot. Unknown extra fields are dropped (forward-compatible). */
const ExportV1 = v.object({
  format: v.literal(EXPORT_FORMAT),
  version: v.literal(EXPORT_VERSION),
  exportedAt: v.string(),
  scope: v.picklist(["all", "connection", "filtered"]),
  source: v.object({ tabId: Count, pageUrl: v.nullable(v.string()), filter: v.nullable(v.string()) }),
  stats: v.nullable(SessionStatsSchema),
  connections: capped(
    v.object({
      cid: v.string(),
      records: capped(TabRecordSchema, MAX_IMPORT_RECORDS),
      attempts: capped(TabAttempt, MAX_ATTEMPTS),
    }),
    MAX_CONNECTIONS,
  ),
  unmatchedAttempts: capped(TabAttempt, MAX_ATTEMPTS),
  markers: capped(SessionMarkerSchema, MAX_IMPORT_RECORDS),
});

function parseText(input: unknown): unknown {
  if (typeof input !== "string") return input;
  try {
    return JSON.parse(input);
  } catch (e) {
    throw new ImportError(t("importNotJson", (e as Error).message));
  }
}

/** `why`: the message, given valibot's summary of the issues (in English: the library writes it). */
function check<S extends v.GenericSchema>(
  schema: S,
  x: unknown,
  why: (issues: string) => string,
): v.InferOutput<S> {
  const r = v.safeParse(schema, x);
  if (!r.success) throw new ImportError(why(v.summarize(r.issues)));
  return r.output;
}

function session(
  tabId: number,
  records: TabRecord[],
  network: TabNetworkAttempt[],
  stats: SessionStats,
  markers: SessionReplayed["markers"],
): Pick<ImportedSession, "replay" | "network"> {
  if (records.length > MAX_IMPORT_RECORDS)
    throw new ImportError(t("importTooMany", records.length, MAX_IMPORT_RECORDS));
  return {
    replay: {
      v: PROTOCOL_VERSION,
      kind: "sessionReplayed",
      reason: "subscribed",
      tabId,
      records,
      stats,
      ...(markers && markers.length > 0 ? { markers } : {}),
    },
    network: {
      v: PROTOCOL_VERSION,
      kind: "networkAttemptsAppended",
      tabId,
      replace: true,
      attempts: network,
      dropped: 0,
    },
  };
}

/** Our JSON export (text or parsed) → a session the panel of tab `tabId` loads. */
export function fromJson(input: unknown, tabId: number): ImportedSession {
  const x = parseText(input);
  // Say "wrong file" or "newer version" before listing field errors, which would only confuse.
  if (typeof x !== "object" || x === null || (x as { format?: unknown }).format !== EXPORT_FORMAT)
    throw new ImportError(t("importNotOurs", EXPORT_FORMAT));
  const version = (x as { version?: unknown }).version;
  if (version !== EXPORT_VERSION) throw new ImportError(t("importVersion", String(version), EXPORT_VERSION));
  const doc = check(ExportV1, x, (issues) => t("importInvalidExport", EXPORT_VERSION, issues));
  const records: TabRecord[] = [];
  for (const c of doc.connections) {
    for (const r of c.records) {
      if (r.cid !== c.cid) throw new ImportError(t("importCidMismatch", r.tabSeq, r.cid, c.cid));
      records.push(r as TabRecord);
    }
  }
  records.sort((a, b) => a.tabSeq - b.tabSeq);
  const network = [...doc.connections.flatMap((c) => c.attempts), ...doc.unmatchedAttempts].sort(
    (a, b) => a.netSeq - b.netSeq,
  ) as TabNetworkAttempt[];
  const stats = doc.stats ?? { held: records.length, evicted: 0, cap: 0, lost: 0 };
  return {
    imported: true,
    from: "json",
    exportedAt: doc.exportedAt,
    pageUrl: doc.source.pageUrl,
    ...session(tabId, records, network, stats, doc.markers),
  };
}

// ── HAR ─────────────────────────────────────────────────────────────────────────────────────────────────

const Header = v.object({ name: v.string(), value: v.string() });
const HarMessage = v.object({
  time: v.number(),
  eventName: v.string(),
  eventId: v.string(),
  data: v.string(),
});
const HarEntrySchema = v.looseObject({
  startedDateTime: v.pipe(
    v.string(),
    v.check((s) => Number.isFinite(Date.parse(s)), "startedDateTime is not a date"),
  ),
  time: v.optional(v.number()),
  request: v.looseObject({ url: v.string(), headers: capped(Header, 1_000) }),
  response: v.looseObject({
    status: Count,
    statusText: v.optional(v.string()),
    headers: capped(Header, 1_000),
    content: v.optional(v.looseObject({ text: v.optional(v.string()), encoding: v.optional(v.string()) })),
    _transferSize: v.optional(v.number()),
    _error: v.optional(v.nullable(v.string())),
  }),
  _resourceType: v.optional(v.string()),
  _eventSourceMessages: v.optional(capped(HarMessage, MAX_MESSAGES)),
});
const Har = v.object({
  log: v.looseObject({ version: v.string(), entries: capped(v.unknown(), MAX_HAR_ENTRIES) }),
});

function bodyOf(e: v.InferOutput<typeof HarEntrySchema>): string | undefined {
  const c = e.response.content;
  if (c?.text === undefined) return undefined;
  if (c.encoding !== "base64") return c.text;
  try {
    return new TextDecoder().decode(Uint8Array.from(atob(c.text), (ch) => ch.charCodeAt(0)));
  } catch {
    throw new ImportError(t("importNotBase64", e.request.url));
  }
}

const originOf = (url: string) => {
  try {
    return new URL(url).origin;
  } catch {
    return "";
  }
};

/**
 * A HAR → a session: each EventSource entry (`_resourceType: "eventsource"`, else `Accept: text/event-stream`)
 * becomes one connection `har.N` of document "har" with its network attempt. A HAR holds no page record, so
 * the page side is rebuilt from what the request shows: created at its start, opened when the response was a
 * 200 `text/event-stream`, one event per `_eventSourceMessages` entry (else per event of the body), and an
 * error with readyState 2 when the browser would have failed the connection. Other entries are ignored.
 */
export function fromHar(input: unknown, tabId: number): ImportedSession {
  const har = check(Har, parseText(input), (issues) => t("importInvalidHar", issues));
  const picked: v.InferOutput<typeof HarEntrySchema>[] = [];
  har.log.entries.forEach((raw, i) => {
    const looks =
      typeof raw === "object" &&
      raw !== null &&
      ("_eventSourceMessages" in raw || isEventSourceEntry(raw as HarEntry));
    if (looks) picked.push(check(HarEntrySchema, raw, (issues) => t("importInvalidHarEntry", i, issues)));
  });
  if (picked.length === 0) throw new ImportError(t("importNoEventSource"));
  picked.sort((a, b) => Date.parse(a.startedDateTime) - Date.parse(b.startedDateTime));

  const records: TabRecord[] = [];
  const network: TabNetworkAttempt[] = [];
  picked.forEach((e, i) => {
    const net = { ...attemptFromHar(e as HarEntry, bodyOf(e)), netSeq: i };
    network.push(net);
    const cid = `har.${i + 1}`;
    let seq = 0;
    const base = (wall: number) => ({
      seq: seq++,
      cid,
      wall,
      mono: wall,
      tabSeq: records.length,
      docId: "har",
      frameId: 0,
    });
    const start = net.startedWall;
    records.push({
      kind: "connectionCreated",
      ...base(start),
      url: net.url,
      withCredentials: false,
      frameUrl: "",
      readyState: 0,
    });
    const ok = net.status === 200 && /^text\/event-stream\b/i.test(net.contentType);
    if (ok) records.push({ kind: "connectionOpened", ...base(start), readyState: 1 });
    const messages =
      e._eventSourceMessages?.map((m) => ({
        wall: m.time * 1000,
        type: m.eventName,
        data: m.data,
        lastEventId: m.eventId,
      })) ??
      net.items.flatMap((it) =>
        it.kind === "event"
          ? [{ wall: start, type: it.type, data: it.data, lastEventId: it.lastEventId }]
          : [],
      );
    const origin = originOf(net.url);
    for (const m of messages) {
      records.push({
        kind: "eventReceived",
        ...base(m.wall),
        type: m.type,
        data: m.data,
        lastEventId: m.lastEventId,
        origin,
        readyState: 1,
        trusted: true,
      });
    }
    if (!ok)
      records.push({
        kind: "errorReceived",
        ...base(start + (net.durationMs ?? 0)),
        readyState: 2,
        trusted: true,
      });
  });
  return {
    imported: true,
    from: "har",
    exportedAt: null,
    pageUrl: null,
    ...session(tabId, records, network, { held: records.length, evicted: 0, cap: 0, lost: 0 }, []),
  };
}
