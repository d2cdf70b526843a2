import { describe, expect, it } from "vitest";
import type { TabNetworkAttempt, TabRecord } from "../protocol/index";
import { type MatchInput, matchTab, NO_ATTEMPTS, type PageAttempts, stepAttempts } from "./match";
import { parseStream } from "./parse";

let seq = 0;
const rec = (cid: string, wall: number, r: Record<string, unknown>): TabRecord =>
  ({ seq: seq, cid, wall, mono: wall, tabSeq: seq++, docId: "d", frameId: 0, ...r }) as TabRecord;
const created = (cid: string, wall: number, url: string) =>
  rec(cid, wall, { kind: "connectionCreated", url, withCredentials: false, frameUrl: "", readyState: 0 });
const opened = (cid: string, wall: number) => rec(cid, wall, { kind: "connectionOpened", readyState: 1 });
const ev = (cid: string, wall: number, type: string, data: string, id: string) =>
  rec(cid, wall, {
    kind: "eventReceived",
    type,
    data,
    lastEventId: id,
    origin: "",
    readyState: 1,
    trusted: true,
  });
const err = (cid: string, wall: number, readyState: 0 | 2) =>
  rec(cid, wall, { kind: "errorReceived", readyState, trusted: true });

/** Replays records into each connection's attempts as the reducer does. */
function conns(records: TabRecord[], listened: Record<string, string[]> = {}): MatchInput[] {
  const m = new Map<string, { url: string; attempts: PageAttempts; lastId: string }>();
  for (const r of records) {
    const c = m.get(r.cid) ?? { url: "", attempts: NO_ATTEMPTS, lastId: "" };
    if (r.kind === "connectionCreated") c.url = r.url;
    c.attempts = stepAttempts(c.attempts, r, c.lastId);
    if (r.kind === "eventReceived") c.lastId = r.lastEventId;
    m.set(r.cid, c);
  }
  return [...m].map(([cid, c]) => ({
    cid,
    url: c.url,
    frameId: 0,
    listened: ["open", "message", "error", ...(listened[cid] ?? [])],
    attempts: c.attempts,
  }));
}

let netSeq = 0;
function net(url: string, startedWall: number, body: string, sent?: string, extra = {}): TabNetworkAttempt {
  const p = parseStream(body, { startLastEventId: sent ?? "" });
  return {
    source: "devtools",
    url,
    startedWall,
    status: 200,
    statusText: "OK",
    contentType: "text/event-stream",
    responseHeaders: [],
    lastEventIdSent: sent,
    requestHeadersKnown: true,
    bodyChars: body.length,
    transferBytes: -1,
    bodyCharsDropped: 0,
    items: p.items,
    itemsDropped: p.itemsDropped,
    events: p.events,
    endLastEventId: p.lastEventId,
    unterminated: p.unterminated,
    bodyKnown: true,
    netSeq: netSeq++,
    ...extra,
  };
}

const U = "http://h/s";

describe("matchTab", () => {
  it("numbers attempts, takes Last-Event-ID from the header, marks events nobody listens for", () => {
    const page = [
      created("a", 100, U),
      opened("a", 110),
      ev("a", 120, "message", "m1", "1"),
      err("a", 130, 0),
      opened("a", 900),
      ev("a", 910, "message", "m3", "3"),
      err("a", 950, 2),
    ];
    const n1 = net(U, 101, ": hi\nretry: 700\n\nid: 1\ndata: m1\n\nevent: update\nid: 2\ndata: u2\n\n");
    const n2 = net(U, 840, "id: 3\ndata: m3\n\nid: 4\n\n", "2");
    // Another stream to another URL must not be taken.
    const other = net("http://h/other", 845, "data: x\n\n", "2");
    const m = matchTab(conns(page), [other, n2, n1]).get("a") ?? [];
    expect(m.map((a) => [a.k, a.net?.netSeq, a.lastEventId, a.lastEventIdFrom, a.gapMs, a.byOrder])).toEqual([
      [1, n1.netSeq, "", "header", undefined, false],
      [2, n2.netSeq, "2", "header", 840 - 130, false],
    ]);
    expect(m[0]?.rows).toEqual([
      { kind: "comment", text: "hi" },
      { kind: "retry", ms: 700 },
      { kind: "event", type: "message", data: "m1", lastEventId: "1", blockId: "1", delivered: "delivered" },
      { kind: "event", type: "update", data: "u2", lastEventId: "2", blockId: "2", delivered: "noListener" },
    ]);
    expect(m[1]?.rows.map((r) => r.kind)).toEqual(["event", "idOnly"]);
    expect(m[0]?.ending).toBe("server closed the stream; reconnecting");
    expect(m[1]?.ending).toBe("failed: the browser gave up (204, non-200 or wrong Content-Type)");
  });

  it("tells 204 and a wrong Content-Type apart from the network record", () => {
    const page = [created("a", 100, U), err("a", 150, 2), created("b", 200, U), err("b", 250, 2)];
    const n1 = net(U, 101, "", undefined, { status: 204, statusText: "No Content", contentType: "" });
    const n2 = net(U, 201, "data: x\n\n", undefined, { contentType: "text/plain" });
    const m = matchTab(conns(page), [n1, n2]);
    expect(m.get("a")?.[0]?.ending).toMatch(/^204/);
    expect(m.get("b")?.[0]?.ending).toMatch(/^wrong Content-Type \(text\/plain\)/);
  });

  it("two EventSources to one URL: the Last-Event-ID header decides, not the start time", () => {
    // a and b both reconnect; b's reconnect request happens to start first. a must send "a1", b "b1".
    const page = [
      created("a", 100, U),
      created("b", 100, U),
      opened("a", 105),
      opened("b", 105),
      ev("a", 110, "message", "x", "a1"),
      ev("b", 110, "message", "y", "b1"),
      err("a", 120, 0),
      err("b", 120, 0),
    ];
    const a1 = net(U, 101, "id: a1\ndata: x\n\n");
    const b1 = net(U, 101, "id: b1\ndata: y\n\n");
    const b2 = net(U, 400, "data: later\n\n", "b1");
    const a2 = net(U, 401, "data: later\n\n", "a1");
    const m = matchTab(conns(page), [a1, b1, b2, a2]);
    // The first attempts are indistinguishable (same URL, time, no header): creation order decides.
    expect(m.get("a")?.map((x) => x.net?.netSeq)).toEqual([a1.netSeq, a2.netSeq]);
    expect(m.get("b")?.map((x) => x.net?.netSeq)).toEqual([b1.netSeq, b2.netSeq]);
  });

  it("an event whose type the page listens for but that is not in its record is told apart", () => {
    const page = [created("a", 100, U), opened("a", 105), err("a", 200, 0)];
    const n1 = net(U, 101, "event: update\ndata: u\n\n");
    const m = matchTab(conns(page, { a: ["update"] }), [n1]);
    expect(m.get("a")?.[0]?.rows).toMatchObject([{ delivered: "notInPageRecord" }]);
  });

  it("a request that started after the attempt ended is not that attempt's", () => {
    const page = [created("a", 100, U), err("a", 150, 0)];
    const late = net(U, 300, "data: x\n\n");
    const m = matchTab(conns(page), [late]);
    expect(m.get("a")?.[0]?.net).toBeUndefined();
    // It is the second attempt's (begun by the error), but that one must send no Last-Event-ID: it does not.
    expect(m.get("a")?.[1]?.net?.netSeq).toBe(late.netSeq);
  });
});

describe("stepAttempts", () => {
  it("close() ends the attempt; a synthetic error does not", () => {
    let a = stepAttempts(NO_ATTEMPTS, created("c", 1, U), "");
    a = stepAttempts(a, rec("c", 2, { kind: "errorReceived", readyState: 0, trusted: false }), "");
    expect(a.list).toHaveLength(1);
    a = stepAttempts(a, rec("c", 3, { kind: "closeCalled", previousReadyState: 0, readyState: 2 }), "");
    expect(a.list[0]?.end?.how).toBe("close");
  });
});
