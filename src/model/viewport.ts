/**
 * Windowing math for the virtualized table: which rows to render for a scroll position, and where.
 *
 * Rows have one fixed height, so the window is plain arithmetic. Browsers cap an element's height (Chrome at
 * about 33.5 million px) and a session may hold millions of rows, so past `maxPx` the scrollable height is
 * capped and scroll positions are scaled: the scrollbar maps onto the whole list, and a wheel tick moves
 * proportionally more rows. Below the cap the scale is exactly 1.
 */
export interface WindowInput {
  total: number;
  rowHeight: number;
  /** Visible height of the scroller. */
  viewHeight: number;
  scrollTop: number;
  /** Largest scrollable height to use. */
  maxPx: number;
  /** Extra rows rendered above and below, so fast scrolling does not show blanks. */
  overscan: number;
}

export interface RowWindow {
  /** Height of the element that makes the scroller scroll. */
  spacerHeight: number;
  /** Rows [first, end) are rendered, stacked, starting at `top` px from the top of the spacer. */
  first: number;
  end: number;
  top: number;
  /** Virtual px per real px of scrolling (1 unless capped). */
  scale: number;
}

function scaleOf(total: number, rowHeight: number, viewHeight: number, maxPx: number) {
  const content = total * rowHeight;
  const spacerHeight = Math.min(content, maxPx);
  const realRange = Math.max(0, spacerHeight - viewHeight);
  const virtualRange = Math.max(0, content - viewHeight);
  return { spacerHeight, scale: realRange > 0 ? virtualRange / realRange : 1 };
}

export function rowWindow(i: WindowInput): RowWindow {
  const { spacerHeight, scale } = scaleOf(i.total, i.rowHeight, i.viewHeight, i.maxPx);
  const scrollTop = Math.max(0, Math.min(i.scrollTop, Math.max(0, spacerHeight - i.viewHeight)));
  const virtualTop = scrollTop * scale;
  const first = Math.max(0, Math.floor(virtualTop / i.rowHeight) - i.overscan);
  const end = Math.min(i.total, Math.ceil((virtualTop + i.viewHeight) / i.rowHeight) + i.overscan);
  // Row k sits at virtual y = k * rowHeight; on screen that is scrollTop + (k * rowHeight - virtualTop).
  const top = scrollTop + first * i.rowHeight - virtualTop;
  return { spacerHeight, first, end: Math.max(first, end), top, scale };
}

/**
 * The scrollTop that brings row `pos` fully into view with the least movement, or the current scrollTop if
 * it already is.
 */
export function scrollTopToReveal(i: WindowInput, pos: number): number {
  const { scale } = scaleOf(i.total, i.rowHeight, i.viewHeight, i.maxPx);
  const virtualTop = i.scrollTop * scale;
  const rowTop = pos * i.rowHeight;
  if (rowTop < virtualTop) return rowTop / scale;
  if (rowTop + i.rowHeight > virtualTop + i.viewHeight) return (rowTop + i.rowHeight - i.viewHeight) / scale;
  return i.scrollTop;
}
