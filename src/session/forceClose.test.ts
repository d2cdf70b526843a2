import { describe, expect, it } from "vitest";
import type { CloseConnectionInTab, PageRecord, RecordsCaptured } from "../protocol/index";
import { docIdOf, routeCloseConnection } from "./forceClose";
import { SessionStore } from "./store";

const created = (docId: string, n: number, seq: number, wall = 1000): PageRecord => ({
  kind: "connectionCreated",
  seq,
  cid: `${docId}.${n}`,
  wall,
  mono: wall,
  url: "http://127.0.0.1/ticker",
  withCredentials: false,
  frameUrl: "http://127.0.0.1/",
  readyState: 0,
});

const batch = (docId: string, records: PageRecord[]): RecordsCaptured => ({
  v: 1,
  kind: "recordsCaptured",
  docId,
  frameUrl: "http://127.0.0.1/",
  top: true,
  fromSeq: 0,
  oldestSeq: 0,
  records,
});

const close = (tabId: number, cid: string, mode: "close" | "fail" = "close"): CloseConnectionInTab => ({
  v: 1,
  kind: "closeConnectionInTab",
  tabId,
  cid,
  mode,
});

/** Tab 1: document "aa" in the top frame, "bb" in frame 7. Tab 2: document "cc" in frame 3. */
function store(): SessionStore {
  const s = new SessionStore();
  s.ingest(1, 0, batch("aa", [created("aa", 1, 0), created("aa", 2, 1)]));
  s.ingest(1, 7, batch("bb", [created("bb", 1, 0)]));
  s.ingest(2, 3, batch("cc", [created("cc", 1, 0)]));
  return s;
}

describe("routeCloseConnection", () => {
  it("sends closeConnection to the frame of the connection's document in the subscribed tab", () => {
    const s = store();
    expect(routeCloseConnection(s, 1, close(1, "aa.2", "fail"))).toEqual({
      tabId: 1,
      frameId: 0,
      message: { v: 1, kind: "closeConnection", cid: "aa.2", mode: "fail" },
    });
    expect(routeCloseConnection(s, 1, close(1, "bb.1"))?.frameId).toBe(7);
    expect(routeCloseConnection(s, 2, close(2, "cc.1"))?.frameId).toBe(3);
  });

  it("sends nothing for a tab other than the one the panel subscribed to", () => {
    const s = store();
    expect(routeCloseConnection(s, 1, close(2, "cc.1"))).toBeUndefined();
    expect(routeCloseConnection(s, undefined, close(1, "aa.1"))).toBeUndefined();
  });

  it("sends nothing for another tab's document named under the subscribed tab", () => {
    expect(routeCloseConnection(store(), 1, close(1, "cc.1"))).toBeUndefined();
  });

  it("sends nothing for an unknown or malformed cid", () => {
    const s = store();
    for (const cid of ["zz.1", "aa", "aa.", ".1", "aa.x", "aa.01", "aa.1.", "bb"]) {
      expect(routeCloseConnection(s, 1, close(1, cid)), cid).toBeUndefined();
    }
  });

  it("sends nothing for a document a top-frame navigation replaced, even with Preserve log on", () => {
    const s = store();
    s.setPreserveLog(1, true);
    s.navigated(1, 5000, "http://127.0.0.1/next");
    expect(s.replay(1).some((r) => r.docId === "aa")).toBe(true);
    expect(routeCloseConnection(s, 1, close(1, "aa.1"))).toBeUndefined();
  });

  it("does not create a session for a tab it never held", () => {
    const s = store();
    expect(routeCloseConnection(s, 9, close(9, "aa.1"))).toBeUndefined();
    expect(s.tabCount).toBe(2);
  });
});

describe("docIdOf", () => {
  it("splits at the last dot: document ids are random hex, n counts from 1", () => {
    expect(docIdOf("0123abcd.12")).toBe("0123abcd");
    expect(docIdOf("a.b.3")).toBe("a.b");
    expect(docIdOf("abc.0")).toBeUndefined();
  });
});
