/**
 * Replaces `window.EventSource` with a wrapper that the page cannot tell from the native constructor, and
 * reports what every EventSource does. Runs in the page's own JavaScript world before any page script
 * (content script, `world: "MAIN"`, `document_start`), so it must be self-contained: no extension APIs.
 *
 * Invariants (../shared/notes/sse-facts.md, "Wrapping EventSource without being noticed"):
 * - the page gets a genuine native object: `Reflect.construct(Native, arguments, new.target)`; never a Proxy,
 *   whose `this` breaks native accessors ("Illegal invocation" on `es.onmessage = f`);
 * - the wrapper's `prototype` is the native prototype; statics, `name`, `length`, property descriptors and
 *   `Function.prototype.toString` output match the native constructor's;
 * - page listeners are never wrapped or replaced; ours are added before the page's and never throw;
 * - every built-in we use later is saved now, before page scripts can patch it;
 * - instances are held weakly.
 */
import type { ForceCloseMode } from "../protocol/index";
import type { UnsequencedRecord } from "./buffer";
import { installStreams, type StreamControl } from "./streams";

export type Emit = (record: UnsequencedRecord) => void;

type Getter = (this: unknown) => unknown;

interface Tracked {
  cid: string;
  /** Event types we already listen for on this instance. */
  types: Set<string>;
  /** Our one listener for every type on this instance. */
  listener: (this: unknown, ev: Event) => void;
}

/** What the rest of the page-world script may ask of the hook (commands from the relay's private channel). */
export interface HookControl {
  /**
   * Force-closes connection `cid` for DevTools (`closeConnection`). Returns false when `cid` is unknown, its
   * EventSource was collected, or it is already closed.
   */
  forceClose(cid: string, mode: ForceCloseMode): boolean;
}

/** Installs the wrapper into `win`. Returns undefined when there is nothing to wrap. */
export function installHook(win: typeof globalThis, docId: string, emit: Emit): HookControl | undefined {
  // The bundler emits the content script as a classic (sloppy) script and drops module strictness. Sloppy
  // functions get own `arguments` and `caller` properties, which the native constructor does not have.
  // biome-ignore lint/suspicious/noRedundantUseStrict: the built script is not a module.
  "use strict";
  const NativeES = win.EventSource;
  if (typeof NativeES !== "function") return undefined;

  // Saved before any page script runs (see module comment).
  const { apply, construct } = Reflect;
  const { defineProperty, getOwnPropertyDescriptor, getPrototypeOf, setPrototypeOf } = Object;
  const WeakMapCtor = win.WeakMap;
  const wmGet = WeakMapCtor.prototype.get;
  const wmSet = WeakMapCtor.prototype.set;
  const setHas = win.Set.prototype.has;
  const setAdd = win.Set.prototype.add;
  const dateNow = win.Date.now;
  const perf = win.performance;
  const perfNow = perf.now;
  const timeOrigin = perf.timeOrigin;
  const getter = (obj: object, name: string): Getter => {
    const g = getOwnPropertyDescriptor(obj, name)?.get;
    if (!g) throw new Error(`no getter ${name}`);
    return g as Getter;
  };
  const proto = NativeES.prototype as EventSource;
  const esUrl = getter(proto, "url");
  const esReadyState = getter(proto, "readyState");
  const esWithCredentials = getter(proto, "withCredentials");
  const evType = getter(win.Event.prototype, "type");
  const meData = getter(win.MessageEvent.prototype, "data");
  const meLastEventId = getter(win.MessageEvent.prototype, "lastEventId");
  const meOrigin = getter(win.MessageEvent.prototype, "origin");
  const nativeAdd = win.EventTarget.prototype.addEventListener;
  const nativeDispatch = win.EventTarget.prototype.dispatchEvent;
  const EventCtor = win.Event;
  const nativeClose = proto.close;
  const setTimeoutNative = win.setTimeout;
  const fnBind = win.Function.prototype.bind;
  const WeakRefCtor = win.WeakRef;
  const wrDeref = WeakRefCtor.prototype.deref;
  const FinalizationRegistryCtor = win.FinalizationRegistry;
  const frRegister = FinalizationRegistryCtor.prototype.register;
  const nativeToString = win.Function.prototype.toString;
  const MapCtor = win.Map;
  const mapGet = MapCtor.prototype.get;
  const mapSet = MapCtor.prototype.set;
  const ErrorCtor = win.Error;
  const captureStackTrace = (ErrorCtor as { captureStackTrace?: unknown }).captureStackTrace;
  const strSplit = win.String.prototype.split;
  const strIncludes = win.String.prototype.includes;
  const strStartsWith = win.String.prototype.startsWith;
  const arrPush = win.Array.prototype.push;
  const arrJoin = win.Array.prototype.join;
  const mapDelete = win.Map.prototype.delete;

  const tracked: WeakMap<object, Tracked> = new WeakMapCtor();
  /**
   * Source text of each of our functions → the native function's. Keyed by text, not by function, so that
   * it also works across realms: another frame's hook (this same script) wrapped its own EventSource with the
   * same source text, and `iframe.contentWindow.Function.prototype.toString.call(EventSource)` must not
   * show it either.
   */
  const disguised: Map<string, string> = new MapCtor();
  /** Lengths of those texts: most sources are ruled out without hashing a long string. */
  const disguisedLengths: Set<number> = new win.Set();
  let counter = 0;
  /**
   * cid → the instance, for DevTools' force-close. Weak: an abandoned EventSource must still be collectable
   * (sse-facts.md), and the registry drops the entry once it is.
   */
  const byCid: Map<string, WeakRef<object>> = new MapCtor();
  const forget = new FinalizationRegistryCtor<string>((cid) => {
    try {
      const ref = apply(mapGet, byCid, [cid]) as WeakRef<object> | undefined;
      if (ref && apply(wrDeref, ref, []) === undefined) apply(mapDelete, byCid, [cid]);
    } catch {}
  });

  const now = () => ({
    wall: apply(dateNow, win.Date, []) as number,
    mono: timeOrigin + apply(perfNow, perf, []),
  });
  const read = (g: Getter, obj: unknown): unknown => apply(g, obj, []);

  /** The URL of this script as stack frames show it ("chrome-extension://…/hook.iife.js"). */
  const ourFile = ((): string | undefined => {
    try {
      const top = apply(strSplit, String(new ErrorCtor().stack), ["\n"])[1] as string | undefined;
      const m = top && /\(?([a-z-]+:\/\/[^\s)]+):\d+:\d+\)?$/.exec(top);
      return m ? m[1] : undefined;
    } catch {
      return undefined;
    }
  })();
  /**
   * An error thrown through one of our functions (the native threw it: bad arguments, wrong `this`) would
   * show a stack frame in this script, a chrome-extension:// URL the page must not see. Replace that frame
   * and those below it with the frames below `fn` as the page's caller sees them, keeping any frames above
   * ours (a builtin's own frame, a page callback the native called), within Error.stackTraceLimit.
   * `below`: those frames captured earlier (`capture(fn)` while `fn` ran), for an error that reaches the page
   * asynchronously: fetch() rejects with an error whose stack was taken inside our wrapper.
   */
  const hide = (e: unknown, fn: unknown, below?: { stack?: unknown }): unknown => {
    try {
      if (
        typeof e !== "object" ||
        e === null ||
        ourFile === undefined ||
        typeof captureStackTrace !== "function"
      )
        return e;
      const E = ErrorCtor as { prepareStackTrace?: unknown; stackTraceLimit?: unknown };
      const limit = E.stackTraceLimit;
      if (E.prepareStackTrace !== undefined || typeof limit !== "number") return e;
      const stack = (e as { stack?: unknown }).stack;
      if (typeof stack !== "string") return e;
      const lines = apply(strSplit, stack, ["\n"]) as string[];
      const out: string[] = [];
      let frames = 0;
      let found = false;
      // Index loops, not for…of: the page may have patched the array iterator by now.
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i] as string;
        if (apply(strIncludes, line, [ourFile])) {
          found = true;
          break;
        }
        if (apply(strStartsWith, line, ["    at "])) frames++;
        apply(arrPush, out, [line]);
      }
      if (!found) return e;
      const frames0 = below ?? capture(fn);
      if (typeof frames0.stack !== "string") return e;
      const belowLines = apply(strSplit, frames0.stack, ["\n"]) as string[];
      for (let i = 0; i < belowLines.length; i++) {
        const line = belowLines[i] as string;
        if (frames >= limit) break;
        if (!apply(strStartsWith, line, ["    at "])) continue;
        apply(arrPush, out, [line]);
        frames++;
      }
      (e as { stack?: unknown }).stack = apply(arrJoin, out, ["\n"]);
    } catch {}
    return e;
  };
  /** The page's frames below `fn` now (formatted lazily by V8: cheap until read). */
  function capture(fn: unknown): { stack?: unknown } {
    const below: { stack?: unknown } = {};
    try {
      if (typeof captureStackTrace === "function") apply(captureStackTrace, ErrorCtor, [below, fn]);
    } catch {}
    return below;
  }
  const state = (es: unknown): 0 | 1 | 2 => read(esReadyState, es) as 0 | 1 | 2;

  /**
   * `origin` of this connection's trusted messages, read once per attempt: the browser gives every message of
   * one response the same origin (that of the response's final URL, spec §9.2.6 "dispatch the event"), and the
   * getter makes a new string per call on the page's hot path. Reset at each `open` (a reconnect may be
   * redirected elsewhere).
   */
  const onEvent = (t: { cid: string; origin?: string }) =>
    function (this: unknown, ev: Event): void {
      try {
        const type = read(evType, ev) as string;
        const trusted = ev.isTrusted; // [LegacyUnforgeable]: an own, non-configurable property; safe to read.
        const readyState = state(this); // `this` is the EventSource we registered on.
        // A MessageEvent is an event from the stream, whatever its name: a server may send `event: error`
        // or `event: open`, which reach the page's onerror/onopen as MessageEvents. The MessageEvent getters
        // throw on anything else (the browser's own open/error Events, or a page's synthetic Event).
        let message: { data: unknown; lastEventId: string; origin: string } | undefined;
        try {
          const data = read(meData, ev);
          const lastEventId = read(meLastEventId, ev) as string;
          let origin = trusted ? t.origin : undefined;
          if (origin === undefined) {
            origin = read(meOrigin, ev) as string;
            if (trusted) t.origin = origin;
          }
          message = { data, lastEventId, origin };
        } catch {}
        if (message) {
          const { data, lastEventId, origin } = message;
          // Only a page's synthetic MessageEvent can carry non-string data; never call its toString.
          const text = typeof data === "string" ? data : "";
          emit({
            kind: "eventReceived",
            cid: t.cid,
            ...now(),
            type,
            data: text,
            lastEventId,
            origin,
            readyState,
            trusted,
          });
        } else if (type === "open") {
          if (trusted) t.origin = undefined;
          emit({ kind: "connectionOpened", cid: t.cid, ...now(), readyState });
        } else if (type === "error") {
          emit({ kind: "errorReceived", cid: t.cid, ...now(), readyState, trusted });
        } else {
          emit({
            kind: "eventReceived",
            cid: t.cid,
            ...now(),
            type,
            data: "",
            lastEventId: "",
            origin: "",
            readyState,
            trusted,
          });
        }
      } catch {
        // Our listener must never throw into the page's event dispatch.
      }
    };

  /** Listen for `type` on `es` ahead of the page's own listeners, once per type. */
  const listen = (es: object, t: Tracked, type: string): void => {
    apply(setAdd, t.types, [type]);
    apply(nativeAdd, es, [type, t.listener]);
  };

  const track = (es: object): void => {
    const cid = `${docId}.${++counter}`;
    const t: Tracked = { cid, types: new win.Set(), listener: onEvent({ cid }) };
    apply(wmSet, tracked, [es, t]);
    apply(mapSet, byCid, [cid, new WeakRefCtor(es)]);
    apply(frRegister, forget, [es, cid]);
    emit({
      kind: "connectionCreated",
      cid: t.cid,
      ...now(),
      url: read(esUrl, es) as string,
      withCredentials: read(esWithCredentials, es) as boolean,
      // [LegacyUnforgeable]: a page cannot redefine location.href.
      frameUrl: win.location.href,
      readyState: state(es),
    });
    for (const type of ["open", "message", "error"]) listen(es, t, type);
  };

  // A plain function (not a class) so that it can be called with any new.target, and strict so that it has
  // no own `arguments`/`caller`: its own keys are then exactly length, name, prototype like the native's.
  const Wrapper = function EventSource(this: unknown, _url: string | URL) {
    let es: object;
    try {
      // Without `new`, let the native constructor throw its own TypeError.
      // biome-ignore lint/complexity/noArguments: the arguments must reach the native constructor untouched.
      if (new.target === undefined) return apply(NativeES, this, arguments);
      // biome-ignore lint/complexity/noArguments: as above (WPT checks how objects, null, undefined stringify).
      es = construct(NativeES, arguments, new.target) as object;
    } catch (e) {
      throw hide(e, Wrapper);
    }
    try {
      track(es);
    } catch {}
    return es;
  } as unknown as typeof EventSource;

  // Methods defined with method syntax are not constructible and have no `prototype`, like native methods.
  const patched = {
    addEventListener(this: unknown, type: string, listener: unknown) {
      const t = apply(wmGet, tracked, [this]) as Tracked | undefined;
      // Only string types: stringifying an object here would call the page's toString a second time.
      if (t && typeof type === "string" && listener != null && !apply(setHas, t.types, [type])) {
        try {
          listen(this as object, t, type);
          emit({ kind: "listenerAdded", cid: t.cid, ...now(), type });
        } catch {}
      }
      try {
        // biome-ignore lint/complexity/noArguments: options (third argument) pass through untouched.
        return apply(nativeAdd, this, arguments);
      } catch (e) {
        throw hide(e, patched.addEventListener);
      }
    },
    close(this: unknown) {
      const t = apply(wmGet, tracked, [this]) as Tracked | undefined;
      const before = t ? state(this) : 0;
      let result: unknown;
      try {
        // biome-ignore lint/complexity/noArguments: pass through untouched.
        result = apply(nativeClose, this, arguments);
      } catch (e) {
        throw hide(e, patched.close);
      }
      if (t) {
        try {
          emit({
            kind: "closeCalled",
            cid: t.cid,
            ...now(),
            previousReadyState: before,
            readyState: state(this),
          });
        } catch {}
      }
      return result;
    },
    toString(this: unknown) {
      let s: string;
      try {
        // biome-ignore lint/complexity/noArguments: pass through untouched.
        s = apply(nativeToString, this, arguments) as string;
      } catch (e) {
        throw hide(e, patched.toString);
      }
      if (!apply(setHas, disguisedLengths, [s.length])) return s;
      return (apply(mapGet, disguised, [s]) as string | undefined) ?? s;
    },
  };

  const nativeSource = (f: unknown) => apply(nativeToString, f, []) as string;
  const disguise = (fake: object, real: unknown) => {
    const text = nativeSource(fake);
    apply(mapSet, disguised, [text, nativeSource(real)]);
    apply(setAdd, disguisedLengths, [text.length]);
  };
  disguise(Wrapper, NativeES);
  disguise(patched.addEventListener, nativeAdd);
  disguise(patched.close, nativeClose);
  disguise(patched.toString, nativeToString);

  /** Replace `obj[key]` keeping its descriptor's flags. */
  const replace = (obj: object, key: string, value: unknown) => {
    const d = getOwnPropertyDescriptor(obj, key);
    if (!d || !("value" in d)) throw new Error(`cannot replace ${key}`);
    defineProperty(obj, key, { ...d, value });
  };

  // The constructor's own properties, in the native order: length, name (from the declaration), prototype,
  // then the statics with their native descriptors.
  defineProperty(Wrapper, "prototype", getOwnPropertyDescriptor(NativeES, "prototype") as PropertyDescriptor);
  for (const key of ["CONNECTING", "OPEN", "CLOSED"]) {
    defineProperty(Wrapper, key, getOwnPropertyDescriptor(NativeES, key) as PropertyDescriptor);
  }
  setPrototypeOf(Wrapper, getPrototypeOf(NativeES));

  replace(proto, "constructor", Wrapper);
  replace(proto, "close", patched.close);
  replace(win.EventTarget.prototype, "addEventListener", patched.addEventListener);
  replace(win.Function.prototype, "toString", patched.toString);
  replace(win, "EventSource", Wrapper);

  // fetch() and XMLHttpRequest event streams (./streams.ts), with the same disguise and the same counter.
  let streamControl: StreamControl | undefined;
  try {
    streamControl = installStreams(win, {
      emit,
      nextCid: () => `${docId}.${++counter}`,
      now,
      disguise,
      hide,
      capture,
      replace,
      nativeAddEventListener: nativeAdd,
    });
  } catch {}

  return {
    forceClose(cid, mode) {
      if (streamControl?.forceClose(cid)) return true;
      const ref = apply(mapGet, byCid, [cid]) as WeakRef<object> | undefined;
      const es = ref ? (apply(wrDeref, ref, []) as object | undefined) : undefined;
      if (!es || !apply(wmGet, tracked, [es])) return false;
      const before = state(es);
      if (before === 2) return false;
      // Recorded first: the panel's row comes before anything the page observes because of it.
      emit({ kind: "connectionForceClosed", cid, ...now(), mode, previousReadyState: before, readyState: 2 });
      // The native close saved at startup, not `es.close`: a page may have patched that, and the page's own
      // close() (our patched one) would record a `closeCalled` the page never made. readyState is 2 at once and
      // no event fires, exactly as after a page's close() (spec: close() method).
      apply(nativeClose, es, []);
      if (mode === "fail") {
        // As when the browser fails the connection (a 204, a wrong Content-Type): readyState 2, then one plain
        // `error` event (not bubbling, not cancelable), and never a reconnect. Limits a page could notice:
        // - `isTrusted` is false: only the browser can fire a trusted event. The hook records it as
        //   errorReceived (trusted false) and the panel's model shows it as DevTools' own, not a page's;
        // - it fires in the next task, whereas the browser sets readyState 2 and fires the error in one task:
        //   dispatching from a timer whose callback is the native dispatchEvent itself keeps this script's
        //   frames (a chrome-extension:// URL) out of the stacks of the page's error listeners.
        const error = new EventCtor("error");
        apply(setTimeoutNative, win, [apply(fnBind, nativeDispatch, [es, error]), 0]);
      }
      return true;
    },
  };
}
