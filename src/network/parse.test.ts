import { describe, expect, it } from "vitest";
import { createStreamParser, type ParsedStream, parseStream, type StreamItem } from "./parse";

const events = (p: ParsedStream) =>
  p.items.flatMap((i) => (i.kind === "event" ? [{ type: i.type, data: i.data, id: i.lastEventId }] : []));

/** Feeds `body` cut at every position into two chunks, and into single characters: all must agree. */
function everySplit(body: string, opts = {}): ParsedStream {
  const whole = parseStream(body, opts);
  for (let cut = 0; cut <= body.length; cut++) {
    const p = createStreamParser(opts);
    p.feed(body.slice(0, cut));
    p.feed(body.slice(cut));
    expect(p.end(), `split at ${cut}`).toEqual(whole);
  }
  const p = createStreamParser(opts);
  for (const ch of body) p.feed(ch);
  expect(p.end(), "one char at a time").toEqual(whole);
  return whole;
}

describe("parseStream", () => {
  it("CR, LF and CRLF line ends, also split across chunks", () => {
    const p = everySplit("data: a\r\rdata: b\n\ndata: c\r\n\r\ndata: d\r\ndata: e\r\n\r\n");
    expect(events(p)).toEqual([
      { type: "message", data: "a", id: "" },
      { type: "message", data: "b", id: "" },
      { type: "message", data: "c", id: "" },
      { type: "message", data: "d\ne", id: "" },
    ]);
    expect(p.unterminated).toBeUndefined();
  });

  it("a CR then LF split across chunks is one line end, not an empty line", () => {
    const p = createStreamParser();
    p.feed("data: a\r");
    p.feed("\ndata: b\r");
    p.feed("\n\r\n");
    expect(events(p.end())).toEqual([{ type: "message", data: "a\nb", id: "" }]);
  });

  it("strips one leading BOM only", () => {
    expect(events(everySplit("\uFEFFdata: x\n\n"))).toEqual([{ type: "message", data: "x", id: "" }]);
    // A second BOM is part of the first field's name: an unknown field, so nothing fires.
    const two = parseStream("\uFEFF\uFEFFdata: x\n\n");
    expect(events(two)).toEqual([]);
  });

  it("persists lastEventId across blocks, starting from the Last-Event-ID sent; ignores an id with NUL", () => {
    const p = everySplit("data: a\n\nid: 7\ndata: b\n\ndata: c\n\nid: x\u0000y\ndata: d\n\nid\ndata: e\n\n", {
      startLastEventId: "5",
    });
    expect(events(p)).toEqual([
      { type: "message", data: "a", id: "5" },
      { type: "message", data: "b", id: "7" },
      { type: "message", data: "c", id: "7" },
      { type: "message", data: "d", id: "7" },
      { type: "message", data: "e", id: "" },
    ]);
    expect(p.lastEventId).toBe("");
  });

  it("keeps retry values, ignores bogus ones, records comments and id-only blocks in order", () => {
    const p = everySplit(
      ": hello\nretry: 700\n\nretry: 7x\nretry:\n\nid: 3\n\n:\nevent: update\ndata: u\n\nid: 4\nevent: update\n\n",
    );
    expect(p.items).toEqual<StreamItem[]>([
      { kind: "comment", text: "hello" },
      { kind: "retry", ms: 700 },
      { kind: "retryIgnored", value: "7x" },
      { kind: "retryIgnored", value: "" },
      { kind: "idOnly", id: "3" },
      { kind: "comment", text: "" },
      { kind: "event", type: "update", data: "u", lastEventId: "3", blockId: undefined },
      // event: without data dispatches nothing, but its id still moves lastEventId.
      { kind: "idOnly", id: "4" },
    ]);
    expect(p.retryMs).toBe(700);
    expect(p.lastEventId).toBe("4");
  });

  it("an id-only block directly followed by an event block without an id stays an id-only block", () => {
    const p = everySplit("id: 7\n\ndata: x\n\n");
    expect(p.items).toEqual<StreamItem[]>([
      { kind: "idOnly", id: "7" },
      { kind: "event", type: "message", data: "x", lastEventId: "7", blockId: undefined },
    ]);
  });

  it("an unterminated last block is discarded and reported", () => {
    const p = everySplit("data: a\n\nid: 9\ndata: lost");
    expect(events(p)).toEqual([{ type: "message", data: "a", id: "" }]);
    expect(p.unterminated).toBe("id: 9\ndata: lost");
    expect(p.lastEventId).toBe("");
    expect(parseStream("data: a\n\n: only a comment after\n").unterminated).toBeUndefined();
    expect(parseStream("data: a\n\ndata: b\n").unterminated).toBe("data: b\n");
    // A final CR is a complete line end: "data: a\r\r" is a terminated block.
    expect(events(parseStream("data: a\r\r"))).toEqual([{ type: "message", data: "a", id: "" }]);
  });

  it("empty data: fires an event with empty data; a block with only event: fires nothing", () => {
    expect(events(parseStream("data:\n\nevent: x\n\n"))).toEqual([{ type: "message", data: "", id: "" }]);
  });

  it("caps the items kept and counts the rest", () => {
    const p = parseStream("data: 1\n\ndata: 2\n\n: c\n\ndata: 3\n\n", { maxItems: 2 });
    expect(p.items).toHaveLength(2);
    expect(p.itemsDropped).toBe(2);
    expect(p.events).toBe(3);
  });
});

describe("field order (idBeforeData)", () => {
  it("counts events whose block had id before its first data line, at every chunk split", () => {
    const body =
      "id: 1\ndata: id first\n\n" + // counted
      "data: data first\nid: 2\n\n" + // not
      "event: x\r\nid:3\r\ndata:a\r\ndata:b\r\n\r\n" + // counted (CRLF, no spaces)
      "id: 4\n\n" + // id-only: no event
      "data: after id-only\n\n" + // not: the id belonged to the earlier block
      ": c\rid\rdata\r\r" + // counted: bare `id` and bare `data` (CR line ends)
      "idx: 5\ndata: idx is not id\n\n" + // not
      "data: x\nid: 6\ndata: y\n\n" + // not: data came first
      "id: 7\ndata: unterminated"; // discarded by the browser: not counted
    const p = everySplit(body);
    expect(p.events).toBe(7);
    expect(p.idBeforeData).toBe(3);
  });

  it("is zero when every block puts id after data", () => {
    expect(parseStream("data: a\nid: 1\n\nretry: 10\n\ndata: b\n\n").idBeforeData).toBe(0);
  });
});
