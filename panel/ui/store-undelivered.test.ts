import { describe, expect, it } from "vitest";
import { networkAttempt } from "../../src/network/testing";
import { type PanelDown, PROTOCOL_VERSION, type TabRecord } from "../../src/protocol/index";
import { createPanelStore } from "./store";

const TAB = 3;
const stats = { held: 0, evicted: 0, cap: 1_000, lost: 0 };
const U = "http://h/s";
let seq = 0;
const r = (x: Record<string, unknown>) => {
  seq++;
  return {
    seq,
    cid: "d.1",
    wall: 100 + seq,
    mono: 100 + seq,
    tabSeq: seq,
    docId: "d",
    frameId: 0,
    ...x,
  } as TabRecord;
};
const ev = (data: string) =>
  r({
    kind: "eventReceived",
    type: "message",
    data,
    lastEventId: "",
    origin: "http://h",
    readyState: 1,
    trusted: true,
  });
const e = (type: string, data: string) => ({ kind: "event" as const, type, data, lastEventId: "" });

describe("panel store: undelivered events", () => {
  it("selects them, opens them, and moves the keyboard selection across them", () => {
    seq = 0;
    const store = createPanelStore(TAB);
    const recs = [
      r({ kind: "connectionCreated", url: U, withCredentials: false, frameUrl: "", readyState: 0 }),
      r({ kind: "connectionOpened", readyState: 1, trusted: true }),
      ev("a"),
      ev("b"),
      r({ kind: "errorReceived", readyState: 2, trusted: true }),
    ];
    store.receive({
      v: PROTOCOL_VERSION,
      kind: "sessionReplayed",
      reason: "subscribed",
      tabId: TAB,
      records: recs,
      stats,
    });
    const items = [e("message", "a"), e("x", "1"), e("x", "2"), e("message", "b")];
    const attempt = { ...networkAttempt({ url: U, startedWall: 101, items, events: 4 }), netSeq: 0 };
    const net = {
      v: PROTOCOL_VERSION,
      kind: "networkAttemptsAppended",
      tabId: TAB,
      replace: true,
      dropped: 0,
      attempts: [attempt],
    } satisfies PanelDown;
    store.receive(net);
    const at = (pos: number) => store.notDeliveredAt(pos)?.data ?? store.rowAt(pos)?.rec?.kind;
    expect([0, 1, 2, 3, 4, 5, 6].map(at)).toEqual([
      "connectionCreated",
      "connectionOpened",
      "eventReceived",
      "1",
      "2",
      "eventReceived",
      "errorReceived",
    ]);
    store.selectPosition(3);
    expect(store.selectedNotDelivered.value?.data).toBe("1");
    expect(store.selectedRow.value).toBeUndefined();
    expect(store.selectedPosition.value).toBe(3);
    store.moveSelection(1);
    expect(store.selectedNotDelivered.value?.data).toBe("2");
    store.moveSelection(1);
    expect(store.selectedRow.value?.rec?.kind).toBe("eventReceived");
    expect(store.selectedPosition.value).toBe(5);
    store.moveSelection(-2);
    expect(store.selectedNotDelivered.value?.data).toBe("1");
    // The same network record again (a replay's list): a new overlay, the selection found by its key.
    store.receive({ ...net, attempts: [{ ...attempt }] });
    expect(store.selectedPosition.value).toBe(3);
    // A chip for x: the selection stays on it; Up goes nowhere before the first row.
    store.filterTypes.value = ["x"];
    expect(store.selectedPosition.value).toBe(0);
    store.moveSelection(1);
    expect(store.selectedNotDelivered.value?.data).toBe("2");
  });
});
