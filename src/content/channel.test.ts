/**
 * The private channel against a hostile page script, on Node's own EventTarget/CustomEvent (the same DOM
 * event semantics the channel relies on: synchronous dispatch by name, `detail`). The real browser runs the
 * same attacks in e2e/hostile.spec.ts.
 */
import { afterEach, describe, expect, it } from "vitest";
import { BOOTSTRAP_EVENT } from "../protocol/constants";
import { openHookEnd, openRelayEnd } from "./channel";

/** Both ends on one fresh target, in manifest order: the hook first, then the relay hands over the secret. */
function pair() {
  const doc = new EventTarget() as unknown as Document;
  let ready = 0;
  const hook = openHookEnd(doc, () => ready++);
  const relay = openRelayEnd(doc);
  const atRelay: unknown[] = [];
  const atHook: unknown[] = [];
  relay.listen((m) => atRelay.push(m));
  hook.listen((m) => atHook.push(m));
  return { doc, hook, relay, atRelay, atHook, ready: () => ready };
}

const forge = (doc: Document, name: string, detail: unknown) =>
  doc.dispatchEvent(new CustomEvent(name, { detail }));

const recordShaped = {
  v: 1,
  kind: "recordsCaptured",
  docId: "forged",
  frameUrl: "http://forged.invalid/",
  top: true,
  fromSeq: 0,
  oldestSeq: 0,
  records: [],
};

const restore: (() => void)[] = [];
afterEach(() => {
  for (const undo of restore.splice(0)) undo();
});

describe("page channel", () => {
  it("carries messages both ways once the relay has handed over the secret", () => {
    const p = pair();
    expect(p.ready()).toBe(1);
    expect(p.hook.ready).toBe(true);
    p.hook.post({ up: 1 });
    p.relay.post({ down: 1 });
    expect(p.atRelay).toEqual([{ up: 1 }]);
    expect(p.atHook).toEqual([{ down: 1 }]);
  });

  it("drops what the hook posts before the bootstrap (the hook keeps its own buffer)", () => {
    const doc = new EventTarget() as unknown as Document;
    const hook = openHookEnd(doc, () => {});
    hook.post({ early: true });
    expect(hook.ready).toBe(false);
  });

  it("ignores a later, forged bootstrap: the channel is not re-keyed", () => {
    const p = pair();
    const stolen: unknown[] = [];
    p.doc.addEventListener("sse-devtools:mine:up", (e) => stolen.push((e as CustomEvent).detail));
    forge(p.doc, BOOTSTRAP_EVENT, { secret: "mine" });
    p.hook.post({ up: 2 });
    expect(stolen).toEqual([]);
    expect(p.atRelay).toEqual([{ up: 2 }]);
    expect(p.ready()).toBe(1);
  });

  it("delivers nothing a page dispatches under guessed names, even thousands of times", () => {
    const p = pair();
    const names = [
      BOOTSTRAP_EVENT,
      "sse-devtools",
      "sse-devtools:up",
      "sse-devtools::up",
      "sse-devtools:undefined:up",
      "sse-devtools:null:up",
      "sse-devtools:bootstrap:up",
      "sse-devtools:mine:up",
      "sse-devtools:mine:down",
      "recordsCaptured",
      "message",
    ];
    for (let i = 0; i < 2_000; i++) for (const n of names) forge(p.doc, n, recordShaped);
    expect(p.atRelay).toEqual([]);
    expect(p.atHook).toEqual([]);
  });

  it("does not let Object.prototype getters see or break what the hook posts", () => {
    const p = pair();
    const seen: unknown[] = [];
    for (const key of ["bubbles", "cancelable", "composed"]) {
      Object.defineProperty(Object.prototype, key, {
        configurable: true,
        get(this: { detail?: unknown }) {
          seen.push(this.detail);
          throw new Error("a page getter");
        },
      });
      restore.push(() => delete (Object.prototype as Record<string, unknown>)[key]);
    }
    expect(() => p.hook.post({ up: 3 })).not.toThrow();
    expect(seen).toEqual([]);
    expect(p.atRelay).toEqual([{ up: 3 }]);
  });

  it("delivers down-going messages even when the page broke the array iterator", () => {
    const p = pair();
    const original = Array.prototype[Symbol.iterator];
    Array.prototype[Symbol.iterator] = () => {
      throw new Error("a page patch");
    };
    restore.push(() => {
      Array.prototype[Symbol.iterator] = original;
    });
    // In the browser the relay runs in the isolated world with its own built-ins; here only the hook's receive
    // loop must cope (the relay's post does not iterate).
    const detail = { down: 2 };
    p.relay.post(detail);
    Array.prototype[Symbol.iterator] = original;
    expect(p.atHook).toEqual([detail]);
  });
});
