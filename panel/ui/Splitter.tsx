/**
 * A vertical drag handle between two panes, like DevTools' split widgets: drag with the pointer (captured, so
 * the drag goes on over the iframe's edges), or focus it and use ←/→ (Shift: bigger steps), Home/End for the
 * limits. It resizes one side pane, whose width is `value`; `grow` says which way makes that pane wider
 * (+1: dragging right, the left sidebar; −1: dragging left, the right detail pane). Widths are clamped to
 * [min, max()] (src/model/layout.ts). `role="separator"` with aria-valuenow = the pane's width (WAI-ARIA's
 * focusable separator).
 */
import type { Signal } from "@preact/signals";
import { clampWidth, SPLIT_STEP } from "../../src/model/layout";

/**
 * Follows one drag: `move` for every pointer move until the button is released or the pointer cancelled, then
 * `end`. Window listeners, added for the drag only, so that it goes on wherever the pointer goes.
 */
export function followPointer(start: PointerEvent, move: (m: PointerEvent) => void, end?: () => void): void {
  const up = () => {
    window.removeEventListener("pointermove", move);
    window.removeEventListener("pointerup", up);
    window.removeEventListener("pointercancel", up);
    end?.();
  };
  window.addEventListener("pointermove", move);
  window.addEventListener("pointerup", up);
  window.addEventListener("pointercancel", up);
  start.preventDefault();
}

export function Splitter(props: {
  value: Signal<number>;
  min: number;
  max: number;
  grow: 1 | -1;
  label: string;
  testid: string;
  /** What the separator divides (aria-controls). */
  controls?: string;
}) {
  const { value, min, max, grow } = props;
  const set = (w: number) => {
    value.value = clampWidth(w, min, max);
  };
  const now = clampWidth(value.value, min, max);
  // The drag follows the pointer through window listeners (added for the drag only), so that it goes on
  // when the pointer leaves the 1px rule even where pointer capture is refused; capture is still asked for,
  // so that the drag continues outside the panel's iframe.
  const startDrag = (e: PointerEvent) => {
    if (e.button !== 0) return;
    const el = e.currentTarget as HTMLElement;
    const from = { x: e.clientX, w: now };
    try {
      el.setPointerCapture(e.pointerId);
    } catch {
      // No active pointer of that id (synthetic input): the window listeners suffice.
    }
    el.classList.add("dragging");
    followPointer(
      e,
      (m) => set(from.w + grow * (m.clientX - from.x)),
      () => {
        el.classList.remove("dragging");
      },
    );
  };
  return (
    // biome-ignore lint/a11y/useSemanticElements: WAI-ARIA's window splitter is a focusable separator that moves; <hr> is a static rule.
    <div
      class="splitter"
      role="separator"
      aria-orientation="vertical"
      aria-label={props.label}
      aria-controls={props.controls}
      aria-valuenow={now}
      aria-valuemin={min}
      aria-valuemax={Math.max(min, max)}
      tabIndex={0}
      title={props.label}
      data-testid={props.testid}
      onPointerDown={startDrag}
      onKeyDown={(e) => {
        const step = e.shiftKey ? SPLIT_STEP * 5 : SPLIT_STEP;
        if (e.key === "ArrowLeft") set(now - grow * step);
        else if (e.key === "ArrowRight") set(now + grow * step);
        else if (e.key === "Home") set(min);
        else if (e.key === "End") set(max);
        else return;
        e.preventDefault();
      }}
    />
  );
}
