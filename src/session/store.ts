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
import type { PageRecord, RecordsCaptured, SessionStats, TabRecord } from "../protocol/index";

export interface StoreLimits {
  /** Records kept per tab; the oldest go first. */
  sessionCap: number;
  /** Tabs kept; the least recently active session goes first. */
  maxTabs: number;
}

export const DEFAULT_STORE_LIMITS: StoreLimits = { sessionCap: 200_000, maxTabs: 64 };

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
  start: number;
  nextTabSeq: number;
  evicted: number;
  lost: number;
  docs: Map<string, DocState>;
}

export interface IngestResult {
  /** Records accepted now, stamped, in order. */
  appended: TabRecord[];
  /** Ask the document to send again from this seq. */
  resendFrom?: number;
}

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
    // The page no longer holds what we still expect: those records are gone for good. Count, move on.
    if (batch.oldestSeq > doc.expected) {
      s.lost += batch.oldestSeq - doc.expected;
      doc.expected = batch.oldestSeq;
    }
    if (batch.fromSeq > doc.expected) {
      if (doc.askedFrom === doc.expected && now - doc.askedAt < RESEND_RETRY_MS) return { appended: [] };
      doc.askedFrom = doc.expected;
      doc.askedAt = now;
      return { appended: [], resendFrom: doc.expected };
    }
    const appended: TabRecord[] = [];
    for (let i = doc.expected - batch.fromSeq; i < batch.records.length; i++) {
      const r = batch.records[i] as PageRecord;
      // Records must be contiguous; a batch that claims otherwise is malformed from here on.
      if (r.seq !== batch.fromSeq + i) break;
      const t: TabRecord = { ...r, tabSeq: s.nextTabSeq++, docId: batch.docId, frameId };
      s.records.push(t);
      appended.push(t);
      doc.expected = r.seq + 1;
    }
    this.evict(s);
    return { appended };
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
   * The tab's top frame committed a new document at `timeStamp`: drop the documents that began before it
   * (DevTools' default with "Preserve log" off). Returns whether anything was dropped.
   */
  navigated(tabId: number, timeStamp: number): boolean {
    const s = this.sessions.get(tabId);
    if (!s) return false;
    const gone = new Set<string>();
    for (const [id, d] of s.docs) if (d.firstWall < timeStamp) gone.add(id);
    if (gone.size === 0) return false;
    for (const id of gone) s.docs.delete(id);
    s.records = s.records.slice(s.start).filter((r) => !gone.has(r.docId));
    s.start = 0;
    return true;
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
      s = { records: [], start: 0, nextTabSeq: 0, evicted: 0, lost: 0, docs: new Map() };
    }
    this.sessions.set(tabId, s);
    while (this.sessions.size > this.limits.maxTabs) {
      const oldest = this.sessions.keys().next().value as number;
      this.sessions.delete(oldest);
    }
    return s;
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
