/**
 * Event streams seen only in DevTools' network record (issue 6 item 5): a `text/event-stream` response read
 * with fetch() or XHR inside a dedicated Web Worker, a shared worker or a service worker. Content scripts run
 * in documents only, so no hook sees those reads; DevTools' record has the request once it has ended, with its
 * body. The background turns such a record into the records a hooked stream would have produced —
 * `streamOpened` (source "network"), one `eventReceived` per event of the body, `streamEnded` — under a
 * document of its own ("network"), unless the hook already recorded that stream (same URL, started within
 * MATCH_MS), so nothing shows twice. Their events have no times of their own: all carry the end of the request.
 */
import type { NetworkAttempt, PageRecord, RecordOf } from "../protocol/index";

/** A hooked stream and a network record of it start within this many ms of each other. */
export const MATCH_MS = 2_000;
export const NETWORK_DOC = "network";

/** Whether `opened` (a hooked stream) is the request `a` describes. */
export function sameStream(opened: RecordOf<"streamOpened">, a: NetworkAttempt): boolean {
  if (opened.source === "network") return false;
  return (
    (opened.url === a.url || opened.requestUrl === a.url) &&
    Math.abs(opened.requestWall - a.startedWall) <= MATCH_MS
  );
}

/** The records of a stream seen by the network only, numbered from `seq`, connection `cid`. */
export function recordsFromNetwork(a: NetworkAttempt, cid: string, seq: number): PageRecord[] {
  const start = a.startedWall;
  const end = start + (a.durationMs ?? 0);
  let origin = "";
  try {
    origin = new URL(a.url).origin;
  } catch {}
  const out: PageRecord[] = [
    {
      kind: "streamOpened",
      seq: seq++,
      cid,
      wall: start,
      mono: start,
      transport: a.resourceType === "xhr" ? "xhr" : "fetch",
      method: a.method ?? "GET",
      requestUrl: a.url,
      url: a.url,
      requestHeaders: [],
      requestWall: start,
      requestMono: start,
      status: a.status,
      statusText: a.statusText,
      responseHeaders: a.responseHeaders.map((h): [string, string] => [h.name, h.value]),
      frameUrl: "",
      readyState: 1,
      source: "network",
    },
  ];
  for (const item of a.items) {
    if (item.kind !== "event") continue;
    out.push({
      kind: "eventReceived",
      seq: seq++,
      cid,
      wall: end,
      mono: end,
      type: item.type,
      data: item.data,
      lastEventId: item.lastEventId,
      origin,
      readyState: 1,
      trusted: true,
    });
  }
  out.push({
    kind: "streamEnded",
    seq: seq++,
    cid,
    wall: end,
    mono: end,
    how: a.error ? "network-error" : "completed",
    ...(a.error ? { error: a.error } : {}),
    bytes: Math.max(0, a.transferBytes),
    readyState: 2,
  });
  return out;
}
