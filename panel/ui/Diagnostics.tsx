/**
 * Diagnostics (src/diagnostics): the list, toggled from the status bar like DevTools' drawer; the status
 * bar's button with the total; the count badge on each connection in the sidebar. Messages are `t()` strings;
 * stream data (types, content types) only reaches the screen as text.
 */
import type { Finding, Severity } from "../../src/diagnostics/index";
import { t } from "../i18n";
import type { PanelStore } from "./store";

// Glyphs every DevTools font has (an emoji font is not a given: headless Debian draws ⛔ as a box).
const ICON: Record<Severity, string> = { error: "✖", warning: "⚠", info: "ℹ" };
const severityLabel = (s: Severity) =>
  s === "error" ? t("diagSeverityError") : s === "warning" ? t("diagSeverityWarning") : t("diagSeverityInfo");

/** Status bar: "Issues: N", opens and closes the list. */
export function DiagnosticsToggle({ store }: { store: PanelStore }) {
  const list = store.diagnostics.value;
  const worst = list[0]?.severity;
  const open = store.diagnosticsOpen.value;
  return (
    <button
      type="button"
      class={`diag-toggle${worst ? ` diag-${worst}` : ""}`}
      data-testid="diag-toggle"
      data-count={list.length}
      aria-pressed={open}
      aria-controls="sse-diagnostics"
      title={t("diagToggleTip")}
      onClick={() => {
        store.diagnosticsOpen.value = !open;
      }}
    >
      {worst ? <span aria-hidden="true">{ICON[worst]} </span> : null}
      {t("diagToggle", list.length)}
    </button>
  );
}

/** Sidebar: the number of findings on one connection (nothing when none). */
export function DiagnosticsBadge({ store, cid }: { store: PanelStore; cid: string }) {
  const c = store.diagnosticsByCid.value.get(cid);
  if (!c) return null;
  return (
    <span
      class={`diag-badge diag-${c.worst}`}
      data-testid="connection-diag"
      data-count={c.count}
      title={t("diagBadgeTip", c.count)}
    >
      {ICON[c.worst]} {c.count}
    </span>
  );
}

/** The list, under the panel's main area while open. */
export function DiagnosticsPane({ store }: { store: PanelStore }) {
  if (!store.diagnosticsOpen.value) return null;
  const list = store.diagnostics.value;
  return (
    <section class="diag-pane" id="sse-diagnostics" data-testid="diagnostics" aria-label={t("diagTitle")}>
      <div class="diag-head">
        <span class="diag-title">{t("diagTitle")}</span>
        <span class="grow" />
        <button
          type="button"
          class="diag-close"
          aria-label={t("diagClose")}
          title={t("diagClose")}
          onClick={() => {
            store.diagnosticsOpen.value = false;
          }}
        >
          ×
        </button>
      </div>
      {list.length === 0 ? (
        <div class="diag-empty" data-testid="diag-empty">
          {t("diagEmpty")}
        </div>
      ) : (
        <ul class="diag-list">
          {list.map((f) => (
            <Item key={`${f.code}:${f.cid}:${f.attempt ?? ""}`} store={store} f={f} />
          ))}
        </ul>
      )}
    </section>
  );
}

function Item({ store, f }: { store: PanelStore; f: Finding }) {
  const select = () => {
    store.selectedCid.value = f.cid;
    store.detailOpen.value = true;
  };
  return (
    <li
      class={`diag-item diag-${f.severity}`}
      data-testid="diag"
      data-code={f.code}
      data-severity={f.severity}
      data-cid={f.cid}
      data-attempt={f.attempt}
    >
      <span
        class="diag-icon"
        role="img"
        aria-label={severityLabel(f.severity)}
        title={severityLabel(f.severity)}
      >
        {ICON[f.severity]}
      </span>
      <button type="button" class="diag-conn" title={t("diagConnectionTip", f.n)} onClick={select}>
        #{f.n}
        {f.attempt !== undefined ? ` · ${t("diagAttempt", f.attempt)}` : ""}
      </button>
      <span class="diag-msg" data-testid="diag-message">
        {t(f.key, ...f.subs)}
      </span>
      <a class="diag-spec" href={f.spec} target="_blank" rel="noreferrer" title={t("diagSpecTip")}>
        {t("diagSpec")}
      </a>
    </li>
  );
}
