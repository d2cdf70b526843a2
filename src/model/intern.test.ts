import { describe, expect, it } from "vitest";
import { StringPool, shareStrings } from "./intern";

/** A string equal to `s` but not the same heap object (as each deserialized message brings). */
const copy = (s: string) => JSON.parse(JSON.stringify(s)) as string;

describe("StringPool", () => {
  it("returns the first copy of equal strings", () => {
    const pool = new StringPool();
    const a = pool.intern(copy("message"));
    expect(pool.intern(copy("message"))).toBe(a);
    expect(pool.size).toBe(1);
  });

  it("stays within its cap and still returns equal strings", () => {
    const pool = new StringPool(3);
    for (let i = 0; i < 10; i++) expect(pool.intern(`t${i}`)).toBe(`t${i}`);
    expect(pool.size).toBeLessThanOrEqual(3);
  });

  it("shares the repeated fields of records and leaves the rest alone", () => {
    const pool = new StringPool();
    const recs = [0, 1].map((i) => ({
      kind: "eventReceived",
      cid: copy("d.1"),
      docId: copy("d"),
      type: copy("price"),
      origin: copy("http://a"),
      data: `x${i}`,
    }));
    shareStrings(pool, recs);
    const [a, b] = recs as [(typeof recs)[0], (typeof recs)[0]];
    expect(pool.size).toBe(4);
    expect({ cid: a.cid, docId: a.docId, type: a.type, origin: a.origin }).toEqual({
      cid: "d.1",
      docId: "d",
      type: "price",
      origin: "http://a",
    });
    expect(b.data).toBe("x1");
  });
});
