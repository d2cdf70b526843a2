/**
 * The panel's resizable splits (sidebar | grid | detail pane), as numbers: DevTools-like limits so that no
 * pane can be dragged away or crush the grid. Pure; panel/ui/Splitter.tsx applies them.
 */

/** Smallest widths, px: a sidebar still shows a badge and part of the URL, the detail pane a field. */
export const SIDEBAR_MIN = 140;
export const DETAIL_MIN = 220;
/** The grid keeps at least this much between the two. */
export const GRID_MIN = 240;
/** One arrow-key step on a focused splitter, px (Shift: ×5). */
export const SPLIT_STEP = 10;

/** `w` rounded and kept within [min, max]; if the panel is too narrow for both, `min` wins. */
export function clampWidth(w: number, min: number, max: number): number {
  const r = Math.round(Number.isFinite(w) ? w : min);
  return Math.max(min, Math.min(r, Math.max(min, max)));
}

/**
 * Largest width a side pane may take in a panel `total` px wide, leaving GRID_MIN for the grid and `other`
 * px for the other side pane (0 when it is closed).
 */
export function maxSideWidth(total: number, other: number): number {
  return Math.floor(total - other - GRID_MIN);
}
