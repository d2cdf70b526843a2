/**
 * Observes `fetch()` and `XMLHttpRequest` responses whose Content-Type is `text/event-stream` (issue 6):
 * LLM SDKs, `@microsoft/fetch-event-source`, `eventsource` v3 and XHR polyfills read SSE this way, not through
 * EventSource. Same world and same rules as ./install.ts (saved built-ins, disguised wrappers, nothing thrown
 * into the page); the body is recorded as decoded text (`streamChunkReceived`) and parsed in the background.
 *
 * What the page gets is unchanged: the original Response (url, type, redirected, headers, bodyUsed, body), and
 * any other response is not touched at all (not even cloned). The request is: every fetch() call carries the
 * hook's AbortSignal combined with the page's (see `withOurSignal`), since whether a response is an event
 * stream is known only once it arrives and a signal can only be given at the call. For an SSE response the hook reads a `clone()`
 * — the body is teed (Fetch §5.3 "clone", Streams §4.9.1 ReadableStreamDefaultTee) — at once, chunk by chunk,
 * so its branch never buffers and the page's reads are never delayed; it stops at OBSERVE_CAP bytes and
 * cancels its branch. Limits, documented in the README:
 * - the promise fetch() returns is the hook's (a page-realm Promise resolved with the original Response): it
 *   settles one microtask after the native one would;
 * - the page cancelling its body through `reader.cancel()` / `body.cancel()` is seen (those are wrapped) and
 *   the hook cancels its branch too, so the request ends; a cancel from inside the streams machinery (a
 *   `for await` loop left early, a pipe chain cancelled at its end) is seen at the hook's next chunk (`probe`);
 *   a stream that sends nothing more stays open until the server ends it;
 * - DevTools' force-close aborts the request through a signal the hook combined with the page's
 *   (`withOurSignal`): the page's read(), pipes, `for await` and text() reject with TypeError("network error")
 *   as on a broken connection. For the calls it leaves untouched (a Request with a non-default referrer, an
 *   init that is not a plain object) the page's next `reader.read()` rejects instead, and a page consuming the
 *   body by `pipeTo` / `for await` / `text()` is not interrupted;
 * - `Reflect.construct(fetch, [])` throws a TypeError whose message V8 builds from the wrapper's own source.
 */
import type { StreamEndKind, StreamTransport } from "../protocol/index";
import type { UnsequencedRecord } from "./buffer";

export interface HookTools {
  emit(record: UnsequencedRecord): void;
  nextCid(): string;
  now(): { wall: number; mono: number };
  /** Makes `fake`'s Function.prototype.toString text read as `real`'s. */
  disguise(fake: object, real: unknown): void;
  /** Removes the hook's frames from an error's stack (see install.ts); `below` as captured by `capture`. */
  hide(e: unknown, fn: unknown, below?: { stack?: unknown }): unknown;
  /** The page's frames below `fn`, captured now (for an error that reaches the page later). */
  capture(fn: unknown): { stack?: unknown };
  /** EventTarget.prototype.addEventListener as it was before the hook replaced it. */
  nativeAddEventListener: typeof EventTarget.prototype.addEventListener;
  /** Replaces `obj[key]`, keeping its descriptor's flags. */
  replace(obj: object, key: string, value: unknown): void;
}

export interface StreamControl {
  /** Closes stream `cid` for DevTools; false when unknown or already ended. */
  forceClose(cid: string): boolean;
}

/** Body bytes observed per response, at most: past it the hook stops reading (`observer-cap`). */
export const OBSERVE_CAP = 64 * 1024 * 1024;
const MAX_HEADERS = 100;
const SSE_TYPE = /^\s*text\/event-stream\s*(;|$)/i;

type Getter = (this: unknown) => unknown;

interface Stream {
  cid: string;
  ended: boolean;
  bytes: number;
  /** Set by force-close: the page's next read fails like a network error. */
  failed: boolean;
  /** Cancels the hook's own branch (fetch) or aborts the request (XHR). */
  stop(): void;
  /** fetch: the page's body stream and the reader it took from it, if any. */
  pageBody?: object;
  pageReader?: object;
  /**
   * fetch: aborts the request through the signal the hook combined with the page's (see the fetch wrapper),
   * with `reason` as the error the page's reads, pipes and body methods reject with. Absent when the hook
   * could not add its signal without changing the request.
   */
  abort?(reason: unknown): void;
}

export function installStreams(win: typeof globalThis, t: HookTools): StreamControl {
  // biome-ignore lint/suspicious/noRedundantUseStrict: the built script is not a module (see install.ts).
  "use strict";
  const { apply } = Reflect;
  const { getOwnPropertyDescriptor, keys } = Object;
  const getter = (obj: object, name: string): Getter => {
    const g = getOwnPropertyDescriptor(obj, name)?.get;
    if (!g) throw new Error(`no getter ${name}`);
    return g as Getter;
  };
  const read = (g: Getter, obj: unknown): unknown => apply(g, obj, []);
  const WeakMapCtor = win.WeakMap;
  const wmGet = WeakMapCtor.prototype.get;
  const wmSet = WeakMapCtor.prototype.set;
  const MapCtor = win.Map;
  const mapGet = MapCtor.prototype.get;
  const mapSet = MapCtor.prototype.set;
  const mapDelete = MapCtor.prototype.delete;
  const PromiseCtor = win.Promise;
  const then = PromiseCtor.prototype.then;
  const reject = PromiseCtor.reject;
  const TypeErrorCtor = win.TypeError;
  const strSlice = win.String.prototype.slice;
  const strToUpper = win.String.prototype.toUpperCase;
  const reTest = win.RegExp.prototype.test;
  const isSse = (type: string | null) => type !== null && (apply(reTest, SSE_TYPE, [type]) as boolean);
  /** A string argument as is; anything else is not stringified (that would call page code a second time). */
  const str = (x: unknown): string => (typeof x === "string" ? x : "");
  /** fetch() and XHR upper-case these methods whatever their case (Fetch §2.2.1 "normalize a method"). */
  const NORMALIZED = /^(?:delete|get|head|options|post|put)$/i;
  const normalizeMethod = (m: string) =>
    apply(reTest, NORMALIZED, [m]) ? (apply(strToUpper, m, []) as string) : m;
  const isArray = win.Array.isArray;
  const TextDecoderCtor = win.TextDecoder;
  const decode = TextDecoderCtor.prototype.decode;
  const encoder = new win.TextEncoder();
  const encode = win.TextEncoder.prototype.encode;
  const u8Length = getter(Object.getPrototypeOf(win.Uint8Array.prototype) as object, "byteLength");

  const streams: Map<string, Stream> = new MapCtor();
  const end = (s: Stream, how: StreamEndKind, error?: unknown) => {
    if (s.ended) return;
    s.ended = true;
    apply(mapDelete, streams, [s.cid]);
    let text: string | undefined;
    if (error !== undefined) {
      try {
        const e = error as { name?: unknown; message?: unknown };
        text = `${str(e.name)}: ${str(e.message)}`;
      } catch {}
    }
    t.emit({
      kind: "streamEnded",
      cid: s.cid,
      ...t.now(),
      how,
      ...(text === undefined ? {} : { error: text }),
      bytes: s.bytes,
      readyState: 2,
    });
  };
  const chunk = (s: Stream, text: string, bytes: number) => {
    s.bytes += bytes;
    if (text !== "" || bytes > 0)
      t.emit({ kind: "streamChunkReceived", cid: s.cid, ...t.now(), text, bytes, readyState: 1 });
  };

  /** Headers the page set, read without calling page code (data properties and Headers only). */
  const pageHeaders = (h: unknown): [string, string][] => {
    const out: [string, string][] = [];
    try {
      if (h === null || typeof h !== "object") return out;
      if (apply(isArray, win.Array, [h])) {
        const list = h as unknown[];
        for (let i = 0; i < list.length && out.length < MAX_HEADERS; i++) {
          const pair = list[i];
          if (apply(isArray, win.Array, [pair]))
            out[out.length] = [str((pair as unknown[])[0]), str((pair as unknown[])[1])];
        }
        return out;
      }
      try {
        apply(headersForEach, h, [
          (value: string, name: string) => {
            if (out.length < MAX_HEADERS) out[out.length] = [name, value];
          },
        ]);
        return out;
      } catch {}
      const names = keys(h);
      for (let i = 0; i < names.length && out.length < MAX_HEADERS; i++) {
        const name = names[i] as string;
        const d = getOwnPropertyDescriptor(h, name);
        if (d && "value" in d && typeof d.value === "string") out[out.length] = [name, d.value];
      }
    } catch {}
    return out;
  };
  const headersForEach = win.Headers.prototype.forEach;
  const headerList = (h: unknown): [string, string][] => {
    const out: [string, string][] = [];
    try {
      apply(headersForEach, h, [
        (value: string, name: string) => {
          if (out.length < MAX_HEADERS) out[out.length] = [name, value];
        },
      ]);
    } catch {}
    return out;
  };
  const dataProp = (o: unknown, name: string): unknown => {
    if (o === null || typeof o !== "object") return undefined;
    const d = getOwnPropertyDescriptor(o, name);
    return d && "value" in d ? d.value : undefined;
  };

  // ── fetch ────────────────────────────────────────────────────────────────────────────────────────────
  const nativeFetch = win.fetch;
  const RequestProto = win.Request.prototype;
  const reqMethod = getter(RequestProto, "method");
  const reqUrl = getter(RequestProto, "url");
  const reqHeaders = getter(RequestProto, "headers");
  const ResponseProto = win.Response.prototype;
  const resHeaders = getter(ResponseProto, "headers");
  const resStatus = getter(ResponseProto, "status");
  const resStatusText = getter(ResponseProto, "statusText");
  const resUrl = getter(ResponseProto, "url");
  const resBody = getter(ResponseProto, "body");
  const resClone = ResponseProto.clone;
  const headersGet = win.Headers.prototype.get;
  const RSProto = win.ReadableStream.prototype;
  const getReader = RSProto.getReader;
  const rsCancel = RSProto.cancel;
  const ReaderProto = win.ReadableStreamDefaultReader.prototype;
  const readerRead = ReaderProto.read;
  const readerCancel = ReaderProto.cancel;
  const readerReleaseLock = ReaderProto.releaseLock;
  const URLCtor = win.URL;
  const hrefOf = getter(URLCtor.prototype, "href");

  /** The page's body stream of an observed response → its stream; readers the page took from it → the same. */
  const byBody: WeakMap<object, Stream> = new WeakMapCtor();
  const byReader: WeakMap<object, Stream> = new WeakMapCtor();

  const rsLocked = getter(RSProto, "locked");
  const readerClosed = getter(ReaderProto, "closed");
  const setTimeoutNative = win.setTimeout;
  /**
   * Did the page's branch close under us? A cancel made inside the streams machinery — `for await` left
   * early, a pipeTo/pipeThrough chain cancelled from its far end — calls no method the hook wraps, but it
   * releases the lock; while the page's body is unlocked, a reader taken and released at once in the same
   * task (the page cannot see it) tells: its `closed` is already settled as fulfilled only for a closed
   * stream. Checked after each chunk of the hook's branch; a branch closed by the end of the body is told
   * apart by waiting one task, in which the hook's own reads reach the end first.
   */
  const probe = (s: Stream) => {
    const body = s.pageBody;
    if (!body || read(rsLocked, body)) return;
    let r: object;
    try {
      r = apply(getReader, body, []) as object;
    } catch {
      return;
    }
    apply(then, read(readerClosed, r), [
      () =>
        apply(setTimeoutNative, win, [
          () => {
            if (s.ended) return;
            end(s, "aborted");
            s.stop();
          },
          0,
        ]),
      () => {},
    ]);
    apply(readerReleaseLock, r, []);
  };

  /** Reads the hook's branch to its end, as fast as it comes. */
  const pump = (s: Stream, reader: object) => {
    const decoder = new TextDecoderCtor();
    const step = (): void => {
      const p = apply(readerRead, reader, []) as Promise<{ done: boolean; value?: Uint8Array }>;
      apply(then, p, [
        (r: { done: boolean; value?: Uint8Array }) => {
          if (s.ended) return;
          if (r.done) {
            chunk(s, apply(decode, decoder, []) as string, 0);
            end(s, "completed");
            return;
          }
          const bytes = read(u8Length, r.value) as number;
          chunk(s, apply(decode, decoder, [r.value, { stream: true }]) as string, bytes);
          if (s.bytes >= OBSERVE_CAP) {
            end(s, "observer-cap");
            s.stop();
            return;
          }
          try {
            probe(s);
          } catch {}
          if (s.ended) return;
          step();
        },
        (e: unknown) => {
          if (s.ended) return;
          // The page's AbortSignal errors both branches with an AbortError; anything else is the network's.
          const name = (() => {
            try {
              return str((e as { name?: unknown }).name);
            } catch {
              return "";
            }
          })();
          end(s, name === "AbortError" ? "aborted" : "network-error", e);
        },
      ]);
    };
    step();
  };

  const observe = (
    response: object,
    method: string,
    requestUrl: string,
    sent: [string, string][],
    at: { wall: number; mono: number },
    abort: ((reason: unknown) => void) | undefined,
  ) => {
    const type = apply(headersGet, read(resHeaders, response), ["content-type"]) as string | null;
    if (!isSse(type)) return;
    let branch: object;
    try {
      branch = apply(resClone, response, []) as object;
    } catch {
      return; // The body was already used or locked (a service worker's response, say): nothing to read.
    }
    const body = read(resBody, branch) as object | null;
    if (body === null) return;
    const reader = apply(getReader, body, []) as object;
    const s: Stream = {
      cid: t.nextCid(),
      ended: false,
      bytes: 0,
      failed: false,
      stop() {
        try {
          apply(then, apply(readerCancel, reader, []), [undefined, () => {}]);
        } catch {}
      },
      ...(abort ? { abort } : {}),
    };
    apply(mapSet, streams, [s.cid, s]);
    const pageBody = read(resBody, response) as object | null;
    if (pageBody) {
      s.pageBody = pageBody;
      apply(wmSet, byBody, [pageBody, s]);
    }
    t.emit({
      kind: "streamOpened",
      cid: s.cid,
      ...t.now(),
      transport: "fetch" as StreamTransport,
      method,
      requestUrl,
      url: read(resUrl, response) as string,
      requestHeaders: sent,
      requestWall: at.wall,
      requestMono: at.mono,
      status: read(resStatus, response) as number,
      statusText: read(resStatusText, response) as string,
      responseHeaders: headerList(read(resHeaders, response)),
      frameUrl: win.location.href,
      readyState: 1,
    });
    pump(s, reader);
  };

  const AbortControllerCtor = win.AbortController;
  const acAbort = AbortControllerCtor.prototype.abort;
  const acSignal = getter(AbortControllerCtor.prototype, "signal");
  const AbortSignalCtor = win.AbortSignal;
  const anySignal = (AbortSignalCtor as unknown as { any?: (s: AbortSignal[]) => AbortSignal }).any;
  const reqSignal = getter(RequestProto, "signal");
  const reqReferrer = getter(RequestProto, "referrer");
  const reqReferrerPolicy = getter(RequestProto, "referrerPolicy");
  const ObjectProto = win.Object.prototype;
  const { create, getPrototypeOf } = Object;
  const isSignal = (x: unknown): boolean => {
    try {
      return typeof (apply(sigAborted, x, []) as unknown) === "boolean";
    } catch {
      return false;
    }
  };
  const sigAborted = getter(AbortSignalCtor.prototype, "aborted");
  /**
   * The init to call the native fetch with so that DevTools' force-close can abort the request: an object
   * whose prototype is the page's init (the native reads every member through it, once, as it would have)
   * with one own member, `signal`: AbortSignal.any of the page's signal (init's, else the Request's) and
   * the hook's. Aborting the hook's with a TypeError errors the body the way a network error does: the page's
   * read(), pipeTo, `for await` and text() all reject with it (Fetch §"abort fetch" errors the body with the
   * signal's reason). Undefined, and the call left untouched, when that could change the request:
   * - init is not a plain object (a Request used as init: its getters need the real object), or its `signal`
   *   is an accessor (it would run twice) or not an AbortSignal (the native throws its own error);
   * - input is a Request with a non-default referrer or referrer policy: a non-empty init resets them
   *   (Fetch §"new Request" step "If init is not empty").
   * Without it, force-close falls back to failing the page's reader (see forceClose).
   */
  const withOurSignal = (
    input: unknown,
    init: unknown,
  ): { init: object; abort(reason: unknown): void } | undefined => {
    try {
      if (typeof anySignal !== "function") return undefined;
      let pageSignal: unknown;
      let isRequest = false;
      try {
        pageSignal = read(reqSignal, input);
        isRequest = true;
      } catch {}
      if (isRequest && (read(reqReferrer, input) !== "about:client" || read(reqReferrerPolicy, input) !== ""))
        return undefined;
      if (init !== undefined) {
        if (init === null || typeof init !== "object") return undefined;
        const proto = getPrototypeOf(init);
        if (proto !== ObjectProto && proto !== null) return undefined;
        const d = getOwnPropertyDescriptor(init, "signal");
        if (d) {
          if (!("value" in d)) return undefined;
          if (d.value === null) pageSignal = undefined;
          else if (d.value !== undefined) {
            if (!isSignal(d.value)) return undefined;
            pageSignal = d.value;
          }
        } else if (proto === ObjectProto && getOwnPropertyDescriptor(ObjectProto, "signal")) return undefined;
      }
      const ctl = new AbortControllerCtor();
      const ours = read(acSignal, ctl) as AbortSignal;
      const signal = pageSignal
        ? (apply(anySignal, AbortSignalCtor, [[pageSignal, ours]]) as AbortSignal)
        : ours;
      const own = create(init === undefined ? null : (init as object)) as { signal?: AbortSignal };
      own.signal = signal;
      return { init: own, abort: (reason) => apply(acAbort, ctl, [reason]) };
    } catch {
      return undefined;
    }
  };

  // Method syntax: like the native, not a constructor and without `prototype`; one declared parameter
  // (fetch.length is 1), init read from `arguments`.
  const fetchWrapper = {
    fetch(this: unknown, input: unknown) {
      // biome-ignore lint/complexity/noArguments: the optional second argument, without declaring it.
      const init: unknown = arguments[1];
      const at = t.now();
      // fetch() rejects with errors whose stack was taken inside this function (bad arguments, "Failed to
      // fetch"): the page's frames below it, taken now, replace ours when it does.
      const below = t.capture(fetchWrapper);
      // biome-ignore lint/complexity/noArguments: fetch() without arguments must throw its own error.
      const own = arguments.length > 0 ? withOurSignal(input, init) : undefined;
      let p: Promise<unknown>;
      try {
        p = (
          own
            ? apply(nativeFetch, this, [input, own.init])
            : // biome-ignore lint/complexity/noArguments: the arguments reach the native fetch untouched.
              apply(nativeFetch, this, arguments)
        ) as Promise<unknown>;
      } catch (e) {
        throw t.hide(e, fetchWrapper);
      }
      // What the request was, read without calling page code: a Request's own getters, or init's data
      // properties (an accessor on init would run a second time if we read it).
      let method = "GET";
      let requestUrl = "";
      let sent: [string, string][] = [];
      try {
        let isRequest = false;
        try {
          method = read(reqMethod, input) as string;
          requestUrl = read(reqUrl, input) as string;
          sent = headerList(read(reqHeaders, input));
          isRequest = true;
        } catch {}
        if (!isRequest) {
          if (typeof input === "string")
            requestUrl = read(hrefOf, new URLCtor(input, win.location.href)) as string;
          else {
            try {
              requestUrl = read(hrefOf, input) as string;
            } catch {}
          }
        }
        const m = dataProp(init, "method");
        if (typeof m === "string") method = normalizeMethod(m);
        const h = dataProp(init, "headers");
        if (h !== undefined) sent = pageHeaders(h);
      } catch {}
      return new PromiseCtor((resolve, fail) => {
        apply(then, p, [
          (response: object) => {
            try {
              observe(response, method, requestUrl, sent, at, own?.abort);
            } catch {}
            resolve(response);
          },
          (e: unknown) => fail(t.hide(e, fetchWrapper, below)),
        ]);
      });
    },
  }.fetch as unknown as typeof fetch;

  /** The page cancelled an observed body, through its reader or the stream: the hook's branch goes too. */
  const pageCancelled = (by: WeakMap<object, Stream>, target: unknown) => {
    const s = apply(wmGet, by, [target]) as Stream | undefined;
    if (s && !s.ended) {
      end(s, "aborted");
      s.stop();
    }
  };
  // Readers and cancels of observed bodies (see the module comment for what is and is not seen).
  const patched = {
    getReader(this: unknown) {
      let r: unknown;
      try {
        // biome-ignore lint/complexity/noArguments: pass through untouched.
        r = apply(getReader, this, arguments);
      } catch (e) {
        throw t.hide(e, patched.getReader);
      }
      try {
        const s = apply(wmGet, byBody, [this]) as Stream | undefined;
        if (s && r && typeof r === "object") {
          apply(wmSet, byReader, [r, s]);
          s.pageReader = r;
        }
      } catch {}
      return r;
    },
    read(this: unknown) {
      const s = apply(wmGet, byReader, [this]) as Stream | undefined;
      // Force-closed without the hook's signal (see withOurSignal): fail it here. With it, the stream itself
      // is errored and the native read rejects with the stored error.
      if (s?.failed && !s.abort) {
        try {
          apply(then, apply(readerCancel, this, []), [undefined, () => {}]);
        } catch {}
        return apply(reject, PromiseCtor, [new TypeErrorCtor("network error")]);
      }
      try {
        // biome-ignore lint/complexity/noArguments: pass through untouched.
        return apply(readerRead, this, arguments);
      } catch (e) {
        throw t.hide(e, patched.read);
      }
    },
    cancel(this: unknown) {
      pageCancelled(byReader, this);
      try {
        // biome-ignore lint/complexity/noArguments: pass through untouched.
        return apply(readerCancel, this, arguments);
      } catch (e) {
        throw t.hide(e, patched.cancel);
      }
    },
    streamCancel(this: unknown) {
      pageCancelled(byBody, this);
      try {
        // biome-ignore lint/complexity/noArguments: pass through untouched.
        return apply(rsCancel, this, arguments);
      } catch (e) {
        throw t.hide(e, patched.streamCancel);
      }
    },
  };
  // Method syntax gives the right `name` except for the stream's cancel, which must be called "cancel".
  const streamCancel = { cancel: patched.streamCancel }.cancel;
  Object.defineProperty(streamCancel, "name", { value: "cancel" });

  // ── XMLHttpRequest ───────────────────────────────────────────────────────────────────────────────────
  const XHRProto = win.XMLHttpRequest.prototype;
  const xhrOpen = XHRProto.open;
  const xhrSetHeader = XHRProto.setRequestHeader;
  const xhrSend = XHRProto.send;
  const xhrAbort = XHRProto.abort;
  const xhrGetHeader = XHRProto.getResponseHeader;
  const xhrAllHeaders = XHRProto.getAllResponseHeaders;
  const xhrReadyState = getter(XHRProto, "readyState");
  const xhrStatus = getter(XHRProto, "status");
  const xhrStatusText = getter(XHRProto, "statusText");
  const xhrResponseURL = getter(XHRProto, "responseURL");
  const xhrResponseType = getter(XHRProto, "responseType");
  const xhrResponseText = getter(XHRProto, "responseText");
  const addListener = t.nativeAddEventListener;
  const evType = getter(win.Event.prototype, "type");
  const strSplit = win.String.prototype.split;
  const strIndexOf = win.String.prototype.indexOf;
  const strTrim = win.String.prototype.trim;

  interface XhrInfo {
    method: string;
    url: string;
    sent: [string, string][];
    stream?: Stream;
    offset: number;
    /** Set by force-close, so the abort it causes is recorded as DevTools'. */
    closing: boolean;
    /** When send() was called. */
    at: { wall: number; mono: number };
  }
  /** The request each XHR is on now (open() makes a new one; a reused XHR keeps one listener of ours). */
  const xhrs: WeakMap<object, XhrInfo> = new WeakMapCtor();
  const listening: WeakMap<object, true> = new WeakMapCtor();

  const parseAllHeaders = (text: string): [string, string][] => {
    const out: [string, string][] = [];
    const lines = apply(strSplit, text, ["\r\n"]) as string[];
    for (let i = 0; i < lines.length && out.length < MAX_HEADERS; i++) {
      const line = lines[i] as string;
      const colon = apply(strIndexOf, line, [":"]) as number;
      if (colon > 0)
        out[out.length] = [
          apply(strSlice, line, [0, colon]) as string,
          apply(strTrim, apply(strSlice, line, [colon + 1]), []) as string,
        ];
    }
    return out;
  };

  const onXhr = (xhr: object) =>
    function (this: unknown, ev: Event): void {
      try {
        const info = apply(wmGet, xhrs, [xhr]) as XhrInfo | undefined;
        if (!info) return;
        const at = info.at;
        const type = read(evType, ev) as string;
        const state = read(xhrReadyState, xhr) as number;
        if (!info.stream && state >= 2 && type !== "loadstart") {
          const ct = apply(xhrGetHeader, xhr, ["content-type"]) as string | null;
          if (!isSse(ct)) return;
          const rt = read(xhrResponseType, xhr) as string;
          if (rt !== "" && rt !== "text") return; // responseText would throw; nothing to read.
          const s: Stream = {
            cid: t.nextCid(),
            ended: false,
            bytes: 0,
            failed: false,
            stop() {
              info.closing = true;
              apply(xhrAbort, xhr, []);
            },
          };
          info.stream = s;
          apply(mapSet, streams, [s.cid, s]);
          t.emit({
            kind: "streamOpened",
            cid: s.cid,
            ...t.now(),
            transport: "xhr" as StreamTransport,
            method: info.method,
            requestUrl: info.url,
            url: read(xhrResponseURL, xhr) as string,
            requestHeaders: info.sent,
            requestWall: at.wall,
            requestMono: at.mono,
            status: read(xhrStatus, xhr) as number,
            statusText: read(xhrStatusText, xhr) as string,
            responseHeaders: parseAllHeaders(apply(xhrAllHeaders, xhr, []) as string),
            frameUrl: win.location.href,
            readyState: 1,
          });
        }
        const s = info.stream;
        if (!s || s.ended) return;
        if (state >= 3 && (type === "progress" || type === "readystatechange" || type === "load")) {
          const all = read(xhrResponseText, xhr) as string;
          if (all.length > info.offset) {
            const text = apply(strSlice, all, [info.offset]) as string;
            info.offset = all.length;
            chunk(s, text, read(u8Length, apply(encode, encoder, [text])) as number);
          }
        }
        if (type === "load") end(s, "completed");
        else if (type === "abort") end(s, info.closing ? "devtools" : "aborted");
        else if (type === "error") end(s, "network-error");
        else if (type === "timeout") end(s, "network-error", { name: "TimeoutError", message: "timeout" });
      } catch {
        // Never throw into the page's event dispatch.
      }
    };

  const xhrPatched = {
    open(this: unknown, method: unknown, url: unknown) {
      try {
        // biome-ignore lint/complexity/noArguments: pass through untouched.
        apply(xhrOpen, this, arguments);
      } catch (e) {
        throw t.hide(e, xhrPatched.open);
      }
      try {
        let href = "";
        try {
          // A URL object through its own getter; a string resolved against the document; nothing else.
          href =
            typeof url === "string"
              ? (read(hrefOf, new URLCtor(url, win.location.href)) as string)
              : (read(hrefOf, url) as string);
        } catch {}
        const info: XhrInfo = {
          method: normalizeMethod(str(method)),
          url: href,
          sent: [],
          offset: 0,
          closing: false,
          at: t.now(),
        };
        // open() on a request in flight ends it without an event (XHR §open() "terminate the fetch").
        const before = apply(wmGet, xhrs, [this]) as XhrInfo | undefined;
        if (before?.stream && !before.stream.ended) end(before.stream, "aborted");
        apply(wmSet, xhrs, [this, info]);
      } catch {}
    },
    setRequestHeader(this: unknown, name: unknown, value: unknown) {
      try {
        // biome-ignore lint/complexity/noArguments: pass through untouched.
        apply(xhrSetHeader, this, arguments);
      } catch (e) {
        throw t.hide(e, xhrPatched.setRequestHeader);
      }
      try {
        const info = apply(wmGet, xhrs, [this]) as XhrInfo | undefined;
        if (info && info.sent.length < MAX_HEADERS) info.sent[info.sent.length] = [str(name), str(value)];
      } catch {}
    },
    send(this: unknown) {
      const info = apply(wmGet, xhrs, [this]) as XhrInfo | undefined;
      if (info && this && typeof this === "object") {
        try {
          if (info.stream && !info.stream.ended) end(info.stream, "aborted");
          info.stream = undefined;
          info.offset = 0;
          info.closing = false;
          info.at = t.now();
          if (!apply(wmGet, listening, [this])) {
            // Added at the first send(), after any listener the page added before it; the native one saved at
            // startup, so no page patch of addEventListener sees it.
            apply(wmSet, listening, [this, true]);
            const listener = onXhr(this);
            const types = ["readystatechange", "progress", "load", "error", "abort", "timeout"];
            for (let i = 0; i < types.length; i++) apply(addListener, this, [types[i], listener]);
          }
        } catch {}
      }
      try {
        // biome-ignore lint/complexity/noArguments: pass through untouched.
        return apply(xhrSend, this, arguments);
      } catch (e) {
        throw t.hide(e, xhrPatched.send);
      }
    },
  };

  const install = (obj: object, key: string, fake: object, real: unknown) => {
    t.disguise(fake, real);
    t.replace(obj, key, fake);
  };
  install(win, "fetch", fetchWrapper, nativeFetch);
  install(RSProto, "getReader", patched.getReader, getReader);
  install(RSProto, "cancel", streamCancel, rsCancel);
  install(ReaderProto, "read", patched.read, readerRead);
  install(ReaderProto, "cancel", patched.cancel, readerCancel);
  install(XHRProto, "open", xhrPatched.open, xhrOpen);
  install(XHRProto, "setRequestHeader", xhrPatched.setRequestHeader, xhrSetHeader);
  install(XHRProto, "send", xhrPatched.send, xhrSend);

  return {
    forceClose(cid) {
      const s = apply(mapGet, streams, [cid]) as Stream | undefined;
      if (!s || s.ended) return false;
      s.failed = true;
      end(s, "devtools");
      if (s.abort) {
        // What a network error in the middle of the body gives the page: TypeError "network error" (Chromium's
        // message; e2e/fetch-transparency.spec.ts compares with a connection the server breaks), without a
        // stack frame of this script. Both branches error, and the request ends at the server.
        const e = new TypeErrorCtor("network error");
        try {
          (e as { stack?: unknown }).stack = "TypeError: network error";
        } catch {}
        s.abort(e);
        return true;
      }
      s.stop();
      // The page's reader: releasing its lock rejects a read the page is waiting on with a TypeError (Streams
      // §4.3 ReadableStreamDefaultReaderRelease); its later reads fail as a network error (patched `read`).
      // Then its branch is cancelled, so with ours the request itself ends.
      try {
        if (s.pageReader) apply(readerReleaseLock, s.pageReader, []);
      } catch {}
      try {
        if (s.pageBody)
          apply(then, apply(rsCancel, s.pageBody, [new TypeErrorCtor("network error")]), [
            undefined,
            () => {},
          ]);
      } catch {}
      return true;
    },
  };
}
