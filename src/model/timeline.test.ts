import { describe, expect, it } from "vitest";
import type { MatchedAttempt } from "../network/match";
import { type PanelDown, PROTOCOL_VERSION, type TabRecord } from "../protocol/index";
import { filterRows, NO_FILTER } from "./filter";
import { applyMessage, createPanelState, type PanelState } from "./reducer";
import {
  axisTicks,
  buildStories,
  extentOf,
  fitWindow,
  indexEvents,
  MAX_BUCKETS,
  panWindow,
  retryInForce,
  timelineFrame,
  typeColor,
  xOf,
  zoomWindow,
} from "./timeline";

const TAB = 3;

/** TabRecords by hand, at explicit mono times (wall = mono + a constant, as on a page). */
function recorder(docId = "d") {
  let tabSeq = 0;
  let seq = 0;
  const base = (cid: string, mono: number) => ({
    cid,
    seq: seq++,
    tabSeq: tabSeq++,
    wall: 1_700_000_000_000 + mono,
    mono,
    docId,
    frameId: 0,
  });
  return {
    created: (cid: string, at: number): TabRecord => ({
      kind: "connectionCreated",
      ...base(cid, at),
      url: `https://h/${cid}`,
      withCredentials: false,
      frameUrl: "https://h/",
      readyState: 0,
    }),
    opened: (cid: string, at: number): TabRecord => ({
      kind: "connectionOpened",
      ...base(cid, at),
      readyState: 1,
    }),
    event: (cid: string, at: number, type = "message", id = ""): TabRecord => ({
      kind: "eventReceived",
      ...base(cid, at),
      type,
      data: `${type}@${at}`,
      lastEventId: id,
      origin: "https://h",
      readyState: 1,
      trusted: true,
    }),
    error: (cid: string, at: number, readyState: 0 | 2, trusted = true): TabRecord => ({
      kind: "errorReceived",
      ...base(cid, at),
      readyState,
      trusted,
    }),
    close: (cid: string, at: number): TabRecord => ({
      kind: "closeCalled",
      ...base(cid, at),
      previousReadyState: 1,
      readyState: 2,
    }),
    forceClosed: (cid: string, at: number, mode: "close" | "fail"): TabRecord => ({
      kind: "connectionForceClosed",
      ...base(cid, at),
      mode,
      previousReadyState: 1,
      readyState: 2,
    }),
  };
}

const append = (state: PanelState, records: TabRecord[]): PanelState =>
  applyMessage(state, {
    v: PROTOCOL_VERSION,
    kind: "recordsAppended",
    tabId: TAB,
    records,
    stats: { held: 0, evicted: 0, cap: 0, lost: 0 },
  } satisfies PanelDown);

describe("buildStories", () => {
  it("tells created → open → error(0) → open → close as bands, one gap with the observed ms, one error", () => {
    const r = recorder();
    const state = append(createPanelState(TAB), [
      r.created("c", 1_000),
      r.opened("c", 1_010),
      r.event("c", 1_020, "message", "4"),
      r.error("c", 1_100, 0),
      r.opened("c", 2_071),
      r.event("c", 2_080, "message", "5"),
      r.close("c", 2_200),
    ]);
    const lane = buildStories(state).lanes.get("c");
    expect(lane?.bands).toEqual([
      { state: "connecting", from: 1_000, to: 1_010 },
      { state: "open", from: 1_010, to: 1_100 },
      { state: "reconnecting", from: 1_100, to: 2_071 },
      { state: "open", from: 2_071, to: 2_200 },
      { state: "closed", reason: "page", from: 2_200, to: undefined },
    ]);
    // The gap is the reducer's observed gap (error → open), with the Last-Event-ID the page will send.
    expect(lane?.gaps).toEqual([{ k: 2, from: 1_100, to: 2_071, ms: 971, willSend: "4" }]);
    expect(lane?.marks.map((m) => [m.kind, m.mono, m.readyState])).toEqual([["error", 1_100, 0]]);
  });

  it("counts each failed retry as an attempt but keeps one gap from the first error; a 204 end fails it", () => {
    const r = recorder();
    const state = append(createPanelState(TAB), [
      r.created("c", 0),
      r.opened("c", 10),
      r.error("c", 100, 0),
      r.error("c", 400, 0),
      r.opened("c", 700),
      r.error("c", 800, 0),
      r.error("c", 900, 2),
    ]);
    const lane = buildStories(state).lanes.get("c");
    expect(lane?.gaps.map((g) => [g.k, g.from, g.to, g.ms])).toEqual([
      [3, 100, 700, 600],
      [4, 800, 900, undefined],
    ]);
    expect(lane?.bands.map((b) => [b.state, b.reason])).toEqual([
      ["connecting", undefined],
      ["open", undefined],
      ["reconnecting", undefined],
      ["open", undefined],
      ["reconnecting", undefined],
      ["closed", "failed"],
    ]);
    expect(lane?.marks).toHaveLength(4);
  });

  it("marks a force-close from DevTools, and its Fail error, without another band", () => {
    const r = recorder();
    const state = append(createPanelState(TAB), [
      r.created("c", 0),
      r.opened("c", 10),
      r.forceClosed("c", 50, "fail"),
      r.error("c", 51, 2, false),
    ]);
    const lane = buildStories(state).lanes.get("c");
    expect(lane?.bands.at(-1)).toEqual({ state: "closed", reason: "devtools-fail", from: 50, to: undefined });
    expect(lane?.marks.map((m) => [m.kind, m.mode])).toEqual([
      ["devtools", "fail"],
      ["error", undefined],
    ]);
  });

  it("extends the previous result with appended rows: the same as building from scratch", () => {
    const r = recorder();
    const s1 = append(createPanelState(TAB), [r.created("a", 0), r.opened("a", 5), r.error("a", 20, 0)]);
    const first = buildStories(s1);
    const s2 = append(s1, [r.opened("a", 60), r.created("b", 61), r.close("a", 70)]);
    const resumed = buildStories(s2, first);
    expect(resumed.scanned).toBe(6);
    expect(JSON.parse(JSON.stringify([...resumed.lanes]))).toEqual(
      JSON.parse(JSON.stringify([...buildStories(s2).lanes])),
    );
  });
});

/** A state with `n` events over two connections and three types, mono 0…n-1 (plus creation/open). */
function busy(n: number): PanelState {
  const r = recorder();
  const recs: TabRecord[] = [r.created("a", -2), r.opened("a", -1), r.created("b", -2), r.opened("b", -1)];
  const types = ["message", "price", "news"];
  for (let i = 0; i < n; i++)
    recs.push(r.event(i % 3 === 0 ? "b" : "a", i, types[(i % 7) % 3] as string, String(i)));
  return append(createPanelState(TAB), recs);
}

describe("timelineFrame", () => {
  it("aggregates many events into buckets whose counts sum to the events in the window, per type too", () => {
    const state = busy(20_000);
    const view = filterRows(state, NO_FILTER);
    const events = indexEvents(state, view);
    const stories = buildStories(state);
    const win = { from: 1_234.5, to: 17_001 };
    const frame = timelineFrame({ cids: ["a", "b"], stories, events, win, width: 800, now: 20_000 });
    expect(frame.mode).toBe("buckets");
    // Counted independently from the records themselves.
    const expected = new Map<string, number>();
    for (let i = 0; i < state.rows.end; i++) {
      const rec = state.rows.items[i]?.rec;
      if (rec?.kind !== "eventReceived" || rec.mono < win.from || rec.mono >= win.to) continue;
      const k = `${rec.cid}/${rec.type}`;
      expected.set(k, (expected.get(k) ?? 0) + 1);
    }
    const got = new Map<string, number>();
    let elements = 0;
    for (const lane of frame.lanes) {
      for (const b of lane.buckets ?? []) {
        elements++;
        expect(b.types.reduce((n, [, c]) => n + c, 0)).toBe(b.count);
        expect(b.x0).toBeGreaterThanOrEqual(0);
        expect(b.x1).toBeLessThanOrEqual(800);
        for (const [ty, c] of b.types) got.set(`${lane.cid}/${ty}`, (got.get(`${lane.cid}/${ty}`) ?? 0) + c);
      }
    }
    expect(got).toEqual(expected);
    expect(frame.inWindow).toBe([...expected.values()].reduce((a, b) => a + b, 0));
    expect(elements).toBeLessThanOrEqual(MAX_BUCKETS);
  });

  it("draws single ticks when few enough, at their time's x, for the filtered view only", () => {
    const state = busy(3_000);
    const view = filterRows(state, { ...NO_FILTER, types: ["price"] });
    const events = indexEvents(state, view);
    const win = { from: 100, to: 400 };
    const frame = timelineFrame({
      cids: ["a", "b"],
      stories: buildStories(state),
      events,
      win,
      width: 300,
      now: 3_000,
    });
    expect(frame.mode).toBe("ticks");
    const ticks = frame.lanes.flatMap((l) => l.ticks ?? []);
    expect(ticks.every((tk) => tk.type === "price")).toBe(true);
    const expected = [];
    for (let i = 0; i < state.rows.end; i++) {
      const rec = state.rows.items[i]?.rec;
      if (rec?.kind === "eventReceived" && rec.type === "price" && rec.mono >= 100 && rec.mono < 400)
        expected.push(rec.mono - 100);
    }
    expect(ticks.map((tk) => Math.round(tk.x * 1e6) / 1e6).sort((p, q) => p - q)).toEqual(
      expected.sort((p, q) => p - q),
    );
  });

  it("clips bands to the window; an ongoing band runs to now", () => {
    const r = recorder();
    const state = append(createPanelState(TAB), [r.created("c", 0), r.opened("c", 100)]);
    const frame = timelineFrame({
      cids: ["c"],
      stories: buildStories(state),
      events: indexEvents(state, filterRows(state, NO_FILTER)),
      win: { from: 50, to: 250 },
      width: 200,
      now: 200,
    });
    expect(frame.lanes[0]?.bands).toEqual([
      { state: "connecting", x0: 0, x1: 50, from: 0, to: 100, ongoing: false },
      { state: "open", x0: 50, x1: 150, from: 100, to: 200, ongoing: true },
    ]);
  });

  it("resumes the event index when the view grows, and restarts when the filter changes", () => {
    const r = recorder();
    let state = append(createPanelState(TAB), [r.created("c", 0), r.event("c", 1, "x")]);
    let view = filterRows(state, NO_FILTER);
    const first = indexEvents(state, view);
    state = append(state, [r.event("c", 2, "y"), r.event("c", 3, "x")]);
    view = filterRows(state, NO_FILTER, view);
    const grown = indexEvents(state, view, first);
    expect(grown.byCid.get("c")?.type).toEqual(["x", "y", "x"]);
    const narrowed = indexEvents(state, filterRows(state, { ...NO_FILTER, types: ["y"] }, view), grown);
    expect(narrowed.byCid.get("c")?.type).toEqual(["y"]);
  });

  it("extent spans the lanes' first record to now", () => {
    const state = busy(10);
    const ext = extentOf(
      ["a", "b"],
      buildStories(state),
      indexEvents(state, filterRows(state, NO_FILTER)),
      50,
    );
    expect(ext).toEqual({ from: -2, to: 50 });
  });
});

describe("window math", () => {
  it("zooms around the pointer: the time under it stays there", () => {
    const w = { from: 1_000, to: 2_000 };
    const z = zoomWindow(w, 0.5, 0.25);
    expect(z.to - z.from).toBe(500);
    // 0.25 of the width was 1250 ms; it still is.
    expect(z.from + (z.to - z.from) * 0.25).toBe(1_250);
    expect(xOf(z, 400, 1_250)).toBe(100);
    const back = zoomWindow(z, 2, 0.25);
    expect(back).toEqual(w);
  });

  it("never zooms below 1 ms; pans by ms; fits with a margin", () => {
    expect(zoomWindow({ from: 0, to: 2 }, 0.01).to - zoomWindow({ from: 0, to: 2 }, 0.01).from).toBe(1);
    expect(panWindow({ from: 10, to: 20 }, -5)).toEqual({ from: 5, to: 15 });
    const f = fitWindow(1_000, 3_000);
    expect(f.from).toBeLessThan(1_000);
    expect(f.to).toBeGreaterThan(3_000);
    expect(fitWindow(5, 5).to - fitWindow(5, 5).from).toBeGreaterThanOrEqual(100);
  });

  it("axis ticks fall on nice steps, at least minPx apart, with readable labels", () => {
    const ticks = axisTicks({ from: 0, to: 10_000 }, 500, 0, 80);
    expect(ticks.map((tk) => tk.label)).toEqual(["0 s", "2 s", "4 s", "6 s", "8 s", "10 s"]);
    const fine = axisTicks({ from: 1_000.3, to: 1_001.3 }, 500, 1_000, 80);
    expect(fine.map((tk) => tk.label)).toEqual(["0.4 ms", "0.6 ms", "0.8 ms", "1.0 ms", "1.2 ms"]);
    for (let i = 1; i < fine.length; i++)
      expect((fine[i]?.x ?? 0) - (fine[i - 1]?.x ?? 0)).toBeGreaterThanOrEqual(80);
    const minutes = axisTicks({ from: 0, to: 600_000 }, 300, 0, 80);
    expect(minutes.map((tk) => tk.label)).toEqual(["0 s", "3 min 20 s", "6 min 40 s", "10 min 0 s"]);
    expect(
      axisTicks({ from: 0, to: 1_000 }, 1_000, 0, 80)
        .map((tk) => tk.label)
        .slice(0, 3),
    ).toEqual(["0 ms", "100 ms", "200 ms"]);
  });
});

describe("retryInForce", () => {
  const att = (k: number, o: Partial<MatchedAttempt>): MatchedAttempt =>
    ({ k, rows: [], bodyKnown: true, lastEventIdFrom: "inferred", ...o }) as MatchedAttempt;
  it("is the last retry: of the attempts before, the default without one, unknown without a body", () => {
    const a = [
      att(1, { rows: [{ kind: "retry", ms: 300 }] }),
      att(2, { rows: [{ kind: "retry", ms: 700 }] }),
      att(3, {}),
    ];
    expect(retryInForce(a, 2)).toEqual({ ms: 300 });
    expect(retryInForce(a, 3)).toEqual({ ms: 700 });
    expect(retryInForce(a, 4)).toEqual({ ms: 700 });
    expect(retryInForce([att(1, {})], 2)).toBe("default");
    expect(
      retryInForce([att(1, { rows: [{ kind: "retry", ms: 300 }] }), att(2, { bodyKnown: false })], 3),
    ).toBe("unknown");
    expect(retryInForce([att(2, {})], 3)).toBe("unknown");
  });
});

describe("typeColor", () => {
  it("is stable per name, message is blue, other names spread over the palette", () => {
    expect(typeColor("price")).toBe(typeColor("price"));
    expect(typeColor("message")).toBe("#1a73e8");
    const names = Array.from({ length: 50 }, (_, i) => `type${i}`);
    expect(new Set(names.map(typeColor)).size).toBeGreaterThan(6);
    expect(names.map(typeColor)).not.toContain("#1a73e8");
  });
});
