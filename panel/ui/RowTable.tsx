/**
 * The main table, virtualized: only the rows in view (plus a few) are in the DOM, so 200 000 rows scroll
 * like 20. Row height is fixed (CSS `--row-h` must match ROW_HEIGHT), which keeps the windowing arithmetic
 * exact (src/model/viewport.ts). It follows the tail like DevTools' Console while scrolled to the bottom.
 */
import { useSignal } from "@preact/signals";
import { useLayoutEffect, useRef } from "preact/hooks";
import { filteredCount } from "../../src/model/filter";
import {
  describeEvicted,
  describeMarker,
  describeRow,
  formatTime,
  kindLabel,
  preview,
  recordId,
  recordType,
} from "../../src/model/format";
import { logSize } from "../../src/model/log";
import type { MarkerRow, Row } from "../../src/model/reducer";
import { deltaAt, formatBytes, formatDelta, utf8Length } from "../../src/model/stats";
import type { NotDeliveredRow } from "../../src/model/undelivered";
import { rowWindow, scrollTopToReveal, type WindowInput } from "../../src/model/viewport";
import { t } from "../i18n";
import { SLOT, withNodes } from "./slots";
import type { PanelStore } from "./store";

export const ROW_HEIGHT = 20;
/** Well below Chrome's ~33.5 M px element height limit. */
const MAX_SCROLL_PX = 8_000_000;
const OVERSCAN = 8;

export function RowTable({ store }: { store: PanelStore }) {
  const scroller = useRef<HTMLDivElement>(null);
  const scrollTop = useSignal(0);
  const viewHeight = useSignal(400);
  /** True while the user is at the bottom: new rows keep it there. */
  const follow = useRef(true);

  const view = store.view.value;
  const total = filteredCount(view);
  const selectedPos = store.selectedPosition.value;
  const input: WindowInput = {
    total,
    rowHeight: ROW_HEIGHT,
    viewHeight: viewHeight.value,
    scrollTop: scrollTop.value,
    maxPx: MAX_SCROLL_PX,
    overscan: OVERSCAN,
  };
  const win = rowWindow(input);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const ro = new ResizeObserver(() => {
      viewHeight.value = el.clientHeight;
    });
    ro.observe(el);
    viewHeight.value = el.clientHeight;
    return () => ro.disconnect();
  }, []);

  // Follow the tail: after rows arrive, stay at the bottom if we were there.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el || !follow.current) return;
    const bottom = el.scrollHeight - el.clientHeight;
    if (el.scrollTop < bottom) {
      el.scrollTop = bottom;
      scrollTop.value = el.scrollTop;
    }
  }, [total, win.spacerHeight]);

  const reveal = (pos: number) => {
    const el = scroller.current;
    if (!el) return;
    const next = scrollTopToReveal({ ...input, scrollTop: el.scrollTop, viewHeight: el.clientHeight }, pos);
    if (next !== el.scrollTop) el.scrollTop = next;
  };

  // A row selected from outside the grid (a click in the timeline): stop following the tail and show it.
  const revealAsked = store.revealSelected.value;
  useLayoutEffect(() => {
    if (revealAsked === 0) return;
    const pos = store.selectedPosition.peek();
    if (pos < 0) return;
    follow.current = false;
    reveal(pos);
  }, [revealAsked]);

  const onKeyDown = (e: KeyboardEvent) => {
    const page = Math.max(1, Math.floor(viewHeight.value / ROW_HEIGHT) - 1);
    const steps: Record<string, number> = {
      ArrowDown: 1,
      ArrowUp: -1,
      PageDown: page,
      PageUp: -page,
      Home: Number.NEGATIVE_INFINITY,
      End: Number.POSITIVE_INFINITY,
    };
    // Enter opens the selected row's detail (the first row's when none is selected); Esc closes it (App).
    if (e.key === "Enter") {
      if (total === 0) return;
      e.preventDefault();
      if (store.selectedPosition.peek() < 0) store.selectPosition(0);
      store.detailOpen.value = true;
      return;
    }
    const step = steps[e.key];
    if (step === undefined || total === 0) return;
    e.preventDefault();
    follow.current = false;
    if (step === Number.NEGATIVE_INFINITY) store.selectPosition(0);
    else if (step === Number.POSITIVE_INFINITY) store.selectPosition(total - 1);
    else store.moveSelection(step);
    const pos = store.selectedPosition.peek();
    if (pos >= 0) reveal(pos);
  };

  const rows = [];
  for (let pos = win.first; pos < win.end; pos++) {
    const row = store.rowAt(pos);
    const select = () => {
      // Inspecting a row: stop following the tail so it does not scroll away.
      follow.current = false;
      store.selectPosition(pos);
      store.detailOpen.value = true;
    };
    const nd = row ? undefined : store.notDeliveredAt(pos);
    if (nd)
      rows.push(
        <NotDeliveredTableRow
          key={pos}
          pos={pos}
          v={nd}
          odd={pos % 2 === 1}
          selected={pos === selectedPos}
          onSelect={select}
        />,
      );
    else if (row?.marker)
      rows.push(
        <MarkerTableRow key={pos} pos={pos} row={row} selected={pos === selectedPos} onSelect={select} />,
      );
    else if (row)
      rows.push(
        <TableRow
          key={pos}
          pos={pos}
          row={row}
          previous={store.state.value.previousDocs.has(row.rec.docId)}
          odd={pos % 2 === 1}
          delta={deltaAt(store.rowAt, pos)}
          selected={pos === selectedPos}
          onSelect={select}
        />,
      );
  }

  return (
    <div class="table">
      <div class="thead">
        <span>{t("layoutColTime")}</span>
        <span title={t("layoutColDeltaTip")}>Δ</span>
        <span title={t("layoutColConnTip")}>#</span>
        <span>{t("layoutColKind")}</span>
        <span>{t("layoutColType")}</span>
        <span title="lastEventId">ID</span>
        <span>{t("layoutColData")}</span>
        <span title={t("layoutColSizeTip")}>{t("layoutColSize")}</span>
        <span title={t("layoutColDeliveredTip")}>✓</span>
      </div>
      <EvictedHead store={store} />
      <div
        class="tbody"
        ref={scroller}
        role="listbox"
        aria-label={t("tableLabel")}
        aria-activedescendant={selectedPos >= 0 ? `row-${selectedPos}` : undefined}
        tabIndex={0}
        onKeyDown={onKeyDown}
        onScroll={(e) => {
          const el = e.currentTarget;
          scrollTop.value = el.scrollTop;
          follow.current = el.scrollTop >= el.scrollHeight - el.clientHeight - ROW_HEIGHT / 2;
        }}
      >
        <div class="spacer" style={{ height: `${win.spacerHeight}px` }}>
          <div class="rows" style={{ transform: `translateY(${win.top}px)` }}>
            {rows}
          </div>
        </div>
        {total === 0 ? <EmptyTable store={store} /> : null}
      </div>
    </div>
  );
}

/** Colour of a lifecycle row's text (its kind and its description), like DevTools' status colours. */
function tone(row: Row): string {
  const r = row.rec;
  switch (r.kind) {
    case "eventReceived":
      return "";
    case "connectionCreated":
      return "tone-blue";
    case "connectionOpened":
      return row.synthetic ? "tone-faint" : "tone-green";
    case "errorReceived":
      return r.readyState === 2 && !row.synthetic ? "tone-red" : "tone-orange";
    case "closeCalled":
      return "tone-muted";
    case "listenerAdded":
      return "tone-faint";
    case "connectionForceClosed":
      return "tone-red";
    case "streamOpened":
      return "tone-green";
    case "streamChunkReceived":
      return "tone-faint";
    case "streamEnded":
      return r.how === "completed" || r.how === "aborted" ? "tone-muted" : "tone-red";
  }
}

/**
 * Records evicted at the tab's cap are always the oldest: their place in the timeline is before the first row,
 * so the count sits at the head of the table (and in the status bar), never only as a total.
 */
function EvictedHead({ store }: { store: PanelStore }) {
  const { evicted, cap } = store.state.value.stats;
  if (evicted === 0) return null;
  return (
    <div class="row marker marker-dropped" data-testid="dropped-head" data-count={evicted} data-cap={cap}>
      <span class="c-marker">{describeEvicted(evicted, cap)}</span>
    </div>
  );
}

/** A place in the timeline the background marked: records lost there, or the page replaced ("Preserve log"). */
function MarkerTableRow(props: { pos: number; row: MarkerRow; selected: boolean; onSelect: () => void }) {
  const m = props.row.marker;
  return (
    <div
      id={`row-${props.pos}`}
      class={`row marker ${m.kind === "recordsLost" ? "marker-dropped" : "marker-navigated"}${props.selected ? " selected" : ""}`}
      role="option"
      tabIndex={-1}
      aria-selected={props.selected}
      data-testid="marker"
      data-kind={m.kind}
      data-count={m.kind === "recordsLost" ? m.count : undefined}
      onMouseDown={props.onSelect}
    >
      <span class="c-time">{formatTime(m.wall)}</span>
      <span class="c-marker">{describeMarker(m)}</span>
    </div>
  );
}

function TableRow(props: {
  pos: number;
  row: Row;
  previous: boolean;
  odd: boolean;
  /** ms since the row shown before it (filtered view), from `mono`. */
  delta: number | undefined;
  selected: boolean;
  onSelect: () => void;
}) {
  const r = props.row.rec;
  const bytes = r.kind === "eventReceived" ? sizeOf(r) : undefined;
  const isEvent = r.kind === "eventReceived";
  const tn = tone(props.row);
  const cls = `row${props.odd ? " odd" : ""}${props.selected ? " selected" : ""}${props.row.synthetic ? " synthetic" : ""}`;
  return (
    <div
      id={`row-${props.pos}`}
      class={cls}
      role="option"
      tabIndex={-1}
      aria-selected={props.selected}
      data-testid="row"
      data-kind={r.kind}
      data-cid={r.cid}
      data-tabseq={r.tabSeq}
      data-type={isEvent ? r.type : undefined}
      data-id={isEvent ? r.lastEventId : undefined}
      title={props.row.synthetic ? t("tableSyntheticTip") : undefined}
      onMouseDown={props.onSelect}
    >
      <span class="c-time">{formatTime(r.wall)}</span>
      <span class="c-delta" data-testid="row-delta" data-ms={props.delta}>
        {props.delta === undefined ? "" : formatDelta(props.delta)}
      </span>
      <span class="c-conn">
        #{props.row.n}
        {props.previous ? (
          <span class="prev-badge" data-testid="previous-document" title={t("tablePrevTip")}>
            {t("tablePrev")}
          </span>
        ) : null}
      </span>
      <span class={`c-kind ${tn}`}>{kindLabel(r.kind)}</span>
      <span class="c-type">{recordType(r)}</span>
      <span class="c-id">{recordId(r)}</span>
      <span class={isEvent ? "c-data" : `c-data lifecycle ${tn}`} data-testid="row-data">
        {describeRow(props.row)}
      </span>
      <span class="c-size" data-testid="row-size" data-bytes={bytes}>
        {bytes === undefined ? "" : formatBytes(bytes)}
      </span>
      <span
        class="c-delivered"
        data-testid="row-delivered"
        data-delivered={isEvent ? "true" : undefined}
        title={isEvent ? t("layoutDeliveredTip") : undefined}
      >
        {isEvent ? "✓" : ""}
      </span>
    </div>
  );
}

/** Why the page did not get an event the network record shows, in words (grid tooltip, detail pane). */
export function notDeliveredReason(v: NotDeliveredRow): string {
  return v.why === "noListener" ? t("notDeliveredNoListener", v.type) : t("notDeliveredNotInRecord", v.type);
}

/**
 * An event the stream carried that the page did not get (src/model/undelivered.ts), after the page record it
 * follows; muted and struck like DevTools' blocked requests. It has no time of its own (the network record's
 * items carry none), so neither time nor Δ.
 */
function NotDeliveredTableRow(props: {
  pos: number;
  v: NotDeliveredRow;
  odd: boolean;
  selected: boolean;
  onSelect: () => void;
}) {
  const v = props.v;
  const bytes = sizeOf(v);
  const why = notDeliveredReason(v);
  return (
    <div
      id={`row-${props.pos}`}
      class={`row not-delivered${props.odd ? " odd" : ""}${props.selected ? " selected" : ""}`}
      role="option"
      tabIndex={-1}
      aria-selected={props.selected}
      data-testid="row"
      data-kind="notDelivered"
      data-cid={v.cid}
      data-type={v.type}
      data-id={v.lastEventId}
      title={why}
      onMouseDown={props.onSelect}
    >
      <span class="c-time" />
      <span class="c-delta" data-testid="row-delta" />
      <span class="c-conn">#{v.n}</span>
      <span class="c-kind tone-muted">{t("notDeliveredKind")}</span>
      <span class="c-type">{v.type}</span>
      <span class="c-id">{v.lastEventId}</span>
      <span class="c-data" data-testid="row-data" title={why}>
        {preview(v.data)}
      </span>
      <span class="c-size" data-testid="row-size" data-bytes={bytes}>
        {formatBytes(bytes)}
      </span>
      <span class="c-delivered" data-testid="row-delivered" data-delivered="false" title={why}>
        ✗
      </span>
    </div>
  );
}

/** UTF-8 size of an event's data, measured once per record (a 10 MiB event is re-rendered while scrolling). */
const sizes = new WeakMap<object, number>();
function sizeOf(r: { data: string }): number {
  let n = sizes.get(r);
  if (n === undefined) {
    n = utf8Length(r.data);
    sizes.set(r, n);
  }
  return n;
}

function EmptyTable({ store }: { store: PanelStore }) {
  const held = logSize(store.state.value.rows);
  return (
    <div class="empty">
      {held > 0 ? (
        <p>{t("tableNoMatch")}</p>
      ) : (
        <>
          <p>{t("tableEmpty")}</p>
          <p class="hint">{withNodes(t("tableEmptyHint", SLOT), <code>new EventSource(url)</code>)}</p>
        </>
      )}
    </div>
  );
}
