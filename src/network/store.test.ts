import { describe, expect, it } from "vitest";
import type { NetworkAttempt } from "../protocol/index";
import { NetworkStore, PAIR_WINDOW_MS } from "./store";
import { networkAttempt } from "./testing";

const a = (startedWall: number): NetworkAttempt =>
  networkAttempt({
    source: "webRequest",
    startedWall,
    statusText: "",
    requestHeadersKnown: false,
    bodyChars: -1,
    bodyKnown: false,
  });

describe("NetworkStore", () => {
  it("numbers attempts per tab, evicts the oldest at the cap and counts them", () => {
    const s = new NetworkStore(2);
    for (const t of [1, 2, 3]) s.add(7, a(t));
    s.add(8, a(9));
    expect(s.list(7).map((x) => [x.netSeq, x.startedWall])).toEqual([
      [1, 2],
      [2, 3],
    ]);
    expect(s.dropped(7)).toBe(1);
    expect(s.list(8).map((x) => x.netSeq)).toEqual([0]);
  });

  it("drops attempts from before a navigation", () => {
    const s = new NetworkStore();
    s.add(1, a(10));
    s.add(1, a(30));
    s.navigated(1, 20);
    expect(s.list(1).map((x) => x.startedWall)).toEqual([30]);
  });
});

describe("NetworkStore: one attempt, two records (webRequest + DevTools)", () => {
  const wr = (startedWall: number, lastEventIdSent?: string, url = "http://h/s"): NetworkAttempt => ({
    ...a(startedWall),
    url,
    frameId: 3,
    requestHeadersKnown: true,
    ...(lastEventIdSent !== undefined ? { lastEventIdSent } : {}),
  });
  const dt = (startedWall: number, lastEventIdSent?: string, url = "http://h/s"): NetworkAttempt => ({
    ...wr(startedWall, lastEventIdSent, url),
    source: "devtools",
    frameId: undefined,
    bodyKnown: true,
    events: 2,
  });

  it("DevTools' record replaces the webRequest one under its netSeq, keeping webRequest's frame", () => {
    const s = new NetworkStore();
    s.add(1, wr(1000));
    s.add(1, wr(2000, "3"));
    const merged = s.add(1, dt(1997, "3"));
    expect(merged).toMatchObject({ netSeq: 1, source: "devtools", frameId: 3, events: 2 });
    expect(s.list(1).map((x) => [x.netSeq, x.source])).toEqual([
      [0, "webRequest"],
      [1, "devtools"],
    ]);
  });

  it("pairs whichever arrives first, and each record only once", () => {
    const s = new NetworkStore();
    s.add(1, dt(1000));
    const merged = s.add(1, wr(1003));
    expect(merged).toMatchObject({ netSeq: 0, source: "devtools", frameId: 3 });
    // A second webRequest record of the same shape is another attempt.
    s.add(1, wr(1004));
    expect(s.list(1).map((x) => [x.netSeq, x.source])).toEqual([
      [0, "devtools"],
      [1, "webRequest"],
    ]);
  });

  it("never pairs a different Last-Event-ID, URL, tab, or a start outside the window", () => {
    const s = new NetworkStore();
    s.add(1, wr(1000, "4"));
    s.add(1, dt(1000, "5"));
    s.add(1, dt(1000, "4", "http://h/other"));
    s.add(2, dt(1000, "4"));
    s.add(1, dt(1000 + PAIR_WINDOW_MS + 1, "4"));
    expect(s.list(1).map((x) => x.source)).toEqual(["webRequest", "devtools", "devtools", "devtools"]);
    expect(s.list(2)).toHaveLength(1);
  });

  it("takes the nearest in start time among candidates", () => {
    const s = new NetworkStore();
    s.add(1, wr(1000));
    s.add(1, wr(1500));
    expect(s.add(1, dt(1490)).netSeq).toBe(1);
    expect(s.add(1, dt(998)).netSeq).toBe(0);
    expect(s.list(1).every((x) => x.source === "devtools")).toBe(true);
  });

  it("counts attempts that were never recorded with the evicted ones", () => {
    const s = new NetworkStore(1);
    s.countDropped(5, 2);
    s.add(5, wr(1));
    s.add(5, wr(5000));
    expect(s.dropped(5)).toBe(3);
  });
});
