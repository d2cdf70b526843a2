import { describe, expect, it } from "vitest";
import { networkAttempt } from "../network/testing";
import type { NetworkAttempt, PanelDown, TabNetworkAttempt, TabRecord } from "../protocol/index";
import { applyMessage, createPanelState } from "./reducer";

const attempt = (url: string, startedWall: number): NetworkAttempt => networkAttempt({ url, startedWall });
const net = (replace: boolean, seqs: number[], dropped = 0): PanelDown => ({
  v: 1,
  kind: "networkAttemptsAppended",
  tabId: 1,
  replace,
  attempts: seqs.map((s) => ({ ...attempt("http://h/s", s), netSeq: s })),
  dropped,
});
const stats = { held: 0, evicted: 0, cap: 0, lost: 0 };
const r = (tabSeq: number, x: Record<string, unknown>) =>
  ({
    seq: tabSeq,
    cid: "d.1",
    wall: tabSeq,
    mono: tabSeq,
    tabSeq,
    docId: "d",
    frameId: 0,
    ...x,
  }) as TabRecord;

describe("reducer: network record", () => {
  it("appends new network attempts, keeps repeats once, replaces on a replay's list", () => {
    let s = applyMessage(createPanelState(1), net(false, [0, 1]));
    s = applyMessage(s, net(false, [1, 2], 3));
    expect(s.network.map((n) => n.netSeq)).toEqual([0, 1, 2]);
    expect(s.networkDropped).toBe(3);
    s = applyMessage(s, { v: 1, kind: "sessionReplayed", reason: "navigated", tabId: 1, records: [], stats });
    // Kept until the replace that follows every replay.
    expect(s.network).toHaveLength(3);
    s = applyMessage(s, net(true, [2]));
    expect(s.network.map((n) => n.netSeq)).toEqual([2]);
    expect(applyMessage(s, { ...net(false, [9]), tabId: 2 })).toBe(s);
  });

  it("replaces an attempt it holds by netSeq in place (DevTools' record of a webRequest one)", () => {
    let s = applyMessage(createPanelState(1), net(false, [0, 1, 2]));
    const wr = { ...attempt("http://h/s", 1), source: "webRequest" as const, bodyKnown: false, netSeq: 1 };
    const dt = { ...attempt("http://h/s", 1), events: 4, netSeq: 1 };
    const one = (a: TabNetworkAttempt): PanelDown => ({ ...net(false, []), attempts: [a] }) as PanelDown;
    s = applyMessage(s, one(wr));
    expect(s.network.map((n) => [n.netSeq, n.source])).toEqual([
      [0, "devtools"],
      [1, "webRequest"],
      [2, "devtools"],
    ]);
    s = applyMessage(s, one(dt));
    expect(s.network.map((n) => [n.netSeq, n.source, n.events])).toEqual([
      [0, "devtools", 0],
      [1, "devtools", 4],
      [2, "devtools", 0],
    ]);
  });

  it("keeps each connection's attempts from the page records", () => {
    const s = applyMessage(createPanelState(1), {
      v: 1,
      kind: "recordsAppended",
      tabId: 1,
      stats,
      records: [
        r(0, {
          kind: "connectionCreated",
          url: "http://h/s",
          withCredentials: false,
          frameUrl: "",
          readyState: 0,
        }),
        r(1, { kind: "connectionOpened", readyState: 1 }),
        r(2, {
          kind: "eventReceived",
          type: "message",
          data: "x",
          lastEventId: "7",
          origin: "",
          readyState: 1,
          trusted: true,
        }),
        r(3, { kind: "errorReceived", readyState: 0, trusted: true }),
      ],
    });
    const a = s.connections.get("d.1")?.attempts.list ?? [];
    expect(a.map((x) => [x.k, x.end?.how, x.inferredLastEventId])).toEqual([
      [1, "reconnect", ""],
      [2, undefined, "7"],
    ]);
  });
});
