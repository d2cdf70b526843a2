/**
 * EventSource attempts from `chrome.webRequest`, recorded in the background whether or not DevTools is open,
 * so that attempts made while DevTools was closed still show their status, headers, the Last-Event-ID sent
 * and how they ended (no body: webRequest never sees it). Pure: the service worker feeds it the events'
 * details and forwards what it returns (`NetworkAttempt`s with source "webRequest").
 *
 * Measured on Chromium 156 (throwaway extension, with and without DevTools open; e2e/network-closed.spec.ts
 * checks the result):
 * - An EventSource request has `type: "xmlhttprequest"` (not "other", not "eventsource") and is told apart
 *   from other XHR/fetch requests only by its `Accept: text/event-stream` request header.
 * - `onSendHeaders` with `["requestHeaders"]` lists `Accept`, but the real `Last-Event-ID` of a reconnect
 *   only with `"extraHeaders"` too (without it: User-Agent, Accept, sec-ch-ua* only). Careful when measuring:
 *   once any listener of the extension asks for "extraHeaders", every listener sees the full list.
 * - Every reconnect is a new request with a new `requestId`; a redirect keeps the `requestId`
 *   (`onBeforeRedirect`, then `onSendHeaders` again for the new URL).
 * - A stream the server ends: `onCompleted` (status and response headers). A refused connection:
 *   `onErrorOccurred` with e.g. "net::ERR_UNSAFE_PORT" / "net::ERR_CONNECTION_REFUSED" (no status).
 * - `frameId` is the same frame id content-script ports report (0 top frame); `timeStamp` is wall time in
 *   ms, 1–5 ms after the `startedDateTime` DevTools gives the same attempt (see store.ts for the pairing).
 * - Nothing is shared with DevTools' record: HAR entries carry no request id and no frame.
 */
import type { NetworkAttempt } from "../protocol/index";

export interface WrHeader {
  name: string;
  value?: string;
}
/** The fields of `chrome.webRequest` event details we read. */
export interface WrDetails {
  requestId: string;
  tabId: number;
  frameId: number;
  url: string;
  timeStamp: number;
  requestHeaders?: WrHeader[];
  responseHeaders?: WrHeader[];
  statusCode?: number;
  statusLine?: string;
  redirectUrl?: string;
  error?: string;
}

/** Requests in flight we follow at once (all tabs); beyond, the oldest is forgotten and counted. */
export const MAX_IN_FLIGHT = 1_000;
const MAX_HEADERS = 64;
const MAX_HEADER_VALUE = 2_000;

export interface InFlight {
  tabId: number;
  frameId: number;
  url: string;
  startedWall: number;
  lastEventIdSent: string | undefined;
  status: number;
  statusText: string;
  responseHeaders: { name: string; value: string }[];
}

export interface Finished {
  requestId: string;
  tabId: number;
  attempt: NetworkAttempt;
}

const header = (hs: WrHeader[] | undefined, name: string) =>
  hs?.find((h) => h.name.toLowerCase() === name)?.value;

/** "HTTP/1.1 204 No Content" → "No Content". */
export const statusTextOf = (line: string | undefined): string => (line ?? "").replace(/^\S+\s+\d{3}\s?/, "");

const headersOf = (hs: WrHeader[] | undefined) =>
  (hs ?? [])
    .slice(0, MAX_HEADERS)
    .map((h) => ({ name: String(h.name), value: String(h.value ?? "").slice(0, MAX_HEADER_VALUE) }));

export class WebRequestTracker {
  private readonly inFlight = new Map<string, InFlight>();
  /** Per tab: attempts forgotten because MAX_IN_FLIGHT requests were followed at once. */
  private readonly forgotten = new Map<number, number>();

  constructor(private readonly cap = MAX_IN_FLIGHT) {}

  /**
   * `onSendHeaders` (`["requestHeaders", "extraHeaders"]`): begins an attempt when the request is an
   * EventSource's, and returns it (to be kept across a service-worker restart, see `restore`).
   */
  sendHeaders(d: WrDetails): InFlight | undefined {
    if (d.tabId < 0) return undefined;
    if (!(header(d.requestHeaders, "accept") ?? "").includes("text/event-stream")) return undefined;
    this.inFlight.delete(d.requestId); // a redirect's next hop: re-inserted as the newest
    const f: InFlight = {
      tabId: d.tabId,
      frameId: d.frameId,
      url: d.url,
      startedWall: d.timeStamp,
      lastEventIdSent: header(d.requestHeaders, "last-event-id"),
      status: 0,
      statusText: "",
      responseHeaders: [],
    };
    this.inFlight.set(d.requestId, f);
    if (this.inFlight.size > this.cap) {
      const [oldest, f] = this.inFlight.entries().next().value as [string, InFlight];
      this.inFlight.delete(oldest);
      this.forgotten.set(f.tabId, (this.forgotten.get(f.tabId) ?? 0) + 1);
    }
    return f;
  }

  /**
   * An attempt begun before this service worker (re)started: Chrome stops an idle worker, and its memory with
   * it, while streams stay open (and, measured, right after the extension loads); the shell keeps in-flight
   * attempts in `storage.session` and hands them back here.
   */
  restore(requestId: string, f: InFlight): void {
    if (!this.inFlight.has(requestId)) this.inFlight.set(requestId, { ...f });
  }

  /** `onResponseStarted` (`["responseHeaders"]`): the status and headers, kept in case a network error follows. */
  responseStarted(d: WrDetails): void {
    const f = this.inFlight.get(d.requestId);
    if (!f) return;
    this.respond(f, d);
  }

  /** `onBeforeRedirect`: this hop ended with a redirect; the next hop (same requestId) is a new record. */
  beforeRedirect(d: WrDetails): Finished | undefined {
    return this.finish(d, d.redirectUrl !== undefined ? { redirectUrl: d.redirectUrl } : {});
  }

  /** `onCompleted`: the response ended (the server closed the stream, or 204 / non-200 / wrong type). */
  completed(d: WrDetails): Finished | undefined {
    return this.finish(d, {});
  }

  /** `onErrorOccurred`: a network error (or the page / a navigation aborted it: "net::ERR_ABORTED"). */
  errorOccurred(d: WrDetails): Finished | undefined {
    return this.finish(d, { error: d.error ?? "network error" });
  }

  /** Attempts of the tab forgotten at the in-flight cap since the last call (then reset). */
  takeForgotten(tabId: number): number {
    const n = this.forgotten.get(tabId) ?? 0;
    this.forgotten.delete(tabId);
    return n;
  }

  removeTab(tabId: number): void {
    for (const [id, f] of this.inFlight) if (f.tabId === tabId) this.inFlight.delete(id);
    this.forgotten.delete(tabId);
  }

  private respond(f: InFlight, d: WrDetails): void {
    if (typeof d.statusCode === "number" && d.statusCode > 0) {
      f.status = d.statusCode;
      f.statusText = statusTextOf(d.statusLine);
    }
    if (d.responseHeaders) f.responseHeaders = headersOf(d.responseHeaders);
  }

  private finish(d: WrDetails, end: { redirectUrl?: string; error?: string }): Finished | undefined {
    const f = this.inFlight.get(d.requestId);
    if (!f) return undefined;
    this.inFlight.delete(d.requestId);
    this.respond(f, d);
    const contentType = f.responseHeaders.find((h) => h.name.toLowerCase() === "content-type")?.value;
    return {
      requestId: d.requestId,
      tabId: f.tabId,
      attempt: {
        source: "webRequest",
        url: f.url,
        frameId: f.frameId,
        startedWall: f.startedWall,
        durationMs: Math.max(0, d.timeStamp - f.startedWall),
        status: f.status,
        statusText: f.statusText,
        contentType: contentType ?? "",
        responseHeaders: f.responseHeaders,
        ...(f.lastEventIdSent !== undefined ? { lastEventIdSent: f.lastEventIdSent } : {}),
        requestHeadersKnown: true,
        bodyChars: -1,
        transferBytes: -1,
        bodyCharsDropped: 0,
        items: [],
        itemsDropped: 0,
        events: 0,
        // Unknown without the body: the page side's inferred value is used instead (match.ts).
        endLastEventId: f.lastEventIdSent ?? "",
        ...end,
        bodyKnown: false,
      },
    };
  }
}

/**
 * Which finished webRequest records the shell keeps in `storage.session` (one key each, so that a record is
 * written once), so that a service-worker restart does not lose them: per tab the newest `cap`, as the
 * NetworkStore keeps. Returns the keys to remove. Pure.
 */
export class KeptRecords {
  private readonly tabs = new Map<number, { key: string; startedWall: number }[]>();
  private next = 0;

  constructor(
    private readonly cap: number,
    private readonly prefix: string,
  ) {}

  /** A key for a new record of the tab, and the keys evicted by it. */
  add(tabId: number, startedWall: number, key?: string): { key: string; evict: string[] } {
    const k = key ?? `${this.prefix}${tabId}:${Date.now()}:${this.next++}`;
    const list = this.tabs.get(tabId) ?? [];
    this.tabs.set(tabId, list);
    list.push({ key: k, startedWall });
    const evict = list.splice(0, Math.max(0, list.length - this.cap)).map((e) => e.key);
    return { key: k, evict };
  }

  navigated(tabId: number, timeStamp: number): string[] {
    const list = this.tabs.get(tabId) ?? [];
    this.tabs.set(
      tabId,
      list.filter((e) => e.startedWall >= timeStamp),
    );
    return list.filter((e) => e.startedWall < timeStamp).map((e) => e.key);
  }

  removeTab(tabId: number): string[] {
    const keys = (this.tabs.get(tabId) ?? []).map((e) => e.key);
    this.tabs.delete(tabId);
    return keys;
  }
}
