/**
 * Read-only views for end-to-end tests. The table is virtualized, so the DOM holds only the rows on screen;
 * tests that need every row read these instead:
 *
 * - `window.__sseRows`: the rows the table shows now (filters and sidebar selection applied), in order, as
 *   plain `{kind, cid, tabSeq, type, id, data, readyState}`, with full (untruncated) data.
 * - `window.__sseConnections`: the sidebar's connections, in order, as plain
 *   `{cid, url, state, count, lastId, reconnects}`.
 *
 * - `window.__sseAttempts`: every connection's attempts joined with the network record (src/network/view.ts
 *   `PlainAttempt`), rows as shown (comments only while the toolbar shows them).
 * - `window.__sseNetwork`: the tab's network records as held (`PlainNetworkRecord`), one per attempt.
 * - `window.__sseDiagnostics`: the diagnostics found (src/diagnostics `Finding`: code, severity, cid, attempt,
 *   key, subs, spec), as the status bar counts them.
 *
 * All are getters that build fresh copies on each read, so a test cannot change the panel through them.
 */
import type { Finding } from "../../src/diagnostics/index";
import { type PlainConnection, type PlainRow, plainConnections, plainRows } from "../../src/model/plain";
import {
  type PlainAttempt,
  type PlainNetworkRecord,
  plainAttempts,
  plainNetwork,
} from "../../src/network/view";
import type { PanelStore } from "./store";

declare global {
  interface Window {
    readonly __sseRows?: PlainRow[];
    readonly __sseConnections?: PlainConnection[];
    readonly __sseAttempts?: PlainAttempt[];
    readonly __sseNetwork?: PlainNetworkRecord[];
    readonly __sseDiagnostics?: Finding[];
  }
}

export function exposeForTests(win: Window, store: PanelStore): void {
  Object.defineProperty(win, "__sseRows", {
    configurable: true,
    get: () => plainRows(store.state.peek(), store.view.peek()),
  });
  Object.defineProperty(win, "__sseConnections", {
    configurable: true,
    get: () => plainConnections(store.state.peek()),
  });
  Object.defineProperty(win, "__sseAttempts", {
    configurable: true,
    get: () => plainAttempts(store.matched.peek(), store.showComments.peek()),
  });
  Object.defineProperty(win, "__sseDiagnostics", {
    configurable: true,
    get: () => JSON.parse(JSON.stringify(store.diagnostics.peek())) as Finding[],
  });
  Object.defineProperty(win, "__sseNetwork", {
    configurable: true,
    get: () => plainNetwork(store.state.peek().network),
  });
}
