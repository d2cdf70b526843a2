/**
 * Test helpers: a fetch()/XHR stream as the hook records it (`streamOpened`, then one `streamChunkReceived` per
 * body piece), run through the background's session store as it would be, and the panel state it gives.
 */
import { applyMessage, createPanelState, type PanelState } from "../model/reducer";
import { type PageRecord, PROTOCOL_VERSION, type RecordOf, type TabRecord } from "../protocol/index";
import { SessionStore } from "./store";

export interface StreamFixture {
  tabId?: number;
  docId?: string;
  cid?: string;
  /** Wall/mono time of record 0; record i is at t0 + i. */
  t0?: number;
  url?: string;
  status?: number;
}

/** The hook's records of one stream: opened (seq 0), then each body piece as a chunk (seq 1, 2, …). */
export function streamRecords(body: readonly string[], f: StreamFixture = {}): PageRecord[] {
  const { cid = "f.1", t0 = 5_000, url = "http://127.0.0.1:8080/chat", status = 200 } = f;
  const at = (seq: number) => ({ seq, cid, wall: t0 + seq, mono: t0 + seq });
  const opened: RecordOf<"streamOpened"> = {
    kind: "streamOpened",
    ...at(0),
    transport: "fetch",
    method: "POST",
    requestUrl: url,
    url,
    requestHeaders: [["x-a", "1"]],
    requestWall: t0 - 10,
    requestMono: t0 - 10,
    status,
    statusText: status === 200 ? "OK" : "Internal Server Error",
    responseHeaders: [["content-type", "text/event-stream"]],
    frameUrl: new URL("/", url).href,
    readyState: 1,
  };
  return [
    opened,
    ...body.map(
      (text, i): PageRecord => ({
        kind: "streamChunkReceived",
        ...at(i + 1),
        text,
        bytes: new TextEncoder().encode(text).length,
        readyState: 1,
      }),
    ),
  ];
}

/** Those records (plus `more`) through a session store: what the background stamps and sends to panels. */
export function ingestStream(
  body: readonly string[],
  f: StreamFixture = {},
  more: readonly PageRecord[] = [],
): TabRecord[] {
  const records = [...streamRecords(body, f), ...more];
  return new SessionStore().ingest(f.tabId ?? 7, 0, {
    v: PROTOCOL_VERSION,
    kind: "recordsCaptured",
    docId: f.docId ?? "f",
    frameUrl: "http://127.0.0.1:8080/",
    top: true,
    fromSeq: 0,
    oldestSeq: 0,
    records,
  }).appended;
}

/** The panel's state after receiving those records. */
export function streamPanelState(
  body: readonly string[],
  f: StreamFixture = {},
  more: readonly PageRecord[] = [],
): PanelState {
  const tabId = f.tabId ?? 7;
  const records = ingestStream(body, f, more);
  return applyMessage(createPanelState(tabId), {
    v: PROTOCOL_VERSION,
    kind: "recordsAppended",
    tabId,
    records,
    stats: { held: records.length, evicted: 0, cap: 200_000, lost: 0 },
  });
}
