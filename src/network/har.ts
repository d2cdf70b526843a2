/**
 * DevTools' record of one request (a HAR entry from `chrome.devtools.network.onRequestFinished`) → the
 * `NetworkAttempt` the devtools page sends up. Pure; the devtools page only calls `getContent()`.
 *
 * Measured on Chromium 156 (e2e/network.spec.ts checks it): an EventSource attempt's entry has
 * `_resourceType: "eventsource"`, the request headers as sent (with `Last-Event-ID` on a reconnect), and
 * `getContent()` returns the whole raw body once the attempt has ended.
 */
import type { NetworkAttempt } from "../protocol/index";
import { parseStream } from "./parse";

/** Characters of a body we parse; beyond, they are counted (`bodyCharsDropped`) and not parsed. */
export const MAX_BODY_CHARS = 8 * 1024 * 1024;
const MAX_HEADERS = 64;
const MAX_HEADER_VALUE = 2_000;

export interface HarHeader {
  name: string;
  value: string;
}
/** The part of a HAR entry we read (Chrome adds `_`-prefixed fields). */
export interface HarEntry {
  startedDateTime?: string;
  time?: number;
  request?: { url?: string; method?: string; headers?: HarHeader[] };
  response?: {
    /** "http/1.1", "h2", "h3" on Chromium; "" or "unknown" when DevTools does not know. */
    httpVersion?: string;
    status?: number;
    statusText?: string;
    headers?: HarHeader[];
    content?: { size?: number; mimeType?: string };
    _transferSize?: number;
    _error?: string | null;
  };
  _resourceType?: string;
}

const header = (hs: HarHeader[] | undefined, name: string) =>
  hs?.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;

/** Whether the entry is an EventSource attempt: DevTools' resource type, else an `Accept: text/event-stream`. */
export function isEventSourceEntry(e: HarEntry): boolean {
  if (e._resourceType !== undefined) return e._resourceType === "eventsource";
  return (header(e.request?.headers, "accept") ?? "").includes("text/event-stream");
}

/**
 * A `text/event-stream` response that is not an EventSource's: read with fetch() or XHR, by the page (the hook
 * sees those live) or by a worker, which no content script can hook (shown from this record only).
 */
export function isOtherEventStreamEntry(e: HarEntry): boolean {
  if (isEventSourceEntry(e)) return false;
  const type = header(e.response?.headers, "content-type") ?? e.response?.content?.mimeType ?? "";
  return type.split(";")[0]?.trim().toLowerCase() === "text/event-stream";
}

/** The attempt from the entry and its body (`undefined` when the body could not be read). */
export function attemptFromHar(e: HarEntry, body: string | undefined): NetworkAttempt {
  const reqHeaders = e.request?.headers;
  const sent = header(reqHeaders, "last-event-id");
  const started = Date.parse(e.startedDateTime ?? "");
  const parsed =
    body === undefined
      ? undefined
      : parseStream(body.length > MAX_BODY_CHARS ? body.slice(0, MAX_BODY_CHARS) : body, {
          startLastEventId: sent ?? "",
        });
  const status = e.response?.status ?? 0;
  const httpVersion = e.response?.httpVersion;
  const error = e.response?._error;
  return {
    source: "devtools",
    url: e.request?.url ?? "",
    startedWall: Number.isFinite(started) ? started : 0,
    ...(typeof e.time === "number" && Number.isFinite(e.time) ? { durationMs: e.time } : {}),
    status: Number.isInteger(status) && status >= 0 ? status : 0,
    statusText: e.response?.statusText ?? "",
    contentType: header(e.response?.headers, "content-type") ?? "",
    responseHeaders: (e.response?.headers ?? [])
      .slice(0, MAX_HEADERS)
      .map((h) => ({ name: String(h.name), value: String(h.value).slice(0, MAX_HEADER_VALUE) })),
    ...(typeof httpVersion === "string" && httpVersion !== "" && httpVersion !== "unknown"
      ? { httpVersion: httpVersion.slice(0, 32) }
      : {}),
    ...(sent !== undefined ? { lastEventIdSent: sent } : {}),
    requestHeadersKnown: Array.isArray(reqHeaders) && reqHeaders.length > 0,
    bodyChars: body?.length ?? -1,
    transferBytes:
      typeof e.response?._transferSize === "number" ? Math.max(-1, Math.round(e.response._transferSize)) : -1,
    bodyCharsDropped: body !== undefined ? Math.max(0, body.length - MAX_BODY_CHARS) : 0,
    items: parsed?.items ?? [],
    itemsDropped: parsed?.itemsDropped ?? 0,
    events: parsed?.events ?? 0,
    ...(parsed !== undefined && parsed.idBeforeData > 0 ? { idBeforeData: parsed.idBeforeData } : {}),
    endLastEventId: parsed?.lastEventId ?? sent ?? "",
    ...(parsed?.unterminated !== undefined ? { unterminated: parsed.unterminated } : {}),
    ...(typeof error === "string" && error !== "" ? { error } : {}),
    bodyKnown: parsed !== undefined,
    ...(e._resourceType !== undefined && e._resourceType !== "eventsource"
      ? { resourceType: e._resourceType.slice(0, 32) }
      : {}),
    ...(typeof e.request?.method === "string" ? { method: e.request.method.slice(0, 32) } : {}),
  };
}
