import { DiagnosticsToggle } from "./Diagnostics";
import type { PanelStore } from "./store";

const fmt = (n: number) => n.toLocaleString("en-US");

const LINK_TEXT = {
  connecting: "Connecting to the background…",
  connected: "Live",
  reconnecting: "Background restarted: reconnecting…",
} as const;

/** Bottom bar: what the background could not keep (never hidden when non-zero) and the link's health. */
export function StatusBar({ store }: { store: PanelStore }) {
  const s = store.state.value;
  const { held, evicted, cap, lost } = s.stats;
  const link = store.link.value;
  return (
    <div class="statusbar">
      <span
        data-testid="stats"
        data-lost={lost}
        data-evicted={evicted}
        data-held={held}
        data-cap={cap}
        class={lost > 0 || evicted > 0 ? "warn" : undefined}
      >
        <span>{fmt(held)} records held</span>
        {evicted > 0 ? (
          <span class="warn-item" title="The oldest records of this tab were dropped to stay within the cap">
            ⚠ {fmt(evicted)} records evicted (cap {fmt(cap)})
          </span>
        ) : null}
        {lost > 0 ? (
          <span class="warn-item" title="The page's buffer overflowed before the background received them">
            ⚠ {fmt(lost)} records lost before reaching the background
          </span>
        ) : null}
      </span>
      {s.previousDocs.size > 0 ? (
        <span class="muted" title="Preserve log is on">
          Preserve log: rows of previous pages are kept (marked "prev")
        </span>
      ) : s.navigations > 0 ? (
        <span class="muted" title="Like DevTools with 'Preserve log' off">
          Page navigated: showing the current page only
        </span>
      ) : null}
      <span class="grow" />
      <DiagnosticsToggle store={store} />
      <span class={`link link-${link}`}>
        <span class="dot" aria-hidden="true" />
        {LINK_TEXT[link]}
      </span>
      <span class="muted">tab {s.tabId}</span>
    </div>
  );
}
