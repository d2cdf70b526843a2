import { describe, expect, it } from "vitest";
import {
  type PanelDown,
  PROTOCOL_VERSION,
  type RecordOf,
  type SessionStats,
  type TabRecord,
} from "../protocol/index";
import { filteredCount, filterRows, NO_FILTER, positionOf } from "./filter";
import { describeRow, formatTime, inferredLastEventIdHeader, listenedTypes, stateLabel } from "./format";
import { logNth, logSize, logToArray } from "./log";
import { plainConnections, plainRows } from "./plain";
import { applyMessage, clearView, createPanelState, type PanelState, type Row } from "./reducer";

const TAB = 7;
const DOC = "doc-a";

/** Builds TabRecords by hand, numbering seq/tabSeq and advancing time like a real page would. */
function recorder(docId = DOC, startTabSeq = 0) {
  let tabSeq = startTabSeq;
  let seq = 0;
  let mono = 1_000;
  const base = (cid: string, at?: number) => {
    if (at !== undefined) mono = at;
    else mono += 10;
    return { cid, seq: seq++, tabSeq: tabSeq++, wall: 1_700_000_000_000 + mono, mono, docId, frameId: 0 };
  };
  return {
    created: (cid: string, url = "https://api.example/stream", at?: number, withCredentials = false) =>
      ({
        kind: "connectionCreated",
        ...base(cid, at),
        url,
        withCredentials,
        frameUrl: "https://app.example/",
        readyState: 0,
      }) satisfies RecordOf<"connectionCreated"> & TabRecord,
    opened: (cid: string, at?: number, readyState: 0 | 1 | 2 = 1) =>
      ({ kind: "connectionOpened", ...base(cid, at), readyState }) satisfies TabRecord,
    event: (
      cid: string,
      data: string,
      o: { type?: string; id?: string; at?: number; trusted?: boolean } = {},
    ) =>
      ({
        kind: "eventReceived",
        ...base(cid, o.at),
        type: o.type ?? "message",
        data,
        lastEventId: o.id ?? "",
        origin: "https://api.example",
        readyState: 1,
        trusted: o.trusted ?? true,
      }) satisfies TabRecord,
    error: (cid: string, readyState: 0 | 1 | 2, at?: number, trusted = true) =>
      ({ kind: "errorReceived", ...base(cid, at), readyState, trusted }) satisfies TabRecord,
    close: (cid: string, previousReadyState: 0 | 1 | 2 = 1, at?: number) =>
      ({ kind: "closeCalled", ...base(cid, at), previousReadyState, readyState: 2 }) satisfies TabRecord,
    listener: (cid: string, type: string, at?: number) =>
      ({ kind: "listenerAdded", ...base(cid, at), type }) satisfies TabRecord,
  };
}

const stats = (o: Partial<SessionStats> = {}): SessionStats => ({
  held: 0,
  evicted: 0,
  cap: 200_000,
  lost: 0,
  ...o,
});

const appended = (records: TabRecord[], s = stats(), tabId = TAB): PanelDown => ({
  v: PROTOCOL_VERSION,
  kind: "recordsAppended",
  tabId,
  records,
  stats: s,
});

const replayed = (
  records: TabRecord[],
  reason: "subscribed" | "navigated" = "subscribed",
  s = stats(),
): PanelDown => ({ v: PROTOCOL_VERSION, kind: "sessionReplayed", reason, tabId: TAB, records, stats: s });

const run = (...msgs: PanelDown[]): PanelState => msgs.reduce(applyMessage, createPanelState(TAB));

const conn = (s: PanelState, cid: string) => {
  const c = s.connections.get(cid);
  if (!c) throw new Error(`no connection ${cid}`);
  return c;
};

// These tests send no markers: every row is a record row.
const rows = (s: PanelState) => logToArray(s.rows) as Row[];

/** Row `i` of the state (negative counts from the end). */
const row = (s: PanelState, i: number) => {
  const x = logNth(s.rows, i < 0 ? logSize(s.rows) + i : i);
  if (!x?.rec) throw new Error(`no record row ${i}`);
  return x as Row;
};

describe("connection state", () => {
  it("follows connecting → open → reconnecting → open → closed", () => {
    const r = recorder();
    const seen: string[] = [];
    let s = createPanelState(TAB);
    for (const rec of [r.created("c1"), r.opened("c1"), r.error("c1", 0), r.opened("c1"), r.close("c1", 1)]) {
      s = applyMessage(s, appended([rec]));
      seen.push(conn(s, "c1").state);
    }
    expect(seen).toEqual(["connecting", "open", "reconnecting", "open", "closed"]);
    expect(conn(s, "c1").closeReason).toBe("page");
    expect(stateLabel(conn(s, "c1"))).toBe("closed");
    expect(conn(s, "c1").readyState).toBe(2);
  });

  it("labels a connection the browser gave up on (readyState 2 error, e.g. HTTP 204) as failed", () => {
    const r = recorder();
    const s = run(appended([r.created("c1"), r.error("c1", 2)]));
    const c = conn(s, "c1");
    expect(c.state).toBe("closed");
    expect(c.closeReason).toBe("failed");
    expect(stateLabel(c)).toBe("failed");
    expect(describeRow(row(s, 1))).toBe("error → CLOSED (readyState 2: the browser gave up)");
  });

  it("gives up after a failed reconnect attempt: reconnecting then closed, no reconnect counted", () => {
    const r = recorder();
    const s = run(appended([r.created("c1"), r.opened("c1"), r.error("c1", 0), r.error("c1", 2)]));
    expect(conn(s, "c1").state).toBe("closed");
    expect(conn(s, "c1").reconnects).toBe(0);
    expect(conn(s, "c1").errors).toBe(2);
  });

  it("keeps url, withCredentials, frame and creation time from connectionCreated", () => {
    const r = recorder();
    const s = run(appended([r.created("c1", "https://x.example/sse?room=1", 5_000, true)]));
    const c = conn(s, "c1");
    expect(c.url).toBe("https://x.example/sse?room=1");
    expect(c.withCredentials).toBe(true);
    expect(c.frameUrl).toBe("https://app.example/");
    expect(c.createdAt).toBe(1_700_000_005_000);
    expect(c.placeholder).toBe(false);
    expect(describeRow(row(s, 0))).toBe("CONNECTING (created), withCredentials");
  });

  it("ignores events a page script dispatched itself", () => {
    const r = recorder();
    const s = run(
      appended([
        r.created("c1"),
        r.opened("c1"),
        r.error("c1", 1, undefined, false),
        r.close("c1"),
        r.opened("c1", undefined, 2),
        r.event("c1", "fake", { id: "999", trusted: false }),
      ]),
    );
    const c = conn(s, "c1");
    expect(c.state).toBe("closed");
    expect(c.lastEventId).toBe("");
    expect(c.messages).toBe(1);
    expect(rows(s).filter((x) => x.synthetic)).toHaveLength(3);
    expect(describeRow(row(s, 4))).toContain("synthetic");
  });

  it("treats a trusted message while reconnecting as proof of an open whose record was lost", () => {
    const r = recorder();
    const s = run(appended([r.created("c1"), r.error("c1", 0), r.event("c1", "x", { id: "5" })]));
    expect(conn(s, "c1").state).toBe("open");
    expect(conn(s, "c1").lastEventId).toBe("5");
  });
});

describe("reconnects, observed gap and Last-Event-ID", () => {
  it("counts each open that follows a reconnect, and measures the gap from the first error", () => {
    const r = recorder();
    const s = run(
      appended([r.created("c1", undefined, 1_000), r.opened("c1", 1_050)]),
      appended([r.error("c1", 0, 2_000), r.error("c1", 0, 5_000), r.opened("c1", 8_000)]),
      appended([r.error("c1", 0, 9_000), r.opened("c1", 12_500)]),
    );
    const c = conn(s, "c1");
    expect(c.reconnects).toBe(2);
    expect(c.errors).toBe(3);
    expect(c.lastGapMs).toBe(3_500);
    const opens = rows(s).filter((x) => x.rec.kind === "connectionOpened");
    expect(opens.map((x) => x.gapMs)).toEqual([undefined, 6_000, 3_500]);
    expect(opens[0]?.connectMs).toBe(50);
    const [first, second] = opens;
    expect(first && describeRow(first)).toBe("OPEN (50 ms after created)");
    expect(second && describeRow(second)).toBe("OPEN: reconnected after 6000 ms (observed gap)");
    for (const o of opens) expect(describeRow(o)).not.toMatch(/retry/i);
  });

  it("counts the first open after a failed first attempt as a reconnect", () => {
    const r = recorder();
    const s = run(appended([r.created("c1", undefined, 0), r.error("c1", 0, 100), r.opened("c1", 3_100)]));
    expect(conn(s, "c1").reconnects).toBe(1);
    expect(conn(s, "c1").lastGapMs).toBe(3_000);
  });

  it("infers the Last-Event-ID the browser will send from the last id the page saw", () => {
    const r = recorder();
    let s = run(
      appended([
        r.created("c1"),
        r.opened("c1"),
        r.event("c1", "a", { id: "1" }),
        r.event("c1", "b", { id: "2", type: "join" }),
      ]),
    );
    expect(conn(s, "c1").lastEventId).toBe("2");
    expect(inferredLastEventIdHeader(conn(s, "c1"))).toBeUndefined();
    s = applyMessage(s, appended([r.error("c1", 0)]));
    expect(inferredLastEventIdHeader(conn(s, "c1"))).toBe("2");
    const err = row(s, -1);
    expect(err.willSendLastEventId).toBe("2");
    expect(describeRow(err)).toBe("error → reconnecting (readyState 0), will send Last-Event-ID: 2");
    s = applyMessage(s, appended([r.opened("c1")]));
    expect(inferredLastEventIdHeader(conn(s, "c1"))).toBeUndefined();
  });

  it("says when there is no Last-Event-ID to send", () => {
    const r = recorder();
    const s = run(appended([r.created("c1"), r.opened("c1"), r.event("c1", "a"), r.error("c1", 0)]));
    expect(describeRow(row(s, -1))).toBe(
      "error → reconnecting (readyState 0), no Last-Event-ID to send (no id seen yet)",
    );
  });
});

describe("event types", () => {
  it("records types seen and the types the page listens for", () => {
    const r = recorder();
    const s = run(
      appended([
        r.created("c1"),
        r.listener("c1", "join"),
        r.listener("c1", "leave"),
        r.listener("c1", "join"),
        r.opened("c1"),
        r.event("c1", "Bob", { type: "join" }),
        r.event("c1", "hi"),
        r.event("c1", "Ann", { type: "join" }),
      ]),
    );
    const c = conn(s, "c1");
    expect(c.typesSeen).toEqual(["join", "message"]);
    expect(c.typesListened).toEqual(["join", "leave"]);
    expect(listenedTypes(c)).toEqual(["open", "message", "error", "join", "leave"]);
    expect(c.messages).toBe(3);
    expect(describeRow(row(s, 1))).toBe("listening for 'join'");
  });
});

describe("replay", () => {
  it("replaces the state and leaves the previous snapshot untouched", () => {
    const r = recorder();
    const before = run(appended([r.created("c1"), r.opened("c1"), r.event("c1", "x", { id: "1" })]));
    const r2 = recorder("doc-b");
    const again = [r2.created("d1"), r2.opened("d1")];
    const after = applyMessage(before, replayed(again, "subscribed", stats({ held: 2 })));
    expect([...after.connections.keys()]).toEqual(["d1"]);
    expect(rows(after).map((x) => x.rec.tabSeq)).toEqual([0, 1]);
    expect(after.replayReason).toBe("subscribed");
    expect(after.stats.held).toBe(2);
    // The old snapshot is still what it was.
    expect([...before.connections.keys()]).toEqual(["c1"]);
    expect(logSize(before.rows)).toBe(3);
    expect(conn(before, "c1").messages).toBe(1);
  });

  it("accepts appends after a replay even though tabSeq restarted (service worker restart)", () => {
    const r = recorder("doc-a", 100);
    const s1 = run(appended([r.created("c1"), r.opened("c1")]));
    expect(s1.lastTabSeq).toBe(101);
    const fresh = recorder("doc-a", 0);
    const s2 = applyMessage(s1, replayed([fresh.created("c1"), fresh.opened("c1")]));
    const s3 = applyMessage(s2, appended([fresh.event("c1", "after restart")]));
    expect(conn(s3, "c1").messages).toBe(1);
    expect(logSize(s3.rows)).toBe(3);
  });

  it("navigated: the previous page's connections go and numbering restarts", () => {
    const r = recorder();
    const s1 = run(replayed([r.created("c1"), r.created("c2")]));
    expect(conn(s1, "c2").n).toBe(2);
    const next = recorder("doc-next", 10);
    const s2 = applyMessage(s1, replayed([next.created("n1")], "navigated"));
    expect([...s2.connections.keys()]).toEqual(["n1"]);
    expect(conn(s2, "n1").n).toBe(1);
    expect(s2.replayReason).toBe("navigated");
    expect(s2.navigations).toBe(1);
    expect(logSize(s2.rows)).toBe(1);
  });
});

describe("records whose connectionCreated is missing (evicted or lost)", () => {
  it("creates a placeholder connection from whatever record comes first", () => {
    const r = recorder();
    r.created("c1"); // evicted by the background: never delivered
    const s = run(
      replayed(
        [r.event("c1", "late", { id: "7" }), r.error("c1", 0), r.close("c2", 0), r.listener("c3", "tick")],
        "subscribed",
        stats({ evicted: 1, held: 4 }),
      ),
    );
    const c1 = conn(s, "c1");
    expect(c1.placeholder).toBe(true);
    expect(c1.url).toBe("");
    expect(c1.withCredentials).toBeUndefined();
    expect(c1.state).toBe("reconnecting");
    expect(c1.messages).toBe(1);
    expect(c1.lastEventId).toBe("7");
    expect(conn(s, "c2").state).toBe("closed");
    expect(conn(s, "c2").closeReason).toBe("page");
    expect(conn(s, "c3").typesListened).toEqual(["tick"]);
    expect([...s.connections.values()].map((c) => c.n)).toEqual([1, 2, 3]);
    expect(logSize(s.rows)).toBe(4);
  });

  it("a placeholder first seen through an open starts open and counts no reconnect", () => {
    const r = recorder();
    const s = run(appended([r.opened("c9")]));
    expect(conn(s, "c9").state).toBe("open");
    expect(conn(s, "c9").reconnects).toBe(0);
  });
});

describe("stats and robustness", () => {
  it("takes stats from each message", () => {
    const r = recorder();
    const s1 = run(
      replayed([r.created("c1")], "subscribed", stats({ held: 1, evicted: 5, lost: 2, cap: 100 })),
    );
    expect(s1.stats).toEqual({ held: 1, evicted: 5, lost: 2, cap: 100 });
    const s2 = applyMessage(
      s1,
      appended([r.opened("c1")], stats({ held: 2, evicted: 6, lost: 3, cap: 100 })),
    );
    expect(s2.stats).toEqual({ held: 2, evicted: 6, lost: 3, cap: 100 });
  });

  it("ignores messages for another tab", () => {
    const r = recorder();
    const s0 = createPanelState(TAB);
    expect(applyMessage(s0, appended([r.created("c1")], stats(), TAB + 1))).toBe(s0);
  });

  it("skips records delivered twice", () => {
    const r = recorder();
    const a = r.created("c1");
    const b = r.event("c1", "once");
    const s = run(appended([a, b]), appended([b]), appended([a, b]));
    expect(logSize(s.rows)).toBe(2);
    expect(conn(s, "c1").messages).toBe(1);
  });

  it("stays correct when two messages are applied to the same snapshot", () => {
    const r = recorder();
    const base = run(appended([r.created("c1")]));
    const x = r.event("c1", "x");
    const y = r.event("c1", "y");
    const withX = applyMessage(base, appended([x]));
    const withY = applyMessage(base, appended([y]));
    expect(rows(withX).map((q) => q.rec.kind === "eventReceived" && q.rec.data)).toEqual([false, "x"]);
    expect(rows(withY).map((q) => q.rec.kind === "eventReceived" && q.rec.data)).toEqual([false, "y"]);
    expect(logSize(base.rows)).toBe(1);
  });
});

describe("panel cap", () => {
  it("keeps no more rows than the background's cap, dropping the oldest, and filters follow", () => {
    const r = recorder();
    const cap = stats({ cap: 100 });
    const f = { ...NO_FILTER, text: "7" };
    let s = run(appended([r.created("c1"), r.opened("c1")], cap));
    let view = filterRows(s, f);
    for (let i = 0; i < 30; i++) {
      const batch: TabRecord[] = [];
      for (let j = 0; j < 10; j++) batch.push(r.event("c1", `e${i * 10 + j}`, { id: String(i * 10 + j) }));
      s = applyMessage(s, appended(batch, cap));
      view = filterRows(s, f, view);
    }
    expect(logSize(s.rows)).toBe(100);
    const dataOf = (i: number) => {
      const rec = row(s, i).rec;
      return rec.kind === "eventReceived" ? rec.data : rec.kind;
    };
    expect(dataOf(0)).toBe("e200");
    expect(dataOf(-1)).toBe("e299");
    // Counts are of what was received, not of what is still held.
    expect(conn(s, "c1").messages).toBe(300);
    const full = plainRows(s, filterRows(s, f));
    expect(plainRows(s, view)).toEqual(full);
    const held = Array.from({ length: 100 }, (_, i) => `e${200 + i}`);
    expect(full.map((x) => x.data)).toEqual(held.filter((d) => d.includes("7")));
  });
});

describe("clear view", () => {
  it("drops rows and counts, keeps live connections and their state, drops closed ones", () => {
    const r = recorder();
    const s1 = run(
      appended([
        r.created("live"),
        r.opened("live"),
        r.event("live", "a", { id: "1" }),
        r.error("live", 0),
        r.created("gone"),
        r.close("gone", 0),
      ]),
    );
    const s2 = clearView(s1);
    expect(logSize(s2.rows)).toBe(0);
    expect([...s2.connections.keys()]).toEqual(["live"]);
    expect(conn(s2, "live").messages).toBe(0);
    expect(conn(s2, "live").state).toBe("reconnecting");
    const s3 = applyMessage(s2, appended([r.opened("live"), r.event("live", "b", { id: "2" })]));
    expect(conn(s3, "live").reconnects).toBe(1);
    expect(conn(s3, "live").lastGapMs).toBeGreaterThan(0);
    expect(conn(s3, "live").messages).toBe(1);
    expect(rows(s3).map((x) => x.rec.kind)).toEqual(["connectionOpened", "eventReceived"]);
  });

  it("a later replay does not bring cleared rows back, but still knows the connection", () => {
    const r = recorder();
    const all = [r.created("c1", "https://a.example/s"), r.opened("c1"), r.event("c1", "old", { id: "1" })];
    const cleared = clearView(run(appended(all)));
    const newer = r.event("c1", "new", { id: "2" });
    const s = applyMessage(cleared, replayed([...all, newer]));
    expect(rows(s).map((x) => x.rec.tabSeq)).toEqual([newer.tabSeq]);
    expect(conn(s, "c1").url).toBe("https://a.example/s");
    expect(conn(s, "c1").placeholder).toBe(false);
    expect(conn(s, "c1").messages).toBe(1);
  });
});

describe("filtering", () => {
  const r = recorder();
  const s = run(
    appended([
      r.created("c1"),
      r.listener("c1", "join"),
      r.opened("c1"),
      r.event("c1", '{"user":"Bob"}', { type: "join", id: "10" }),
      r.event("c1", "hello", { id: "11" }),
      r.created("c2"),
      r.event("c2", "BOBCAT", { id: "x" }),
    ]),
  );

  it("matches text in type, data or id, case-insensitively, and special characters literally", () => {
    const kinds = (text: string) =>
      plainRows(s, filterRows(s, { ...NO_FILTER, text })).map((x) => `${x.kind}:${x.data || x.type}`);
    expect(kinds("bob")).toEqual(['eventReceived:{"user":"Bob"}', "eventReceived:BOBCAT"]);
    expect(kinds("JOIN")).toEqual(["listenerAdded:join", 'eventReceived:{"user":"Bob"}']);
    expect(kinds("11")).toEqual(["eventReceived:hello"]);
    expect(kinds('"user"')).toHaveLength(1);
    expect(kinds(".*")).toEqual([]);
  });

  it("filters by event type and by connection", () => {
    expect(plainRows(s, filterRows(s, { ...NO_FILTER, types: ["join"] })).map((x) => x.id)).toEqual(["10"]);
    const c2 = plainRows(s, filterRows(s, { ...NO_FILTER, cid: "c2" }));
    expect(c2.map((x) => x.kind)).toEqual(["connectionCreated", "eventReceived"]);
    const narrow = { ...NO_FILTER, text: "bob", types: ["message"], cid: "c1" };
    expect(plainRows(s, filterRows(s, narrow))).toEqual([]);
  });

  it("extends the previous result on appends and matches a full scan", () => {
    const f = { ...NO_FILTER, text: "o" };
    let state = s;
    let view = filterRows(state, f);
    for (let i = 0; i < 5; i++) {
      state = applyMessage(state, appended([r.event("c2", `n${i}o`), r.event("c2", "zzz")]));
      view = filterRows(state, f, view);
    }
    expect(plainRows(state, view)).toEqual(plainRows(state, filterRows(state, f)));
    // join (listener), {"user":"Bob"}, hello, BOBCAT, then the five new n…o events.
    expect(filteredCount(view)).toBe(4 + 5);
    // A replay starts over rather than mixing indices of two different row sets.
    const replaced = applyMessage(state, replayed([r.event("c9", "zzz")]));
    expect(plainRows(replaced, filterRows(replaced, f, view))).toEqual([]);
  });

  it("finds where a row sits in the filtered list", () => {
    const view = filterRows(s, { ...NO_FILTER, cid: "c2" });
    expect(positionOf(view, 0)).toBe(0);
    expect(positionOf(view, 5)).toBe(0);
    expect(positionOf(view, 6)).toBe(1);
    expect(positionOf(view, 99)).toBe(2);
  });
});

describe("test-hook views", () => {
  it("exports full data and connection facts as plain objects", () => {
    const r = recorder();
    const long = "x".repeat(1_000);
    const story = [r.created("c1"), r.opened("c1"), r.event("c1", long, { id: "42" })] as const;
    const s = run(appended([...story]));
    const [, , ev] = plainRows(s, filterRows(s, NO_FILTER));
    expect(ev).toEqual({
      kind: "eventReceived",
      cid: "c1",
      tabSeq: 2,
      mono: story[2].mono,
      type: "message",
      id: "42",
      data: long,
      origin: (story[2] as { origin: string }).origin,
      readyState: 1,
    });
    expect(describeRow(row(s, 2))).toHaveLength(201);
    expect(plainConnections(s)).toEqual([
      {
        cid: "c1",
        url: "https://api.example/stream",
        state: "open",
        count: 1,
        lastId: "42",
        reconnects: 0,
        previousDocument: false,
        kind: "eventsource",
      },
    ]);
  });

  it("formats wall time as local hh:mm:ss.mmm", () => {
    expect(formatTime(new Date(2024, 0, 2, 3, 4, 5, 6).getTime())).toBe("03:04:05.006");
    expect(formatTime(new Date(2024, 0, 2, 23, 59, 59, 999).getTime())).toBe("23:59:59.999");
  });
});

describe("scale", () => {
  it("handles 200 000 records, appended 500 at a time, without copying the history", () => {
    const r = recorder();
    const n = 200_000;
    const batch = 500;
    let s = createPanelState(TAB);
    let view = filterRows(s, NO_FILTER);
    const started = performance.now();
    let backing: unknown;
    let copies = 0;
    for (let i = 0; i < n; i += batch) {
      const recs: TabRecord[] = [];
      for (let j = 0; j < batch; j++) {
        const k = i + j;
        const cid = `c${k % 20}`;
        recs.push(k < 20 ? r.created(cid) : r.event(cid, `payload ${k}`, { id: String(k) }));
      }
      s = applyMessage(s, appended(recs));
      view = filterRows(s, NO_FILTER, view);
      if (s.rows.items !== backing) copies++;
      backing = s.rows.items;
    }
    const ms = performance.now() - started;
    expect(logSize(s.rows)).toBe(n);
    expect(filteredCount(view)).toBe(n);
    // One backing array for the whole run: appends never copied the rows.
    expect(copies).toBe(1);
    expect(conn(s, "c3").messages).toBe(n / 20 - 1);
    expect(conn(s, "c19").lastEventId).toBe(String(n - 1));
    // Generous bound for a slow CI machine; quadratic copying would take minutes.
    expect(ms).toBeLessThan(5_000);
  });
});

describe("event types", () => {
  it("grow per message without changing an earlier snapshot's lists", () => {
    const r = recorder();
    const s1 = applyMessage(
      createPanelState(TAB),
      appended([r.created("c1"), r.event("c1", "a", { type: "t1" })]),
    );
    const before = [...(s1.connections.get("c1")?.typesSeen ?? [])];
    const s2 = applyMessage(
      s1,
      appended([
        r.event("c1", "b", { type: "t2" }),
        r.event("c1", "c", { type: "t3" }),
        r.event("c1", "d", { type: "t2" }),
      ]),
    );
    const s3 = applyMessage(s2, appended([r.event("c1", "e", { type: "t4" })]));
    expect(s1.connections.get("c1")?.typesSeen).toEqual(before);
    expect(s2.connections.get("c1")?.typesSeen).toEqual(["t1", "t2", "t3"]);
    expect(s3.connections.get("c1")?.typesSeen).toEqual(["t1", "t2", "t3", "t4"]);
  });

  it("stay linear with 10 000 distinct types", () => {
    const r = recorder();
    let s = applyMessage(createPanelState(TAB), appended([r.created("c1")]));
    for (let b = 0; b < 20; b++) {
      const batch: TabRecord[] = [];
      for (let i = 0; i < 500; i++) batch.push(r.listener("c1", `type-${b * 500 + i}`));
      s = applyMessage(s, appended(batch));
    }
    const listened = s.connections.get("c1")?.typesListened ?? [];
    expect(listened).toHaveLength(10_000);
    expect(new Set(listened).size).toBe(10_000);
  });
});
