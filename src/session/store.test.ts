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
    expect(first).toEqual({ appended: [], resendFrom: 0, markers: [] });
    expect(s.ingest(1, 0, batch(45, 46), 10_100)).toEqual({ appended: [], markers: [] });
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
    expect(s.navigated(1, 4000, "http://127.0.0.1/next")).toEqual({ kind: "dropped" });
    expect(s.replay(1).map((r) => r.docId)).toEqual(["new", "new"]);
    expect(s.markers(1)).toEqual([]);
    expect(s.navigated(1, 4000)).toEqual({ kind: "none" });
    // The old document's state is gone too: if it spoke again it would start over.
    expect(s.ingest(1, 0, batch(3, 4, { docId: "old", wall: 1000 })).resendFrom).toBe(0);
  });

  it("marks where records were lost: before what the document sends next, with the exact count", () => {
    const s = new SessionStore();
    s.ingest(1, 0, batch(0, 10), 100);
    s.ingest(1, 2, batch(0, 3, { docId: "sub" }), 110);
    // The worker restarted; the page's buffer moved on to 25 meanwhile: 10..24 are gone, 25.. resent.
    const r = s.ingest(1, 0, batch(25, 30, { oldest: 25 }), 200);
    expect(r.markers).toEqual([
      { kind: "recordsLost", beforeTabSeq: 13, wall: 200, count: 15, docId: "doc" },
    ]);
    expect(r.appended[0]?.tabSeq).toBe(13);
    // A second gap later in the same document is a second marker at its own place.
    s.ingest(1, 0, batch(40, 41, { oldest: 40 }), 300);
    expect(s.markers(1).map((m) => [m.beforeTabSeq, m.kind === "recordsLost" && m.count])).toEqual([
      [13, 15],
      [18, 10],
    ]);
    expect(s.stats(1).lost).toBe(25);
    // A batch that asks for a resend after a loss still reports the marker (the loss happened now).
    const t = new SessionStore();
    const ask = t.ingest(1, 0, batch(12, 14, { oldest: 5 }), 10);
    expect(ask.resendFrom).toBe(5);
    expect(ask.markers.map((m) => m.kind === "recordsLost" && m.count)).toEqual([5]);
  });

  it("with Preserve log on, keeps the previous documents' records and marks the navigation", () => {
    const s = new SessionStore();
    s.setPreserveLog(1, true);
    s.ingest(1, 0, batch(0, 3, { docId: "old", wall: 1000 }));
    s.ingest(1, 4, batch(0, 1, { docId: "oldframe", wall: 1500 }));
    const nav = s.navigated(1, 4000, "http://127.0.0.1/next");
    expect(nav).toEqual({
      kind: "preserved",
      marker: {
        kind: "documentReplaced",
        beforeTabSeq: 4,
        wall: 4000,
        url: "http://127.0.0.1/next",
        previousDocIds: ["old", "oldframe"],
      },
    });
    s.ingest(1, 0, batch(0, 2, { docId: "new", wall: 5000 }));
    expect(s.replay(1).map((r) => r.docId)).toEqual(["old", "old", "old", "oldframe", "new", "new"]);
    expect(s.markers(1)).toHaveLength(1);
    // A second navigation marks only the document that began since.
    const again = s.navigated(1, 6000, "http://127.0.0.1/third");
    expect(again).toMatchObject({ kind: "preserved", marker: { previousDocIds: ["new"] } });
    // Turned off, the next navigation drops everything before it, markers included.
    s.setPreserveLog(1, false);
    s.ingest(1, 0, batch(0, 1, { docId: "third", wall: 6500 }));
    expect(s.navigated(1, 7000)).toEqual({ kind: "dropped" });
    expect(s.replay(1)).toEqual([]);
    expect(s.markers(1)).toEqual([]);
    // Kept records go at the next navigation after turning it off, even when no current document reported.
    const t = new SessionStore();
    t.setPreserveLog(1, true);
    t.ingest(1, 0, batch(0, 2, { docId: "kept", wall: 1000 }));
    t.navigated(1, 2000);
    t.setPreserveLog(1, false);
    expect(t.navigated(1, 3000)).toEqual({ kind: "dropped" });
    expect(t.replay(1)).toEqual([]);
  });

  it("keeps the preserved records under the session cap, oldest evicted first and counted", () => {
    const s = new SessionStore({ sessionCap: 100, maxTabs: 8 });
    s.setPreserveLog(1, true);
    s.ingest(1, 0, batch(0, 80, { docId: "old", wall: 1000 }));
    s.navigated(1, 4000);
    s.ingest(1, 0, batch(0, 50, { docId: "new", wall: 5000 }));
    expect(s.stats(1)).toMatchObject({ held: 100, evicted: 30 });
    expect(s.replay(1)[0]).toMatchObject({ docId: "old", seq: 30 });
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
