/**
 * fetch()/XHR `text/event-stream` bodies, parsed into events as they arrive (issue 6).
 *
 * The hook records decoded body text (`streamChunkReceived`); here, in the background, each stream's text is
 * fed to the same spec-faithful parser as DevTools' network record (src/network/parse.ts) and every event
 * it dispatches becomes an `eventReceived` record of that stream, as a MessageEvent would carry it: the
 * persisted lastEventId, the response's origin, readyState 1, trusted. Parsing here rather than in the page
 * world keeps library code from running over page data in the page's realm, and once here rather than in
 * every panel keeps replays, exports and imports about plain records.
 *
 * A stream whose first chunks were lost or evicted starts its parser mid-stream: its first event may be cut.
 */
import { createStreamParser } from "../network/parse";
import type { PageRecord, RecordOf } from "../protocol/index";

type Parser = ReturnType<typeof createStreamParser>;

/** Open streams parsed at once per tab; the one opened longest ago goes first (a later chunk of it restarts a parser mid-stream). */
const MAX_STREAMS = 256;

export class StreamParsers {
  private streams = new Map<string, { parser: Parser; origin: string }>();

  /** The page records that `r` stands for: itself, and after a chunk the events parsed from it. */
  expand(r: PageRecord): PageRecord[] {
    if (r.kind === "streamOpened") {
      this.open(r.cid, r.url);
      return [r];
    }
    if (r.kind === "streamEnded") {
      this.streams.delete(r.cid);
      return [r];
    }
    if (r.kind !== "streamChunkReceived") return [r];
    const { events, comments, retryMs } = this.feed(r);
    const chunk: PageRecord = {
      ...r,
      ...(comments > 0 ? { comments } : {}),
      ...(retryMs !== undefined ? { retryMs } : {}),
    };
    return [chunk, ...events];
  }

  private open(cid: string, url: string): { parser: Parser; origin: string } {
    let origin = "";
    try {
      origin = new URL(url).origin;
    } catch {}
    const s = { parser: createStreamParser({ maxItems: Number.POSITIVE_INFINITY }), origin };
    this.streams.delete(cid);
    this.streams.set(cid, s);
    while (this.streams.size > MAX_STREAMS) this.streams.delete(this.streams.keys().next().value as string);
    return s;
  }

  private feed(r: RecordOf<"streamChunkReceived">): {
    events: PageRecord[];
    comments: number;
    retryMs: number | undefined;
  } {
    // A chunk of a stream whose streamOpened we never saw (lost, or before a service-worker restart).
    const s = this.streams.get(r.cid) ?? this.open(r.cid, "");
    s.parser.feed(r.text);
    const out: PageRecord[] = [];
    let comments = 0;
    let retryMs: number | undefined;
    for (const item of s.parser.take()) {
      if (item.kind === "comment") comments++;
      else if (item.kind === "retry") retryMs = item.ms;
      if (item.kind !== "event") continue;
      out.push({
        kind: "eventReceived",
        seq: r.seq,
        part: out.length + 1,
        cid: r.cid,
        wall: r.wall,
        mono: r.mono,
        type: item.type,
        data: item.data,
        lastEventId: item.lastEventId,
        origin: s.origin,
        readyState: 1,
        trusted: true,
      });
    }
    return { events: out, comments, retryMs };
  }
}
