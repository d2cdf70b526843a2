import { describe, expect, it } from "vitest";
import type { NetworkAttempt } from "../protocol/index";
import { NetworkStore } from "./store";

const a = (startedWall: number): NetworkAttempt => ({
  source: "webRequest",
  url: "http://h/s",
  startedWall,
  status: 200,
  statusText: "",
  contentType: "text/event-stream",
  responseHeaders: [],
  requestHeadersKnown: false,
  bodyChars: -1,
  transferBytes: -1,
  bodyCharsDropped: 0,
  items: [],
  itemsDropped: 0,
  events: 0,
  endLastEventId: "",
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
