/**
 * The background's per-tab sessions: what each inspected tab's pages reported, bounded, in arrival order.
 * Plain TypeScript with no extension APIs, so it is unit-tested directly.
 *
 * Delivery from a page document is at-least-once and in order: each document numbers its records
 * 0, 1, 2, … (`seq`), and the store keeps, per document, the next seq it expects. Duplicates (a resend after
 * a reconnection) are skipped; a run that starts beyond what we expect means we missed records, and we ask
 * for them again (`resendFrom`). Records the page no longer holds (`oldestSeq` moved past what we expect) are
 * counted as lost. Records evicted here because the tab reached its cap are counted as evicted.
 */
import type {
  NetworkAttempt,
  PageRecord,
  RecordOf,
  RecordsCaptured,
  SessionMarker,
  SessionStats,
  TabRecord,
} from "../protocol/index";
import { NETWORK_DOC, recordsFromNetwork, sameStream } from "./networkStreams";
import { StreamParsers } from "./streams";

export interface StoreLimits {
  /** Records kept per tab; the oldest go first. */
  sessionCap: number;
  /** Tabs kept; the least recently active session goes first. */
  maxTabs: number;
}

export const DEFAULT_STORE_LIMITS: StoreLimits = { sessionCap: 200_000, maxTabs: 64 };

/** Markers kept per tab (lost runs, preserved navigations); the oldest go first (lost counts stay in stats). */
export const MAX_MARKERS = 1_000;

/** Streams the hook saw open, remembered per tab to tell a network record of them apart. */
const MAX_OPENED = 1_000;

/** Ask again for a missing run only after this long: the first request may have been lost with its port. */
const RESEND_RETRY_MS = 1_000;

interface DocState {
  frameId: number;
  /** seq of the next record we expect from this document. */
  expected: number;
  /** wall time of the document's first record, to tell documents before and after a navigation apart. */
  firstWall: number;
  /** When we last asked for a resend, and from which seq. */
  askedFrom: number;
  askedAt: number;
}

interface Session {
  records: TabRecord[];
  /** fetch()/XHR streams of the tab being parsed into events (./streams.ts). */
  streams: StreamParsers;
  /** The latest streams the hook saw open (bounded), to tell them from the network record's (./networkStreams.ts). */
  opened: RecordOf<"streamOpened">[];
  /** Streams made from the network record so far (their document ids). */
  networkStreams: number;
  start: number;
  nextTabSeq: number;
  evicted: number;
  lost: number;
  docs: Map<string, DocState>;
  /** DevTools' "Preserve log": keep the records of documents the top frame navigated away from. */
  preserveLog: boolean;
  /** Where records were lost and where the top frame navigated (preserved), in tabSeq order. */
  markers: SessionMarker[];
  /** Documents replaced by a preserved navigation: their records stay until a navigation without it. */
  previousDocs: Set<string>;
}

export interface IngestResult {
  /** Records accepted now, stamped, in order. */
  appended: TabRecord[];
  /** Ask the document to send again from this seq. */
  resendFrom?: number;
  /** Markers made now (records lost before the appended ones). */
  markers: SessionMarker[];
}

/** What a top-frame navigation did to the tab's session. */
export type NavigationResult =
  /** Nothing held was affected. */
  | { kind: "none" }
  /** Previous documents' records were dropped ("Preserve log" off): panels need a full replay. */
  | { kind: "dropped" }
  /** They were kept and marked ("Preserve log" on): panels get the marker. */
  | { kind: "preserved"; marker: SessionMarker };

export class SessionStore {
  private sessions = new Map<number, Session>();

  constructor(private limits: StoreLimits = DEFAULT_STORE_LIMITS) {}

  setLimits(limits: StoreLimits): void {
    this.limits = limits;
    for (const s of this.sessions.values()) this.evict(s);
  }

  /** Accept a batch from one document of `tabId`. `now` is injectable for tests. */
  ingest(tabId: number, frameId: number, batch: RecordsCaptured, now = Date.now()): IngestResult {
    const s = this.session(tabId);
    let doc = s.docs.get(batch.docId);
    if (!doc) {
      doc = { frameId, expected: 0, firstWall: batch.records[0]?.wall ?? now, askedFrom: -1, askedAt: 0 };
      s.docs.set(batch.docId, doc);
    }
    // The page no longer holds what we still expect: those records are gone for good. Count, mark the place
    // (before whatever this document sends next), move on.
    const markers: SessionMarker[] = [];
    if (batch.oldestSeq > doc.expected) {
      const count = batch.oldestSeq - doc.expected;
      s.lost += count;
      doc.expected = batch.oldestSeq;
      const m: SessionMarker = {
        kind: "recordsLost",
        beforeTabSeq: s.nextTabSeq,
        wall: now,
        count,
        docId: batch.docId,
      };
      this.addMarker(s, m);
      markers.push(m);
    }
    if (batch.fromSeq > doc.expected) {
      if (doc.askedFrom === doc.expected && now - doc.askedAt < RESEND_RETRY_MS)
        return { appended: [], markers };
      doc.askedFrom = doc.expected;
      doc.askedAt = now;
      return { appended: [], resendFrom: doc.expected, markers };
    }
    const appended: TabRecord[] = [];
    for (let i = doc.expected - batch.fromSeq; i < batch.records.length; i++) {
      const r = batch.records[i] as PageRecord;
      // Records must be contiguous; a batch that claims otherwise is malformed from here on.
      if (r.seq !== batch.fromSeq + i) break;
      if (r.kind === "streamOpened") {
        s.opened.push(r);
        if (s.opened.length > MAX_OPENED) s.opened.splice(0, s.opened.length - MAX_OPENED);
      }
      for (const x of s.streams.expand(r)) {
        const t: TabRecord = { ...x, tabSeq: s.nextTabSeq++, docId: batch.docId, frameId };
        s.records.push(t);
        appended.push(t);
      }
      doc.expected = r.seq + 1;
    }
    this.evict(s);
    return { appended, markers };
  }

  /**
   * A text/event-stream response DevTools recorded that is not an EventSource's: unless the hook saw that
   * stream itself, its records as a stream seen by the network only (./networkStreams.ts), stamped and held
   * like a document's. Returns what was appended (nothing when the hook had it).
   */
  addNetworkStream(tabId: number, a: NetworkAttempt, now = Date.now()): TabRecord[] {
    const s = this.session(tabId);
    if (s.opened.some((o) => sameStream(o, a))) return [];
    const docId = `${NETWORK_DOC}-${++s.networkStreams}`;
    s.docs.set(docId, {
      frameId: 0,
      expected: 0,
      firstWall: Math.min(a.startedWall || now, now),
      askedFrom: -1,
      askedAt: 0,
    });
    const appended: TabRecord[] = [];
    for (const r of recordsFromNetwork(a, `${docId}.1`, 0)) {
      const t: TabRecord = { ...r, tabSeq: s.nextTabSeq++, docId, frameId: 0 };
      s.records.push(t);
      appended.push(t);
    }
    const doc = s.docs.get(docId);
    if (doc) doc.expected = appended.length;
    this.evict(s);
    return appended;
  }

  /** "Preserve log" for the tab, as its panel last set it. */
  setPreserveLog(tabId: number, on: boolean): void {
    this.session(tabId).preserveLog = on;
  }

  preserveLog(tabId: number): boolean {
    return this.sessions.get(tabId)?.preserveLog ?? false;
  }

  /** The tab's markers, in tabSeq order. */
  markers(tabId: number): SessionMarker[] {
    return this.sessions.get(tabId)?.markers.slice() ?? [];
  }

  /** Everything held for the tab, in order. */
  replay(tabId: number): TabRecord[] {
    const s = this.sessions.get(tabId);
    return s ? s.records.slice(s.start) : [];
  }

  stats(tabId: number): SessionStats {
    const s = this.sessions.get(tabId);
    return {
      held: s ? s.records.length - s.start : 0,
      evicted: s?.evicted ?? 0,
      lost: s?.lost ?? 0,
      cap: this.limits.sessionCap,
    };
  }

  /**
   * The tab's top frame committed a new document at `timeStamp`: the documents that began before it are
   * gone. With "Preserve log" off (DevTools' default) their records are dropped; with it on they are kept, and
   * a `documentReplaced` marker says from where on they are from a previous document.
   */
  navigated(tabId: number, timeStamp: number, url = ""): NavigationResult {
    const s = this.sessions.get(tabId);
    if (!s) return { kind: "none" };
    const gone = new Set<string>();
    for (const [id, d] of s.docs) if (d.firstWall < timeStamp) gone.add(id);
    // With Preserve log turned off since, the documents it kept go with this navigation too.
    if (gone.size === 0 && (s.preserveLog || s.previousDocs.size === 0)) return { kind: "none" };
    for (const id of gone) s.docs.delete(id);
    if (s.preserveLog) {
      for (const id of gone) s.previousDocs.add(id);
      const marker: SessionMarker = {
        kind: "documentReplaced",
        beforeTabSeq: s.nextTabSeq,
        wall: timeStamp,
        url,
        previousDocIds: [...gone],
      };
      this.addMarker(s, marker);
      return { kind: "preserved", marker };
    }
    for (const id of s.previousDocs) gone.add(id);
    s.previousDocs.clear();
    s.records = s.records.slice(s.start).filter((r) => !gone.has(r.docId));
    s.start = 0;
    // Markers of documents we no longer show go with them; so do earlier navigations (all before these).
    s.markers = s.markers.filter((m) => m.kind === "recordsLost" && !gone.has(m.docId));
    return { kind: "dropped" };
  }

  /**
   * The frame of document `docId` in tab `tabId`, while it is the tab's current document there; undefined for
   * a document this tab never reported, or one a top-frame navigation replaced (kept by "Preserve log" or not).
   */
  frameOf(tabId: number, docId: string): number | undefined {
    // `get`, not `session()`: a lookup must neither create a session nor mark it as recently active.
    return this.sessions.get(tabId)?.docs.get(docId)?.frameId;
  }

  removeTab(tabId: number): void {
    this.sessions.delete(tabId);
  }

  get tabCount(): number {
    return this.sessions.size;
  }

  private session(tabId: number): Session {
    let s = this.sessions.get(tabId);
    if (s) {
      // Map order is insertion order: re-inserting marks the session as the most recently active.
      this.sessions.delete(tabId);
    } else {
      s = {
        records: [],
        streams: new StreamParsers(),
        opened: [],
        networkStreams: 0,
        start: 0,
        nextTabSeq: 0,
        evicted: 0,
        lost: 0,
        docs: new Map(),
        preserveLog: false,
        markers: [],
        previousDocs: new Set(),
      };
    }
    this.sessions.set(tabId, s);
    while (this.sessions.size > this.limits.maxTabs) {
      const oldest = this.sessions.keys().next().value as number;
      this.sessions.delete(oldest);
    }
    return s;
  }

  private addMarker(s: Session, m: SessionMarker): void {
    s.markers.push(m);
    // The lost counts stay in `stats.lost`; only where they were is forgotten, oldest first.
    if (s.markers.length > MAX_MARKERS) s.markers.splice(0, s.markers.length - MAX_MARKERS);
  }

  private evict(s: Session): void {
    const over = s.records.length - s.start - this.limits.sessionCap;
    if (over <= 0) return;
    s.start += over;
    s.evicted += over;
    if (s.start > 4096 && s.start * 2 > s.records.length) {
      s.records = s.records.slice(s.start);
      s.start = 0;
    }
  }
}
