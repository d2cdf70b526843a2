import { describe, expect, it } from "vitest";
import { RecordBuffer, type UnsequencedRecord } from "./buffer";

const ev = (data: string, n = 0): UnsequencedRecord => ({
  kind: "eventReceived",
  cid: "d.1",
  wall: n,
  mono: n,
  type: "message",
  data,
  lastEventId: String(n),
  origin: "http://127.0.0.1",
  readyState: 1,
  trusted: true,
});

describe("RecordBuffer", () => {
  it("numbers records contiguously from 0 and hands each out once", () => {
    const b = new RecordBuffer();
    for (let i = 0; i < 3; i++) b.push(ev(`e${i}`, i));
    const first = b.takeUnsent();
    expect(first.fromSeq).toBe(0);
    expect(first.records.map((r) => r.seq)).toEqual([0, 1, 2]);
    b.push(ev("e3", 3));
    const second = b.takeUnsent();
    expect(second.fromSeq).toBe(3);
    expect(second.records.map((r) => r.kind === "eventReceived" && r.data)).toEqual(["e3"]);
    expect(b.takeUnsent().records).toHaveLength(0);
  });

  it("sends again from the seq the background asks for", () => {
    const b = new RecordBuffer();
    for (let i = 0; i < 5; i++) b.push(ev(`e${i}`, i));
    b.takeUnsent();
    b.rewind(2);
    const again = b.takeUnsent();
    expect(again.fromSeq).toBe(2);
    expect(again.records.map((r) => r.seq)).toEqual([2, 3, 4]);
  });

  it("drops the oldest records at the record cap and reports where the buffer now starts", () => {
    const b = new RecordBuffer({ records: 3, dataChars: 1e9 });
    for (let i = 0; i < 10; i++) b.push(ev(`e${i}`, i));
    expect(b.size).toBe(3);
    expect(b.oldestSeq).toBe(7);
    expect(b.nextSeq).toBe(10);
    // Unsent records that were trimmed cannot be sent: the run starts at the oldest held.
    const run = b.takeUnsent();
    expect(run.fromSeq).toBe(7);
    expect(run.records.map((r) => r.seq)).toEqual([7, 8, 9]);
    // A rewind below what is held is clamped to what is held.
    b.rewind(0);
    expect(b.takeUnsent().fromSeq).toBe(7);
  });

  it("bounds the characters of data it holds but always keeps the newest record", () => {
    const b = new RecordBuffer({ records: 100, dataChars: 10 });
    b.push(ev("12345"));
    b.push(ev("12345"));
    expect(b.size).toBe(2);
    b.push(ev("x"));
    expect(b.size).toBe(2);
    expect(b.oldestSeq).toBe(1);
    b.push(ev("a".repeat(50)));
    expect(b.size).toBe(1);
    expect(b.oldestSeq).toBe(3);
  });

  it("stays correct across many compactions", () => {
    const b = new RecordBuffer({ records: 1000, dataChars: 1e9 });
    let sent = 0;
    for (let i = 0; i < 20_000; i++) {
      b.push(ev("x", i));
      if (i % 333 === 0) sent += b.takeUnsent().records.length;
    }
    sent += b.takeUnsent().records.length;
    expect(b.oldestSeq).toBe(19_000);
    // Nothing is handed out twice, and all held records are reachable by a rewind.
    expect(sent).toBeLessThanOrEqual(20_000);
    b.rewind(0);
    const all = b.takeUnsent();
    expect(all.records).toHaveLength(1000);
    expect(all.records[999]?.seq).toBe(19_999);
  });

  it("applies a smaller cap at once", () => {
    const b = new RecordBuffer({ records: 100, dataChars: 1e9 });
    for (let i = 0; i < 50; i++) b.push(ev("x", i));
    b.setLimits({ records: 10, dataChars: 1e9 });
    expect(b.size).toBe(10);
    expect(b.oldestSeq).toBe(40);
  });
});
