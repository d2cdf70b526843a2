import type { PageRecord } from "../protocol/index";

/** A record before the buffer gives it its place in the document's sequence. */
export type UnsequencedRecord = PageRecord extends infer R
  ? R extends PageRecord
    ? Omit<R, "seq">
    : never
  : never;

export interface BufferLimits {
  /** Most records kept. */
  records: number;
  /** Most characters of event data kept (a 10 MB event must not multiply). */
  dataChars: number;
}

/** Characters a record holds that count against the buffer's cap: event data, stream body text. */
const charsOf = (r: PageRecord): number =>
  r.kind === "eventReceived" ? r.data.length : r.kind === "streamChunkReceived" ? r.text.length : 0;

export const DEFAULT_PAGE_BUFFER: BufferLimits = { records: 5_000, dataChars: 16 * 1024 * 1024 };

/**
 * The page side's history of one document's records, bounded.
 *
 * It is what makes capture survive a restart of the background service worker and show events that happened
 * before DevTools was opened: the background tells us from which `seq` it needs records again
 * (`rewind`), and we send them from here. Records leave the buffer only when a cap is reached, oldest first;
 * the background sees the gap through `oldestSeq` and counts it, so nothing is lost silently.
 *
 * Storage is an array with a moving start index, compacted in bulk, so push and trim are O(1) amortized on
 * the page's hot path.
 */
export class RecordBuffer {
  private items: PageRecord[] = [];
  private start = 0;
  private chars = 0;
  /** seq the next pushed record gets. */
  private next = 0;
  /** seq of the next record to hand to `takeUnsent`. */
  private sendFrom = 0;

  constructor(private _limits: BufferLimits = DEFAULT_PAGE_BUFFER) {}

  get limits(): BufferLimits {
    return this._limits;
  }

  get oldestSeq(): number {
    return this.next - (this.items.length - this.start);
  }
  get nextSeq(): number {
    return this.next;
  }
  get size(): number {
    return this.items.length - this.start;
  }
  get unsentCount(): number {
    return this.next - this.sendFrom;
  }

  setLimits(limits: BufferLimits): void {
    this._limits = limits;
    this.trim();
  }

  push(record: UnsequencedRecord): PageRecord {
    const r = record as PageRecord;
    r.seq = this.next++;
    this.items.push(r);
    this.chars += charsOf(r);
    this.trim();
    return r;
  }

  /** The records not handed out yet, as one contiguous run starting at `fromSeq`. */
  takeUnsent(): { fromSeq: number; records: PageRecord[] } {
    const from = Math.max(this.sendFrom, this.oldestSeq);
    const i = this.start + (from - this.oldestSeq);
    const records = this.items.slice(i);
    this.sendFrom = this.next;
    return { fromSeq: from, records };
  }

  /** Hand out records again from `seq` (or from the oldest still held). */
  rewind(seq: number): void {
    this.sendFrom = Math.min(Math.max(seq, this.oldestSeq), this.next);
  }

  private trim(): void {
    const { records, dataChars } = this._limits;
    // Keep at least the newest record even if it alone is over the character budget: dropping the record
    // just made would hide the very event the developer is looking at.
    while (this.size > records || (this.chars > dataChars && this.size > 1)) {
      const old = this.items[this.start++] as PageRecord;
      this.chars -= charsOf(old);
    }
    if (this.start > 1024 && this.start * 2 > this.items.length) {
      this.items = this.items.slice(this.start);
      this.start = 0;
    }
  }
}
