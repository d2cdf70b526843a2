/**
 * The timeline strip above the grid, like the overview above DevTools' Network grid: one swimlane per
 * EventSource, readyState bands, a tick per event coloured by type, errors, reconnect gaps (observed ms, the
 * Last-Event-ID carried, the retry in force) and "closed from DevTools" marks. Plain SVG; the data comes from
 * src/model/timeline.ts.
 *
 * It draws what the grid's filtered view (`store.view`) shows, so the toolbar's filters narrow it too, and it
 * re-reads the store at most once per animation frame while events stream. Wheel (with or without Ctrl)
 * zooms around the pointer, drag or Shift+wheel pans, "Fit" shows everything and follows new events. Hover
 * shows an element (text only); a click on an event selects its row in the grid, unless the filters hide it.
 *
 * Test contract: `[data-testid=timeline]` (data-from, data-to: the window in mono ms; data-mode ticks|buckets;
 * data-follow), `[data-testid=timeline-lane]` (data-cid, data-n), inside it `timeline-band` (data-state,
 * data-reason), `timeline-tick` (data-type, data-tabseq, data-index), `timeline-bucket` (data-count),
 * `timeline-gap` (data-k, data-ms, data-last-event-id, data-leid-from, data-retry), `timeline-error`
 * (data-tabseq), `timeline-devtools` (data-mode); buttons `timeline-zoom-in`, `timeline-zoom-out`,
 * `timeline-fit`, `timeline-toggle`; `timeline-tip` (the hover text).
 */

import { effect, useSignal } from "@preact/signals";
import { useEffect, useLayoutEffect, useRef } from "preact/hooks";
import { filteredIndex, positionOf } from "../../src/model/filter";
import { formatTime, preview, shortUrl } from "../../src/model/format";
import { logAt } from "../../src/model/log";
import type { CloseReason, PanelState } from "../../src/model/reducer";
import {
  axisTicks,
  type BandState,
  buildStories,
  extentOf,
  type Frame,
  type FrameGap,
  fitWindow,
  formatOffset,
  indexEvents,
  lastEventIdOf,
  panWindow,
  pxToMs,
  type RetryInForce,
  retryInForce,
  type Stories,
  type TimelineEvents,
  timelineFrame,
  typeColor,
  type Win,
  zoomWindow,
} from "../../src/model/timeline";
import type { MatchedAttempt } from "../../src/network/match";
import { matchState } from "../../src/network/view";
import { t } from "../i18n";
import { followPointer } from "./Splitter";
import type { PanelStore } from "./store";

const LANE_H = 24;
const AXIS_H = 18;
const LABEL_W = 150;
const BAR_H = 24;
const MIN_H = 60;
const MAX_H = 800;
const DRAG_PX = 3;
/** px per character of the 10px label font, to decide whether a label fits. */
const CHAR_PX = 6;

const perfNow = () => performance.timeOrigin + performance.now();

interface Tip {
  readonly x: number;
  readonly y: number;
  readonly title: string;
  readonly color?: string;
  readonly lines: readonly string[];
}

function bandName(state: BandState, reason: CloseReason | undefined): string {
  if (state === "connecting") return t("timelineBandConnecting");
  if (state === "reconnecting") return t("timelineBandReconnecting");
  if (state === "open") return t("timelineBandOpen");
  const why =
    reason === "page"
      ? t("timelineClosedPage")
      : reason === "devtools-close"
        ? t("timelineClosedDevtoolsClose")
        : reason === "devtools-fail"
          ? t("timelineClosedDevtoolsFail")
          : t("timelineClosedFailed");
  return t("timelineBandClosed", why);
}

/** The badge colour class a band takes (a closed band that failed looks like the FAILED badge). */
const bandClass = (state: BandState, reason: CloseReason | undefined) =>
  state === "closed" && (reason === "failed" || reason === "devtools-fail") ? "failed" : state;

const retryText = (r: RetryInForce) =>
  r === "unknown"
    ? t("timelineRetryUnknown")
    : r === "default"
      ? t("timelineRetryDefault")
      : t("timelineRetryMs", r.ms);
const retryShort = (r: RetryInForce) =>
  r === "unknown"
    ? t("timelineRetryShortUnknown")
    : r === "default"
      ? t("timelineRetryShortDefault")
      : t("timelineAxisMs", r.ms);
const retryAttr = (r: RetryInForce) => (typeof r === "string" ? r : String(r.ms));

/** What a gap carried, from the network record when there is one. */
interface GapFacts {
  readonly leid: string;
  readonly leidFrom: "header" | "inferred";
  readonly retry: RetryInForce;
}

export function Timeline({ store }: { store: PanelStore }) {
  // Remembered per browser with the other splits (panel/main.tsx, src/settings.ts).
  const open = store.timelineOpen;
  const height = store.timelineHeight;
  const width = useSignal(600);
  /** undefined: "fit", the window follows everything; else the user's zoom/pan. */
  const manual = useSignal<Win | undefined>(undefined);
  const tip = useSignal<Tip | undefined>(undefined);
  /** The store as last sampled (at most once per animation frame). */
  const snap = useSignal<{ state: PanelState; view: ReturnType<typeof store.view.peek> }>({
    state: store.state.peek(),
    view: store.view.peek(),
  });
  const clock = useSignal(perfNow());
  const plot = useRef<HTMLDivElement>(null);
  const cache = useRef<{
    stories?: Stories;
    events?: TimelineEvents;
    matchKey?: unknown[];
    matched?: Map<string, MatchedAttempt[]>;
    frame?: Frame;
    win?: Win;
    /** The axis' 0: the first record of the lanes shown. */
    origin?: number;
  }>({});

  // Sample the store once per frame while it changes (a stream can change it hundreds of times a second).
  useEffect(() => {
    let pending = false;
    let raf = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let hidden: ReturnType<typeof setTimeout> | undefined;
    const run = () => {
      if (!pending) return;
      pending = false;
      cancelAnimationFrame(raf);
      clearTimeout(timer);
      clearTimeout(hidden);
      snap.value = { state: store.state.peek(), view: store.view.peek() };
      clock.value = perfNow();
    };
    const dispose = effect(() => {
      store.state.value;
      store.view.value;
      if (pending) return;
      pending = true;
      // Drawn in a task after the next frame, not in its rAF: that frame shows the grid's update first (a
      // filter keystroke over 1 000 000 rows re-indexes the timeline's events, ~200 ms, which would otherwise
      // hold back the frame that shows the filtered grid; issue 5's keystroke → grid < 50 ms).
      raf = requestAnimationFrame(() => {
        timer = setTimeout(run, 0);
      });
      // rAF does not run while the panel is hidden; this keeps the sample from going stale meanwhile.
      hidden = setTimeout(run, 250);
    });
    // Open bands grow with time even when nothing arrives.
    const every = setInterval(() => {
      if (open.peek() && manual.peek() === undefined && store.imported.peek() === undefined)
        clock.value = perfNow();
    }, 1_000);
    return () => {
      dispose();
      cancelAnimationFrame(raf);
      clearTimeout(timer);
      clearTimeout(hidden);
      clearInterval(every);
    };
  }, [store]);

  useLayoutEffect(() => {
    const el = plot.current;
    if (!el) return;
    const ro = new ResizeObserver(() => {
      width.value = Math.max(50, el.clientWidth);
    });
    ro.observe(el);
    width.value = Math.max(50, el.clientWidth);
    return () => ro.disconnect();
  }, [open.value]);

  const { state, view } = snap.value;
  const c = cache.current;
  const W = width.value;
  const body = open.value ? renderBody() : null;

  function renderBody() {
    c.stories = buildStories(state, c.stories);
    c.events = indexEvents(state, view, c.events);
    const stories = c.stories;
    const events = c.events;
    const cid = view.filter.cid;
    const cids = cid !== "" ? (state.connections.has(cid) ? [cid] : []) : [...state.connections.keys()];
    const now = store.imported.peek() !== undefined ? state.lastMono : Math.max(state.lastMono, clock.value);
    const ext = extentOf(cids, stories, events, now);
    if (!ext) {
      c.frame = undefined;
      return <div class="tl-empty">{t("timelineEmpty")}</div>;
    }
    const win = manual.value ?? fitWindow(ext.from, ext.to);
    c.win = win;
    const frame = timelineFrame({ cids, stories, events, win, width: W, now, rowsStart: state.rows.start });
    c.frame = frame;
    const origin = ext.from;
    c.origin = origin;
    // The network join is costly: only redone when an attempt arrives or a reconnect begins.
    let gaps = 0;
    for (const id of cids) gaps += stories.lanes.get(id)?.gaps.length ?? 0;
    const key = [state.network, gaps, state.connections.size];
    if (!c.matchKey || key.some((k, i) => k !== c.matchKey?.[i])) {
      c.matchKey = key;
      c.matched = gaps > 0 ? matchState(state) : new Map();
    }
    const matched = c.matched ?? new Map<string, MatchedAttempt[]>();
    const factsOf = (laneCid: string, g: FrameGap): GapFacts => {
      const attempts = matched.get(laneCid) ?? [];
      const l = lastEventIdOf(attempts, g.k, g.willSend);
      return { leid: l.id, leidFrom: l.from, retry: retryInForce(attempts, g.k) };
    };
    const selectedIndex = store.selected.value?.index;
    const ticks = axisTicks(win, W, origin);
    const legend = new Map<string, number>();
    for (const lane of frame.lanes) {
      for (const tk of lane.ticks ?? []) legend.set(tk.type, (legend.get(tk.type) ?? 0) + 1);
      for (const b of lane.buckets ?? [])
        for (const [ty, n] of b.types) legend.set(ty, (legend.get(ty) ?? 0) + n);
    }
    const legendTypes = [...legend].sort((a, b) => b[1] - a[1]);

    return (
      <>
        <div class="tl-legend">
          <span class="tl-count" data-testid="timeline-count" data-count={frame.inWindow}>
            {frame.mode === "buckets"
              ? t("timelineAggregated", frame.inWindow)
              : t("timelineEventsInView", frame.inWindow)}
          </span>
          {legendTypes.slice(0, 8).map(([ty]) => (
            <span key={ty} class="tl-legend-item" data-testid="timeline-legend-item" data-type={ty}>
              <i style={{ background: typeColor(ty) }} />
              {ty}
            </span>
          ))}
          {legendTypes.length > 8 ? (
            <span class="tl-legend-item">{t("timelineLegendMore", legendTypes.length - 8)}</span>
          ) : null}
        </div>
        <div class="tl-axis-row">
          <div class="tl-label-head" style={{ width: `${LABEL_W}px` }} />
          <svg class="tl-axis" width={W} height={AXIS_H} data-testid="timeline-axis" aria-hidden="true">
            {ticks.map((tk) => (
              <g key={tk.ms}>
                <line x1={tk.x} x2={tk.x} y1={AXIS_H - 5} y2={AXIS_H} />
                <text x={tk.x + 3} y={AXIS_H - 6} data-testid="timeline-axis-label">
                  {tk.label}
                </text>
              </g>
            ))}
          </svg>
        </div>
        <div class="tl-lanes">
          {frame.lanes.map((lane, li) => {
            const conn = state.connections.get(lane.cid);
            const maxCount = Math.max(1, ...(lane.buckets ?? []).map((b) => b.count));
            let lastMarkX = Number.NEGATIVE_INFINITY;
            return (
              <div
                class="tl-lane"
                key={lane.cid}
                data-testid="timeline-lane"
                data-cid={lane.cid}
                data-n={conn?.n}
              >
                <div class="tl-label" style={{ width: `${LABEL_W}px` }} title={conn?.url}>
                  <span class="tl-n">#{conn?.n}</span> {shortUrl(conn?.url ?? "")}
                </div>
                <svg class="tl-svg" width={W} height={LANE_H} data-li={li} aria-hidden="true">
                  {ticks.map((tk) => (
                    <line key={tk.ms} class="tl-grid" x1={tk.x} x2={tk.x} y1={0} y2={LANE_H} />
                  ))}
                  {lane.bands.map((b, bi) => (
                    <rect
                      key={`b${bi}`}
                      class={`tl-band tl-band-${bandClass(b.state, b.reason)}`}
                      x={b.x0}
                      y={3}
                      width={Math.max(0.5, b.x1 - b.x0)}
                      height={LANE_H - 6}
                      data-testid="timeline-band"
                      data-state={b.state}
                      data-reason={b.reason}
                      data-tip="band"
                      data-i={bi}
                    />
                  ))}
                  {lane.ticks?.map((tk, ti) => {
                    const rec = logAt(state.rows, tk.index)?.rec;
                    const sel = tk.index === selectedIndex;
                    return (
                      <rect
                        key={tk.index}
                        class={`tl-tick${sel ? " selected" : ""}`}
                        x={tk.x - 1}
                        y={sel ? 2 : 6}
                        width={2}
                        height={sel ? LANE_H - 4 : LANE_H - 12}
                        fill={typeColor(tk.type)}
                        data-testid="timeline-tick"
                        data-type={tk.type}
                        data-tabseq={rec?.tabSeq}
                        data-index={tk.index}
                        data-tip="tick"
                        data-i={ti}
                      />
                    );
                  })}
                  {lane.buckets?.map((b, bi) => {
                    const h = 3 + ((LANE_H - 12 - 3) * Math.log1p(b.count)) / Math.log1p(maxCount);
                    return (
                      <rect
                        key={b.x0}
                        class="tl-bucket"
                        x={b.x0}
                        y={LANE_H - 6 - h}
                        width={Math.max(1, b.x1 - b.x0 - 1)}
                        height={h}
                        fill={typeColor(b.types[0]?.[0] ?? "")}
                        data-testid="timeline-bucket"
                        data-count={b.count}
                        data-tip="bucket"
                        data-i={bi}
                      />
                    );
                  })}
                  {lane.gaps.map((g, gi) => {
                    const f = factsOf(lane.cid, g);
                    const ms = g.ms === undefined ? undefined : Math.round(g.ms);
                    const x0 = Math.max(0, g.x0);
                    const x1 = Math.min(W, g.x1);
                    const full =
                      ms === undefined
                        ? undefined
                        : t(
                            "timelineGapLabelFull",
                            ms,
                            f.leid === "" ? t("timelineLeidNone") : f.leid,
                            retryShort(f.retry),
                          );
                    const next = lane.gaps[gi + 1]?.x0 ?? W;
                    const label =
                      ms === undefined
                        ? undefined
                        : full !== undefined && full.length * CHAR_PX <= Math.min(W, next) - x0 - 4
                          ? full
                          : t("timelineGapLabel", ms);
                    return (
                      <g
                        key={`g${g.k}`}
                        class="tl-gap"
                        data-testid="timeline-gap"
                        data-k={g.k}
                        data-ms={ms}
                        data-last-event-id={f.leid}
                        data-leid-from={f.leidFrom}
                        data-retry={retryAttr(f.retry)}
                        data-tip="gap"
                        data-i={gi}
                      >
                        <line x1={x0} x2={x1} y1={LANE_H / 2} y2={LANE_H / 2} />
                        <line x1={x0} x2={x0} y1={LANE_H / 2 - 4} y2={LANE_H / 2 + 4} />
                        {g.to !== undefined ? (
                          <line x1={x1} x2={x1} y1={LANE_H / 2 - 4} y2={LANE_H / 2 + 4} />
                        ) : null}
                        <rect class="tl-hit" x={x0} y={0} width={Math.max(4, x1 - x0)} height={LANE_H} />
                        {label !== undefined ? (
                          <text x={x0 + 2} y={LANE_H / 2 - 2} data-testid="timeline-gap-label">
                            {label}
                          </text>
                        ) : null}
                      </g>
                    );
                  })}
                  {lane.marks.map((m, mi) => {
                    // Marks a pixel apart add nothing (a reconnect storm has thousands): one per pixel.
                    if (m.x - lastMarkX < 1 && m.kind === "error") return null;
                    lastMarkX = m.x;
                    return m.kind === "error" ? (
                      <path
                        key={`m${m.index}`}
                        class={`tl-error${m.readyState === 2 ? " fatal" : ""}`}
                        d={`M${m.x - 3.5},0 L${m.x + 3.5},0 L${m.x},6 Z M${m.x - 0.5},0 h1 v${LANE_H} h-1 Z`}
                        data-testid="timeline-error"
                        data-tabseq={m.tabSeq}
                        data-ready-state={m.readyState}
                        data-tip="mark"
                        data-i={mi}
                      />
                    ) : (
                      <g
                        key={`m${m.index}`}
                        class="tl-devtools"
                        data-testid="timeline-devtools"
                        data-mode={m.mode}
                        data-tip="mark"
                        data-i={mi}
                      >
                        <path d={`M${m.x - 4},${LANE_H / 2 - 4} l8,8 M${m.x + 4},${LANE_H / 2 - 4} l-8,8`} />
                        <rect class="tl-hit" x={m.x - 5} y={0} width={10} height={LANE_H} />
                      </g>
                    );
                  })}
                </svg>
              </div>
            );
          })}
        </div>
      </>
    );
  }

  /** Hover text for the element under the pointer (read from the last frame drawn). */
  function tipFor(target: Element, clientX: number, clientY: number): Tip | undefined {
    const el = target.closest<SVGElement>("[data-tip]");
    const svg = target.closest<SVGSVGElement>("svg.tl-svg");
    const frame = c.frame;
    const win = c.win;
    if (!el || !svg || !frame || !win) return undefined;
    const lane = frame.lanes[Number(svg.dataset.li)];
    const i = Number(el.dataset.i);
    const host = plot.current?.closest(".timeline")?.getBoundingClientRect();
    const x = clientX - (host?.left ?? 0) + 12;
    const y = clientY - (host?.top ?? 0) + 12;
    const origin = c.origin ?? win.from;
    const at = (mono: number) => formatOffset(mono - origin, 1);
    const state = snap.peek().state;
    switch (el.dataset.tip) {
      case "tick": {
        const tk = lane?.ticks?.[i];
        const r = tk ? logAt(state.rows, tk.index)?.rec : undefined;
        if (!tk || r?.kind !== "eventReceived") return undefined;
        return {
          x,
          y,
          title: r.type,
          color: typeColor(r.type),
          lines: [
            r.lastEventId === "" ? t("timelineTipNoId") : t("timelineTipId", r.lastEventId),
            formatTime(r.wall),
            preview(r.data),
          ],
        };
      }
      case "bucket": {
        const b = lane?.buckets?.[i];
        if (!b) return undefined;
        return {
          x,
          y,
          title: t("timelineBucketTip", b.count),
          lines: b.types.slice(0, 10).map(([ty, n]) => `${ty}: ${n}`),
        };
      }
      case "band": {
        const b = lane?.bands[i];
        if (!b) return undefined;
        return {
          x,
          y,
          title: bandName(b.state, b.reason),
          lines: [t("timelineBandSince", at(b.from), formatOffset(Math.max(0, b.to - b.from), 1))],
        };
      }
      case "gap": {
        const g = lane?.gaps[i];
        if (!g || !lane) return undefined;
        const attempts = c.matched?.get(lane.cid) ?? [];
        const l = lastEventIdOf(attempts, g.k, g.willSend);
        return {
          x,
          y,
          title: t(
            "timelineGapTip",
            g.k,
            g.ms === undefined ? t("timelineGapOngoing") : t("timelineAxisMs", Math.round(g.ms)),
          ),
          lines: [
            t(
              "timelineGapLeid",
              l.id === "" ? t("timelineLeidNone") : l.id,
              l.from === "header" ? t("timelineLeidHeader") : t("timelineLeidInferred"),
            ),
            t("timelineRetry", retryText(retryInForce(attempts, g.k))),
          ],
        };
      }
      case "mark": {
        const m = lane?.marks[i];
        if (!m) return undefined;
        const hidden = !inView(m.index) ? [t("timelineFilteredOut")] : [];
        if (m.kind === "devtools")
          return {
            x,
            y,
            title: t("timelineDevtools", m.mode === "fail" ? "Fail" : "Close"),
            lines: [at(m.mono), ...hidden],
          };
        return {
          x,
          y,
          title: m.synthetic ? t("timelineErrorSynthetic", m.readyState) : t("timelineError", m.readyState),
          lines: [at(m.mono), ...hidden],
        };
      }
    }
    return undefined;
  }

  /** Position of row `index` in the grid's filtered view, or -1 when the filters hide it. */
  function inView(index: number): boolean {
    const v = store.view.peek();
    return filteredIndex(v, positionOf(v, index)) === index;
  }

  /** Selects row `index` in the grid (which scrolls to it), unless the filters hide it. */
  function selectIndex(index: number): void {
    const v = store.view.peek();
    const pos = positionOf(v, index);
    if (filteredIndex(v, pos) !== index) return;
    store.selectPosition(pos);
    store.revealSelected.value++;
  }

  function click(target: Element): void {
    const el = target.closest<SVGElement>("[data-tip]");
    const svg = target.closest<SVGSVGElement>("svg.tl-svg");
    const lane = c.frame?.lanes[Number(svg?.dataset.li)];
    if (!el || !lane) return;
    const i = Number(el.dataset.i);
    if (el.dataset.tip === "tick") {
      const tk = lane.ticks?.[i];
      if (tk) selectIndex(tk.index);
    } else if (el.dataset.tip === "bucket") {
      const b = lane.buckets?.[i];
      if (b) manual.value = fitWindow(b.from, b.to);
    } else if (el.dataset.tip === "mark") {
      const m = lane.marks[i];
      if (m) selectIndex(m.index);
    }
  }

  const currentWin = (): Win | undefined => manual.peek() ?? c.win;

  const onPointerDown = (e: PointerEvent) => {
    if (e.button !== 0) return;
    const start = currentWin();
    if (!start) return;
    const x0 = e.clientX;
    const target = e.target as Element;
    let dragging = false;
    const move = (m: PointerEvent) => {
      const dx = m.clientX - x0;
      if (!dragging && Math.abs(dx) < DRAG_PX) return;
      dragging = true;
      tip.value = undefined;
      manual.value = panWindow(start, -pxToMs(start, width.peek(), dx));
    };
    followPointer(e, move, () => {
      if (!dragging) click(target);
    });
  };

  const onWheel = (e: WheelEvent) => {
    const w = currentWin();
    const el = plot.current;
    if (!w || !el) return;
    e.preventDefault();
    const unit = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? el.clientWidth : 1;
    const dx = e.deltaX * unit;
    const dy = e.deltaY * unit;
    if (e.shiftKey || Math.abs(dx) > Math.abs(dy)) {
      manual.value = panWindow(w, pxToMs(w, width.peek(), e.shiftKey && dx === 0 ? dy : dx));
      return;
    }
    const rect = el.getBoundingClientRect();
    const anchor = (e.clientX - rect.left) / Math.max(1, rect.width);
    manual.value = zoomWindow(w, Math.exp(dy * (e.ctrlKey ? 0.01 : 0.002)), anchor);
  };

  const zoomBy = (factor: number) => {
    const w = currentWin();
    if (w) manual.value = zoomWindow(w, factor, 0.5);
  };

  const startResize = (e: PointerEvent) => {
    if (e.button !== 0) return;
    const y0 = e.clientY;
    const h0 = height.peek();
    followPointer(e, (m) => {
      height.value = Math.min(MAX_H, Math.max(MIN_H, h0 + m.clientY - y0));
    });
  };

  const win = c.win;
  const t0 = tip.value;
  return (
    <div
      class={`timeline${open.value ? "" : " collapsed"}`}
      style={{ height: open.value ? `${height.value}px` : `${BAR_H}px` }}
      data-testid="timeline"
      data-from={open.value ? win?.from : undefined}
      data-to={open.value ? win?.to : undefined}
      data-mode={open.value ? c.frame?.mode : undefined}
      data-follow={manual.value === undefined ? "true" : "false"}
    >
      <div class="tl-bar">
        <button
          type="button"
          class="tb-button tl-toggle"
          data-testid="timeline-toggle"
          aria-expanded={open.value}
          title={open.value ? t("timelineCollapse") : t("timelineExpand")}
          onClick={() => {
            open.value = !open.value;
            tip.value = undefined;
          }}
        >
          {open.value ? "▾" : "▸"} {t("timelineTitle")}
        </button>
        {open.value ? (
          <>
            <button
              type="button"
              class="tb-button"
              data-testid="timeline-zoom-out"
              title={t("timelineZoomOut")}
              onClick={() => zoomBy(2)}
            >
              −
            </button>
            <button
              type="button"
              class="tb-button"
              data-testid="timeline-zoom-in"
              title={t("timelineZoomIn")}
              onClick={() => zoomBy(0.5)}
            >
              +
            </button>
            <button
              type="button"
              class={`tb-button tl-fit${manual.value === undefined ? " on" : ""}`}
              data-testid="timeline-fit"
              aria-pressed={manual.value === undefined}
              title={t("timelineFitTip")}
              onClick={() => {
                manual.value = undefined;
              }}
            >
              {t("timelineFit")}
            </button>
          </>
        ) : null}
      </div>
      {open.value ? (
        <div
          class="tl-body"
          title={t("timelineHelp")}
          onWheel={onWheel}
          onPointerDown={onPointerDown}
          onPointerMove={(e) => {
            tip.value = tipFor(e.target as Element, e.clientX, e.clientY);
          }}
          onPointerLeave={() => {
            tip.value = undefined;
          }}
        >
          <div class="tl-measure" style={{ marginLeft: `${LABEL_W}px` }} ref={plot} />
          {body}
        </div>
      ) : null}
      {t0 ? (
        <div
          class="tl-tip"
          style={{ left: `${t0.x}px`, top: `${t0.y}px` }}
          data-testid="timeline-tip"
          role="tooltip"
        >
          <div class="tl-tip-title">
            {t0.color ? <i style={{ background: t0.color }} /> : null}
            {t0.title}
          </div>
          {t0.lines.map((line, i) => (
            <div key={i}>{line}</div>
          ))}
        </div>
      ) : null}
      {open.value ? (
        // biome-ignore lint/a11y/useSemanticElements: WAI-ARIA's focusable window splitter, as in ./Splitter.tsx.
        <div
          class="tl-resize"
          role="separator"
          aria-orientation="horizontal"
          aria-label={t("timelineResize")}
          aria-valuenow={height.value}
          aria-valuemin={MIN_H}
          aria-valuemax={MAX_H}
          tabIndex={0}
          title={t("timelineResize")}
          data-testid="timeline-resize"
          onPointerDown={startResize}
          onKeyDown={(e) => {
            const step = e.shiftKey ? 50 : 10;
            if (e.key === "ArrowUp") height.value = Math.max(MIN_H, height.value - step);
            else if (e.key === "ArrowDown") height.value = Math.min(MAX_H, height.value + step);
            else return;
            e.preventDefault();
          }}
        />
      ) : null}
    </div>
  );
}
