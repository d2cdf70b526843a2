/**
 * The UI layer's signals around the pure model: the reducer's state, the toolbar's filters, the sidebar's
 * and table's selections. Components read these; only the functions here write them.
 */
import { batch, computed, effect, signal } from "@preact/signals";
import { countByConnection, diagnose } from "../../src/diagnostics/index";
import type { ImportedSession } from "../../src/export/importers";
import {
  compileSearch,
  countTypes,
  FilterMemo,
  filteredCount,
  filteredIndex,
  filteredNotDelivered,
  filteredRow,
  positionOf,
  type RowFilter,
  type TypeCounts,
} from "../../src/model/filter";
import { StringPool, shareStrings } from "../../src/model/intern";
import { logAt } from "../../src/model/log";
import {
  applyMessage,
  clearView,
  createPanelState,
  type PanelState,
  type TableRow,
} from "../../src/model/reducer";
import { type ConnectionFactsState, connectionFacts } from "../../src/model/stats";
import {
  EMPTY_OVERLAY,
  type NotDeliveredRow,
  type Overlay,
  undeliveredRows,
} from "../../src/model/undelivered";
import { matchState } from "../../src/network/view";
import type { PanelDown, PanelUp } from "../../src/protocol/index";
import { DEFAULT_SETTINGS } from "../../src/settings";
import type { LinkStatus } from "../source";

/** What is on screen when a file was imported (the toolbar's banner says so). */
export interface ImportInfo {
  readonly name: string;
  readonly from: "json" | "har";
  /** When the file was written (JSON's exportedAt), else null. */
  readonly exportedAt: string | null;
  readonly pageUrl: string | null;
}

/** A row's identity that survives replays (tabSeq restarts with the service worker; docId+seq does not). */
const rowKey = (row: TableRow) =>
  row.rec
    ? // Events parsed from one fetch()/XHR chunk share its seq and are told apart by `part`.
      `${row.rec.docId}:${row.rec.seq}${row.rec.kind === "eventReceived" && row.rec.part ? `:${row.rec.part}` : ""}`
    : `${row.marker.kind}:${row.marker.wall}:${row.marker.beforeTabSeq}`;

const DIAG_SAMPLE_MS = 300;

export function createPanelStore(tabId: number) {
  const state = signal<PanelState>(createPanelState(tabId));
  const link = signal<LinkStatus>("connecting");
  const filterText = signal("");
  /** Event-name chips selected (empty = every type), the search as a regex, hide heartbeats (toolbar). */
  const filterTypes = signal<readonly string[]>([]);
  const filterRegex = signal(false);
  const hideHeartbeats = signal(false);
  /**
   * Record/pause: while paused, the view stops at the row count it had (`pausedAt`, an absolute row index);
   * records keep arriving into `state` and appear on resume. `imported`: a file is shown instead of the live
   * tab (see importSession); the live session keeps being applied to `live` meanwhile.
   */
  const pausedAt = signal<number | undefined>(undefined);
  const imported = signal<ImportInfo | undefined>(undefined);
  let live = state.peek();
  /** Sidebar selection: "" = all connections. */
  const selectedCid = signal("");
  /**
   * Selected row, by index into state.rows plus its key (to find it again after a replay); an undelivered
   * event (the grid's overlay) has index < 0 and is found by its key "nd:<overlay key>".
   */
  const selected = signal<{ index: number; key: string } | undefined>(undefined);
  /** Bumped when something outside the grid selected a row (the timeline): the grid scrolls it into view. */
  const revealSelected = signal(0);

  /** Toolbar toggle: DevTools' "Preserve log" (main.tsx stores it and tells the background). */
  const preserveLog = signal(false);
  /**
   * Layout (ui/App.tsx): the splits' widths in px (main.tsx remembers them per browser), and whether the
   * detail pane is open (a click on a row or connection, or Enter, opens it; Esc and its × close it).
   */
  const sidebarWidth = signal(DEFAULT_SETTINGS.sidebarWidth);
  const detailWidth = signal(DEFAULT_SETTINGS.detailWidth);
  const timelineHeight = signal(DEFAULT_SETTINGS.timelineHeight);
  const timelineOpen = signal(DEFAULT_SETTINGS.timelineOpen);
  const detailOpen = signal(false);
  /** `:` comment lines (heartbeats) of the network record are shown unless heartbeats are hidden. */
  const showComments = computed(() => !hideHeartbeats.value);
  /** Every connection's attempts joined with the network record; computed only while something reads it. */
  const matched = computed(() => matchState(state.value));
  /**
   * Diagnostics (src/diagnostics) over a sample of the state taken at most every DIAG_SAMPLE_MS: the status
   * bar and the sidebar's badges always read them, and a busy stream changes the state many times a second.
   */
  const diagState = signal(state.peek());
  let diagTimer: ReturnType<typeof setTimeout> | undefined;
  let diagLast = 0;
  effect(() => {
    const s = state.value;
    if (diagTimer !== undefined) return;
    const wait = diagLast + DIAG_SAMPLE_MS - Date.now();
    if (wait <= 0) {
      diagLast = Date.now();
      diagState.value = s;
      return;
    }
    diagTimer = setTimeout(() => {
      diagTimer = undefined;
      diagLast = Date.now();
      diagState.value = state.peek();
    }, wait);
  });
  const diagnostics = computed(() => {
    const s = diagState.value;
    return diagnose(s, s === state.peek() ? matched.peek() : matchState(s));
  });
  const diagnosticsByCid = computed(() => countByConnection(diagnostics.value));
  /** The diagnostics list (ui/Diagnostics.tsx), toggled from the status bar. */
  const diagnosticsOpen = signal(false);

  const filter = computed<RowFilter>(() => ({
    text: filterText.value,
    regex: filterRegex.value,
    types: filterTypes.value,
    hideHeartbeats: hideHeartbeats.value,
    cid: selectedCid.value,
  }));
  /** Why the search text is not a valid regex (the toolbar outlines it; the text filter is then off). */
  const searchError = computed(() => compileSearch(filterText.value, filterRegex.value).error);

  /**
   * Events the network record shows but the page did not get (src/model/undelivered.ts), shown in the grid.
   * Matching walks every attempt's events: recomputed only when the network record, the rows' lineage or the
   * number of page attempts changes (once per attempt), so the view stays incremental between those.
   */
  let overlayKey: unknown[] = [];
  let lastOverlay: Overlay = EMPTY_OVERLAY;
  const overlay = computed(() => {
    const s = state.value;
    let attempts = 0;
    for (const c of s.connections.values()) attempts += c.attempts.list.length + c.attempts.dropped;
    const key = [s.network, s.rows.lineage, attempts];
    if (key.every((k, i) => k === overlayKey[i])) return lastOverlay;
    overlayKey = key;
    lastOverlay =
      s.network.length === 0
        ? EMPTY_OVERLAY
        : undeliveredRows(matchState(s), (cid) => s.connections.get(cid)?.n ?? 0);
    return lastOverlay;
  });
  /** Types of those events (sorted): the chip bar offers them too, though its counts are the page's events. */
  const undeliveredTypes = computed(() => [...new Set(overlay.value.list.map((v) => v.type))].sort());
  // Each result extends the previous one when only rows were appended, and a keystroke reuses recent
  // results (see FilterMemo).
  const memo = new FilterMemo();
  const view = computed(() => memo.view(state.value, filter.value, pausedAt.value, overlay.value));
  /** Per-type event counts for the chips, over what the view could show (connection selection, pause). */
  let lastCounts: TypeCounts | undefined;
  const typeCounts = computed(() => {
    lastCounts = countTypes(state.value, selectedCid.value, lastCounts, pausedAt.value);
    return lastCounts;
  });
  /** The sidebar's bytes and rate per connection (src/model/stats.ts), extended as rows arrive. */
  let lastFacts: ConnectionFactsState | undefined;
  const connFacts = computed(() => {
    lastFacts = connectionFacts(state.value, lastFacts);
    return lastFacts;
  });
  /** Rows that arrived while paused and are not in the view yet. */
  const newWhilePaused = computed(() => {
    const at = pausedAt.value;
    return at === undefined ? 0 : Math.max(0, state.value.rows.end - Math.max(at, state.value.rows.start));
  });

  /** The selection's entry in the view's terms: a row index, or -(k+1) for overlay event k (by its key). */
  const entryOf = (s: { index: number; key: string } | undefined): number | undefined => {
    if (s === undefined || s.index >= 0) return s?.index;
    const k = overlay.value.byKey.get(s.key.slice(3));
    return k === undefined ? undefined : -(k + 1);
  };
  const selectedRow = computed<TableRow | undefined>(() => {
    const s = selected.value;
    return s === undefined || s.index < 0 ? undefined : logAt(state.value.rows, s.index);
  });
  /** The selected undelivered event, if the selection is one and it is still known. */
  const selectedNotDelivered = computed<NotDeliveredRow | undefined>(() => {
    const e = entryOf(selected.value);
    return e === undefined || e >= 0 ? undefined : overlay.value.list[-e - 1];
  });

  /** Every event type seen or listened for, sorted (the chips use `typeCounts`, which has counts). */
  // The same array while the set of types is unchanged, so that a reader is not re-rendered on every batch.
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

  /**
   * A replay in parts (src/session/replay.ts): how many parts are still to come, and the selection that the
   * parts received so far did not contain yet (found again by key as the rest arrives).
   */
  let replayLeft = 0;
  let pendingKey: string | undefined;
  /** One copy of each repeated string of the records held (src/model/intern.ts): a port message brings its own. */
  const strings = new StringPool();

  function receive(msg: PanelDown): void {
    if (msg.kind === "recordsAppended" || msg.kind === "sessionReplayed") shareStrings(strings, msg.records);
    const before = live;
    const after = applyMessage(before, msg);
    if (after === before) return;
    live = after;
    // An imported file is on screen: the live session goes on in `live`, shown again by backToLive().
    if (imported.peek() !== undefined) return;
    const find = (key: string, from: number): number | undefined => {
      for (let i = from; i < after.rows.end; i++)
        if (rowKey(logAt(after.rows, i) as TableRow) === key) return i;
      return undefined;
    };
    batch(() => {
      state.value = after;
      if (msg.kind === "networkAttemptsAppended") return;
      if (msg.kind === "recordsAppended") {
        if (replayLeft === 0) return;
        // The rest of a replay: it belongs to the replay's snapshot, not to what a pause holds back.
        replayLeft--;
        if (pausedAt.value !== undefined) pausedAt.value = after.rows.end;
        if (pendingKey !== undefined) {
          const found = find(pendingKey, Math.max(before.rows.end, after.rows.start));
          if (found !== undefined) selected.value = { index: found, key: pendingKey };
        }
        if (replayLeft > 0) return;
        pendingKey = undefined;
        if (selectedCid.value !== "" && !after.connections.has(selectedCid.value)) selectedCid.value = "";
        return;
      }
      replayLeft = (msg.parts ?? 1) - 1;
      // A replay renumbers the rows: a pause restarts from what the replay holds.
      if (pausedAt.value !== undefined) pausedAt.value = after.rows.end;
      // A replay rebuilt the rows: find the selected row again by its key, drop what no longer exists.
      const sel = selected.value;
      pendingKey = undefined;
      if (sel !== undefined && sel.index >= 0) {
        const found = find(sel.key, after.rows.start);
        selected.value = found === undefined ? undefined : { index: found, key: sel.key };
        if (found === undefined && replayLeft > 0) pendingKey = sel.key;
      }
      // A connection of a later part is not known yet: keep the sidebar's choice until the replay is whole.
      if (replayLeft === 0 && selectedCid.value !== "" && !after.connections.has(selectedCid.value))
        selectedCid.value = "";
    });
  }

  function clear(): void {
    batch(() => {
      state.value = clearView(state.value);
      if (imported.peek() === undefined) live = state.value;
      // The cleared rows start again from index 0: a pause holds at the (empty) start.
      if (pausedAt.value !== undefined) pausedAt.value = state.value.rows.end;
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
    if (index < 0) {
      selected.value = { index, key: `nd:${(v.overlay.list[-index - 1] as NotDeliveredRow).key}` };
      return;
    }
    const row = logAt(state.value.rows, index) as TableRow;
    selected.value = { index, key: rowKey(row) };
  }

  /** Position of the selected row in the filtered list, or -1 when none is selected or it is filtered out. */
  const selectedPosition = computed(() => {
    const e = entryOf(selected.value);
    if (e === undefined) return -1;
    const v = view.value;
    const pos = positionOf(v, e);
    return filteredIndex(v, pos) === e ? pos : -1;
  });

  /** Keyboard: move the selection by `delta` rows in the filtered list (from where it was, even if hidden). */
  function moveSelection(delta: number): void {
    const e = entryOf(selected.value);
    const v = view.value;
    if (e === undefined) {
      selectPosition(delta > 0 ? 0 : filteredCount(v) - 1);
      return;
    }
    const pos = positionOf(v, e);
    const visible = filteredIndex(v, pos) === e;
    // A hidden selection sits between rows: one step down lands on the row after it.
    selectPosition(visible || delta < 0 ? pos + delta : pos + delta - 1);
  }

  /** Commands to the background (panel → background), e.g. force-close; main.tsx connects it to the port. */
  let commandSink: ((m: PanelUp) => void) | undefined;
  function command(m: PanelUp): void {
    // An imported file's connections are not the tab's: nothing to command.
    if (imported.peek() !== undefined) return;
    commandSink?.(m);
  }

  /** Toolbar's record button: pause freezes the view where it is; resume shows what came meanwhile. */
  function setPaused(on: boolean): void {
    pausedAt.value = on ? state.peek().rows.end : undefined;
  }

  /** Shows an imported file instead of the live tab (the live session keeps being applied to `live`). */
  function importSession(s: ImportedSession, name: string): void {
    let st = applyMessage(createPanelState(tabId), s.replay);
    st = applyMessage(st, s.network);
    batch(() => {
      imported.value = { name, from: s.from, exportedAt: s.exportedAt, pageUrl: s.pageUrl };
      state.value = st;
      pausedAt.value = undefined;
      selected.value = undefined;
      selectedCid.value = "";
    });
  }

  /** Back from an imported file to the live session, with everything that arrived meanwhile. */
  function backToLive(): void {
    batch(() => {
      imported.value = undefined;
      state.value = live;
      selected.value = undefined;
      selectedCid.value = "";
    });
  }

  return {
    command,
    setCommandSink: (fn: (m: PanelUp) => void) => {
      commandSink = fn;
    },
    state,
    link,
    filterText,
    filterTypes,
    filterRegex,
    hideHeartbeats,
    searchError,
    typeCounts,
    pausedAt,
    newWhilePaused,
    setPaused,
    imported,
    importSession,
    backToLive,
    selectedCid,
    selected,
    view,
    selectedRow,
    selectedNotDelivered,
    undeliveredTypes,
    selectedPosition,
    revealSelected,
    showComments,
    preserveLog,
    sidebarWidth,
    detailWidth,
    timelineHeight,
    timelineOpen,
    detailOpen,
    connFacts,
    matched,
    diagnostics,
    diagnosticsByCid,
    diagnosticsOpen,
    types,
    totals,
    receive,
    clear,
    selectPosition,
    moveSelection,
    rowAt: (pos: number) => filteredRow(state.value, view.value, pos),
    notDeliveredAt: (pos: number) => filteredNotDelivered(view.value, pos),
  };
}

export type PanelStore = ReturnType<typeof createPanelStore>;
