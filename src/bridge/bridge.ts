import browser, { type Runtime } from "webextension-polyfill";

/**
 * Two-way message plumbing between contexts (after apollo-client-devtools' MessageAdapter /
 * createMessageBridge): each side is an adapter; the bridge forwards what one side delivers to the other,
 * after the receiving side's guard. Anything that fails a guard is dropped, never forwarded.
 */
export interface MessageAdapter<In, Out> {
  post(message: Out): void;
  listen(fn: (message: In) => void): void;
}

export function createMessageBridge<A, B>(
  a: MessageAdapter<unknown, B>,
  b: MessageAdapter<unknown, A>,
  guards: { fromA: (m: unknown) => m is A; fromB: (m: unknown) => m is B },
): void {
  a.listen((m) => {
    if (guards.fromA(m)) b.post(m);
  });
  b.listen((m) => {
    if (guards.fromB(m)) a.post(m);
  });
}

type Port = Runtime.Port;

/**
 * A `runtime.connect` port that connects on first use and again after it was closed, for example when
 * Chrome stopped the idle service worker or the page entered the back/forward cache.
 * `onReconnected` runs after each re-connection so the caller can tell the other side where it stands.
 * `onDisconnected` runs when the open port closes from the other side, for callers that must not wait for
 * their next `post` to reconnect (the panel only listens, so it re-subscribes from there).
 */
export function reconnectingPort(
  name: string,
  opts: { onReconnected?: () => void; onDisconnected?: () => void; connect?: (name: string) => Port } = {},
): MessageAdapter<unknown, unknown> & { readonly connected: boolean; disconnect(): void } {
  const connect = opts.connect ?? ((n: string) => browser.runtime.connect({ name: n }));
  let port: Port | undefined;
  let everConnected = false;
  const listeners: ((m: unknown) => void)[] = [];

  const open = (): Port | undefined => {
    if (port) return port;
    try {
      const p = connect(name);
      p.onMessage.addListener((m: unknown) => {
        for (const fn of listeners) fn(m);
      });
      p.onDisconnect.addListener(() => {
        if (port !== p) return;
        port = undefined;
        opts.onDisconnected?.();
      });
      port = p;
      const again = everConnected;
      everConnected = true;
      if (again) opts.onReconnected?.();
      return p;
    } catch {
      // The extension was reloaded or removed: this context can no longer reach it.
      return undefined;
    }
  };

  return {
    get connected() {
      return port !== undefined;
    },
    post(message) {
      const p = open();
      try {
        p?.postMessage(message);
      } catch {
        port = undefined;
      }
    },
    listen(fn) {
      listeners.push(fn);
    },
    /** Closes the port now; the next `post` opens a new one (and runs `onReconnected`). */
    disconnect() {
      const p = port;
      port = undefined;
      try {
        p?.disconnect();
      } catch {
        // Already closed.
      }
    },
  };
}
