import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import { createParser } from "eventsource-parser";
import { describe, expect, it } from "vitest";
import { logToArray } from "../model/log";
import { applyMessage, createPanelState } from "../model/reducer";
import { parseStream } from "../network/parse";
import type { NetItem, NetworkAttempt, TabNetworkAttempt, TabRecord } from "../protocol/index";
import { streamPanelState } from "../session/testing";
import { buildExport, EXPORT_FORMATS, exportFileName, hostOf } from "./download";
import {
  type ExportSelection,
  selectionFromState,
  toEventStream,
  toHar,
  toJson,
  toNdjson,
} from "./exporters";
import { fromHar, fromJson, ImportError } from "./importers";

// ── fixtures: two connections, one with two network attempts whose bodies hold retry, comments, id-only ──

const URL_A = "http://127.0.0.1:8080/a?x=1";
const URL_B = "http://127.0.0.1:8080/b";
let tabSeq = 0;
const seqs = new Map<string, number>();
const rec = (cid: string, wall: number, x: Record<string, unknown>): TabRecord => {
  const seq = seqs.get(cid) ?? 0;
  seqs.set(cid, seq + 1);
  return { seq, cid, wall, mono: wall + 0.5, tabSeq: tabSeq++, docId: "d1", frameId: 0, ...x } as TabRecord;
};
const ev = (cid: string, wall: number, type: string, data: string, lastEventId: string, trusted = true) =>
  rec(cid, wall, {
    kind: "eventReceived",
    type,
    data,
    lastEventId,
    origin: "http://127.0.0.1:8080",
    readyState: 1,
    trusted,
  });
const created = (cid: string, wall: number, url: string) =>
  rec(cid, wall, {
    kind: "connectionCreated",
    url,
    withCredentials: false,
    frameUrl: "http://127.0.0.1:8080/",
    readyState: 0,
  });

const records: TabRecord[] = [
  created("d1.1", 1000, URL_A),
  rec("d1.1", 1001, { kind: "listenerAdded", type: "tick" }),
  created("d1.2", 1002, URL_B),
  rec("d1.1", 1010, { kind: "connectionOpened", readyState: 1 }),
  ev("d1.1", 1020, "message", "hello", "1"),
  rec("d1.2", 1021, { kind: "connectionOpened", readyState: 1 }),
  ev("d1.1", 1030, "tick", "a\nb\n\nc", "1"),
  ev("d1.2", 1031, "message", "", ""),
  ev("d1.2", 1032, "message", "forged by the page", "", false),
  ev("d1.1", 1040, "message", "after idOnly", "7"),
  ev("d1.2", 1041, "update", "  two spaces kept", "b-1"),
  rec("d1.1", 1100, { kind: "errorReceived", readyState: 0, trusted: true }),
  rec("d1.1", 1200, { kind: "connectionOpened", readyState: 1 }),
  ev("d1.1", 1210, "message", "reset", ""),
  ev("d1.1", 1220, "tick", "x", ""),
  rec("d1.1", 1300, { kind: "closeCalled", previousReadyState: 1, readyState: 2 }),
];

const BODY_1 =
  "retry: 1500\n: ping\n\nid: 1\ndata: hello\n\nevent: tick\ndata: a\ndata: b\ndata\ndata: c\n\n" +
  "event: nolistener\ndata: z\n\nid: 7\n\ndata: after idOnly\n\nretry: soon\n\n";
const BODY_2 = "id\ndata: reset\n\n:\nevent: tick\ndata: x\n\n";

const netAttempt = (
  body: string,
  startedWall: number,
  sent: string | undefined,
  netSeq: number,
): TabNetworkAttempt => {
  const p = parseStream(body, { startLastEventId: sent ?? "" });
  const a: NetworkAttempt = {
    source: "devtools",
    url: URL_A,
    startedWall,
    durationMs: 90,
    status: 200,
    statusText: "OK",
    contentType: "text/event-stream",
    responseHeaders: [{ name: "Content-Type", value: "text/event-stream" }],
    ...(sent !== undefined ? { lastEventIdSent: sent } : {}),
    requestHeadersKnown: true,
    bodyChars: body.length,
    transferBytes: body.length + 100,
    bodyCharsDropped: 0,
    items: p.items,
    itemsDropped: 0,
    events: p.events,
    endLastEventId: p.lastEventId,
    bodyKnown: true,
  };
  return { ...a, netSeq };
};
const network = [netAttempt(BODY_1, 1001, undefined, 0), netAttempt(BODY_2, 1150, "7", 1)];
const stats = { held: records.length, evicted: 0, cap: 200_000, lost: 0 };

/** The panel's state holding the fixtures, as the background would deliver them. */
function panelState() {
  let s = createPanelState(5);
  s = applyMessage(s, { v: 1, kind: "sessionReplayed", reason: "subscribed", tabId: 5, records, stats });
  return applyMessage(s, {
    v: 1,
    kind: "networkAttemptsAppended",
    tabId: 5,
    replace: true,
    attempts: network,
    dropped: 0,
  });
}
const all = (): ExportSelection =>
  selectionFromState(panelState(), { scope: "all" }, "http://127.0.0.1:8080/");

const schema = JSON.parse(readFileSync(new URL("../../docs/export.schema.json", import.meta.url), "utf8"));
// Formats are not asserted by Ajv core (they need ajv-formats); exportedAt is checked by hand below.
const validate = new Ajv2020({ allErrors: true, strictTypes: false, validateFormats: false }).compile(schema);

/** What a browser would dispatch for a stream: type, data, and the persisted lastEventId (WHATWG HTML §9.2.6). */
function dispatched(text: string) {
  const out: { type: string; data: string; lastEventId: string }[] = [];
  let lastEventId = "";
  const p = createParser({
    // The persisted id moves on every id field, id-only blocks included (HTML §9.2.6).
    onId(id) {
      lastEventId = id;
    },
    onEvent(e) {
      if (e.id !== undefined) lastEventId = e.id;
      out.push({ type: e.event ?? "message", data: e.data, lastEventId });
    },
  });
  p.feed(text);
  return out;
}
/** Items as the page-visible stream defines them: which line carried an id is not part of it. */
const norm = (items: readonly NetItem[]) =>
  items.map((it) => (it.kind === "event" ? { ...it, blockId: undefined } : it));
const pageEvents = (rs: readonly TabRecord[]) =>
  rs.flatMap((r) =>
    r.kind === "eventReceived" && r.trusted
      ? [{ type: r.type, data: r.data, lastEventId: r.lastEventId }]
      : [],
  );

describe("export: selection", () => {
  it("takes all records, one connection's, or the filtered rows, with the network attempts matched", () => {
    const sel = all();
    expect(sel.records).toEqual(records);
    expect(sel.attempts?.get("d1.1")?.map((n) => n.netSeq)).toEqual([0, 1]);
    expect(sel.unmatched).toEqual([]);
    const one = selectionFromState(panelState(), { scope: "connection", cid: "d1.2" });
    expect(one.records.map((r) => r.cid)).toEqual(["d1.2", "d1.2", "d1.2", "d1.2", "d1.2"]);
    expect(one.attempts?.size).toBe(0);
    const rows = logToArray(panelState().rows).filter((r) => r.rec?.kind === "eventReceived");
    const f = selectionFromState(panelState(), { scope: "filtered", rows, filter: "kind=event" });
    expect(f.records.every((r) => r.kind === "eventReceived")).toBe(true);
    expect(toJson(f).source.filter).toBe("kind=event");
  });
});

describe("export: JSON", () => {
  it("validates against docs/export.schema.json for every scope", () => {
    const s = panelState();
    const rows = logToArray(s.rows).slice(3, 9);
    for (const sel of [
      all(),
      selectionFromState(s, { scope: "connection", cid: "d1.1" }),
      selectionFromState(s, { scope: "filtered", rows, filter: "text" }),
    ]) {
      const doc = JSON.parse(JSON.stringify(toJson(sel)));
      expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
      expect(Number.isFinite(Date.parse(doc.exportedAt))).toBe(true);
    }
  });

  it("the schema rejects what is not an export (so the test above can fail)", () => {
    const doc = JSON.parse(JSON.stringify(toJson(all())));
    expect(validate({ ...doc, version: 2 })).toBe(false);
    doc.connections[0].records[0].kind = "somethingElse";
    expect(validate(doc)).toBe(false);
    const doc2 = JSON.parse(JSON.stringify(toJson(all())));
    delete doc2.connections[0].attempts[0].items[0].ms;
    expect(validate(doc2)).toBe(false);
  });

  it("groups records by connection with their attempts and the header fields", () => {
    const doc = toJson(all(), new Date(Date.UTC(2026, 0, 2, 3, 4, 5)));
    expect(doc).toMatchObject({
      format: "sse-devtools",
      version: 1,
      exportedAt: "2026-01-02T03:04:05.000Z",
      scope: "all",
      source: { tabId: 5, pageUrl: "http://127.0.0.1:8080/", filter: null },
    });
    expect(doc.connections.map((c) => [c.cid, c.url, c.records.length, c.attempts.length])).toEqual([
      ["d1.1", URL_A, 11, 2],
      ["d1.2", URL_B, 5, 0],
    ]);
  });
});

describe("export: NDJSON", () => {
  it("writes one parseable line per record", () => {
    const text = toNdjson(all());
    expect(text.endsWith("\n")).toBe(true);
    const lines = text.slice(0, -1).split("\n");
    expect(lines).toHaveLength(records.length);
    expect(lines.map((l) => JSON.parse(l))).toEqual(records);
  });
});

describe("export: text/event-stream", () => {
  it("replays the page's events, multi-line data and id changes included (eventsource-parser)", () => {
    const s = panelState();
    const f = selectionFromState(s, { scope: "filtered", rows: logToArray(s.rows), filter: "" });
    const streams = toEventStream(f);
    expect(streams.map((x) => [x.cid, x.from])).toEqual([
      ["d1.1", "page"],
      ["d1.2", "page"],
    ]);
    for (const x of streams) {
      const mine = records.filter((r) => r.cid === x.cid);
      expect(dispatched(x.text)).toEqual(pageEvents(mine));
    }
    // The persisted id is written only when it changes: "1" once for two events, then "7", then a reset.
    const a = streams[0]?.text ?? "";
    expect(a.match(/^id\b.*$/gm)).toEqual(["id: 1", "id: 7", "id"]);
    // The forged event is not part of the stream.
    expect(streams[1]?.text).not.toContain("forged");
  });

  it("replays the network body when known: retry, comments, id-only blocks, events no listener got", () => {
    const [a] = toEventStream(all());
    expect(a?.from).toBe("network");
    const text = a?.text ?? "";
    const again = parseStream(text);
    expect(norm(again.items)).toEqual(norm([...(network[0]?.items ?? []), ...(network[1]?.items ?? [])]));
    // "after idOnly" carries id 7 although its own block had no id: the replay must move the id there too.
    expect(dispatched(text).find((e) => e.data === "after idOnly")?.lastEventId).toBe("7");
    expect(text).toContain("retry: 1500\n");
    expect(text).toContain(": ping\n");
    expect(dispatched(text).map((e) => e.type)).toContain("nolistener");
  });

  it("falls back to the page's events when a body was cut", () => {
    const sel = all();
    const cut = new Map(sel.attempts);
    cut.set("d1.1", [
      { ...(network[0] as TabNetworkAttempt), itemsDropped: 3 },
      network[1] as TabNetworkAttempt,
    ]);
    const [a] = toEventStream({ ...sel, attempts: cut });
    expect(a?.from).toBe("page");
    expect(dispatched(a?.text ?? "")).toEqual(pageEvents(records.filter((r) => r.cid === "d1.1")));
  });
});

describe("export: HAR 1.2", () => {
  it("writes a HAR 1.2 log, one entry per network attempt, else per connection", () => {
    const har = JSON.parse(JSON.stringify(toHar(all())));
    expect(har.log.version).toBe("1.2");
    expect(typeof har.log.creator.name).toBe("string");
    expect(har.log.entries).toHaveLength(3);
    for (const e of har.log.entries) {
      expect(Number.isFinite(Date.parse(e.startedDateTime))).toBe(true);
      expect(e.time).toBeGreaterThanOrEqual(0);
      for (const k of [
        "method",
        "url",
        "httpVersion",
        "cookies",
        "headers",
        "queryString",
        "headersSize",
        "bodySize",
      ])
        expect(e.request).toHaveProperty(k);
      for (const k of ["status", "statusText", "httpVersion", "cookies", "headers", "content", "redirectURL"])
        expect(e.response).toHaveProperty(k);
      expect(e.response.content).toHaveProperty("size");
      expect(e.response.content).toHaveProperty("mimeType");
      expect(e.cache).toEqual({});
      for (const k of ["send", "wait", "receive"]) expect(e.timings[k]).toBeGreaterThanOrEqual(0);
      expect(e._resourceType).toBe("eventsource");
    }
    // In start order: A's first attempt (1001), B (1002), A's second attempt (1150).
    const [a1, b, a2] = har.log.entries;
    expect(a1.request.queryString).toEqual([{ name: "x", value: "1" }]);
    expect(a2.request.headers).toContainEqual({ name: "Last-Event-ID", value: "7" });
    // Chrome's shape; times in seconds, from the page's matching event where there is one.
    expect(a1._eventSourceMessages[0]).toEqual({
      time: 1.02,
      eventName: "message",
      eventId: "1",
      data: "hello",
    });
    expect(a1._eventSourceMessages.map((m: { eventName: string }) => m.eventName)).toEqual([
      "message",
      "tick",
      "nolistener",
      "message",
    ]);
    expect(norm(parseStream(a1.response.content.text).items)).toEqual(norm(network[0]?.items ?? []));
    expect(norm(parseStream(a2.response.content.text, { startLastEventId: "7" }).items)).toEqual(
      norm(network[1]?.items ?? []),
    );
    expect(b.request.url).toBe(URL_B);
    expect(b._eventSourceMessages.map((m: { data: string }) => m.data)).toEqual(["", "  two spaces kept"]);
  });
});

describe("import", () => {
  it("round-trips a JSON export into the same records and attempts, marked imported", () => {
    const text = JSON.stringify(toJson(all()));
    const got = fromJson(text, 9);
    expect(got.imported).toBe(true);
    expect(got.replay.records).toEqual(records);
    expect(got.replay.tabId).toBe(9);
    expect(got.network.attempts).toEqual(network);
    // The reducer loads it as it would a live session.
    let s = applyMessage(createPanelState(9), got.replay);
    s = applyMessage(s, got.network);
    expect([...s.connections.keys()]).toEqual(["d1.1", "d1.2"]);
    expect(s.connections.get("d1.1")?.reconnects).toBe(1);
    expect(s.network).toHaveLength(2);
  });

  it("imports a HAR (ours) into one connection per entry with its events and body", () => {
    const got = fromHar(JSON.stringify(toHar(all())), 3);
    expect(got.imported).toBe(true);
    const byCid = (cid: string) => pageEvents(got.replay.records.filter((r) => r.cid === cid));
    expect(byCid("har.1").map((e) => e.data)).toEqual(["hello", "a\nb\n\nc", "z", "after idOnly"]);
    expect(byCid("har.2")).toEqual(pageEvents(records.filter((r) => r.cid === "d1.2")));
    expect(byCid("har.3").map((e) => [e.data, e.lastEventId])).toEqual([
      ["reset", ""],
      ["x", ""],
    ]);
    expect(norm(got.network.attempts[0]?.items ?? [])).toEqual(norm(network[0]?.items ?? []));
    expect(got.network.attempts[2]?.lastEventIdSent).toBe("7");
    const s = applyMessage(createPanelState(3), got.replay);
    expect(s.connections.size).toBe(3);
  });

  it("imports a HAR entry without _eventSourceMessages from its body, and marks a failed one", () => {
    const entry = (status: number, text?: string) => ({
      startedDateTime: "2026-01-01T00:00:00.000Z",
      time: 5,
      request: { url: URL_B, headers: [{ name: "Accept", value: "text/event-stream" }] },
      response: {
        status,
        headers: [{ name: "Content-Type", value: "text/event-stream" }],
        content: text === undefined ? {} : { text: Buffer.from(text).toString("base64"), encoding: "base64" },
      },
    });
    const got = fromHar({ log: { version: "1.2", entries: [entry(200, "data: é\n\n"), entry(204)] } }, 1);
    expect(pageEvents(got.replay.records)).toEqual([{ type: "message", data: "é", lastEventId: "" }]);
    const last = got.replay.records.at(-1);
    expect(last).toMatchObject({ kind: "errorReceived", cid: "har.2", readyState: 2 });
  });

  it("rejects malformed input with a clear error", () => {
    const good = JSON.parse(JSON.stringify(toJson(all())));
    const bad = (x: unknown, re: RegExp) => {
      expect(() => fromJson(x, 1)).toThrow(ImportError);
      expect(() => fromJson(x, 1)).toThrow(re);
    };
    bad("{not json", /not JSON/);
    bad({ log: {} }, /not an SSE DevTools export/);
    bad({ ...good, version: 2 }, /unsupported export version 2/);
    const badKind = structuredClone(good);
    badKind.connections[0].records[1].kind = "evil";
    bad(badKind, /not a valid SSE DevTools export v1/);
    const badType = structuredClone(good);
    badType.connections[1].records[2].data = 42;
    bad(badType, /data/);
    const moved = structuredClone(good);
    moved.connections[1].records.push(moved.connections[0].records[0]);
    bad(moved, /cid d1\.1 under connection d1\.2/);

    const harBad = (x: unknown, re: RegExp) => expect(() => fromHar(x, 1)).toThrow(re);
    harBad("[]", /not a valid HAR/);
    harBad({ log: { version: "1.2", entries: [] } }, /no EventSource request/);
    const har = JSON.parse(JSON.stringify(toHar(all())));
    har.log.entries[0].response.status = "200";
    harBad(har, /HAR entry #0/);
    const har2 = JSON.parse(JSON.stringify(toHar(all())));
    har2.log.entries[1].startedDateTime = "yesterday";
    harBad(har2, /not a date/);
  });
});

describe("export: the panel's files", () => {
  it("names files by host, local date and time, scope, and format", () => {
    const at = new Date(2026, 0, 2, 3, 4, 5);
    expect(exportFileName("127.0.0.1:8080", at, "all", "json")).toBe(
      "127.0.0.1-8080_2026-01-02_03-04-05_all.json",
    );
    expect(exportFileName("", at, "d1.1", "eventstream")).toBe("sse_2026-01-02_03-04-05_d1.1.txt");
    expect(hostOf("http://127.0.0.1:8080/x")).toBe("127.0.0.1-8080");
    expect(hostOf("not a url")).toBe("");
  });

  it("builds each format for each scope; a joined event stream replays each connection with its own ids", () => {
    const s = panelState();
    const rows = logToArray(s.rows).slice(3, 9);
    const reqs = [
      { scope: "all" },
      { scope: "connection", cid: "d1.2" },
      { scope: "filtered", rows, filter: "x" },
    ] as const;
    for (const req of reqs) {
      for (const format of EXPORT_FORMATS) {
        const f = buildExport(s, req, format, new Date(2026, 0, 2));
        expect(f.name).toMatch(
          new RegExp(`_${req.scope === "connection" ? "d1\\.2" : req.scope}\\.(json|ndjson|txt|har)$`),
        );
        if (format === "json")
          expect(validate(JSON.parse(f.text)), JSON.stringify(validate.errors)).toBe(true);
        if (format === "har") expect(JSON.parse(f.text).log.version).toBe("1.2");
      }
    }
    // Filtered (page events): all connections in one body, each with its own events and last event IDs.
    const f = buildExport(s, { scope: "filtered", rows: logToArray(s.rows), filter: "" }, "eventstream");
    const want = [
      ...pageEvents(records.filter((r) => r.cid === "d1.1")),
      ...pageEvents(records.filter((r) => r.cid === "d1.2")),
    ];
    expect(dispatched(f.text)).toEqual(want);
    expect(f.text).toContain(`: connection d1.2 ${URL_B}\n`);
  });

  it("exports and re-imports a connection closed from DevTools (connectionForceClosed)", () => {
    const forced = {
      kind: "connectionForceClosed" as const,
      seq: 99,
      cid: "d1.2",
      wall: 1400,
      mono: 1400,
      tabSeq: 500,
      docId: "d1",
      frameId: 0,
      mode: "fail" as const,
      previousReadyState: 1 as const,
      readyState: 2 as const,
    };
    let s = panelState();
    s = applyMessage(s, { v: 1, kind: "recordsAppended", tabId: 5, records: [forced], stats });
    const text = buildExport(s, { scope: "all" }, "json").text;
    const doc = JSON.parse(text);
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    // The schema knows the kind's fields.
    const bad = structuredClone(doc);
    bad.connections[1].records.at(-1).mode = "explode";
    expect(validate(bad)).toBe(false);
    expect(fromJson(text, 5).replay.records.at(-1)).toEqual(forced);
  });
});

describe("fetch()/XHR streams in exports", () => {
  const streamState = () =>
    streamPanelState(["id: 1\ndata: one\n\nevent: tick\nda", "ta: two\n\n"], {}, [
      {
        kind: "streamEnded",
        seq: 3,
        cid: "f.1",
        wall: 5003,
        mono: 5003,
        how: "completed",
        bytes: 39,
        readyState: 2,
      },
    ]);

  it("export as JSON valid against the schema, import back to the same records, and as their events", () => {
    const s = streamState();
    const sel = selectionFromState(s, { scope: "all" });
    const doc = JSON.parse(JSON.stringify(toJson(sel)));
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.connections[0].url).toBe("http://127.0.0.1:8080/chat");
    const back = fromJson(JSON.stringify(doc), 7);
    expect(back.replay.records).toEqual(sel.records);
    const events = dispatched(toEventStream(sel)[0]?.text ?? "");
    expect(events).toEqual([
      { type: "message", data: "one", lastEventId: "1" },
      { type: "tick", data: "two", lastEventId: "1" },
    ]);
    expect(toHar(sel).log.entries[0]).toMatchObject({
      request: { url: "http://127.0.0.1:8080/chat" },
      response: { status: 200 },
    });
  });
});
