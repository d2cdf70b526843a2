/**
 * One copy of each repeated string of the records a context holds ("strings shared", issue 5).
 *
 * Every message deserialized from a port brings its own copies: a million events of one connection would
 * hold a million copies of its id, its event type, its origin and its document id. Interning them on arrival
 * leaves one copy each, which the records then share. The table is bounded: a stream with an unbounded number
 * of distinct types (an id as the event type) would otherwise grow it forever; when full it starts over, which
 * costs only sharing, never correctness.
 */
export class StringPool {
  private map = new Map<string, string>();

  constructor(private readonly cap = 50_000) {}

  get size(): number {
    return this.map.size;
  }

  intern(s: string): string {
    const had = this.map.get(s);
    if (had !== undefined) return had;
    if (this.map.size >= this.cap) this.map.clear();
    this.map.set(s, s);
    return s;
  }
}

interface Shareable {
  kind: string;
  cid: string;
  docId?: string;
  type?: string;
  origin?: string;
  url?: string;
  frameUrl?: string;
}

/** Replaces the repeated strings of `records` (in place) with the pool's copies. */
export function shareStrings(pool: StringPool, records: readonly object[]): void {
  for (const o of records) {
    const r = o as Shareable;
    r.cid = pool.intern(r.cid);
    if (r.docId !== undefined) r.docId = pool.intern(r.docId);
    if (r.type !== undefined) r.type = pool.intern(r.type);
    if (r.origin !== undefined) r.origin = pool.intern(r.origin);
  }
}
