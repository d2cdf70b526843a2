import { describe, expect, it } from "vitest";
import { type PanelDown, PROTOCOL_VERSION, type TabRecord } from "../protocol/index";
import { describeRow, stateLabel } from "./format";
import { logToArray } from "./log";
import { applyMessage, createPanelState, type PanelState, type Row } from "./reducer";

const TAB = 3;

/** Records of one connection "d.1" as the hook makes them, numbered in order. */
function records() {
  let seq = 0;
  const base = () => {
    const mono = 1_000 + seq * 10;
    return { cid: "d.1", seq, tabSeq: seq++, wall: 1_700_000_000_000 + mono, mono, docId: "d", frameId: 0 };
  };
  return {
    created: (): TabRecord => ({
      kind: "connectionCreated",
      ...base(),
      url: "http://127.0.0.1/ticker",
      withCredentials: false,
      frameUrl: "http://127.0.0.1/",
      readyState: 0,
    }),
    opened: (): TabRecord => ({ kind: "connectionOpened", ...base(), readyState: 1 }),
    forced: (mode: "close" | "fail"): TabRecord => ({
      kind: "connectionForceClosed",
      ...base(),
      mode,
      previousReadyState: 1,
      readyState: 2,
    }),
    error: (trusted: boolean, readyState: 0 | 1 | 2 = 2): TabRecord => ({
      kind: "errorReceived",
      ...base(),
      readyState,
      trusted,
    }),
  };
}

const apply = (recs: TabRecord[]): PanelState => {
  const msg: PanelDown = {
    v: PROTOCOL_VERSION,
    kind: "recordsAppended",
    tabId: TAB,
    records: recs,
    stats: { held: recs.length, evicted: 0, cap: 1000, lost: 0 },
  };
  return applyMessage(createPanelState(TAB), msg);
};

describe("force-close from DevTools", () => {
  it("Fail: the hook's own error event is DevTools', not a page's synthetic one", () => {
    const r = records();
    const s = apply([r.created(), r.opened(), r.forced("fail"), r.error(false)]);
    const c = s.connections.get("d.1");
    expect(c?.state).toBe("closed");
    expect(c?.closeReason).toBe("devtools-fail");
    expect(c && stateLabel(c)).toBe("failed");
    const error = logToArray(s.rows).at(-1) as Row;
    expect(error.synthetic).toBeFalsy();
    expect(error.devtools).toBe(true);
    expect(describeRow(error)).toContain("DevTools");
    expect(describeRow(error)).not.toContain("synthetic");
  });

  it("only the first untrusted error after Fail is DevTools'; a later one is a page's", () => {
    const r = records();
    const s = apply([r.created(), r.opened(), r.forced("fail"), r.error(false), r.error(false)]);
    const [first, second] = logToArray(s.rows).slice(-2) as Row[];
    expect(first?.devtools).toBe(true);
    expect(second?.devtools).toBeFalsy();
    expect(second?.synthetic).toBe(true);
  });

  it("Close: a page's synthetic error afterwards stays synthetic", () => {
    const r = records();
    const s = apply([r.created(), r.opened(), r.forced("close"), r.error(false)]);
    expect(s.connections.get("d.1")?.closeReason).toBe("devtools-close");
    const error = logToArray(s.rows).at(-1) as Row;
    expect(error.devtools).toBeFalsy();
    expect(error.synthetic).toBe(true);
  });
});
