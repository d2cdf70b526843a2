/**
 * Shared pieces of `npm run bench`: statistics, the panel page's instrumentation, reading the page's private
 * channel, JS heap sizes over CDP.
 */
import os from "node:os";
import type { Page } from "@playwright/test";
import type { Launched } from "../e2e/helpers/browser";
import { BrowserCdp, callExpression } from "../e2e/helpers/devtools";
import { waitFor } from "../e2e/helpers/wait";

export const median = (xs: number[]) => quantile(xs, 0.5);

/** Nearest-rank quantile (q in 0..1) of `xs`; NaN when empty. */
export function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = Float64Array.from(xs).sort();
  const rank = Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1));
  return s[rank] as number;
}

export const round = (x: number, digits = 1) => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

/** Load average now (1, 5, 15 min): other engineers' builds and tests may share the 2 cores. */
export const load = () => os.loadavg().map((x) => round(x, 2));

/** `page.evaluate` of a function with an argument, safe under tsx's keepNames (see callExpression). */
export const evaluate = <R, A>(page: Page, fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R> =>
  page.evaluate(callExpression(fn, arg)) as Promise<R>;

/**
 * Instrumentation for the panel page, installed with `page.addInitScript` before the panel's own scripts.
 * It is ours, not the panel's: the panel is unchanged.
 *
 * - Adds one listener of its own to the panel's "sse-panel" port (wrapping `runtime.connect`, registered
 *   before the panel's, so it sees each message first): counts records and events, keeps the background's
 *   latest `stats` and the largest `held` seen, and for events whose data is `L,<seq>,<send wall ms>,…` (the
 *   paced stream) the delay from the server's write to (a) the message reaching the panel and (b) the next
 *   animation frame after it (the panel renders in the same task, so that frame shows the row). Per event
 *   the cost is one character test, plus a split for latency events: at 5 000 events/s that is far below the
 *   panel's own work on the same message.
 * - A MutationObserver stamps when the first table row enters the DOM, and the animation frame after it
 *   (ms since the panel page's navigation start).
 */
export const PANEL_TAP = `(() => {
  if (window.__bench) return;
  const B = (window.__bench = {
    tapped: 0, messages: 0, records: 0, events: 0, stats: null, maxHeld: 0, replayRecords: -1,
    replayAt: -1, toPort: [], toFrame: [], firstRowAt: -1, firstRowFrameAt: -1,
  });
  const wall = () => performance.timeOrigin + performance.now();
  let pending = [];
  const frame = () => {
    const at = wall();
    for (const t of pending) B.toFrame.push(at - t);
    pending = [];
  };
  const seen = new WeakSet();
  const tap = (port) => {
    if (!port || seen.has(port)) return;
    seen.add(port);
    B.tapped++;
    port.onMessage.addListener((m) => {
      const at = wall();
      if (!m || (m.kind !== "recordsAppended" && m.kind !== "sessionReplayed")) return;
      B.messages++;
      if (m.stats) { B.stats = m.stats; if (m.stats.held > B.maxHeld) B.maxHeld = m.stats.held; }
      const rs = m.records || [];
      if (m.kind === "sessionReplayed" && B.replayRecords < 0) { B.replayRecords = rs.length; B.replayAt = performance.now(); }
      B.records += rs.length;
      const hadPending = pending.length > 0;
      for (let i = 0; i < rs.length; i++) {
        const r = rs[i];
        if (r.kind !== "eventReceived") continue;
        B.events++;
        const d = r.data;
        if (d.charCodeAt(0) === 76 && d.charCodeAt(1) === 44) {
          const sentAt = Number(d.split(",", 3)[2]);
          B.toPort.push(at - sentAt);
          pending.push(sentAt);
        }
      }
      if (!hadPending && pending.length > 0) requestAnimationFrame(frame);
    });
  };
  const patch = (ns) => {
    const rt = ns && ns.runtime;
    if (!rt || typeof rt.connect !== "function" || rt.connect.__benchTap) return;
    const orig = rt.connect;
    const wrapped = function (...args) {
      const port = orig.apply(this, args);
      try { if (port && port.name === "sse-panel") tap(port); } catch {}
      return port;
    };
    wrapped.__benchTap = true;
    try { rt.connect = wrapped; } catch {}
  };
  patch(globalThis.chrome);
  patch(globalThis.browser);
  const mo = new MutationObserver(() => {
    if (B.firstRowAt >= 0 || !document.querySelector("[data-testid=row]")) return;
    B.firstRowAt = performance.now();
    mo.disconnect();
    requestAnimationFrame(() => { B.firstRowFrameAt = performance.now(); });
  });
  mo.observe(document, { childList: true, subtree: true });
})();`;

export interface PanelTap {
  tapped: number;
  messages: number;
  records: number;
  events: number;
  stats: { held: number; evicted: number; lost: number; cap: number } | null;
  maxHeld: number;
  replayRecords: number;
  replayAt: number;
  firstRowAt: number;
  firstRowFrameAt: number;
}

/** The tap's counters (not its latency arrays, which can be large). */
export const readTap = (panel: Page): Promise<PanelTap> =>
  evaluate(panel, () => {
    const {
      toPort: _a,
      toFrame: _b,
      ...rest
    } = (window as unknown as { __bench: PanelTap & object }).__bench as PanelTap & {
      toPort: unknown;
      toFrame: unknown;
    };
    return rest;
  });

/** Opens `panel.html?tabId=N` as a tab with the tap installed (no DevTools: see the README section). */
export async function openTappedPanel(launched: Launched, tabId: number, spare?: Page): Promise<Page> {
  // A `spare` page opened earlier: Playwright's newPage() has hung while the extension's worker was busy or
  // restarting (e2e/helpers/panel.ts says the same).
  const page = spare ?? (await launched.context.newPage());
  // In front, as a panel in an open DevTools window is: Chromium freezes a background tab that keeps the CPU
  // busy (measured here: a panel tab following a 200 000-event burst from behind another tab stopped running
  // tasks, so every evaluate waited forever with the CPU idle — the "hang" this bench used to report).
  await page.bringToFront();
  await page.addInitScript({ content: PANEL_TAP });
  await page.goto(`chrome-extension://${launched.extensionId}/panel/panel.html?tabId=${tabId}`);
  await waitFor(
    () => evaluate(page, () => (window as unknown as { __bench?: { tapped: number } }).__bench?.tapped),
    {
      timeout: 30_000,
      message: "the panel to open its port (the bench's tap on runtime.connect)",
    },
  );
  return page;
}

/** The page's private channel as the hook reports its buffer: see `tapChannel`. */
export interface ChannelTap {
  /** Batches the hook posted. */
  batches: number;
  /** Records the document numbered so far (= next seq). */
  produced: number;
  /** Largest number of records the hook's buffer held at a flush (next seq − oldestSeq). */
  maxHeld: number;
  /** Largest characters of event data those held records carried. */
  maxChars: number;
}

/**
 * Listens, in the bench page's own world, to the hook's batches on the private channel. Its event name
 * carries a secret only the hook and the relay know; the bench reads it with CDP
 * `DOMDebugger.getEventListeners` on `document` (the hook's listener for the other direction, same secret),
 * which no page script can do. Each batch says `oldestSeq` (the buffer's oldest record) and ends at the next seq, so the buffer's
 * size at each flush is exact; its characters are summed from the records seen (each record is sent once
 * unless the background asks for a resend).
 */
export async function tapChannel(launched: Launched, page: Page): Promise<void> {
  const s = await launched.context.newCDPSession(page);
  try {
    const { result } = await s.send("Runtime.evaluate", { expression: "document" });
    const { listeners } = await s.send("DOMDebugger.getEventListeners", {
      objectId: result.objectId as string,
    });
    // Only this world's listeners are listed: the hook's own ":down" one carries the same secret.
    const down = listeners.map((l) => l.type).find((t) => /^sse-devtools:.*:down$/.test(t));
    const up = down?.replace(/:down$/, ":up");
    if (!up) throw new Error(`no channel listener on document (${listeners.map((l) => l.type).join(", ")})`);
    await evaluate(
      page,
      (name: string) => {
        const T = { batches: 0, produced: 0, maxHeld: 0, maxChars: 0 };
        (window as unknown as { __channel: typeof T }).__channel = T;
        const lens = new Map<number, number>();
        let chars = 0;
        window.addEventListener(
          name,
          (e) => {
            // The wire form of src/protocol/wire.ts: an event row is [0, cid, wall, mono, type, data, …].
            const m = (e as CustomEvent).detail as { fromSeq: number; oldestSeq: number; rows: unknown[][] };
            if (!m || !Array.isArray(m.rows)) return;
            T.batches++;
            for (let i = 0; i < m.rows.length; i++) {
              const seq = m.fromSeq + i;
              if (lens.has(seq)) continue;
              const row = m.rows[i] as unknown[];
              const n = row[0] === 0 ? String(row[5]).length : 0;
              lens.set(seq, n);
              chars += n;
            }
            const next = m.fromSeq + m.rows.length;
            T.produced = Math.max(T.produced, next);
            for (const [seq, n] of lens) {
              if (seq >= m.oldestSeq) break;
              lens.delete(seq);
              chars -= n;
            }
            T.maxHeld = Math.max(T.maxHeld, next - m.oldestSeq);
            T.maxChars = Math.max(T.maxChars, chars);
          },
          true,
        );
      },
      up,
    );
  } finally {
    await s.detach().catch(() => {});
  }
}

export const readChannel = (page: Page): Promise<ChannelTap> =>
  evaluate(page, () => (window as unknown as { __channel: ChannelTap }).__channel);

/** `p`, or a rejection after `ms`: a CDP call to a busy target has no timeout of its own. */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** JS heap (CDP `Runtime.getHeapUsage` after `HeapProfiler.collectGarbage`) of a page, bytes. */
export async function pageHeap(launched: Launched, page: Page): Promise<number> {
  const s = await launched.context.newCDPSession(page);
  try {
    await s.send("HeapProfiler.collectGarbage");
    return (await s.send("Runtime.getHeapUsage")).usedSize;
  } finally {
    await s.detach().catch(() => {});
  }
}

/** The same for the extension's service worker (a browser-level CDP session attached to its target). */
export async function serviceWorkerHeap(launched: Launched): Promise<number> {
  const cdp = await BrowserCdp.connect(launched.context);
  try {
    const prefix = `chrome-extension://${launched.extensionId}/`;
    const t = (await cdp.targets()).find((x) => x.type === "service_worker" && x.url.startsWith(prefix));
    if (!t) throw new Error("no service worker target");
    const s = await cdp.attach(t.targetId);
    await s.send("HeapProfiler.collectGarbage");
    const r = await s.send<{ usedSize: number }>("Runtime.getHeapUsage");
    await s.detach();
    return r.usedSize;
  } finally {
    await cdp.dispose();
  }
}

/**
 * Waits until `read()` reaches `target`, or stops growing for `stallMs` (then returns what it got): "the
 * panel received everything" or "it never will" — a condition, not a sleep.
 */
export async function waitForCount(
  read: () => Promise<number>,
  target: number,
  opts: { stallMs?: number; timeout?: number; message: string },
): Promise<number> {
  const stallMs = opts.stallMs ?? 10_000;
  let last = -1;
  let since = Date.now();
  return waitFor(
    async () => {
      // A read that gets no answer counts as no progress (the stall limit then ends the wait).
      const n = await withTimeout(read(), 20_000, opts.message).catch(() => Math.max(0, last));
      if (n >= target) return { n };
      if (n !== last) {
        last = n;
        since = Date.now();
      } else if (Date.now() - since > stallMs) return { n };
      return undefined;
    },
    { timeout: opts.timeout ?? 600_000, interval: 200, message: opts.message },
  ).then((r) => r.n);
}
