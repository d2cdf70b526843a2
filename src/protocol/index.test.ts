import { describe, expect, it } from "vitest";
import {
  decodeHookUp,
  type HookUp,
  isHookDown,
  isHookUp,
  isPageRecord,
  isPanelDown,
  isPanelUp,
  type PageRecord,
  PROTOCOL_VERSION,
} from "./index";
import { encodeRecords } from "./wire";

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
const envelope = {
  v: PROTOCOL_VERSION,
  kind: "recordsCaptured",
  docId: "abc",
  frameUrl: "http://127.0.0.1/",
  top: true,
  fromSeq: 0,
  oldestSeq: 0,
} as const;
/** A batch as the hook sends it, of records that may be malformed (the encoder does not check them). */
const batch = (records: unknown[]): HookUp => ({ ...envelope, ...encodeRecords(records as PageRecord[]) });
const up = batch([record]);
/** What the background accepts: the envelope (also checked by the relay), then every decoded record. */
const accepted = (m: unknown) => isHookUp(m) && decodeHookUp(m) !== undefined;

describe("protocol guards", () => {
  it("accept well-formed messages of every direction", () => {
    expect(isPageRecord(record)).toBe(true);
    expect(accepted(up)).toBe(true);
    expect(decodeHookUp(up)?.records).toEqual([record]);
    expect(accepted(batch([]))).toBe(true);
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
    expect(accepted({ ...up, v: PROTOCOL_VERSION + 1 })).toBe(false);
    expect(isPanelUp({ v: 0, kind: "subscribePanel", tabId: 4 })).toBe(false);
  });

  it("reject messages of the wrong direction", () => {
    expect(isHookUp({ v: PROTOCOL_VERSION, kind: "resendRecords", docId: "abc", fromSeq: 3 })).toBe(false);
    expect(isPanelDown({ v: PROTOCOL_VERSION, kind: "subscribePanel", tabId: 4 })).toBe(false);
  });

  it.each([
    ["a record with an unknown kind", batch([{ ...record, kind: "eventForged" }])],
    ["a readyState outside 0..2", batch([{ ...record, readyState: 3 }])],
    ["data that is not a string", batch([{ ...record, data: { toString: "x" } }])],
    [
      "a record of another kind with a bad field",
      batch([{ kind: "listenerAdded", seq: 0, cid: "abc.1", wall: 1, mono: 2, type: 5 }]),
    ],
    ["a negative seq", { ...up, fromSeq: -1 }],
    ["a fractional seq", { ...up, fromSeq: 0.5 }],
    ["an empty document id", { ...up, docId: "" }],
    ["an oversized document id", { ...up, docId: "x".repeat(500) }],
    ["rows that are not an array", { ...up, rows: { length: 1, 0: up.rows[0] } }],
    ["a row that is not an array", { ...up, rows: [record] }],
    ["a row with an unknown tag", { ...up, rows: [[7, ...(up.rows[0] as unknown[]).slice(1)]] }],
    ["a string index out of range", { ...up, rows: [[0, 99, ...(up.rows[0] as unknown[]).slice(2)]] }],
    [
      "a string index that is not a number",
      { ...up, rows: [[0, "0", ...(up.rows[0] as unknown[]).slice(2)]] },
    ],
    ["a trusted flag other than 0 or 1", { ...up, rows: [[...(up.rows[0] as unknown[]).slice(0, 9), 2]] }],
    ["a short event row", { ...up, rows: [(up.rows[0] as unknown[]).slice(0, 9)] }],
    ["strings that are not strings", { ...up, strings: [1, 2, 3] }],
    ["a batch over the size bound", batch(Array.from({ length: 10_001 }, () => record))],
    ["null", null],
    ["a string", JSON.stringify(up)],
  ])("reject %s", (_label, message) => {
    expect(accepted(message)).toBe(false);
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
