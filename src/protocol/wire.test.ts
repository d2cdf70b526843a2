import { describe, expect, it } from "vitest";
import type { PageRecord } from "./index";
import { decodeRecords, encodeRecords } from "./wire";

const base = { cid: "d.1", wall: 1_700_000_000_000.5, mono: 1_700_000_000_001.25 };
const records: PageRecord[] = [
  {
    kind: "connectionCreated",
    seq: 0,
    ...base,
    url: "http://a/",
    withCredentials: true,
    frameUrl: "http://a/",
    readyState: 0,
  },
  { kind: "connectionOpened", seq: 1, ...base, readyState: 1 },
  {
    kind: "eventReceived",
    seq: 2,
    ...base,
    type: "message",
    data: "x\ny",
    lastEventId: "1",
    origin: "http://a",
    readyState: 1,
    trusted: true,
  },
  {
    kind: "eventReceived",
    seq: 3,
    ...base,
    type: "__proto__",
    data: "",
    lastEventId: "",
    origin: "",
    readyState: 1,
    trusted: false,
  },
  {
    kind: "eventReceived",
    seq: 4,
    ...base,
    cid: "d.2",
    type: "#message",
    data: "é😀",
    lastEventId: "constructor",
    origin: "http://a",
    readyState: 2,
    trusted: true,
  },
  { kind: "listenerAdded", seq: 5, ...base, type: "price" },
  { kind: "streamChunkReceived", seq: 6, ...base, text: "data: 1\n\n", bytes: 9, readyState: 1 },
];

describe("wire form of a record run", () => {
  it("decodes to the records it encoded, numbered from the batch's fromSeq", () => {
    const { strings, rows } = encodeRecords(records);
    expect(decodeRecords(strings, rows, 0)).toEqual(records);
    const moved = decodeRecords(strings, rows, 100) as PageRecord[];
    expect(moved.map((r) => r.seq)).toEqual(records.map((r) => r.seq + 100));
  });

  it("sends each repeated string once and events without property names", () => {
    const { strings, rows } = encodeRecords(records);
    expect(new Set(strings).size).toBe(strings.length);
    for (const s of ["d.1", "d.2", "message", "__proto__", "#message", "http://a", ""])
      expect(strings).toContain(s);
    const events = rows.filter((r) => r[0] === 0);
    expect(events).toHaveLength(3);
    for (const row of events) for (const cell of row) expect(typeof cell === "object").toBe(false);
  });

  it("calls no built-in a page script could have patched", () => {
    const saved = { push: Array.prototype.push, get: Map.prototype.get };
    Array.prototype.push = () => {
      throw new Error("patched push");
    };
    Map.prototype.get = () => {
      throw new Error("patched get");
    };
    let encoded: ReturnType<typeof encodeRecords>;
    try {
      encoded = encodeRecords(records);
    } finally {
      Array.prototype.push = saved.push;
      Map.prototype.get = saved.get;
    }
    expect(decodeRecords(encoded.strings, encoded.rows, 0)).toEqual(records);
  });
});
