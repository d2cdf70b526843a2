/**
 * The private channel between the page-world hook and the isolated relay, both in the same frame.
 *
 * `window.postMessage` is readable and forgeable by every page script and has broken pages' own message
 * handlers (../shared/notes/sse-facts.md, "Relay"). Instead both sides use DOM CustomEvents on `document`
 * whose name carries a secret: the hook (listed first in the manifest, so it runs first) waits for one
 * bootstrap event; the relay then dispatches it with a fresh random secret. Both happen before the page's
 * first script, so no page script can learn the secret, listen to the channel or write into it.
 * `detail` is structured-cloned across worlds: only plain data crosses.
 */
import { BOOTSTRAP_EVENT } from "../protocol/constants";

export interface ChannelEnd {
  post(message: unknown): void;
  listen(fn: (message: unknown) => void): void;
}

const upName = (secret: string) => `sse-devtools:${secret}:up`;
const downName = (secret: string) => `sse-devtools:${secret}:down`;

export function randomId(bytes = 16): string {
  const a = crypto.getRandomValues(new Uint8Array(bytes));
  let s = "";
  for (const b of a) s += b.toString(16).padStart(2, "0");
  return s;
}

/**
 * Page-world end. Built-ins are saved at call time (before page scripts) so a page that later patches
 * `dispatchEvent`, `CustomEvent` or `detail` cannot see or alter the traffic. `onReady` runs once the relay
 * has handed over the secret; until then `post` drops messages (the caller keeps its own buffer).
 */
export function openHookEnd(doc: Document, onReady: () => void): ChannelEnd & { readonly ready: boolean } {
  const add = EventTarget.prototype.addEventListener;
  const remove = EventTarget.prototype.removeEventListener;
  const dispatch = EventTarget.prototype.dispatchEvent;
  const stop = Event.prototype.stopImmediatePropagation;
  const CustomEventCtor = CustomEvent;
  const detailOf = Object.getOwnPropertyDescriptor(CustomEvent.prototype, "detail")?.get as (
    this: Event,
  ) => unknown;
  const { apply } = Reflect;
  let secret: string | undefined;
  const listeners: ((m: unknown) => void)[] = [];

  const onBootstrap = (ev: Event) => {
    apply(stop, ev, []);
    const d = apply(detailOf, ev, []) as { secret?: unknown } | null;
    if (secret !== undefined || typeof d?.secret !== "string") return;
    // One bootstrap only: a later, forged bootstrap from a page script cannot re-key the channel.
    apply(remove, doc, [BOOTSTRAP_EVENT, onBootstrap, true]);
    secret = d.secret;
    apply(add, doc, [
      downName(secret),
      (e: Event) => {
        apply(stop, e, []);
        const m = apply(detailOf, e, []);
        // An index loop: `for…of` would call Array.prototype[Symbol.iterator], which the page may have patched.
        for (let i = 0; i < listeners.length; i++) (listeners[i] as (m: unknown) => void)(m);
      },
      true,
    ]);
    onReady();
  };
  apply(add, doc, [BOOTSTRAP_EVENT, onBootstrap, true]);

  return {
    get ready() {
      return secret !== undefined;
    },
    post(message) {
      if (secret === undefined) return;
      // A null-prototype init dictionary: the constructor reads `bubbles`, `cancelable` and `composed` from it,
      // and on a plain object those lookups would reach getters a page script defined on Object.prototype,
      // which could read the message or throw out of our flush (WebIDL dictionary conversion uses [[Get]]).
      const init: CustomEventInit = { __proto__: null, detail: message } as CustomEventInit;
      apply(dispatch, doc, [new CustomEventCtor(upName(secret), init)]);
    },
    listen(fn) {
      listeners.push(fn);
    },
  };
}

/** Isolated-world end: makes the secret and hands it to the hook. */
export function openRelayEnd(doc: Document): ChannelEnd {
  const secret = randomId();
  const listeners: ((m: unknown) => void)[] = [];
  doc.addEventListener(
    upName(secret),
    (e) => {
      e.stopImmediatePropagation();
      const m = (e as CustomEvent).detail;
      for (const fn of listeners) fn(m);
    },
    true,
  );
  doc.dispatchEvent(new CustomEvent(BOOTSTRAP_EVENT, { detail: { secret } }));
  return {
    post(message) {
      doc.dispatchEvent(new CustomEvent(downName(secret), { detail: message }));
    },
    listen(fn) {
      listeners.push(fn);
    },
  };
}
