import { describe, expect, it } from "vitest";
import type { PageRecord, RecordsCaptured } from "../protocol/index";
import { SessionStore } from "./store";

const rec = (seq: number, docId = "doc", wall = 1000 + seq): PageRecord => ({
  kind: "eventReceived",
  seq,
  cid: `${docId}.1`,
  wall,
  mono: wall,
  type: "message",
  data: `d${seq}`,
  lastEventId: String(seq),
  origin: "http://127.0.0.1",
  readyState: 1,
  trusted: true,
});

/** A batch of records [from, to) as a document with `oldest` still held would send it. */
const batch = (from: number, to: number, opts: { oldest?: number; docId?: string; wall?: number } = {}) => {
  const docId = opts.docId ?? "doc";
  const records: PageRecord[] = [];
  for (let s = from; s < to; s++) records.push(rec(s, docId, (opts.wall ?? 1000) + s));
  const b: RecordsCaptured = {
    v: 1,
    kind: "recordsCaptured",
    docId,
    frameUrl: "http://127.0.0.1/",
    top: true,
    fromSeq: from,
    oldestSeq: opts.oldest ?? 0,
    records,
  };
  return b;
};

const seqs = (s: SessionStore, tab = 1) => s.replay(tab).map((r) => r.seq);

describe("SessionStore", () => {
  it("stamps accepted records with a per-tab sequence, document and frame", () => {
    const s = new SessionStore();
    s.ingest(1, 0, batch(0, 2));
    const { appended } = s.ingest(1, 3, batch(0, 2, { docId: "sub" }));
    expect(appended.map((r) => [r.tabSeq, r.docId, r.frameId])).toEqual([
      [2, "sub", 3],
      [3, "sub", 3],
    ]);
    expect(s.replay(2)).toEqual([]);
  });

  it("skips records it already has (a resend overlapping what arrived)", () => {
    const s = new SessionStore();
    s.ingest(1, 0, batch(0, 5));
    const { appended } = s.ingest(1, 0, batch(3, 8));
    expect(appended.map((r) => r.seq)).toEqual([5, 6, 7]);
    expect(seqs(s)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("asks for a resend when a batch starts beyond what it expects, and not again at once", () => {
    const s = new SessionStore();
    // A restarted worker hears from a document for the first time mid-stream.
    const first = s.ingest(1, 0, batch(40, 45), 10_000);
    expect(first).toEqual({ appended: [], resendFrom: 0 });
    expect(s.ingest(1, 0, batch(45, 46), 10_100)).toEqual({ appended: [] });
    // The request may have been lost with its port: ask again after a while.
    expect(s.ingest(1, 0, batch(46, 47), 12_000).resendFrom).toBe(0);
    const resent = s.ingest(1, 0, batch(0, 47), 12_100);
    expect(resent.appended).toHaveLength(47);
    expect(s.stats(1).lost).toBe(0);
  });

  it("counts records the page no longer holds as lost, and takes the rest", () => {
    const s = new SessionStore();
    s.ingest(1, 0, batch(0, 10));
    // The page's buffer moved on to 25 while we were away: 10..24 are gone.
    const r = s.ingest(1, 0, batch(25, 30, { oldest: 25 }));
    expect(r.appended.map((x) => x.seq)).toEqual([25, 26, 27, 28, 29]);
    expect(s.stats(1).lost).toBe(15);
  });

  it("evicts the oldest records at the session cap and counts them exactly", () => {
    const s = new SessionStore({ sessionCap: 100, maxTabs: 8 });
    for (let i = 0; i < 10_000; i += 50) s.ingest(1, 0, batch(i, i + 50));
    const stats = s.stats(1);
    expect(stats).toEqual({ held: 100, evicted: 9_900, lost: 0, cap: 100 });
    expect(seqs(s)[0]).toBe(9_900);
    expect(seqs(s).at(-1)).toBe(9_999);
  });

  it("drops whole least-recently-active tabs beyond the tab cap", () => {
    const s = new SessionStore({ sessionCap: 100, maxTabs: 2 });
    s.ingest(1, 0, batch(0, 1));
    s.ingest(2, 0, batch(0, 1));
    s.ingest(1, 0, batch(1, 2));
    s.ingest(3, 0, batch(0, 1));
    expect(s.tabCount).toBe(2);
    expect(s.replay(2)).toEqual([]);
    expect(seqs(s, 1)).toEqual([0, 1]);
  });

  it("on a top-frame navigation drops only documents that began before it", () => {
    const s = new SessionStore();
    s.ingest(1, 0, batch(0, 3, { docId: "old", wall: 1000 }));
    s.ingest(1, 0, batch(0, 2, { docId: "new", wall: 5000 }));
    expect(s.navigated(1, 4000)).toBe(true);
    expect(s.replay(1).map((r) => r.docId)).toEqual(["new", "new"]);
    expect(s.navigated(1, 4000)).toBe(false);
    // The old document's state is gone too: if it spoke again it would start over.
    expect(s.ingest(1, 0, batch(3, 4, { docId: "old", wall: 1000 })).resendFrom).toBe(0);
  });

  it("ignores a batch whose records are not contiguous from the point they break", () => {
    const s = new SessionStore();
    const b = batch(0, 4);
    (b.records[2] as PageRecord).seq = 9;
    expect(s.ingest(1, 0, b).appended.map((r) => r.seq)).toEqual([0, 1]);
  });

  it("forgets a closed tab", () => {
    const s = new SessionStore();
    s.ingest(7, 0, batch(0, 3));
    s.removeTab(7);
    expect(s.replay(7)).toEqual([]);
    expect(s.stats(7).held).toBe(0);
  });
});
