import { describe, expect, it } from "vitest";
import {
  isHookDown,
  isHookUp,
  isPageRecord,
  isPanelDown,
  isPanelUp,
  type PageRecord,
  PROTOCOL_VERSION,
  type RecordsCaptured,
} from "./index";

const record: PageRecord = {
  kind: "eventReceived",
  seq: 0,
  cid: "abc.1",
  wall: 1,
  mono: 2,
  type: "price",
  data: "<img src=x onerror=alert(1)>",
  lastEventId: "7",
  origin: "http://127.0.0.1:1234",
  readyState: 1,
  trusted: true,
};
const up: RecordsCaptured = {
  v: PROTOCOL_VERSION,
  kind: "recordsCaptured",
  docId: "abc",
  frameUrl: "http://127.0.0.1/",
  top: true,
  fromSeq: 0,
  oldestSeq: 0,
  records: [record],
};

describe("protocol guards", () => {
  it("accept well-formed messages of every direction", () => {
    expect(isPageRecord(record)).toBe(true);
    expect(isHookUp(up)).toBe(true);
    expect(isHookUp({ ...up, records: [] })).toBe(true);
    expect(isHookDown({ v: PROTOCOL_VERSION, kind: "resendRecords", docId: "abc", fromSeq: 3 })).toBe(true);
    expect(isHookDown({ v: PROTOCOL_VERSION, kind: "announceRecords" })).toBe(true);
    expect(isPanelUp({ v: PROTOCOL_VERSION, kind: "subscribePanel", tabId: 4 })).toBe(true);
    expect(
      isPanelDown({
        v: PROTOCOL_VERSION,
        kind: "recordsAppended",
        tabId: 4,
        records: [{ ...record, tabSeq: 0, docId: "abc", frameId: 0 }],
        stats: { held: 1, evicted: 0, cap: 10, lost: 0 },
      }),
    ).toBe(true);
  });

  it("reject another protocol version", () => {
    expect(isHookUp({ ...up, v: PROTOCOL_VERSION + 1 })).toBe(false);
    expect(isPanelUp({ v: 0, kind: "subscribePanel", tabId: 4 })).toBe(false);
  });

  it("reject messages of the wrong direction", () => {
    expect(isHookUp({ v: PROTOCOL_VERSION, kind: "resendRecords", docId: "abc", fromSeq: 3 })).toBe(false);
    expect(isPanelDown({ v: PROTOCOL_VERSION, kind: "subscribePanel", tabId: 4 })).toBe(false);
  });

  it.each([
    ["a record with an unknown kind", { ...up, records: [{ ...record, kind: "eventForged" }] }],
    ["a readyState outside 0..2", { ...up, records: [{ ...record, readyState: 3 }] }],
    ["data that is not a string", { ...up, records: [{ ...record, data: { toString: "x" } }] }],
    ["a negative seq", { ...up, fromSeq: -1 }],
    ["a fractional seq", { ...up, records: [{ ...record, seq: 0.5 }] }],
    ["an empty document id", { ...up, docId: "" }],
    ["an oversized document id", { ...up, docId: "x".repeat(500) }],
    ["records that are not an array", { ...up, records: { length: 1, 0: record } }],
    ["a batch over the size bound", { ...up, records: Array.from({ length: 10_001 }, () => record) }],
    ["null", null],
    ["a string", JSON.stringify(up)],
  ])("reject %s", (_label, message) => {
    expect(isHookUp(message)).toBe(false);
  });

  it("reject a panel subscription for a tab id that is not a tab", () => {
    expect(isPanelUp({ v: PROTOCOL_VERSION, kind: "subscribePanel", tabId: -1 })).toBe(false);
    expect(isPanelUp({ v: PROTOCOL_VERSION, kind: "subscribePanel", tabId: "1" })).toBe(false);
  });

  it("do not let a __proto__ key change what a record is", () => {
    const forged = JSON.parse(`{"__proto__": {"kind": "eventReceived"}, "seq": 0}`);
    expect(isPageRecord(forged)).toBe(false);
  });
});
