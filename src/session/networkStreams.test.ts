import { describe, expect, it } from "vitest";
import { type NetworkAttempt, PROTOCOL_VERSION } from "../protocol/index";
import { SessionStore } from "./store";

const attempt = (over: Partial<NetworkAttempt> = {}): NetworkAttempt => ({
  source: "devtools",
  url: "https://api.example/stream",
  startedWall: 10_000,
  durationMs: 500,
  status: 200,
  statusText: "OK",
  contentType: "text/event-stream",
  responseHeaders: [{ name: "content-type", value: "text/event-stream" }],
  requestHeadersKnown: true,
  bodyChars: 40,
  transferBytes: 60,
  bodyCharsDropped: 0,
  items: [
    { kind: "event", type: "message", data: "a", lastEventId: "1", blockId: "1" },
    { kind: "comment", text: "ping" },
    { kind: "event", type: "tick", data: "b", lastEventId: "1", blockId: undefined },
  ],
  itemsDropped: 0,
  events: 2,
  endLastEventId: "1",
  bodyKnown: true,
  resourceType: "fetch",
  method: "POST",
  ...over,
});

describe("streams seen only in DevTools' network record", () => {
  it("become a stream's records: opened (network), its events at the request's end, ended", () => {
    const store = new SessionStore();
    const got = store.addNetworkStream(3, attempt());
    expect(got.map((r) => r.kind)).toEqual(["streamOpened", "eventReceived", "eventReceived", "streamEnded"]);
    expect(got[0]).toMatchObject({
      source: "network",
      method: "POST",
      transport: "fetch",
      requestWall: 10_000,
    });
    expect(got.slice(1, 3)).toMatchObject([
      { type: "message", data: "a", lastEventId: "1", wall: 10_500, origin: "https://api.example" },
      { type: "tick", data: "b", lastEventId: "1", wall: 10_500 },
    ]);
    expect(got[3]).toMatchObject({ how: "completed", readyState: 2 });
    expect(new Set(got.map((r) => r.cid)).size).toBe(1);
    expect(store.replay(3)).toEqual(got);
    // A second one is its own connection.
    const again = store.addNetworkStream(3, attempt({ url: "https://api.example/other" }));
    expect(again[0]?.cid).not.toBe(got[0]?.cid);
  });

  it("are not added again when the hook saw the same stream (same URL, start within 2 s)", () => {
    const store = new SessionStore();
    store.ingest(3, 0, {
      v: PROTOCOL_VERSION,
      kind: "recordsCaptured",
      docId: "d",
      frameUrl: "https://app.example/",
      top: true,
      fromSeq: 0,
      oldestSeq: 0,
      records: [
        {
          kind: "streamOpened",
          seq: 0,
          cid: "d.1",
          wall: 10_900,
          mono: 10_900,
          transport: "fetch",
          method: "POST",
          requestUrl: "https://api.example/stream",
          url: "https://api.example/stream",
          requestHeaders: [],
          requestWall: 10_800,
          requestMono: 10_800,
          status: 200,
          statusText: "OK",
          responseHeaders: [],
          frameUrl: "https://app.example/",
          readyState: 1,
        },
      ],
    });
    expect(store.addNetworkStream(3, attempt())).toEqual([]);
    expect(store.addNetworkStream(3, attempt({ startedWall: 13_000 }))).toHaveLength(4);
  });
});
