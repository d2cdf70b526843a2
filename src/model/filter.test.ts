import { describe, expect, it } from "vitest";
import { PROTOCOL_VERSION, type RecordsAppended, type TabRecord } from "../protocol/index";
import {
  compileSearch,
  countTypes,
  FilterMemo,
  filterRows,
  isHeartbeat,
  NO_FILTER,
  type RowFilter,
  type TypeCounts,
  topTypes,
} from "./filter";
import { logAt, logToArray } from "./log";
import { plainRows } from "./plain";
import { applyMessage, createPanelState, type PanelState } from "./reducer";

const TAB = 4;
let seq = 0;
const base = (cid: string) => {
  seq++;
  return {
    cid,
    seq,
    tabSeq: seq,
    wall: 1000 + seq,
    mono: 1000 + seq,
    docId: cid.split(".")[0] as string,
    frameId: 0,
  };
};
const created = (cid: string): TabRecord => ({
  kind: "connectionCreated",
  ...base(cid),
  url: `https://x.example/${cid}`,
  withCredentials: false,
  frameUrl: "https://x.example/",
  readyState: 0,
});
const ev = (cid: string, type: string, data: string, id = ""): TabRecord => ({
  kind: "eventReceived",
  ...base(cid),
  type,
  data,
  lastEventId: id,
  origin: "https://x.example",
  readyState: 1,
  trusted: true,
});
const appended = (records: TabRecord[], cap = 200_000): RecordsAppended => ({
  v: PROTOCOL_VERSION,
  kind: "recordsAppended" as const,
  tabId: TAB,
  records,
  stats: { held: 0, evicted: 0, cap, lost: 0 },
});

function stateOf(records: TabRecord[]): PanelState {
  return applyMessage(createPanelState(TAB), appended(records));
}
const f = (o: Partial<RowFilter>): RowFilter => ({ ...NO_FILTER, ...o });
/** Shown rows as "kind:type:data" (events) or "kind". */
const shown = (s: PanelState, filter: RowFilter) =>
  plainRows(s, filterRows(s, filter)).map((r) =>
    r.kind === "eventReceived" ? `${r.type}:${r.data}` : r.kind,
  );

const sample = () =>
  stateOf([
    created("a.1"),
    ev("a.1", "price", '{"p":1}', "1"),
    ev("a.1", "news", "hello world", "2"),
    ev("a.1", "ping", "", "2"),
    ev("a.1", "message", "", "3"),
    ev("a.1", "price", '{"p":22}', "4"),
    ev("a.1", "heartbeat", "1700000000", "5"),
    ev("a.1", "news", "   ", "6"),
    ev("a.1", "tick", "x", "id-77"),
  ]);

describe("filter: event-name chips", () => {
  it("no chip selected shows every row; one chip shows only that type's events", () => {
    const s = sample();
    expect(shown(s, NO_FILTER)).toHaveLength(9);
    expect(shown(s, f({ types: ["price"] }))).toEqual(['price:{"p":1}', 'price:{"p":22}']);
  });

  it("several chips show the union of their types, in row order", () => {
    const s = sample();
    expect(shown(s, f({ types: ["news", "price"] }))).toEqual([
      'price:{"p":1}',
      "news:hello world",
      'price:{"p":22}',
      "news:   ",
    ]);
    // A selected type with no event shows nothing (not everything).
    expect(shown(s, f({ types: ["nothing-like-this"] }))).toEqual([]);
  });

  it("chips combine with the text search over data and id", () => {
    const s = sample();
    expect(shown(s, f({ types: ["price", "news"], text: "22" }))).toEqual(['price:{"p":22}']);
    expect(shown(s, f({ types: ["tick"], text: "ID-77" }))).toEqual(["tick:x"]);
    expect(shown(s, f({ types: ["news"], text: "22" }))).toEqual([]);
  });
});

describe("filter: text and regex", () => {
  it("plain text is a substring, regex characters included", () => {
    const s = sample();
    expect(shown(s, f({ text: '"p":' }))).toEqual(['price:{"p":1}', 'price:{"p":22}']);
    // "p.:" is not a substring of anything: the dot is literal in plain text.
    expect(shown(s, f({ text: "p.:" }))).toEqual([]);
  });

  it("regex matches type, data or id, case-insensitive", () => {
    const s = sample();
    expect(shown(s, f({ text: '"p":\\d{2}', regex: true }))).toEqual(['price:{"p":22}']);
    expect(shown(s, f({ text: "^HELLO", regex: true }))).toEqual(["news:hello world"]);
    expect(shown(s, f({ text: "^id-\\d+$", regex: true }))).toEqual(["tick:x"]);
    expect(shown(s, f({ text: "p.:", regex: true }))).toEqual(['price:{"p":1}', 'price:{"p":22}']);
  });

  it("an invalid regex reports its error and filters nothing", () => {
    expect(compileSearch("(unclosed", true).error).toMatch(/./);
    expect(compileSearch("(unclosed", false).error).toBeUndefined();
    expect(compileSearch("ok", true).error).toBeUndefined();
    const s = sample();
    expect(shown(s, f({ text: "(unclosed", regex: true }))).toHaveLength(9);
    // Still combined with the chips.
    expect(shown(s, f({ text: "[", regex: true, types: ["tick"] }))).toEqual(["tick:x"]);
  });
});

describe("filter: hide heartbeats", () => {
  it("hides heartbeat-named types and empty-data events, keeps the connection's story", () => {
    const s = sample();
    expect(shown(s, f({ hideHeartbeats: true }))).toEqual([
      "connectionCreated",
      'price:{"p":1}',
      "news:hello world",
      'price:{"p":22}',
      "tick:x",
    ]);
  });

  it("names heartbeats by the whole type only", () => {
    const row = (type: string, data = "x") =>
      ({ rec: ev("z.1", type, data) }) as Parameters<typeof isHeartbeat>[0];
    for (const t of ["ping", "PING", "heartbeat", "keep-alive", "keepalive", "hb"])
      expect(isHeartbeat(row(t))).toBe(true);
    for (const t of ["pingback", "shipping", "message", "update"]) expect(isHeartbeat(row(t))).toBe(false);
    expect(isHeartbeat(row("message", ""))).toBe(true);
    expect(isHeartbeat(row("message", " \n"))).toBe(true);
  });
});

describe("filter: incremental", () => {
  it("appending extends the previous view and equals a fresh scan", () => {
    let s = stateOf([created("a.1")]);
    const filter = f({ types: ["b", "c"], text: "[02468]$", regex: true });
    let view = filterRows(s, filter);
    for (let i = 0; i < 50; i++) {
      s = applyMessage(s, appended([ev("a.1", ["a", "b", "c"][i % 3] as string, `d${i}`)]));
      const next = filterRows(s, filter, view);
      // Resumed: the previous indices are the head of the new ones (same backing log).
      expect(next.indices.items).toBe(view.indices.items);
      view = next;
    }
    expect(plainRows(s, view)).toEqual(plainRows(s, filterRows(s, filter)));
  });

  it("pause: `until` stops the view; resuming adds what came meanwhile", () => {
    let s = stateOf([created("a.1"), ev("a.1", "x", "1")]);
    const until = s.rows.end;
    s = applyMessage(s, appended([ev("a.1", "x", "2"), ev("a.1", "x", "3")]));
    const paused = filterRows(s, NO_FILTER, undefined, until);
    const label = (r: { kind: string; data?: string }) => (r.kind === "eventReceived" ? r.data : r.kind);
    expect(plainRows(s, paused).map(label)).toEqual(["connectionCreated", "1"]);
    const resumed = filterRows(s, NO_FILTER, paused);
    expect(
      plainRows(s, resumed)
        .map((r) => r.data)
        .slice(1),
    ).toEqual(["1", "2", "3"]);
  });
});

describe("filter: per-type counts", () => {
  const fresh = (s: PanelState, cid = "") => Object.fromEntries(countTypes(s, cid).counts);

  it("counts events per type, per connection or all", () => {
    const s = stateOf([
      created("a.1"),
      created("b.1"),
      ev("a.1", "x", "1"),
      ev("b.1", "x", "2"),
      ev("b.1", "y", "3"),
    ]);
    expect(fresh(s)).toEqual({ x: 2, y: 1 });
    expect(fresh(s, "b.1")).toEqual({ x: 1, y: 1 });
    expect(countTypes(s, "").total).toBe(3);
  });

  it("updates per appended batch by counting only the new rows", () => {
    let s = stateOf([created("a.1")]);
    let c: TypeCounts = countTypes(s, "");
    for (let i = 0; i < 30; i++) {
      const batch = [ev("a.1", `t${i % 4}`, "d"), ev("a.1", "z", "d")];
      s = applyMessage(s, appended(batch));
      const before = c.end;
      c = countTypes(s, "", c);
      expect(c.end - before).toBe(2);
      expect(Object.fromEntries(c.counts)).toEqual(fresh(s));
    }
    expect(c.counts.get("z")).toBe(30);
    // Not rescanned: a count planted in the previous result survives the next batch (a rescan would drop it).
    c.counts.set("planted", 99);
    s = applyMessage(s, appended([ev("a.1", "z", "d")]));
    c = countTypes(s, "", c);
    expect(c.counts.get("planted")).toBe(99);
    expect(c.counts.get("z")).toBe(31);
    // A different connection selection does rescan.
    expect(countTypes(s, "a.1", c).counts.has("planted")).toBe(false);
  });

  it("subtracts rows trimmed at the panel's cap", () => {
    let s = applyMessage(createPanelState(TAB), appended([created("a.1")], 100));
    let c = countTypes(s, "");
    for (let i = 0; i < 30; i++) {
      const batch = Array.from({ length: 10 }, (_, j) => ev("a.1", i < 20 ? "old" : `new${j % 2}`, "d"));
      s = applyMessage(s, appended(batch, 100));
      c = countTypes(s, "", c);
    }
    expect(Object.fromEntries(c.counts)).toEqual({ new0: 50, new1: 50 });
    expect(Object.fromEntries(c.counts)).toEqual(fresh(s));
    expect(c.total).toBe(100);
  });

  it("stops at a pause", () => {
    let s = stateOf([created("a.1"), ev("a.1", "x", "1")]);
    const until = s.rows.end;
    s = applyMessage(s, appended([ev("a.1", "x", "2"), ev("a.1", "y", "3")]));
    expect(Object.fromEntries(countTypes(s, "", undefined, until).counts)).toEqual({ x: 1 });
  });

  it("topTypes picks the most frequent, ties by name, and keeps selected ones", () => {
    const counts = new Map(Array.from({ length: 10_000 }, (_, i) => [`t${i}`, i % 100] as [string, number]));
    const top = topTypes(counts, 5, ["t0"]);
    expect(top).toEqual(["t1099", "t1199", "t1299", "t1399", "t1499", "t0"]);
    expect(
      topTypes(
        new Map([
          ["b", 1],
          ["a", 1],
          ["c", 5],
        ]),
        10,
      ),
    ).toEqual(["c", "a", "b"]);
  });
});

describe("filter: recent results reused across keystrokes (FilterMemo)", () => {
  const words = ["7", "17", "77", "Ab7", "ab77", "x", "", "a7b"];
  // Data is a word and a letter; the id is numeric only every other row, so the search runs over data and ids.
  const batchOf = (from: number, n: number, cid = "m.1") =>
    Array.from({ length: n }, (_, i) => {
      const k = from + i;
      return ev(
        cid,
        k % 3 === 0 ? "tick" : "news",
        `${words[k % 8]}-${String.fromCharCode(97 + (k % 26))}`,
        k % 2 ? "" : `${k}`,
      );
    });

  it("shows exactly what a fresh scan shows, through typing, deleting, appends, a pause, a cap and a replay", () => {
    const memo = new FilterMemo();
    let s = stateOf([created("m.1"), ...batchOf(0, 40)]);
    const check = (filter: RowFilter, until?: number) => {
      const fresh = filterRows(s, filter, undefined, until);
      expect(logToArray(memo.view(s, filter, until).indices)).toEqual(logToArray(fresh.indices));
    };
    const typed = ["7", "77", "777", "77", "7", "", "a", "ab", "AB7", "ab", ""];
    let n = 40;
    for (const [k, text] of typed.entries()) {
      check(f({ text }));
      check(f({ text, types: ["news"] }));
      check(f({ text, hideHeartbeats: true, cid: "m.1" }));
      if (k % 2 === 0) {
        s = applyMessage(s, appended(batchOf(n, 7)));
        n += 7;
      }
      check(f({ text }), s.rows.end - 5);
    }
    // A small cap trims rows from the front; then a replay starts a new lineage.
    s = applyMessage(s, appended(batchOf(n, 30), 50));
    for (const text of ["7", "77", "7"]) check(f({ text }));
    s = stateOf([created("m.1"), ...batchOf(500, 25)]);
    for (const text of ["77", "7", ""]) check(f({ text }));
    check(f({ text: "7.", regex: true }));
    check(f({ text: "77.", regex: true }));
  });

  it("a narrower search reads only the rows the wider one showed; going back reads none", () => {
    const memo = new FilterMemo();
    const s = stateOf([created("m.1"), ...batchOf(0, 400)]);
    let reads = 0;
    for (let i = s.rows.start; i < s.rows.end; i++) {
      const rec = logAt(s.rows, i)?.rec;
      if (rec?.kind !== "eventReceived") continue;
      const data = rec.data;
      Object.defineProperty(rec, "data", {
        get() {
          reads++;
          return data;
        },
      });
    }
    const readsFor = (text: string) => {
      reads = 0;
      const shownCount = logToArray(memo.view(s, f({ text })).indices).length;
      return { reads, shownCount };
    };
    const wide = readsFor("b7");
    // Data is read where the type and id did not match already.
    expect(wide.reads).toBeGreaterThan(300);
    expect(wide.shownCount).toBeLessThan(200);
    const narrow = readsFor("b77");
    expect(narrow.shownCount).toBeGreaterThan(0);
    expect(narrow.reads).toBeLessThanOrEqual(wide.shownCount);
    expect(readsFor("b7").reads).toBe(0);
    expect(readsFor("b77").reads).toBe(0);
  });
});
