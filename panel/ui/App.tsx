import { t } from "../i18n";
import { DetailPane } from "./DetailPane";
import { RowTable } from "./RowTable";
import { Sidebar } from "./Sidebar";
import { StatusBar } from "./StatusBar";
import type { PanelStore } from "./store";
import { Toolbar } from "./Toolbar";

/** The panel: toolbar, then connections | records | details, then the status bar. */
export function App({ store }: { store: PanelStore }) {
  return (
    <div class="panel">
      <Toolbar store={store} />
      <div class="main">
        <Sidebar store={store} />
        <RowTable store={store} />
        <DetailPane store={store} />
      </div>
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
          Open this panel from DevTools (the <b>SSE</b> tab), or open <code>panel.html?tabId=N</code> for the
          tab with id N.
        </p>
      </div>
    </div>
  );
}
