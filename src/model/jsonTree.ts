/**
 * The detail pane's JSON tree, as data: whether event data is a JSON object or array, each node's one-line
 * preview, and a node's children a page at a time (a 100 000-element array must not become 100 000 DOM
 * nodes). Pure; the component (panel/ui/JsonTree.tsx) renders these as text only.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export type JsonKind = "object" | "array" | "string" | "number" | "boolean" | "null";

/** Larger data is shown as text only: parsing and walking it would stall the panel. */
export const TREE_MAX_CHARS = 1_000_000;
/** Children rendered per expand; "show more" adds as many again. */
export const CHILD_PAGE = 100;
const PREVIEW_CHARS = 100;

/**
 * The parsed value when `data` is a JSON object or array (a bare string or number gains nothing from a
 * tree), else undefined. JSON.parse makes `__proto__` an own data property, never the prototype.
 */
export function parseJsonTree(data: string, maxChars = TREE_MAX_CHARS): JsonValue | undefined {
  if (data.length > maxChars || !/^\s*[[{]/.test(data)) return undefined;
  try {
    return JSON.parse(data) as JsonValue;
  } catch {
    return undefined;
  }
}

export function kindOf(v: JsonValue): JsonKind {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  return typeof v as "object" | "string" | "number" | "boolean";
}

/** Number of children an object or array has (0 for the rest). */
export function childCount(v: JsonValue): number {
  if (Array.isArray(v)) return v.length;
  return v !== null && typeof v === "object" ? Object.keys(v).length : 0;
}

/** A primitive as JSON writes it (strings quoted and escaped). */
const primitive = (v: JsonValue) => JSON.stringify(v) ?? String(v);

const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/**
 * One line for a value, as DevTools' console previews it: `{id: 1, name: "x", …}`, `Array(3) [1, 2, 3]`,
 * primitives as JSON. Only the first few children are looked at.
 */
export function previewOf(v: JsonValue, max = PREVIEW_CHARS): string {
  const short = (x: JsonValue): string =>
    Array.isArray(x)
      ? `Array(${x.length})`
      : x !== null && typeof x === "object"
        ? "{…}"
        : clip(primitive(x), 40);
  if (Array.isArray(v)) {
    const head = `Array(${v.length}) [`;
    const parts: string[] = [];
    let len = head.length;
    for (const x of v) {
      const s = short(x);
      if (len + s.length > max) {
        parts.push("…");
        break;
      }
      parts.push(s);
      len += s.length + 2;
    }
    return `${head}${parts.join(", ")}]`;
  }
  if (v !== null && typeof v === "object") {
    const parts: string[] = [];
    let len = 1;
    for (const k of Object.keys(v)) {
      const s = `${clip(k, 40)}: ${short(v[k] as JsonValue)}`;
      if (len + s.length > max) {
        parts.push("…");
        break;
      }
      parts.push(s);
      len += s.length + 2;
    }
    return `{${parts.join(", ")}}`;
  }
  return clip(primitive(v), max);
}

export interface JsonChild {
  /** Property name, or the array index as text. */
  readonly key: string;
  readonly value: JsonValue;
}

/** The first `limit` children of an object or array, and how many more there are. */
export function childrenOf(v: JsonValue, limit = CHILD_PAGE): { children: JsonChild[]; hidden: number } {
  if (Array.isArray(v)) {
    const n = Math.min(limit, v.length);
    const children: JsonChild[] = [];
    for (let i = 0; i < n; i++) children.push({ key: String(i), value: v[i] as JsonValue });
    return { children, hidden: v.length - n };
  }
  if (v !== null && typeof v === "object") {
    const keys = Object.keys(v);
    const n = Math.min(limit, keys.length);
    const children: JsonChild[] = [];
    for (let i = 0; i < n; i++) {
      const key = keys[i] as string;
      // An own "__proto__" key (JSON.parse makes one) reads as its own value, not the prototype.
      children.push({ key, value: Object.getOwnPropertyDescriptor(v, key)?.value as JsonValue });
    }
    return { children, hidden: keys.length - n };
  }
  return { children: [], hidden: 0 };
}

/** The text "Copy as JSON" puts on the clipboard: the data pretty-printed, or undefined if it is not JSON. */
export function prettyJson(data: string, maxChars = TREE_MAX_CHARS): string | undefined {
  if (data.length > maxChars) return undefined;
  try {
    return JSON.stringify(JSON.parse(data), null, 2);
  } catch {
    return undefined;
  }
}
