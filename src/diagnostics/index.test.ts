/**
 * Each rule fires on a state with its problem and stays silent on a clean one. States are built the way the
 * panel builds them: page records through the reducer, network attempts from HAR entries as DevTools hands
 * them (src/network/har.ts parses the raw body), joined by src/network/view.ts.
 */
import { describe, expect, it } from "vitest";
import en from "../../public/_locales/en/messages.json" with { type: "json" };
import ru from "../../public/_locales/ru/messages.json" with { type: "json" };
import { applyMessage, createPanelState, type PanelState } from "../model/reducer";
import { attemptFromHar, type HarEntry } from "../network/har";
import { matchState } from "../network/view";
import { PROTOCOL_VERSION, type TabNetworkAttempt, type TabRecord } from "../protocol/index";
import { streamPanelState } from "../session/testing";
import { type DiagCode, diagnose, type Finding, SPEC_LINKS, stormOf } from "./index";

const TAB = 7;
const ORIGIN = "http://127.0.0.1:8080";
const T0 = 1_700_000_000_000;

/** A page's story, told as the hook records it. */
class Page {
  private seq = 0;
  records: TabRecord[] = [];
  private add(cid: string, wall: number, r: Record<string, unknown>) {
    this.records.push({
      seq: this.seq,
      cid,
      wall,
      mono: wall,
      tabSeq: this.seq++,
      docId: "doc",
      frameId: 0,
      ...r,
    } as TabRecord);
    return this;
  }
  created(cid: string, wall: number, url: string) {
    return this.add(cid, wall, {
      kind: "connectionCreated",
      url,
      withCredentials: false,
      frameUrl: "",
      readyState: 0,
    });
  }
  listens(cid: string, wall: number, type: string) {
    return this.add(cid, wall, { kind: "listenerAdded", type });
  }
  opened(cid: string, wall: number) {
    return this.add(cid, wall, { kind: "connectionOpened", readyState: 1 });
  }
  event(cid: string, wall: number, data: string, lastEventId = "", type = "message") {
    return this.add(cid, wall, {
      kind: "eventReceived",
      type,
      data,
      lastEventId,
      origin: ORIGIN,
      readyState: 1,
      trusted: true,
    });
  }
  error(cid: string, wall: number, readyState: 0 | 2) {
    return this.add(cid, wall, { kind: "errorReceived", readyState, trusted: true });
  }
}

/** DevTools' record of one attempt: a HAR entry (Chromium's field names) and its raw body. */
function har(
  url: string,
  startedWall: number,
  body: string | undefined,
  o: { status?: number; type?: string; sent?: string; httpVersion?: string } = {},
): HarEntry & { body: string | undefined } {
  const status = o.status ?? 200;
  return {
    startedDateTime: new Date(startedWall).toISOString(),
    time: 5,
    request: {
      url,
      headers: [
        { name: "Accept", value: "text/event-stream" },
        ...(o.sent !== undefined ? [{ name: "Last-Event-ID", value: o.sent }] : []),
      ],
    },
    response: {
      status,
      statusText: status === 200 ? "OK" : status === 204 ? "No Content" : "Internal Server Error",
      httpVersion: o.httpVersion ?? "http/1.1",
      headers: status === 204 ? [] : [{ name: "Content-Type", value: o.type ?? "text/event-stream" }],
    },
    _resourceType: "eventsource",
    body,
  };
}

function build(page: Page, entries: (HarEntry & { body: string | undefined })[] = []): PanelState {
  let s = createPanelState(TAB);
  s = applyMessage(s, {
    v: PROTOCOL_VERSION,
    kind: "recordsAppended",
    tabId: TAB,
    records: page.records,
    stats: { held: page.records.length, evicted: 0, cap: 200_000, lost: 0 },
  });
  const attempts: TabNetworkAttempt[] = entries.map((e, netSeq) => ({
    ...attemptFromHar(e, e.body),
    netSeq,
  }));
  return applyMessage(s, {
    v: PROTOCOL_VERSION,
    kind: "networkAttemptsAppended",
    tabId: TAB,
    replace: true,
    attempts,
    dropped: 0,
  });
}

const run = (s: PanelState) => diagnose(s, matchState(s));
const codes = (fs: Finding[], cid?: string) =>
  fs.filter((f) => cid === undefined || f.cid === cid).map((f) => f.code);

/** A stream with nothing wrong: ids after data, retry of a second, every type listened for, a resumption. */
function clean(cid = "doc.1", url = `${ORIGIN}/ok`, at = T0) {
  const page = new Page()
    .created(cid, at, url)
    .listens(cid, at + 1, "tick")
    .opened(cid, at + 10)
    .event(cid, at + 20, "a", "1")
    .event(cid, at + 30, "b", "2", "tick")
    .error(cid, at + 40, 0)
    .opened(cid, at + 1_100)
    .event(cid, at + 1_120, "c", "3");
  const entries = [
    har(url, at + 2, "retry: 1000\n\ndata: a\nid: 1\n\n: heartbeat\n\nevent: tick\ndata: b\nid: 2\n\n"),
  ];
  return { page, entries };
}

describe("diagnose", () => {
  it("is silent on a clean stream (network record included)", () => {
    const { page, entries } = clean();
    const s = build(page, entries);
    // The join worked: the rules below really had the network record to look at.
    expect(matchState(s).get("doc.1")?.[0]?.bodyKnown).toBe(true);
    expect(run(s)).toEqual([]);
  });

  it("wrongContentType: 200 with text/plain is an error on that attempt", () => {
    const url = `${ORIGIN}/wrong-type`;
    const page = new Page().created("doc.1", T0, url).error("doc.1", T0 + 5, 2);
    const fs = run(build(page, [har(url, T0 + 1, "data: not a stream\n\n", { type: "text/plain" })]));
    expect(fs).toHaveLength(1);
    expect(fs[0]).toMatchObject({
      code: "wrongContentType",
      severity: "error",
      cid: "doc.1",
      n: 1,
      attempt: 1,
    });
    expect(fs[0]?.subs).toEqual(["text/plain"]);
  });

  it("badStatus: 500 is an error; 204 is only info (stop204); neither is the other", () => {
    const u1 = `${ORIGIN}/t/status?code=500`;
    const u2 = `${ORIGIN}/t/status?code=204`;
    const page = new Page()
      .created("doc.1", T0, u1)
      .created("doc.2", T0, u2)
      .error("doc.1", T0 + 5, 2)
      .error("doc.2", T0 + 5, 2);
    const fs = run(build(page, [har(u1, T0 + 1, "", { status: 500 }), har(u2, T0 + 1, "", { status: 204 })]));
    expect(fs.map((f) => [f.code, f.severity, f.cid, f.subs])).toEqual([
      ["badStatus", "error", "doc.1", ["500 Internal Server Error"]],
      ["stop204", "info", "doc.2", []],
    ]);
  });

  it("stop204 after a resumable stream: the 204 attempt is named", () => {
    const url = `${ORIGIN}/ends-204`;
    const page = new Page()
      .created("doc.1", T0, url)
      .opened("doc.1", T0 + 5)
      .event("doc.1", T0 + 6, "x", "1")
      .error("doc.1", T0 + 10, 0)
      .error("doc.1", T0 + 600, 2);
    const fs = run(
      build(page, [
        har(url, T0 + 1, "retry: 3000\n\ndata: x\nid: 1\n\n"),
        har(url, T0 + 500, "", { status: 204, sent: "1" }),
      ]),
    );
    expect(fs.map((f) => [f.code, f.attempt])).toEqual([["stop204", 2]]);
  });

  it("noIds: events and never an id, from the page alone and from the network record", () => {
    const url = `${ORIGIN}/no-ids`;
    const page = new Page()
      .created("doc.1", T0, url)
      .opened("doc.1", T0 + 5)
      .event("doc.1", T0 + 6, "a")
      .event("doc.1", T0 + 7, "b");
    expect(codes(run(build(page)))).toEqual(["noIds"]);
    const fs = run(build(page, [])); // still open: no network record yet
    expect(fs[0]?.subs).toEqual(["2"]);
    // Silent once an id is set anywhere: on the page…
    const withId = new Page()
      .created("doc.1", T0, url)
      .opened("doc.1", T0 + 5)
      .event("doc.1", T0 + 6, "a", "1");
    expect(run(build(withId))).toEqual([]);
    // …or only in the network record (an id-only block the page never sees).
    const page2 = new Page()
      .created("doc.1", T0, url)
      .opened("doc.1", T0 + 5)
      .event("doc.1", T0 + 6, "a")
      .error("doc.1", T0 + 10, 0);
    expect(codes(run(build(page2, [har(url, T0 + 1, "retry: 5000\n\ndata: a\n\n")])))).toEqual(["noIds"]);
    expect(run(build(page2, [har(url, T0 + 1, "retry: 5000\n\ndata: a\n\nid: 9\n\n")]))).toEqual([]);
    // No events at all: nothing to say about ids.
    expect(run(build(new Page().created("doc.1", T0, url).opened("doc.1", T0 + 5)))).toEqual([]);
  });

  it("idBeforeData: counted from the raw body's field order", () => {
    const url = `${ORIGIN}/id-first`;
    const page = new Page()
      .created("doc.1", T0, url)
      .opened("doc.1", T0 + 5)
      .event("doc.1", T0 + 6, "a", "1")
      .event("doc.1", T0 + 7, "b", "2")
      .error("doc.1", T0 + 10, 0);
    const fs = run(build(page, [har(url, T0 + 1, "retry: 5000\n\nid: 1\ndata: a\n\ndata: b\nid: 2\n\n")]));
    expect(fs.map((f) => [f.code, f.severity, f.subs])).toEqual([["idBeforeData", "info", ["1"]]]);
    expect(fs[0]?.spec).toBe(
      "https://html.spec.whatwg.org/multipage/server-sent-events.html#dispatchMessage",
    );
  });

  it("reconnectStorm: 10 attempts within a minute fire, 9 do not, 10 spread over more than a minute do not", () => {
    const url = `${ORIGIN}/storm`;
    const story = (attempts: number, every: number) => {
      const p = new Page().created("doc.1", T0, url);
      for (let k = 1; k < attempts; k++) p.error("doc.1", T0 + k * every, 0);
      return p;
    };
    expect(codes(run(build(story(10, 200))))).toEqual(["reconnectStorm"]);
    expect(run(build(story(10, 200)))[0]?.subs).toEqual(["10", "60"]);
    expect(run(build(story(9, 200)))).toEqual([]);
    expect(run(build(story(10, 7_000)))).toEqual([]);
    // The window slides: 10 attempts after a long quiet start still count.
    const late = new Page().created("doc.1", T0, url).error("doc.1", T0 + 120_000, 0);
    for (let k = 1; k < 10; k++) late.error("doc.1", T0 + 120_000 + k * 1_000, 0);
    expect(codes(run(build(late)))).toEqual(["reconnectStorm"]);
    expect(stormOf([])).toBeUndefined();
  });

  it("lowRetry: retry under 1000 ms from the network record; 1000 exactly is fine; invalid retry is ignored", () => {
    const url = `${ORIGIN}/low-retry`;
    const page = new Page()
      .created("doc.1", T0, url)
      .opened("doc.1", T0 + 5)
      .event("doc.1", T0 + 6, "a", "1")
      .error("doc.1", T0 + 10, 0);
    const fs = run(build(page, [har(url, T0 + 1, "retry: 500\n\ndata: a\nid: 1\n\n")]));
    expect(fs.map((f) => [f.code, f.severity, f.attempt, f.subs])).toEqual([
      ["lowRetry", "warning", 1, ["500"]],
    ]);
    expect(run(build(page, [har(url, T0 + 1, "retry: 1000\n\ndata: a\nid: 1\n\n")]))).toEqual([]);
    expect(run(build(page, [har(url, T0 + 1, "retry: 5x\n\ndata: a\nid: 1\n\n")]))).toEqual([]);
  });

  it("unlistenedType: events of types the page never listened for, per connection with the types named", () => {
    const url = `${ORIGIN}/unlistened`;
    const page = new Page()
      .created("doc.1", T0, url)
      .opened("doc.1", T0 + 5)
      .event("doc.1", T0 + 7, "m", "2")
      .error("doc.1", T0 + 10, 0);
    const body =
      "retry: 5000\n\nevent: orphan\ndata: o1\nid: 1\n\ndata: m\nid: 2\n\nevent: orphan\ndata: o2\nid: 3\n\n";
    const fs = run(build(page, [har(url, T0 + 1, body)]));
    expect(fs.map((f) => [f.code, f.subs])).toEqual([["unlistenedType", ["2", '"orphan"']]]);
    // A listener for it: delivered, silent.
    const listening = new Page()
      .created("doc.1", T0, url)
      .listens("doc.1", T0 + 1, "orphan")
      .opened("doc.1", T0 + 5)
      .event("doc.1", T0 + 6, "o1", "1", "orphan")
      .event("doc.1", T0 + 7, "m", "2")
      .event("doc.1", T0 + 8, "o2", "3", "orphan")
      .error("doc.1", T0 + 10, 0);
    expect(run(build(listening, [har(url, T0 + 1, body)]))).toEqual([]);
    // A listener added only after those events arrived: the type is listened for, just late (the grid shows
    // them as "not in the page record"); not this diagnostic.
    const late = new Page()
      .created("doc.1", T0, url)
      .opened("doc.1", T0 + 5)
      .event("doc.1", T0 + 7, "m", "2")
      .error("doc.1", T0 + 10, 0)
      .listens("doc.1", T0 + 20, "orphan");
    expect(run(build(late, [har(url, T0 + 1, body)]))).toEqual([]);
  });

  it("tooManyConnections: the 7th open/connecting EventSource to one HTTP/1.1 origin, not the first 6", () => {
    const page = new Page();
    for (let i = 1; i <= 7; i++) {
      page.created(`doc.${i}`, T0 + i, `${ORIGIN}/hold?i=${i}`);
      if (i <= 6) page.opened(`doc.${i}`, T0 + 10 + i).event(`doc.${i}`, T0 + 20 + i, "x", "1");
    }
    const unknown = run(build(page));
    expect(unknown.map((f) => [f.code, f.cid, f.key, f.subs])).toEqual([
      ["tooManyConnections", "doc.7", "diagTooManyUnknown", ["7", ORIGIN]],
    ]);
    // An ended attempt to the same origin told DevTools' HTTP version.
    const wrong = `${ORIGIN}/wrong-type`;
    page.created("doc.8", T0 + 50, wrong).error("doc.8", T0 + 55, 2);
    const known = run(build(page, [har(wrong, T0 + 51, "", { type: "text/plain" })]));
    expect(known.filter((f) => f.code === "tooManyConnections").map((f) => [f.cid, f.key, f.subs])).toEqual([
      ["doc.7", "diagTooMany", ["7", ORIGIN, "HTTP/1.1"]],
    ]);
    // Over HTTP/2 the limit does not apply.
    const h2 = run(build(page, [har(wrong, T0 + 51, "", { type: "text/plain", httpVersion: "h2" })]));
    expect(codes(h2)).toEqual(["wrongContentType"]);
    // Six are fine; closed ones and other origins do not count.
    const six = new Page();
    for (let i = 1; i <= 6; i++) six.created(`doc.${i}`, T0 + i, `${ORIGIN}/hold?i=${i}`);
    six.created("doc.7", T0 + 7, "http://127.0.0.1:9999/other");
    six.created("doc.8", T0 + 8, `${ORIGIN}/closed`).error("doc.8", T0 + 9, 2);
    expect(run(build(six))).toEqual([]);
  });

  it("bigEvent: data over 1 MB in UTF-8, from the page and from the network record", () => {
    const url = `${ORIGIN}/big`;
    const big = "x".repeat(1_153_434); // 1.1 MB
    const page = new Page()
      .created("doc.1", T0, url)
      .opened("doc.1", T0 + 5)
      .event("doc.1", T0 + 6, big, "1");
    const fs = run(build(page));
    expect(fs.map((f) => [f.code, f.subs])).toEqual([["bigEvent", ["1", "1.1 MB"]]]);
    // Exactly 1 MB is not over; 400 000 three-byte characters (1.2 MB in UTF-8, 0.4 M chars) is.
    const edge = new Page()
      .created("doc.1", T0, url)
      .opened("doc.1", T0 + 5)
      .event("doc.1", T0 + 6, "x".repeat(1_048_576), "1");
    expect(run(build(edge))).toEqual([]);
    const wide = new Page()
      .created("doc.1", T0, url)
      .opened("doc.1", T0 + 5)
      .event("doc.1", T0 + 6, "ж".repeat(300_000) + "✓".repeat(200_000), "1");
    expect(codes(run(build(wide)))).toEqual(["bigEvent"]);
    // An event the page did not listen for is known from the network record only.
    const net = new Page()
      .created("doc.1", T0, url)
      .opened("doc.1", T0 + 5)
      .error("doc.1", T0 + 10, 0);
    const fs2 = run(build(net, [har(url, T0 + 1, `retry: 5000\n\nevent: blob\ndata: ${big}\nid: 1\n\n`)]));
    expect(codes(fs2).sort()).toEqual(["bigEvent", "unlistenedType"]);
  });

  it("orders errors first, then by connection, and links every code to the spec's server-sent events page", () => {
    const { page, entries } = clean("doc.2", `${ORIGIN}/ok`, T0);
    page
      .created("doc.1", T0 + 1, `${ORIGIN}/no-ids`)
      .opened("doc.1", T0 + 2)
      .event("doc.1", T0 + 3, "a");
    page.created("doc.3", T0 + 1, `${ORIGIN}/wrong-type`).error("doc.3", T0 + 4, 2);
    const fs = run(build(page, [...entries, har(`${ORIGIN}/wrong-type`, T0 + 2, "", { type: "text/html" })]));
    expect(fs.map((f) => [f.severity, f.cid])).toEqual([
      ["error", "doc.3"],
      ["warning", "doc.1"],
    ]);
    for (const link of Object.values(SPEC_LINKS))
      expect(link).toMatch(/^https:\/\/html\.spec\.whatwg\.org\/multipage\/server-sent-events\.html#[\w-]+$/);
  });

  it("every message key exists in en and ru and uses each substitution it is given", () => {
    const keys: Record<DiagCode, string[]> = {
      wrongContentType: ["diagWrongType"],
      badStatus: ["diagBadStatus"],
      stop204: ["diagStop204"],
      noIds: ["diagNoIds"],
      idBeforeData: ["diagIdBeforeData"],
      reconnectStorm: ["diagStorm"],
      lowRetry: ["diagLowRetry"],
      unlistenedType: ["diagUnlistened"],
      tooManyConnections: ["diagTooMany", "diagTooManyUnknown"],
      bigEvent: ["diagBigEvent"],
    };
    const subsUsed: Record<string, number> = {
      diagWrongType: 1,
      diagBadStatus: 1,
      diagStop204: 0,
      diagNoIds: 1,
      diagIdBeforeData: 1,
      diagStorm: 2,
      diagLowRetry: 1,
      diagUnlistened: 2,
      diagTooMany: 3,
      diagTooManyUnknown: 2,
      diagBigEvent: 2,
    };
    for (const k of Object.values(keys).flat()) {
      for (const file of [en, ru] as Record<string, { message: string }>[]) {
        const m = file[k]?.message ?? "";
        expect(m, k).not.toBe("");
        for (let i = 1; i <= (subsUsed[k] ?? 0); i++) expect(m, `${k} $${i}`).toContain(`$${i}`);
      }
    }
  });
});

describe("diagnose fetch()/XHR streams", () => {
  const streamState = (status: number, body: string[]) =>
    streamPanelState(body, { tabId: TAB, t0: T0, url: `${ORIGIN}/chat`, status });

  it("is silent on a clean one: 200, ids, retry of a second", () => {
    expect(run(streamState(200, ["retry: 1000\n\nid: 1\ndata: a\n\n", "id: 2\ndata: b\n\n"]))).toEqual([]);
  });

  it("flags its status, events without ids, a low retry and a big event", () => {
    const big = "x".repeat(1_100_000);
    const s = streamState(500, ["retry: 300\n\ndata: a\n\n", `data: ${big}\n\n`]);
    expect(codes(run(s)).sort()).toEqual(["badStatus", "bigEvent", "lowRetry", "noIds"]);
  });
});
