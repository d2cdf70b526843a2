import { describe, expect, it } from "vitest";
import { KeptRecords, statusTextOf, WebRequestTracker, type WrDetails } from "./webrequest";

// Details shaped as Chromium 156 gave them for an EventSource (see the header of webrequest.ts).
const base = { tabId: 4, frameId: 0, url: "http://127.0.0.1:1234/s" };
const send = (
  requestId: string,
  timeStamp: number,
  extra: { name: string; value: string }[] = [],
): WrDetails => ({
  ...base,
  requestId,
  timeStamp,
  requestHeaders: [
    { name: "User-Agent", value: "x" },
    { name: "Accept", value: "text/event-stream" },
    ...extra,
    { name: "Sec-Fetch-Mode", value: "cors" },
  ],
});
const sse = [
  { name: "Content-Type", value: "text/event-stream; charset=utf-8" },
  { name: "Cache-Control", value: "no-store" },
];

describe("WebRequestTracker", () => {
  it("records an EventSource attempt: start, frame, Last-Event-ID sent, status, headers, end", () => {
    const t = new WebRequestTracker();
    t.sendHeaders({ ...send("16", 1000.5, [{ name: "Last-Event-ID", value: "3" }]), frameId: 4 });
    t.responseStarted({
      ...base,
      requestId: "16",
      timeStamp: 1002,
      statusCode: 200,
      statusLine: "HTTP/1.1 200 OK",
      responseHeaders: sse,
    });
    const f = t.completed({
      ...base,
      requestId: "16",
      timeStamp: 1700.5,
      statusCode: 200,
      statusLine: "HTTP/1.1 200 OK",
      responseHeaders: sse,
    });
    expect(f?.tabId).toBe(4);
    expect(f?.attempt).toMatchObject({
      source: "webRequest",
      url: base.url,
      frameId: 4,
      startedWall: 1000.5,
      durationMs: 700,
      status: 200,
      statusText: "OK",
      contentType: "text/event-stream; charset=utf-8",
      responseHeaders: sse,
      lastEventIdSent: "3",
      requestHeadersKnown: true,
      bodyKnown: false,
      bodyChars: -1,
      items: [],
    });
    expect(f?.attempt.error).toBeUndefined();
    // Finished once.
    expect(t.completed({ ...base, requestId: "16", timeStamp: 1701 })).toBeUndefined();
  });

  it("a first attempt sends no Last-Event-ID; a 204 ends it", () => {
    const t = new WebRequestTracker();
    t.sendHeaders(send("7", 10));
    const f = t.completed({
      ...base,
      requestId: "7",
      timeStamp: 12,
      statusCode: 204,
      statusLine: "HTTP/1.1 204 No Content",
      responseHeaders: [],
    });
    expect(f?.attempt).toMatchObject({ status: 204, statusText: "No Content", contentType: "" });
    expect("lastEventIdSent" in (f?.attempt ?? {})).toBe(false);
  });

  it("ignores requests that are not an EventSource's, and tabless ones", () => {
    const t = new WebRequestTracker();
    t.sendHeaders({ ...send("1", 1), requestHeaders: [{ name: "Accept", value: "*/*" }] });
    t.sendHeaders({ ...send("2", 1), tabId: -1 });
    expect(t.completed({ ...base, requestId: "1", timeStamp: 2, statusCode: 200 })).toBeUndefined();
    expect(t.completed({ ...base, requestId: "2", timeStamp: 2, statusCode: 200 })).toBeUndefined();
  });

  it("a network error: no status, the error string; after a response, the status is kept", () => {
    const t = new WebRequestTracker();
    t.sendHeaders(send("9", 1));
    expect(
      t.errorOccurred({ ...base, requestId: "9", timeStamp: 3, error: "net::ERR_CONNECTION_REFUSED" })
        ?.attempt,
    ).toMatchObject({
      status: 0,
      error: "net::ERR_CONNECTION_REFUSED",
    });
    t.sendHeaders(send("10", 5));
    t.responseStarted({
      ...base,
      requestId: "10",
      timeStamp: 6,
      statusCode: 200,
      statusLine: "HTTP/1.1 200 OK",
      responseHeaders: sse,
    });
    expect(
      t.errorOccurred({
        ...base,
        requestId: "10",
        timeStamp: 9,
        error: "net::ERR_INCOMPLETE_CHUNKED_ENCODING",
      })?.attempt,
    ).toMatchObject({
      status: 200,
      contentType: "text/event-stream; charset=utf-8",
      error: "net::ERR_INCOMPLETE_CHUNKED_ENCODING",
    });
  });

  it("a redirect ends the hop (same requestId goes on to the next URL as a new attempt)", () => {
    const t = new WebRequestTracker();
    t.sendHeaders({ ...send("8", 1), url: "http://h/r" });
    const hop = t.beforeRedirect({
      ...base,
      url: "http://h/r",
      requestId: "8",
      timeStamp: 2,
      statusCode: 302,
      statusLine: "HTTP/1.1 302 Found",
      redirectUrl: "http://h/s",
      responseHeaders: [{ name: "Location", value: "/s" }],
    });
    expect(hop?.attempt).toMatchObject({
      url: "http://h/r",
      status: 302,
      statusText: "Found",
      redirectUrl: "http://h/s",
    });
    t.sendHeaders({ ...send("8", 3), url: "http://h/s" });
    expect(
      t.completed({
        ...base,
        url: "http://h/s",
        requestId: "8",
        timeStamp: 4,
        statusCode: 200,
        responseHeaders: sse,
      })?.attempt,
    ).toMatchObject({ url: "http://h/s", status: 200, startedWall: 3 });
  });

  it("follows at most `cap` requests at once; the forgotten are counted per tab", () => {
    const t = new WebRequestTracker(2);
    t.sendHeaders(send("1", 1));
    t.sendHeaders(send("2", 2));
    t.sendHeaders(send("3", 3));
    expect(t.completed({ ...base, requestId: "1", timeStamp: 4 })).toBeUndefined();
    expect(t.completed({ ...base, requestId: "3", timeStamp: 4 })).toBeDefined();
    expect(t.takeForgotten(4)).toBe(1);
    expect(t.takeForgotten(4)).toBe(0);
  });

  it("statusTextOf", () => {
    expect(statusTextOf("HTTP/1.1 404 Not Found")).toBe("Not Found");
    expect(statusTextOf("HTTP/2 200")).toBe("");
    expect(statusTextOf(undefined)).toBe("");
  });
});

describe("across a service-worker restart", () => {
  it("an attempt begun in the old worker finishes in the new one with its start and Last-Event-ID", () => {
    const old = new WebRequestTracker();
    const f = old.sendHeaders(send("30", 100, [{ name: "Last-Event-ID", value: "9" }]));
    expect(f).toBeDefined();
    const fresh = new WebRequestTracker();
    expect(fresh.completed({ ...base, requestId: "30", timeStamp: 900 })).toBeUndefined();
    if (f) fresh.restore("30", JSON.parse(JSON.stringify(f)));
    expect(
      fresh.completed({ ...base, requestId: "30", timeStamp: 900, statusCode: 200, responseHeaders: sse })
        ?.attempt,
    ).toMatchObject({ startedWall: 100, durationMs: 800, lastEventIdSent: "9", status: 200 });
  });

  it("KeptRecords keeps the newest `cap` per tab and says which keys to remove", () => {
    const k = new KeptRecords(2, "p:");
    const a = k.add(1, 10);
    const b = k.add(1, 20);
    expect(a.key).not.toBe(b.key);
    expect(a.key.startsWith("p:")).toBe(true);
    expect(k.add(1, 30).evict).toEqual([a.key]);
    k.add(2, 5, "given");
    expect(k.navigated(1, 25)).toEqual([b.key]);
    expect(k.removeTab(2)).toEqual(["given"]);
    expect(k.removeTab(2)).toEqual([]);
  });
});
