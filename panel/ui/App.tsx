import { useSignal } from "@preact/signals";
import { useEffect, useLayoutEffect, useRef } from "preact/hooks";
import { clampWidth, DETAIL_MIN, maxSideWidth, SIDEBAR_MIN } from "../../src/model/layout";
import { t } from "../i18n";
import { DetailPane, detailShown } from "./DetailPane";
import { DiagnosticsPane } from "./Diagnostics";
import { RowTable } from "./RowTable";
import { Sidebar } from "./Sidebar";
import { Splitter } from "./Splitter";
import { StatusBar } from "./StatusBar";
import { SLOT, withNodes } from "./slots";
import type { PanelStore } from "./store";
import { Timeline } from "./Timeline";
import { Toolbar } from "./Toolbar";

/**
 * The panel: toolbar, then connections | records | details with a drag handle between each (DevTools'
 * split widgets: widths clamped so the grid keeps room, remembered per browser by main.tsx), then the status
 * bar. Esc anywhere outside a text field closes the detail pane.
 */
export function App({ store }: { store: PanelStore }) {
  const main = useRef<HTMLDivElement>(null);
  const mainWidth = useSignal(1200);
  useLayoutEffect(() => {
    const el = main.current;
    if (!el) return;
    const ro = new ResizeObserver(() => {
      mainWidth.value = el.clientWidth;
    });
    ro.observe(el);
    mainWidth.value = el.clientWidth;
    return () => ro.disconnect();
  }, []);
  // Esc closes the detail pane from anywhere but a text field (where Esc belongs to the field). Not gated on
  // defaultPrevented: inside DevTools a real Esc reaches the panel already default-prevented (measured, the
  // e2e layout spec; DevTools keeps Esc for its drawer).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const el = e.target as HTMLElement | null;
      if (e.key !== "Escape" || el?.closest?.("input, textarea, select")) return;
      store.detailOpen.value = false;
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [store]);
  const total = mainWidth.value;
  const showDetail = detailShown(store);
  const sidebarMax = maxSideWidth(total, showDetail ? DETAIL_MIN : 0);
  const sidebar = clampWidth(store.sidebarWidth.value, SIDEBAR_MIN, sidebarMax);
  const detailMax = maxSideWidth(total, sidebar);
  const detail = clampWidth(store.detailWidth.value, DETAIL_MIN, detailMax);
  return (
    <div class="panel">
      <Toolbar store={store} />
      <div class="main" ref={main}>
        <Sidebar store={store} width={sidebar} />
        <Splitter
          value={store.sidebarWidth}
          min={SIDEBAR_MIN}
          max={sidebarMax}
          grow={1}
          label={t("layoutResizeSidebar")}
          testid="split-sidebar"
          controls="sse-sidebar"
        />
        <div class="grid-col">
          <Timeline store={store} />
          <RowTable store={store} />
        </div>
        {showDetail ? (
          <Splitter
            value={store.detailWidth}
            min={DETAIL_MIN}
            max={detailMax}
            grow={-1}
            label={t("layoutResizeDetail")}
            testid="split-detail"
            controls="sse-detail"
          />
        ) : null}
        <DetailPane store={store} width={detail} />
      </div>
      <DiagnosticsPane store={store} />
      <StatusBar store={store} />
    </div>
  );
}

/** Shown instead of the panel when there is no tab to inspect (opened as a plain page without ?tabId=N). */
export function NoTab() {
  return (
    <div class="panel">
      <div class="empty">
        <p>{t("panelNoTab")}</p>
        <p class="hint">
          {withNodes(t("panelNoTabHint", SLOT, SLOT), <b>SSE</b>, <code>panel.html?tabId=N</code>)}
        </p>
      </div>
    </div>
  );
}
