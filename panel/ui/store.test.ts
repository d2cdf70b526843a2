import { describe, expect, it } from "vitest";
import { type PanelDown, PROTOCOL_VERSION, type TabRecord } from "../../src/protocol/index";
import { createPanelStore } from "./store";

const TAB = 3;
const stats = { held: 0, evicted: 0, cap: 1_000, lost: 0 };

function events(docId: string, from: number, n: number, tabSeqFrom = from): TabRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    kind: "eventReceived" as const,
    cid: `${docId}.1`,
    seq: from + i,
    tabSeq: tabSeqFrom + i,
    wall: 1_000 + from + i,
    mono: 1_000 + from + i,
    docId,
    frameId: 0,
    type: (from + i) % 2 === 0 ? "even" : "odd",
    data: `d${from + i}`,
    lastEventId: String(from + i),
    origin: "https://x.example",
    readyState: 1 as const,
    trusted: true,
  }));
}

const msg = (kind: "sessionReplayed" | "recordsAppended", records: TabRecord[]): PanelDown =>
  kind === "sessionReplayed"
    ? { v: PROTOCOL_VERSION, kind, reason: "subscribed", tabId: TAB, records, stats }
    : { v: PROTOCOL_VERSION, kind, tabId: TAB, records, stats };

const selectedData = (store: ReturnType<typeof createPanelStore>) => {
  const r = store.selectedRow.value?.rec;
  return r?.kind === "eventReceived" ? r.data : undefined;
};

describe("panel store", () => {
  it("moves the selection with the keyboard within the filtered rows", () => {
    const store = createPanelStore(TAB);
    store.receive(msg("sessionReplayed", events("a", 0, 10)));
    store.moveSelection(1);
    expect(selectedData(store)).toBe("d0");
    store.moveSelection(1);
    store.moveSelection(1);
    expect(selectedData(store)).toBe("d2");
    store.filterTypes.value = ["odd"];
    // d2 is hidden now: down goes to the next shown row after it, up to the one before.
    store.moveSelection(1);
    expect(selectedData(store)).toBe("d3");
    store.moveSelection(-1);
    expect(selectedData(store)).toBe("d1");
    store.moveSelection(-1);
    expect(selectedData(store)).toBe("d1");
    store.selectPosition(99);
    expect(selectedData(store)).toBe("d9");
    expect(store.selectedPosition.value).toBe(4);
  });

  it("keeps the selected row through a replay that renumbered tabSeq, and drops it on clear", () => {
    const store = createPanelStore(TAB);
    store.receive(msg("sessionReplayed", events("a", 0, 5, 100)));
    store.selectPosition(3);
    expect(selectedData(store)).toBe("d3");
    store.receive(msg("sessionReplayed", events("a", 0, 6, 0)));
    expect(selectedData(store)).toBe("d3");
    expect(store.selectedRow.value?.rec?.tabSeq).toBe(3);
    store.clear();
    expect(store.selectedRow.value).toBeUndefined();
    expect(store.view.value.indices.end - store.view.value.indices.start).toBe(0);
  });

  it("a replay in parts keeps the selected row and connection found in a later part, and the pause point", () => {
    const store = createPanelStore(TAB);
    store.receive(msg("sessionReplayed", events("a", 0, 6, 100)));
    store.selectPosition(5);
    store.selectedCid.value = "a.1";
    store.setPaused(true);
    const first = { ...msg("sessionReplayed", events("a", 0, 2, 0)), parts: 3 } as PanelDown;
    store.receive(first);
    store.receive(msg("recordsAppended", events("a", 2, 2, 2)));
    store.receive(msg("recordsAppended", events("a", 4, 2, 4)));
    expect(selectedData(store)).toBe("d5");
    expect(store.selectedCid.value).toBe("a.1");
    // Everything the replay held is shown although paused; what comes after it is held back.
    expect(store.view.value.indices.end - store.view.value.indices.start).toBe(6);
    store.receive(msg("recordsAppended", events("a", 6, 1, 6)));
    expect(store.view.value.indices.end - store.view.value.indices.start).toBe(6);
  });

  it("follows appends in the filtered view without rescanning from scratch", () => {
    const store = createPanelStore(TAB);
    store.filterText.value = "d1";
    store.receive(msg("sessionReplayed", events("a", 0, 12)));
    const first = store.view.value;
    store.receive(msg("recordsAppended", events("a", 12, 10)));
    const second = store.view.value;
    expect(second.indices.items).toBe(first.indices.items);
    expect(store.rowAt(0)?.rec?.tabSeq).toBe(1);
    const shown: string[] = [];
    for (let p = 0; ; p++) {
      const r = store.rowAt(p)?.rec;
      if (!r) break;
      if (r.kind === "eventReceived") shown.push(r.data);
    }
    expect(shown).toEqual(["d1", "d10", "d11", "d12", "d13", "d14", "d15", "d16", "d17", "d18", "d19"]);
  });
});

describe("panel store: pause and import", () => {
  it("pause freezes the view and counts what arrives; resume shows it", () => {
    const store = createPanelStore(TAB);
    store.receive(msg("sessionReplayed", events("a", 0, 3)));
    store.setPaused(true);
    store.receive(msg("recordsAppended", events("a", 3, 4)));
    expect(store.view.value.indices.end - store.view.value.indices.start).toBe(3);
    expect(store.newWhilePaused.value).toBe(4);
    expect(Object.fromEntries(store.typeCounts.value.counts)).toEqual({ even: 2, odd: 1 });
    store.setPaused(false);
    expect(store.view.value.indices.end - store.view.value.indices.start).toBe(7);
    expect(store.newWhilePaused.value).toBe(0);
  });

  it("an import replaces the view; live records keep coming in the background; back to live shows them", () => {
    const store = createPanelStore(TAB);
    store.receive(msg("sessionReplayed", events("a", 0, 2)));
    const file = msg("sessionReplayed", events("f", 0, 5));
    if (file.kind !== "sessionReplayed") throw new Error("fixture");
    store.importSession(
      {
        imported: true,
        from: "json",
        exportedAt: "2026-01-01T00:00:00.000Z",
        pageUrl: null,
        replay: file,
        network: {
          v: PROTOCOL_VERSION,
          kind: "networkAttemptsAppended",
          tabId: TAB,
          replace: true,
          attempts: [],
          dropped: 0,
        },
      },
      "x.json",
    );
    store.receive(msg("recordsAppended", events("a", 2, 3)));
    const cids = () => [...store.state.value.connections.keys()];
    expect(cids()).toEqual(["f.1"]);
    expect(store.rowAt(0)?.rec?.cid).toBe("f.1");
    expect(store.imported.value?.name).toBe("x.json");
    store.backToLive();
    expect(store.imported.value).toBeUndefined();
    expect(cids()).toEqual(["a.1"]);
    expect(store.view.value.indices.end - store.view.value.indices.start).toBe(5);
  });
});
