import { describe, expect, it } from "vitest";
import { clampWidth, GRID_MIN, maxSideWidth } from "./layout";

describe("split widths", () => {
  it("clamps and rounds; min wins when the panel is too narrow", () => {
    expect(clampWidth(50, 140, 600)).toBe(140);
    expect(clampWidth(900, 140, 600)).toBe(600);
    expect(clampWidth(300.6, 140, 600)).toBe(301);
    expect(clampWidth(300, 140, 100)).toBe(140);
    expect(clampWidth(Number.NaN, 140, 600)).toBe(140);
  });

  it("leaves the grid its minimum next to the other pane", () => {
    expect(maxSideWidth(1200, 400)).toBe(1200 - 400 - GRID_MIN);
  });
});
