/**
 * An append-only, front-trimmable sequence shared by successive immutable snapshots.
 *
 * A panel holds up to hundreds of thousands of records and receives them ~500 at a time: copying the whole
 * history for every message would make each message O(total). Instead every snapshot shares one backing
 * array and remembers which part of it is its own, [start, end). Appending to the newest snapshot pushes onto
 * the shared array, which older snapshots never look past, so they stay unchanged.
 *
 * Items are addressed by absolute index: item i stays item i when older items are trimmed from the front
 * and when the backing array is compacted, so selections and filtered index lists stay valid.
 *
 * If someone appends to an *older* snapshot (branching history, e.g. a test applying two messages to the
 * same state), pushing would overwrite what the newer snapshot sees; that rare case copies first and starts a
 * new lineage, which tells derived views (filter results) that they cannot resume from an older result.
 */
export interface Log<T> {
  /** Backing store: absolute index i lives at items[i - offset]. */
  readonly items: readonly T[];
  readonly offset: number;
  /** This snapshot's absolute range, [start, end). */
  readonly start: number;
  readonly end: number;
  /** Identity shared by snapshots that extend one another; a derived view may resume only within one. */
  readonly lineage: object;
}

/** Trimmed items are released in bulk, once they are many and most of the backing array. */
const COMPACT_MIN = 4_096;

export function emptyLog<T>(): Log<T> {
  return { items: [], offset: 0, start: 0, end: 0, lineage: {} };
}

export function logSize<T>(log: Log<T>): number {
  return log.end - log.start;
}

/** A new snapshot with `more` after this one's items. O(more), except when branching (see above). */
export function appendLog<T>(log: Log<T>, more: readonly T[]): Log<T> {
  if (more.length === 0) return log;
  const owned = log.offset + log.items.length === log.end;
  const items = (owned ? log.items : log.items.slice(0, log.end - log.offset)) as T[];
  for (const x of more) items.push(x);
  return { ...log, items, end: log.end + more.length, lineage: owned ? log.lineage : {} };
}

/** A snapshot without the items before absolute index `index`. */
export function trimBefore<T>(log: Log<T>, index: number): Log<T> {
  const start = Math.min(Math.max(index, log.start), log.end);
  if (start === log.start) return log;
  const dead = start - log.offset;
  if (dead >= COMPACT_MIN && dead * 2 >= log.items.length) {
    return { ...log, items: log.items.slice(dead, log.end - log.offset), offset: start, start };
  }
  return { ...log, start };
}

/** Item at absolute index `i`, or undefined outside this snapshot. */
export function logAt<T>(log: Log<T>, i: number): T | undefined {
  return i >= log.start && i < log.end ? log.items[i - log.offset] : undefined;
}

/** The `k`-th item of this snapshot (0 = its first). */
export function logNth<T>(log: Log<T>, k: number): T | undefined {
  return logAt(log, log.start + k);
}

/** The snapshot's items as a fresh array (O(size): for tests and one-off exports, not per message). */
export function logToArray<T>(log: Log<T>): T[] {
  return log.items.slice(log.start - log.offset, log.end - log.offset);
}
