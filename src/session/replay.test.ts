import { describe, expect, it } from "vitest";
import { filterRows, NO_FILTER } from "../model/filter";
import { plainConnections, plainRows } from "../model/plain";
import { applyMessage, createPanelState, type PanelState } from "../model/reducer";
import { type PanelDown, PROTOCOL_VERSION, type SessionMarker, type TabRecord } from "../protocol/index";
import { replayMessages } from "./replay";

const TAB = 3;
const stats = { held: 0, evicted: 0, cap: 200_000, lost: 0 };

/** A tab's story: two documents, a navigation between them, a reconnect, events of growing size. */
function story(events: number) {
  const records: TabRecord[] = [];
  let tabSeq = 0;
  let mono = 1_000;
  const seqs = new Map<string, number>();
  const rec = (docId: string, n: number, r: Record<string, unknown>) => {
    const seq = seqs.get(docId) ?? 0;
    seqs.set(docId, seq + 1);
    mono += 3;
    records.push({
      seq,
      cid: `${docId}.${n}`,
      tabSeq: tabSeq++,
      wall: 1_700_000_000_000 + mono,
      mono,
      docId,
      frameId: 0,
      ...r,
    } as TabRecord);
  };
  const open = (docId: string, n: number) => {
    rec(docId, n, {
      kind: "connectionCreated",
      url: `https://api.example/${docId}`,
      withCredentials: false,
      frameUrl: "https://app.example/",
      readyState: 0,
    });
    rec(docId, n, { kind: "connectionOpened", readyState: 1 });
  };
  const event = (docId: string, n: number, i: number) =>
    rec(docId, n, {
      kind: "eventReceived",
      type: i % 3 === 0 ? "price" : "message",
      data: "x".repeat(i % 50),
      lastEventId: String(i),
      origin: "https://api.example",
      readyState: 1,
      trusted: true,
    });
  open("a", 1);
  for (let i = 0; i < events / 2; i++) event("a", 1, i);
  rec("a", 1, { kind: "errorReceived", readyState: 0, trusted: true });
  rec("a", 1, { kind: "connectionOpened", readyState: 1 });
  const markers: SessionMarker[] = [
    { kind: "recordsLost", beforeTabSeq: 7, wall: 1_700_000_001_000, count: 4, docId: "a" },
    {
      kind: "documentReplaced",
      beforeTabSeq: tabSeq,
      wall: 1_700_000_002_000,
      url: "https://app.example/2",
      previousDocIds: ["a"],
    },
  ];
  open("b", 1);
  for (let i = 0; i < events / 2; i++) event("b", 1, i);
  // A marker after the last record.
  markers.push({ kind: "recordsLost", beforeTabSeq: tabSeq, wall: 1_700_000_003_000, count: 2, docId: "b" });
  return { records, markers };
}

const apply = (msgs: PanelDown[]): PanelState => msgs.reduce(applyMessage, createPanelState(TAB));
const view = (s: PanelState) => ({
  rows: plainRows(s, filterRows(s, NO_FILTER)),
  connections: plainConnections(s),
  stats: s.stats,
});

describe("replayMessages", () => {
  const { records, markers } = story(1_000);
  const whole: PanelDown = {
    v: PROTOCOL_VERSION,
    kind: "sessionReplayed",
    reason: "subscribed",
    tabId: TAB,
    records,
    stats,
    markers,
  };

  it("in chunks, leaves the panel exactly as one message would (markers at their place)", () => {
    for (const limits of [
      { records: 7, dataChars: 1e9 },
      { records: 1_000, dataChars: 200 },
      { records: 1, dataChars: 0 },
      { records: 20, firstRecords: 3, dataChars: 1e9 },
    ]) {
      const msgs = replayMessages(TAB, "subscribed", records, stats, markers, limits);
      expect(msgs.length).toBeGreaterThan(2);
      expect(msgs[0]?.kind).toBe("sessionReplayed");
      expect(msgs.slice(1).every((m) => m.kind === "recordsAppended")).toBe(true);
      expect(view(apply(msgs))).toEqual(view(apply([whole])));
    }
  });

  it("keeps each message within its limits, but never splits or drops a record", () => {
    const limits = { records: 50, dataChars: 600 };
    const msgs = replayMessages(TAB, "navigated", records, stats, markers, limits);
    const sent = msgs.flatMap((m) => (m.kind === "networkAttemptsAppended" ? [] : m.records));
    expect(sent).toEqual(records);
    for (const m of msgs) {
      if (m.kind === "networkAttemptsAppended") continue;
      expect(m.records.length).toBeLessThanOrEqual(50);
      const chars = m.records.reduce((n, r) => n + (r.kind === "eventReceived" ? r.data.length : 0), 0);
      expect(m.records.length === 1 || chars <= 600).toBe(true);
    }
    const markerCount = msgs.reduce(
      (n, m) => n + (m.kind === "networkAttemptsAppended" ? 0 : (m.markers?.length ?? 0)),
      0,
    );
    expect(markerCount).toBe(markers.length);
  });

  it("sends a small first part, so that the panel paints early, then full parts", () => {
    const msgs = replayMessages(TAB, "subscribed", records, stats, markers, {
      records: 20,
      firstRecords: 3,
      dataChars: 1e9,
    });
    const sizes = msgs.map((m) => (m.kind === "networkAttemptsAppended" ? 0 : m.records.length));
    expect(sizes[0]).toBe(3);
    expect(sizes.slice(1, -1).every((n) => n === 20)).toBe(true);
  });

  it("an empty session is one sessionReplayed (the panel must still be reset)", () => {
    const msgs = replayMessages(TAB, "navigated", [], stats, []);
    expect(msgs).toHaveLength(1);
    expect(msgs[0]?.kind).toBe("sessionReplayed");
  });
});
