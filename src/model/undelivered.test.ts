import { describe, expect, it } from "vitest";
import { networkAttempt } from "../network/testing";
import { matchState } from "../network/view";
import type { NetItem, PanelDown, TabRecord } from "../protocol/index";
import {
  type FilteredRows,
  filteredCount,
  filteredIndex,
  filterRows,
  NO_FILTER,
  positionOf,
  type RowFilter,
} from "./filter";
import { plainRows } from "./plain";
import { applyMessage, createPanelState, type PanelState } from "./reducer";
import { type Overlay, undeliveredRows } from "./undelivered";

const U = "http://h/s";
const stats = { held: 0, evicted: 0, cap: 0, lost: 0 };
let seq = 0;
const r = (x: Record<string, unknown>, cid = "d.1") => {
  seq++;
  return {
    seq,
    cid,
    wall: 100 + seq,
    mono: 100 + seq,
    tabSeq: seq,
    docId: "d",
    frameId: 0,
    ...x,
  } as TabRecord;
};
const created = (cid = "d.1") =>
  r({ kind: "connectionCreated", url: U, withCredentials: false, frameUrl: "", readyState: 0 }, cid);
const opened = (cid = "d.1") => r({ kind: "connectionOpened", readyState: 1, trusted: true }, cid);
const listen = (type: string) => r({ kind: "listenerAdded", type });
const ev = (type: string, data: string, id = "") =>
  r({ kind: "eventReceived", type, data, lastEventId: id, origin: "http://h", readyState: 1, trusted: true });
const err = (readyState: 0 | 2) => r({ kind: "errorReceived", readyState, trusted: true });

const records = (recs: TabRecord[], cap = 0): PanelDown => ({
  v: 1,
  kind: "recordsAppended",
  tabId: 1,
  records: recs,
  stats: { ...stats, cap },
});
const net = (items: NetItem[][]): PanelDown => ({
  v: 1,
  kind: "networkAttemptsAppended",
  tabId: 1,
  replace: true,
  dropped: 0,
  attempts: items.map((it, i) => ({
    ...networkAttempt({ url: U, startedWall: 100 + i * 50, items: it, events: it.length }),
    lastEventIdSent: i === 0 ? undefined : "",
    netSeq: i,
  })),
});
const e = (type: string, data: string, lastEventId = ""): NetItem => ({
  kind: "event",
  type,
  data,
  lastEventId,
});

const overlayOf = (s: PanelState): Overlay =>
  undeliveredRows(matchState(s), (cid) => s.connections.get(cid)?.n ?? 0);
/** The view as "kind:type:data" for events (page or not delivered), else the kind. */
function shown(s: PanelState, v: FilteredRows): string[] {
  return plainRows(s, v).map((p) =>
    p.kind === "eventReceived" || p.kind === "notDelivered"
      ? `${p.kind === "notDelivered" ? "✗" : "✓"}${p.type}:${p.data}`
      : p.kind,
  );
}

describe("undelivered events in the grid", () => {
  it("places them after the previous delivered event, or the attempt's open, in the network's order", () => {
    seq = 0;
    let s = applyMessage(
      createPanelState(1),
      records([created(), listen("message"), opened(), ev("message", "a")]),
    );
    s = applyMessage(s, records([ev("message", "b"), err(0), opened(), ev("message", "c")]));
    s = applyMessage(
      s,
      net([
        [e("x", "0"), e("message", "a"), e("x", "1"), e("y", "2"), e("message", "b"), e("x", "3")],
        [e("x", "4"), e("message", "c")],
      ]),
    );
    const o = overlayOf(s);
    expect(o.list.map((v) => [v.data, v.why, v.attempt])).toEqual([
      ["0", "noListener", 1],
      ["1", "noListener", 1],
      ["2", "noListener", 1],
      ["3", "noListener", 1],
      ["4", "noListener", 2],
    ]);
    const v = filterRows(s, NO_FILTER, undefined, undefined, o);
    expect(shown(s, v)).toEqual([
      "connectionCreated",
      "listenerAdded",
      "connectionOpened",
      "✗x:0",
      "✓message:a",
      "✗x:1",
      "✗y:2",
      "✓message:b",
      "✗x:3",
      "errorReceived",
      "connectionOpened",
      "✗x:4",
      "✓message:c",
    ]);
    // A type chip narrows the undelivered rows too; the text search reads their data.
    const only = (fl: Partial<RowFilter>) =>
      shown(s, filterRows(s, { ...NO_FILTER, ...fl }, undefined, undefined, o));
    expect(only({ types: ["x"] })).toEqual(["✗x:0", "✗x:1", "✗x:3", "✗x:4"]);
    expect(only({ text: "2" })).toEqual(["✗y:2"]);
    expect(only({ cid: "d.9" })).toEqual([]);
  });

  it("extends incrementally on appended rows, rescans on a new overlay, drops those whose anchor was evicted", () => {
    seq = 0;
    let s = applyMessage(
      createPanelState(1),
      records([created(), opened(), ev("message", "a"), ev("message", "b")]),
    );
    s = applyMessage(s, net([[e("message", "a"), e("x", "1"), e("message", "b"), e("x", "2")]]));
    const o = overlayOf(s);
    const v1 = filterRows(s, NO_FILTER, undefined, undefined, o);
    expect(filteredCount(v1)).toBe(6);
    // Appending rows keeps what was there (same log, extended) and adds only the new rows.
    const s2 = applyMessage(s, records([err(2)]));
    const v2 = filterRows(s2, NO_FILTER, v1, undefined, o);
    expect(v2.indices.items).toBe(v1.indices.items);
    expect(shown(s2, v2).slice(-2)).toEqual(["✗x:2", "errorReceived"]);
    // Same state, no overlay: the page rows alone (a rescan).
    expect(shown(s2, filterRows(s2, NO_FILTER, v2))).not.toContain("✗x:1");
    // The cap evicts the first three rows: x:1 anchored to "a" (evicted) goes, x:2 after "b" stays.
    const s3 = applyMessage(s2, records([ev("message", "c")], 3));
    expect(s3.rows.start).toBeGreaterThan(2);
    const v3 = filterRows(s3, NO_FILTER, v2, undefined, o);
    expect(shown(s3, v3)).toEqual(["✓message:b", "✗x:2", "errorReceived", "✓message:c"]);
    expect(shown(s3, filterRows(s3, NO_FILTER, undefined, undefined, o))).toEqual(shown(s3, v3));
  });

  it("gives every shown entry its position back (selection and keyboard across undelivered rows)", () => {
    seq = 0;
    let s = applyMessage(
      createPanelState(1),
      records([created(), opened(), ev("message", "a"), ev("message", "b")]),
    );
    s = applyMessage(s, net([[e("x", "0"), e("message", "a"), e("x", "1"), e("x", "2"), e("message", "b")]]));
    const v = filterRows(s, NO_FILTER, undefined, undefined, overlayOf(s));
    const n = filteredCount(v);
    for (let p = 0; p < n; p++) expect(positionOf(v, filteredIndex(v, p) as number)).toBe(p);
    // A hidden page row lands on the entry after it: the undelivered rows anchored to it come first.
    const hidden = filterRows(s, { ...NO_FILTER, types: ["x"] }, undefined, undefined, overlayOf(s));
    expect(shown(s, hidden)).toEqual(["✗x:0", "✗x:1", "✗x:2"]);
    const a = s.rows.start + 2;
    expect(positionOf(hidden, a)).toBe(1);
    expect(positionOf(hidden, a + 1)).toBe(3);
  });
});
