import { describe, expect, it } from "vitest";
import { PROTOCOL_VERSION, type TabRecord } from "../protocol/index";
import { filteredRow, filterRows, NO_FILTER } from "./filter";
import { applyMessage, clearView, createPanelState, type PanelState } from "./reducer";
import {
  connectionFacts,
  deltaAt,
  eventRate,
  formatBytes,
  formatDelta,
  formatDuration,
  formatRate,
  uptimeMs,
  utf8Length,
} from "./stats";

const TAB = 3;
let seq = 0;
const base = (cid: string, mono: number) => ({
  cid,
  seq: ++seq,
  tabSeq: seq,
  wall: 1_700_000_000_000 + mono,
  mono,
  docId: cid.split(".")[0] as string,
  frameId: 0,
});
const created = (cid: string, mono: number): TabRecord => ({
  kind: "connectionCreated",
  ...base(cid, mono),
  url: `https://x.example/${cid}`,
  withCredentials: false,
  frameUrl: "https://x.example/",
  readyState: 0,
});
const ev = (cid: string, mono: number, data: string, type = "message"): TabRecord => ({
  kind: "eventReceived",
  ...base(cid, mono),
  type,
  data,
  lastEventId: "",
  origin: "https://x.example",
  readyState: 1,
  trusted: true,
});
const append = (s: PanelState, records: TabRecord[]) =>
  applyMessage(s, {
    v: PROTOCOL_VERSION,
    kind: "recordsAppended",
    tabId: TAB,
    records,
    stats: { held: 0, evicted: 0, cap: 200_000, lost: 0 },
  });

describe("utf8Length", () => {
  it("counts UTF-8 bytes as TextEncoder does, surrogate pairs as 4 and lone surrogates as U+FFFD", () => {
    const samples = ["", "abc", "é", "€", "𝄞", "a\u{1F600}b", "\ud800", "x\udc00y", "\ud83d", "日本語 text"];
    for (const s of samples)
      expect(utf8Length(s), JSON.stringify(s)).toBe(new TextEncoder().encode(s).length);
  });
});

describe("formatBytes", () => {
  it("writes decimal units like DevTools' Network panel", () => {
    expect([0, 999, 1000, 1536, 99_949, 123_456, 999_499, 1_234_567, 123_456_789].map(formatBytes)).toEqual([
      "0 B",
      "999 B",
      "1.0 kB",
      "1.5 kB",
      "99.9 kB",
      "123 kB",
      "999 kB",
      "1.2 MB",
      "123 MB",
    ]);
  });
});

describe("Δ between shown rows", () => {
  it("is the mono difference to the previous row of the filtered view, not of all rows", () => {
    let s = createPanelState(TAB);
    s = append(s, [
      created("a.1", 100),
      ev("a.1", 110, "x", "odd"),
      ev("a.1", 135, "y", "even"),
      ev("a.1", 175.5, "z", "odd"),
    ]);
    const all = filterRows(s, NO_FILTER);
    const at = (pos: number) => filteredRow(s, all, pos);
    expect([0, 1, 2, 3].map((p) => deltaAt(at, p))).toEqual([undefined, 10, 25, 40.5]);
    const odd = filterRows(s, { ...NO_FILTER, types: ["odd"] });
    const atOdd = (pos: number) => filteredRow(s, odd, pos);
    // Only the two "odd" events are shown: the second one's Δ spans the hidden "even" one.
    expect([0, 1].map((p) => deltaAt(atOdd, p))).toEqual([undefined, 65.5]);
  });

  it("looks past marker rows, which have no time of their own", () => {
    const rows = [
      { rec: ev("m.1", 10, "a") },
      { marker: { kind: "recordsLost", wall: 1, beforeTabSeq: 5, count: 2 } },
      { rec: ev("m.1", 50, "b") },
    ] as never[];
    expect([0, 1, 2].map((p) => deltaAt((i) => rows[i], p))).toEqual([undefined, undefined, 40]);
  });

  it("formats", () => {
    expect([0, 12.4, 999.6, 1250, 12_345, 125_000, -3].map(formatDelta)).toEqual([
      "+0 ms",
      "+12 ms",
      "+1000 ms",
      "+1.25 s",
      "+12.3 s",
      "+2 min 5 s",
      "−3 ms",
    ]);
  });
});

describe("eventRate", () => {
  it("counts events in the last 10 s per second", () => {
    const times = [0, 5_000, 11_000, 12_000, 19_000, 20_000];
    // (10 000, 20 000]: 11 000, 12 000, 19 000, 20 000.
    expect(eventRate(times, 20_000)).toBeCloseTo(0.4);
    // Later, with nothing new, it decays to 0.
    expect(eventRate(times, 25_000)).toBeCloseTo(0.2); // 19 000 and 20 000
    expect(eventRate(times, 40_000)).toBe(0);
  });

  it("divides by the connection's age while it is younger than the window, at least 1 s", () => {
    // Created at 1 000; 10 events in the 2 s since: 5 per second.
    const times = Array.from({ length: 10 }, (_, i) => 1_100 + i * 200);
    expect(eventRate(times, 3_000, 1_000)).toBeCloseTo(5);
    expect(eventRate([1_000], 1_001, 1_000)).toBe(1);
  });

  it("formats", () => {
    expect([0, 0.25, 9.96, 12.4, 999, 1_234].map(formatRate)).toEqual([
      "0/s",
      "0.3/s",
      "10.0/s",
      "12/s",
      "999/s",
      "1.2k/s",
    ]);
  });
});

describe("uptime", () => {
  it("runs from creation to now, or to the last record once closed; unknown without a creation time", () => {
    expect(uptimeMs({ createdAt: 1_000, state: "open", lastWall: 2_000 }, 61_000)).toBe(60_000);
    expect(uptimeMs({ createdAt: 1_000, state: "reconnecting", lastWall: 2_000 }, 5_000)).toBe(4_000);
    expect(uptimeMs({ createdAt: 1_000, state: "closed", lastWall: 2_500 }, 61_000)).toBe(1_500);
    expect(uptimeMs({ createdAt: undefined, state: "open", lastWall: 2_500 }, 61_000)).toBeUndefined();
  });

  it("is never shorter than the records prove (the panel's clock ticks once a second)", () => {
    expect(uptimeMs({ createdAt: 1_000, state: "open", lastWall: 3_000 }, 900)).toBe(2_000);
  });

  it("formats", () => {
    expect([850, 12_400, 184_000, 7_500_000].map(formatDuration)).toEqual([
      "850 ms",
      "12 s",
      "3 min 4 s",
      "2 h 5 min",
    ]);
  });
});

describe("connectionFacts", () => {
  it("sums UTF-8 data bytes per connection and keeps the last 10 s of event times, incrementally", () => {
    let s = createPanelState(TAB);
    s = append(s, [created("a.1", 0), created("a.2", 0), ev("a.1", 1_000, "héllo"), ev("a.2", 2_000, "€")]);
    const f1 = connectionFacts(s);
    expect(f1.byCid.get("a.1")).toEqual({ bytes: 6, recent: [1_000] });
    expect(f1.byCid.get("a.2")).toEqual({ bytes: 3, recent: [2_000] });
    s = append(s, [ev("a.1", 11_500, "abc")]);
    const f2 = connectionFacts(s, f1);
    expect(f2.scanned).toBe(5);
    // 1 000 is now more than 10 s before the newest event (11 500): pruned; 2 000 is kept.
    expect(f2.byCid.get("a.1")).toEqual({ bytes: 9, recent: [11_500] });
    expect(f2.byCid.get("a.2")).toEqual({ bytes: 3, recent: [2_000] });
    // The same as computing from scratch.
    expect(connectionFacts(s).byCid).toEqual(f2.byCid);
  });

  it("restarts after a clear, as the message counts do", () => {
    let s = createPanelState(TAB);
    s = append(s, [created("a.1", 0), ev("a.1", 10, "abcd")]);
    const f1 = connectionFacts(s);
    s = clearView(s);
    s = append(s, [ev("a.1", 20, "xy")]);
    expect(connectionFacts(s, f1).byCid.get("a.1")).toEqual({ bytes: 2, recent: [20] });
  });
});
