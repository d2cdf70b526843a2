import { describe, expect, it } from "vitest";
import { CHILD_PAGE, childCount, childrenOf, kindOf, parseJsonTree, prettyJson, previewOf } from "./jsonTree";

describe("parseJsonTree", () => {
  it("parses objects and arrays only; anything else (or too large) stays text", () => {
    expect(parseJsonTree('{"a":1}')).toEqual({ a: 1 });
    expect(parseJsonTree(" [1,2]")).toEqual([1, 2]);
    expect(parseJsonTree("42")).toBeUndefined();
    expect(parseJsonTree('"str"')).toBeUndefined();
    expect(parseJsonTree("{not json")).toBeUndefined();
    expect(parseJsonTree('{"a":1}', 3)).toBeUndefined();
  });

  it("keeps __proto__ as an ordinary key and pollutes nothing", () => {
    const v = parseJsonTree('{"__proto__":{"polluted":1},"b":2}');
    expect(childrenOf(v as never).children).toEqual([
      { key: "__proto__", value: { polluted: 1 } },
      { key: "b", value: 2 },
    ]);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });
});

describe("tree nodes", () => {
  it("kinds and child counts", () => {
    expect([null, true, 1, "s", [1], { a: 1 }].map((v) => kindOf(v))).toEqual([
      "null",
      "boolean",
      "number",
      "string",
      "array",
      "object",
    ]);
    expect([null, "s", [1, 2], { a: 1, b: 2, c: 3 }].map((v) => childCount(v))).toEqual([0, 0, 2, 3]);
  });

  it("gives children a page at a time and says how many are hidden", () => {
    const big = Array.from({ length: 250 }, (_, i) => i);
    const first = childrenOf(big);
    expect(first.children).toHaveLength(CHILD_PAGE);
    expect(first.children[99]).toEqual({ key: "99", value: 99 });
    expect(first.hidden).toBe(150);
    expect(childrenOf(big, 300).hidden).toBe(0);
    const obj = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`k${i}`, i]));
    expect(childrenOf(obj, 2)).toEqual({
      children: [
        { key: "k0", value: 0 },
        { key: "k1", value: 1 },
      ],
      hidden: 3,
    });
    expect(childrenOf("leaf")).toEqual({ children: [], hidden: 0 });
  });

  it("previews like DevTools' console, clipped", () => {
    expect(previewOf({ id: 1, name: "x", tags: ["a"], more: { b: 1 }, none: null })).toBe(
      '{id: 1, name: "x", tags: Array(1), more: {…}, none: null}',
    );
    expect(previewOf([1, "two", [3], {}])).toBe('Array(4) [1, "two", Array(1), {…}]');
    expect(previewOf('<img src=x onerror="alert(1)">')).toBe('"<img src=x onerror=\\"alert(1)\\">"');
    const long = previewOf(Array.from({ length: 100 }, (_, i) => i * 1000));
    expect(long.length).toBeLessThan(120);
    expect(long.endsWith("…]")).toBe(true);
  });

  it("pretty-prints for Copy as JSON", () => {
    expect(prettyJson('{"a":[1,2]}')).toBe('{\n  "a": [\n    1,\n    2\n  ]\n}');
    expect(prettyJson("nope")).toBeUndefined();
  });
});
