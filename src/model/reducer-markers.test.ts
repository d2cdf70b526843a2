/** Markers in the panel's model: records lost at a place, and preserved navigations ("Preserve log"). */
import { describe, expect, it } from "vitest";
import { type PanelDown, PROTOCOL_VERSION, type SessionMarker, type TabRecord } from "../protocol/index";
import { filterRows, NO_FILTER } from "./filter";
import { describeMarker } from "./format";
import { logToArray } from "./log";
import { plainConnections, plainRows } from "./plain";
import { applyMessage, createPanelState, type PanelState } from "./reducer";

const TAB = 3;
const STATS = { held: 0, evicted: 0, cap: 200_000, lost: 0 };

/** An event of document `docId`, connection `${docId}.1`, at tabSeq `tabSeq`. */
const ev = (docId: string, tabSeq: number, seq = tabSeq): TabRecord => ({
  kind: "eventReceived",
  seq,
  tabSeq,
  cid: `${docId}.1`,
  docId,
  frameId: 0,
  wall: 1_000 + tabSeq,
  mono: 1_000 + tabSeq,
  type: "message",
  data: `d${tabSeq}`,
  lastEventId: String(seq),
  origin: "http://127.0.0.1",
  readyState: 1,
  trusted: true,
});

const appended = (records: TabRecord[], markers?: SessionMarker[]): PanelDown => ({
  v: PROTOCOL_VERSION,
  kind: "recordsAppended",
  tabId: TAB,
  records,
  stats: STATS,
  ...(markers ? { markers } : {}),
});

const replayed = (records: TabRecord[], markers?: SessionMarker[]): PanelDown => ({
  v: PROTOCOL_VERSION,
  kind: "sessionReplayed",
  reason: "subscribed",
  tabId: TAB,
  records,
  stats: STATS,
  ...(markers ? { markers } : {}),
});

const lost = (beforeTabSeq: number, count: number, docId = "a"): SessionMarker => ({
  kind: "recordsLost",
  beforeTabSeq,
  wall: 1_000 + beforeTabSeq,
  count,
  docId,
});

const replaced = (beforeTabSeq: number, previousDocIds: string[]): SessionMarker => ({
  kind: "documentReplaced",
  beforeTabSeq,
  wall: 1_000 + beforeTabSeq,
  url: "http://127.0.0.1/next",
  previousDocIds,
});

const run = (...msgs: PanelDown[]): PanelState => msgs.reduce(applyMessage, createPanelState(TAB));

/** The rows in order as short strings: `d<tabSeq>` for events, `lost:<count>` / `nav` for markers. */
const shape = (s: PanelState) =>
  logToArray(s.rows).map((r) =>
    r.rec
      ? r.rec.kind === "eventReceived"
        ? r.rec.data
        : r.rec.kind
      : r.marker.kind === "recordsLost"
        ? `lost:${r.marker.count}`
        : "nav",
  );

describe("markers", () => {
  it("puts a loss at its place among the records, in a replay and in appends", () => {
    const records = [ev("a", 0), ev("a", 1), ev("b", 2), ev("a", 3, 10)];
    expect(shape(run(replayed(records, [lost(3, 8)])))).toEqual(["d0", "d1", "d2", "lost:8", "d3"]);
    // The same history arriving as appends: the marker comes with the batch after which it was found.
    const s = run(appended(records.slice(0, 3)), appended(records.slice(3), [lost(3, 8)]));
    expect(shape(s)).toEqual(["d0", "d1", "d2", "lost:8", "d3"]);
    // A loss at the end (nothing after it yet) is the last row.
    expect(shape(run(appended(records.slice(0, 2), [lost(2, 1)])))).toEqual(["d0", "d1", "lost:1"]);
    expect(describeMarker(lost(2, 1))).toContain("1 record lost here");
  });

  it("the test contract lists markers with their count, between the records by tabSeq", () => {
    const s = run(replayed([ev("a", 0), ev("a", 1, 6)], [lost(1, 5)]));
    const plain = plainRows(s, filterRows(s, NO_FILTER));
    expect(plain.map((r) => [r.kind, r.tabSeq, r.count])).toEqual([
      ["eventReceived", 0, undefined],
      ["recordsLost", 0.5, 5],
      ["eventReceived", 1, undefined],
    ]);
  });

  it("a preserved navigation separates the documents and marks the previous one's connections and rows", () => {
    const s = run(
      appended([ev("a", 0), ev("a", 1)]),
      appended([], [replaced(2, ["a"])]),
      appended([ev("b", 2)]),
    );
    expect(shape(s)).toEqual(["d0", "d1", "nav", "d2"]);
    expect(plainConnections(s).map((c) => [c.cid, c.previousDocument])).toEqual([
      ["a.1", true],
      ["b.1", false],
    ]);
    const plain = plainRows(s, filterRows(s, NO_FILTER));
    expect(plain.map((r) => r.previousDocument ?? false)).toEqual([true, true, false, false]);
    expect(plain[2]).toMatchObject({ kind: "documentReplaced", url: "http://127.0.0.1/next" });
    // A re-subscribe (service-worker restart) rebuilds the same picture from the replay.
    const again = applyMessage(s, replayed([ev("a", 0), ev("a", 1), ev("b", 2)], [replaced(2, ["a"])]));
    expect(shape(again)).toEqual(shape(s));
    expect(plainConnections(again).map((c) => c.previousDocument)).toEqual([true, false]);
  });

  it("filters: a navigation shows under a connection filter, a loss with its own document only", () => {
    const s = run(
      replayed([ev("a", 0), ev("b", 1), ev("a", 2, 5)], [lost(2, 4, "a"), replaced(3, ["a", "b"])]),
    );
    const rowsFor = (f: typeof NO_FILTER) => plainRows(s, filterRows(s, f)).map((r) => r.kind);
    expect(rowsFor({ ...NO_FILTER, cid: "a.1" })).toEqual([
      "eventReceived",
      "recordsLost",
      "eventReceived",
      "documentReplaced",
    ]);
    expect(rowsFor({ ...NO_FILTER, cid: "b.1" })).toEqual(["eventReceived", "documentReplaced"]);
    expect(rowsFor({ ...NO_FILTER, text: "d" })).toEqual(["eventReceived", "eventReceived", "eventReceived"]);
  });
});
