import { describe, expect, it } from "vitest";
import { rowWindow, scrollTopToReveal, type WindowInput } from "./viewport";

const base: WindowInput = {
  total: 200_000,
  rowHeight: 20,
  viewHeight: 400,
  scrollTop: 0,
  maxPx: 10_000_000,
  overscan: 5,
};

/** On-screen y (relative to the viewport's top) of row k for a window. */
const screenY = (i: WindowInput, k: number) => {
  const w = rowWindow(i);
  return w.top + (k - w.first) * i.rowHeight - Math.min(i.scrollTop, w.spacerHeight - i.viewHeight);
};

describe("rowWindow", () => {
  it("renders the visible rows plus overscan, at their natural offset", () => {
    const w = rowWindow({ ...base, scrollTop: 1_000 });
    expect(w.spacerHeight).toBe(4_000_000);
    expect(w.scale).toBe(1);
    expect(w.first).toBe(45);
    expect(w.end).toBe(75);
    expect(w.top).toBe(900);
  });

  it("clamps at the ends and handles an empty or short list", () => {
    expect(rowWindow({ ...base, total: 0 })).toMatchObject({ first: 0, end: 0, spacerHeight: 0 });
    expect(rowWindow({ ...base, total: 3, scrollTop: 500 })).toMatchObject({ first: 0, end: 3, top: 0 });
    const last = rowWindow({ ...base, scrollTop: 99_999_999 });
    expect(last.end).toBe(200_000);
  });

  it("scales past the height cap so that the last row is reachable and the first stays at 0", () => {
    const i = { ...base, total: 5_000_000 };
    const top = rowWindow(i);
    expect(top.spacerHeight).toBe(10_000_000);
    expect(top.first).toBe(0);
    const bottom = { ...i, scrollTop: 10_000_000 - 400 };
    const w = rowWindow(bottom);
    expect(w.end).toBe(5_000_000);
    // The last row's bottom edge meets the viewport's bottom edge.
    expect(screenY(bottom, 5_000_000 - 1) + 20).toBeCloseTo(400, 6);
    // Rows never extend below the spacer (which would grow the scroll range).
    expect(w.top + (w.end - w.first) * 20).toBeLessThanOrEqual(w.spacerHeight + 1e-6);
  });
});

describe("scrollTopToReveal", () => {
  it("moves the least needed, or not at all", () => {
    const at = { ...base, scrollTop: 1_000 };
    expect(scrollTopToReveal(at, 55)).toBe(1_000);
    expect(scrollTopToReveal(at, 49)).toBe(980);
    expect(scrollTopToReveal(at, 70)).toBe(1_020);
  });

  it("reveals rows in a scaled list", () => {
    const i = { ...base, total: 5_000_000, scrollTop: 0 };
    const st = scrollTopToReveal(i, 4_000_000);
    expect(screenY({ ...i, scrollTop: st }, 4_000_000)).toBeCloseTo(380, 3);
  });
});
