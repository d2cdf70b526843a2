/**
 * The raw `text/event-stream` body of one connection attempt, parsed as the browser parses it.
 *
 * The line and field grammar is `eventsource-parser`'s (WHATWG HTML "Server-sent events", §9.2.6: CR, LF and
 * CRLF line ends also across chunk boundaries, one leading BOM stripped, `id` with NUL ignored, `retry` only
 * when all ASCII digits). What it leaves to its caller, and this module adds:
 *
 * - the *persisted* last event ID: the library reports each block's own `id`; the browser's `lastEventId`
 *   persists across blocks (never reset by a dispatch) and across reconnects, so an attempt starts from the
 *   `Last-Event-ID` it sent. Every event here carries the lastEventId a `MessageEvent` would have.
 * - id-only blocks (an `id:` in a block that dispatches nothing still moves lastEventId, unseen by the page),
 *   ignored `retry:` values, and comments, in stream order with the events;
 * - whether the stream ended inside a block: the spec discards an unterminated last block, so those fields
 *   never reached the page; we keep their text to show it;
 * - caps: at most `maxItems` items are kept (the rest are counted), so a long stream cannot grow without bound.
 * - field order within a block, which the library does not report: events whose block had `id:` before its
 *   first `data:` are counted in `idBeforeData` (src/diagnostics; harmless for browsers, which commit the id
 *   only at dispatch, §9.2.6, but the seeds and some hand-written clients expect id after data).
 */
import { createParser } from "eventsource-parser";

export type StreamItem =
  /** A dispatched event: what a MessageEvent of this type would carry. `blockId` is the block's own id field. */
  | { kind: "event"; type: string; data: string; lastEventId: string; blockId: string | undefined }
  /** `retry: N` with N all digits: the reconnection time is N ms from here on. */
  | { kind: "retry"; ms: number }
  /** `retry:` with anything but digits: the browser ignores it. */
  | { kind: "retryIgnored"; value: string }
  /** A `:` line (heartbeats are usually these). Text after the colon, one leading space dropped. */
  | { kind: "comment"; text: string }
  /** A block with an `id:` but no `data:`: lastEventId changes and no event fires. */
  | { kind: "idOnly"; id: string };

export interface ParsedStream {
  /** Items in stream order, the first `maxItems`. */
  items: StreamItem[];
  /** Items beyond the cap, counted. */
  itemsDropped: number;
  /** Events dispatched (kept or not). */
  events: number;
  /** Events whose block had an `id:` line before its first `data:` line. */
  idBeforeData: number;
  /** lastEventId when the stream ended (the next attempt's Last-Event-ID header; "" = none sent). */
  lastEventId: string;
  /** The last `retry:` in effect at the end, if the stream set one. */
  retryMs: number | undefined;
  /** Text of a block the stream ended inside of (discarded by the browser), capped; undefined when none. */
  unterminated: string | undefined;
}

export interface ParseOptions {
  /** The Last-Event-ID header the attempt sent ("" or undefined = none): where lastEventId starts. */
  startLastEventId?: string;
  maxItems?: number;
}

export const DEFAULT_MAX_ITEMS = 5_000;
const UNTERMINATED_MAX_CHARS = 2_000;

/** A streaming parser: `feed` chunks as they come, `end` once the body has ended. */
export function createStreamParser(opts: ParseOptions = {}) {
  const maxItems = opts.maxItems ?? DEFAULT_MAX_ITEMS;
  const out: ParsedStream = {
    items: [],
    itemsDropped: 0,
    events: 0,
    idBeforeData: 0,
    lastEventId: opts.startLastEventId ?? "",
    retryMs: undefined,
    unterminated: undefined,
  };
  const push = (item: StreamItem) => {
    if (out.items.length < maxItems) out.items.push(item);
    else out.itemsDropped++;
  };
  // The library calls onId then, if the block has data, onEvent, synchronously: an onId not followed by
  // onEvent was an id-only block. Pending until the next callback tells which.
  let pendingId: string | undefined;
  const settle = () => {
    if (pendingId !== undefined) push({ kind: "idOnly", id: pendingId });
    pendingId = undefined;
  };
  const parser = createParser({
    onId(id) {
      settle();
      out.lastEventId = id;
      pendingId = id;
    },
    onEvent(e) {
      // A pending id that is not this block's own belonged to an earlier, id-only block.
      if (e.id === undefined) settle();
      else pendingId = undefined;
      out.events++;
      // One entry per dispatching block, queued by `track` (which sees each chunk before the library does).
      if (blockOrder.shift() === true) out.idBeforeData++;
      push({
        kind: "event",
        type: e.event ?? "message",
        data: e.data,
        lastEventId: out.lastEventId,
        blockId: e.id,
      });
    },
    onRetry(ms) {
      settle();
      out.retryMs = ms;
      push({ kind: "retry", ms });
    },
    onComment(text) {
      settle();
      // The library hands the text after ":" as sent; the spec defines no value for comments, and servers
      // write ": ping" — show it without the one conventional space, as for field values.
      push({ kind: "comment", text: text.startsWith(" ") ? text.slice(1) : text });
    },
    onError(err) {
      settle();
      if (err.type === "invalid-retry") push({ kind: "retryIgnored", value: err.value ?? "" });
    },
  });

  // Our own view of where blocks end, only to tell whether the stream stopped inside one. `afterLineEnd`:
  // the previous char ended a line; `lastCR`: it was a CR (a following LF belongs to the same line end).
  let blockText = "";
  let afterLineEnd = true;
  let lastCR = false;
  let first = true;
  // Field order per block: the current line's field name (its first chars, enough to tell "id" and "data"),
  // whether the name ended (a colon), and the block's state. A block with a `data` line dispatches exactly one
  // event (the library's rule, and the spec's: a data line makes the buffer non-empty), so its order flag is
  // queued at the blank line that ends it and taken by that event's onEvent.
  let fieldName = "";
  let nameDone = false;
  let blockHasData = false;
  let blockIdFirst = false;
  const blockOrder: boolean[] = [];
  const endLine = () => {
    if (fieldName === "data") blockHasData = true;
    else if (fieldName === "id" && !blockHasData) blockIdFirst = true;
    fieldName = "";
    nameDone = false;
  };
  const track = (chunk: string) => {
    let from = 0;
    for (let i = 0; i < chunk.length; i++) {
      const ch = chunk.charCodeAt(i);
      if (ch === 10 && lastCR) {
        lastCR = false;
        from = i + 1;
        continue;
      }
      lastCR = ch === 13;
      if (ch === 10 || ch === 13) {
        if (afterLineEnd) {
          // An empty line: the block (if any) was dispatched.
          blockText = "";
          from = i + 1;
          if (blockHasData) blockOrder.push(blockIdFirst);
          blockHasData = false;
          blockIdFirst = false;
        } else {
          endLine();
        }
        afterLineEnd = true;
      } else {
        afterLineEnd = false;
        if (!nameDone) {
          if (ch === 58) nameDone = true;
          else if (fieldName.length < 5) fieldName += chunk[i];
          else fieldName = "-----"; // longer than any name we look for
        }
      }
    }
    if (blockText.length < UNTERMINATED_MAX_CHARS)
      blockText = (blockText + chunk.slice(from)).slice(0, UNTERMINATED_MAX_CHARS);
  };

  return {
    /** Items parsed since the last call (they are removed from `end()`'s list), for incremental use. */
    take(): StreamItem[] {
      const got = out.items;
      out.items = [];
      return got;
    },
    feed(chunk: string): void {
      if (chunk === "") return;
      if (first) {
        first = false;
        // The library strips a leading BOM; strip it here too so our block tracking sees the same text.
        track(chunk.charCodeAt(0) === 0xfeff ? chunk.slice(1) : chunk);
      } else {
        track(chunk);
      }
      parser.feed(chunk);
    },
    end(): ParsedStream {
      // A CR as the very last character is a complete line end at end of stream; the library waits to see
      // whether an LF follows. An LF completes it as CRLF: the same single line end.
      if (lastCR) parser.feed("\n");
      settle();
      // Any line other than comments after the last blank line: the stream ended inside a block, which the
      // browser discards (spec: "If the file ends in the middle of an event, … discard it").
      const pending = blockText.split(/\r\n|\r|\n/).filter((l) => l !== "" && !l.startsWith(":"));
      if (pending.length > 0) out.unterminated = blockText;
      return out;
    },
  };
}

/** Parses a whole body at once. */
export function parseStream(body: string, opts: ParseOptions = {}): ParsedStream {
  const p = createStreamParser(opts);
  p.feed(body);
  return p.end();
}
