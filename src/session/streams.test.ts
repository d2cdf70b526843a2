import { describe, expect, it } from "vitest";
import { type PageRecord, PROTOCOL_VERSION, type RecordsCaptured } from "../protocol/index";
import { SessionStore } from "./store";

const base = (seq: number) => ({ seq, cid: "d.1", wall: 1000 + seq, mono: 2000 + seq });
const opened = (seq: number): PageRecord => ({
  kind: "streamOpened",
  ...base(seq),
  transport: "fetch",
  method: "POST",
  requestUrl: "https://api.example/v1/chat",
  url: "https://api.example/v1/chat",
  requestHeaders: [["content-type", "application/json"]],
  requestWall: 900,
  requestMono: 1900,
  status: 200,
  statusText: "OK",
  responseHeaders: [["content-type", "text/event-stream"]],
  frameUrl: "https://app.example/",
  readyState: 1,
});
const chunk = (seq: number, text: string): PageRecord => ({
  kind: "streamChunkReceived",
  ...base(seq),
  text,
  bytes: new TextEncoder().encode(text).length,
  readyState: 1,
});
const batch = (fromSeq: number, records: PageRecord[]): RecordsCaptured => ({
  v: PROTOCOL_VERSION,
  kind: "recordsCaptured",
  docId: "d",
  frameUrl: "https://app.example/",
  top: true,
  fromSeq,
  oldestSeq: 0,
  records,
});

describe("fetch()/XHR streams in the session", () => {
  it("parses chunks into events as a MessageEvent would carry them, across chunk boundaries", () => {
    const store = new SessionStore();
    const body = [
      "retry: 3000\n",
      ": keep-alive\n\nid: 7\nev",
      'ent: delta\ndata: {"a":1}\n\ndata: line 1\r\ndata: line 2\r\n\r',
      "\n",
      "id: 8\n\n",
      "data: after id-only\n\n",
    ];
    const records = [opened(0), ...body.map((t, i) => chunk(i + 1, t))];
    const { appended } = store.ingest(1, 0, batch(0, records));
    const events = appended.filter((r) => r.kind === "eventReceived");
    expect(
      events.map((e) => (e.kind === "eventReceived" ? [e.type, e.data, e.lastEventId, e.origin] : [])),
    ).toEqual([
      ["delta", '{"a":1}', "7", "https://api.example"],
      ["message", "line 1\nline 2", "7", "https://api.example"],
      ["message", "after id-only", "8", "https://api.example"],
    ]);
    // Each event follows the chunk that completed it, with its own tabSeq and the chunk's seq and time.
    const chunkOf = (seq: number) =>
      appended.findIndex((r) => r.kind === "streamChunkReceived" && r.seq === seq);
    expect(appended.indexOf(events[0] as (typeof appended)[0])).toBe(chunkOf(3) + 1);
    expect(events[0]).toMatchObject({ seq: 3, part: 1, wall: 1003, trusted: true, readyState: 1 });
    // The blank line of the second event is a CR whose LF comes in the next chunk (one CRLF line end).
    expect([3, 4]).toContain(events[1]?.seq);
    expect(events[2]).toMatchObject({ seq: 6, part: 1 });
    expect(new Set(appended.map((r) => r.tabSeq)).size).toBe(appended.length);
    // The chunks that ended a comment line or a retry field say so.
    const chunks = appended.filter((r) => r.kind === "streamChunkReceived");
    expect(
      chunks.map((c) => (c.kind === "streamChunkReceived" ? [c.seq, c.comments, c.retryMs] : [])),
    ).toEqual([
      [1, undefined, 3000],
      [2, 1, undefined],
      [3, undefined, undefined],
      [4, undefined, undefined],
      [5, undefined, undefined],
      [6, undefined, undefined],
    ]);
  });

  it("keeps each stream's parser apart and forgets it at the end", () => {
    const store = new SessionStore();
    const other = (r: PageRecord): PageRecord => ({ ...r, cid: "d.2" });
    const { appended } = store.ingest(
      1,
      0,
      batch(0, [
        opened(0),
        other(opened(1)),
        chunk(2, "data: a"),
        other(chunk(3, "data: b\n\n")),
        chunk(4, "1\n\n"),
        { kind: "streamEnded", ...base(5), how: "completed", bytes: 20, readyState: 2 },
        chunk(6, "data: late\n\n"),
      ]),
    );
    const data = appended.flatMap((r) =>
      r.kind === "eventReceived" ? [`${r.cid}:${r.data}:${r.origin}`] : [],
    );
    // A chunk after the end starts a new parser without the stream's origin (its streamOpened is gone).
    expect(data).toEqual(["d.2:b:https://api.example", "d.1:a1:https://api.example", "d.1:late:"]);
  });
});
