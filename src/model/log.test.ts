import { describe, expect, it } from "vitest";
import { appendLog, emptyLog, logAt, logNth, logSize, logToArray, trimBefore } from "./log";

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe("Log", () => {
  it("shares one backing array between snapshots that extend one another", () => {
    const a = appendLog(emptyLog<number>(), [0, 1, 2]);
    const b = appendLog(a, [3, 4]);
    expect(b.items).toBe(a.items);
    expect(logToArray(a)).toEqual([0, 1, 2]);
    expect(logToArray(b)).toEqual([0, 1, 2, 3, 4]);
    expect(logAt(a, 3)).toBeUndefined();
    expect(b.lineage).toBe(a.lineage);
  });

  it("copies, and starts a new lineage, when an older snapshot is extended", () => {
    const a = appendLog(emptyLog<string>(), ["a"]);
    const b = appendLog(a, ["b"]);
    const c = appendLog(a, ["c"]);
    expect(logToArray(b)).toEqual(["a", "b"]);
    expect(logToArray(c)).toEqual(["a", "c"]);
    expect(c.lineage).not.toBe(a.lineage);
  });

  it("keeps absolute indices through trimming and compaction", () => {
    let log = appendLog(emptyLog<number>(), range(0, 10_000));
    const older = log;
    log = trimBefore(log, 3_000);
    expect(log.items).toBe(older.items); // below the compaction threshold: just moves start
    expect(logSize(log)).toBe(7_000);
    expect(logAt(log, 2_999)).toBeUndefined();
    expect(logAt(log, 3_000)).toBe(3_000);
    log = trimBefore(log, 6_000);
    expect(log.items).not.toBe(older.items); // most of the array is dead now: released
    expect(log.items).toHaveLength(4_000);
    expect(logAt(log, 6_000)).toBe(6_000);
    expect(logNth(log, 0)).toBe(6_000);
    log = appendLog(log, [10_000]);
    expect(logAt(log, 10_000)).toBe(10_000);
    expect(log.lineage).toBe(older.lineage);
    // The older snapshot still sees everything it had.
    expect(logToArray(older)).toEqual(range(0, 10_000));
  });
});
