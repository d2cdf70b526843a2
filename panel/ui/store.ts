/**
 * The UI layer's signals around the pure model: the reducer's state, the toolbar's filters, the sidebar's
 * and table's selections. Components read these; only the functions here write them.
 */
import { batch, computed, signal } from "@preact/signals";
import {
  type FilteredRows,
  filteredCount,
  filteredIndex,
  filteredRow,
  filterRows,
  positionOf,
  type RowFilter,
} from "../../src/model/filter";
import { logAt } from "../../src/model/log";
import {
  applyMessage,
  clearView,
  createPanelState,
  type PanelState,
  type TableRow,
} from "../../src/model/reducer";
import { matchState } from "../../src/network/view";
import type { PanelDown } from "../../src/protocol/index";
import type { LinkStatus } from "../source";

/** A row's identity that survives replays (tabSeq restarts with the service worker; docId+seq does not). */
const rowKey = (row: TableRow) =>
  row.rec
    ? `${row.rec.docId}:${row.rec.seq}`
    : `${row.marker.kind}:${row.marker.wall}:${row.marker.beforeTabSeq}`;

export function createPanelStore(tabId: number) {
  const state = signal<PanelState>(createPanelState(tabId));
  const link = signal<LinkStatus>("connecting");
  const filterText = signal("");
  const filterType = signal("");
  /** Sidebar selection: "" = all connections. */
  const selectedCid = signal("");
  /** Selected row, by index into state.rows plus its key (to find it again after a replay). */
  const selected = signal<{ index: number; key: string } | undefined>(undefined);

  /** Toolbar toggle: DevTools' "Preserve log" (main.tsx stores it and tells the background). */
  const preserveLog = signal(false);
  /** Toolbar toggle: show `:` comment lines (heartbeats) of the network record. */
  const showComments = signal(true);
  /** Every connection's attempts joined with the network record; computed only while something reads it. */
  const matched = computed(() => matchState(state.value));

  const filter = computed<RowFilter>(() => ({
    text: filterText.value,
    type: filterType.value,
    cid: selectedCid.value,
  }));

  // Each result extends the previous one when only rows were appended (see filterRows).
  let last: FilteredRows | undefined;
  const view = computed(() => {
    last = filterRows(state.value, filter.value, last);
    return last;
  });

  const selectedRow = computed<TableRow | undefined>(() => {
    const s = selected.value;
    return s === undefined ? undefined : logAt(state.value.rows, s.index);
  });

  /** Event types for the type filter: every type seen or listened for, sorted. */
  // The same array while the set of types is unchanged, so that the type <select> (10 000 options on some
  // pages) is not re-rendered on every batch.
  let lastTypes: string[] = [];
  const types = computed(() => {
    const all = new Set<string>();
    for (const c of state.value.connections.values()) {
      for (const t of c.typesSeen) all.add(t);
      for (const t of c.typesListened) all.add(t);
    }
    if (all.size === lastTypes.length && lastTypes.every((t) => all.has(t))) return lastTypes;
    lastTypes = [...all].sort();
    return lastTypes;
  });

  const totals = computed(() => {
    let messages = 0;
    let errors = 0;
    let reconnects = 0;
    for (const c of state.value.connections.values()) {
      messages += c.messages;
      errors += c.errors;
      reconnects += c.reconnects;
    }
    return { connections: state.value.connections.size, messages, errors, reconnects };
  });

  function receive(msg: PanelDown): void {
    const before = state.value;
    const after = applyMessage(before, msg);
    if (after === before) return;
    batch(() => {
      state.value = after;
      if (msg.kind !== "sessionReplayed") return;
      // A replay rebuilt the rows: find the selected row again by its key, drop what no longer exists.
      const sel = selected.value;
      if (sel !== undefined) {
        let found: number | undefined;
        for (let i = after.rows.start; i < after.rows.end; i++) {
          const row = logAt(after.rows, i) as TableRow;
          if (rowKey(row) === sel.key) {
            found = i;
            break;
          }
        }
        selected.value = found === undefined ? undefined : { index: found, key: sel.key };
      }
      if (selectedCid.value !== "" && !after.connections.has(selectedCid.value)) selectedCid.value = "";
    });
  }

  function clear(): void {
    batch(() => {
      state.value = clearView(state.value);
      selected.value = undefined;
      if (selectedCid.value !== "" && !state.value.connections.has(selectedCid.value)) selectedCid.value = "";
    });
  }

  function selectPosition(pos: number): void {
    const v = view.value;
    const count = filteredCount(v);
    if (count === 0) return;
    const p = Math.max(0, Math.min(count - 1, pos));
    const index = filteredIndex(v, p) as number;
    const row = logAt(state.value.rows, index) as TableRow;
    selected.value = { index, key: rowKey(row) };
  }

  /** Position of the selected row in the filtered list, or -1 when none is selected or it is filtered out. */
  const selectedPosition = computed(() => {
    const s = selected.value;
    if (s === undefined) return -1;
    const v = view.value;
    const pos = positionOf(v, s.index);
    return filteredIndex(v, pos) === s.index ? pos : -1;
  });

  /** Keyboard: move the selection by `delta` rows in the filtered list (from where it was, even if hidden). */
  function moveSelection(delta: number): void {
    const s = selected.value;
    const v = view.value;
    if (s === undefined) {
      selectPosition(delta > 0 ? 0 : filteredCount(v) - 1);
      return;
    }
    const pos = positionOf(v, s.index);
    const visible = filteredIndex(v, pos) === s.index;
    // A hidden selection sits between rows: one step down lands on the row after it.
    selectPosition(visible || delta < 0 ? pos + delta : pos + delta - 1);
  }

  return {
    state,
    link,
    filterText,
    filterType,
    selectedCid,
    selected,
    view,
    selectedRow,
    selectedPosition,
    showComments,
    preserveLog,
    matched,
    types,
    totals,
    receive,
    clear,
    selectPosition,
    moveSelection,
    rowAt: (pos: number) => filteredRow(state.value, view.value, pos),
  };
}

export type PanelStore = ReturnType<typeof createPanelStore>;
