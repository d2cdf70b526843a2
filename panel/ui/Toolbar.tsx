import { useEffect, useRef, useState } from "preact/hooks";
import { EXPORT_FORMATS, type ExportFormat } from "../../src/export/download";
import { ImportError } from "../../src/export/importers";
import { filteredCount } from "../../src/model/filter";
import { formatCount as fmt } from "../../src/model/format";
import { logSize } from "../../src/model/log";
import { type MessageKey, t } from "../i18n";
import { type ExportScopeChoice, exportTo, parseImport } from "./exportImport";
import { ImportBanner } from "./ImportBanner";
import type { PanelStore } from "./store";
import { TypeChips } from "./TypeChips";

/** English says "1 row" / "2 rows"; Russian needs no such choice ("строк: 5"): its two keys say the same. */
const plural = (n: number, one: MessageKey, many: MessageKey) => t(n === 1 ? one : many, fmt(n));

/**
 * Top bar, after DevTools' Network toolbar: record/pause, clear, preserve log, text filter with a regex
 * toggle, hide heartbeats, export and import, counts; then the event-name chips; then, while a file is
 * shown, the "imported" banner.
 */
export function Toolbar({ store }: { store: PanelStore }) {
  const totals = store.totals.value;
  const shown = filteredCount(store.view.value);
  const total = logSize(store.state.value.rows);
  const paused = store.pausedAt.value !== undefined;
  const searchError = store.searchError.value;
  const [importError, setImportError] = useState<string | undefined>(undefined);
  const fileInput = useRef<HTMLInputElement>(null);

  async function onFile(input: HTMLInputElement) {
    const file = input.files?.[0];
    input.value = "";
    if (!file) return;
    try {
      const session = parseImport(file.name, await file.text(), store.state.peek().tabId);
      setImportError(undefined);
      store.importSession(session, file.name);
    } catch (e) {
      setImportError(t("importError", file.name, e instanceof ImportError ? e.message : String(e)));
    }
  }

  return (
    <>
      <div class="toolbar" role="toolbar" aria-label={t("toolbarLabel")}>
        <button
          type="button"
          class={`tb-button tb-record${paused ? "" : " recording"}`}
          data-testid="record"
          aria-pressed={!paused}
          title={paused ? t("filterRecordResumeTip") : t("filterRecordPauseTip")}
          aria-label={paused ? t("filterRecordResumeTip") : t("filterRecordPauseTip")}
          disabled={store.imported.value !== undefined}
          onClick={() => store.setPaused(!paused)}
        >
          <svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
            <circle cx="8" cy="8" r="4.5" fill="currentColor" />
          </svg>
        </button>
        <button
          type="button"
          class="tb-button"
          data-testid="clear"
          title={t("toolbarClearTip")}
          aria-label={t("toolbarClear")}
          onClick={() => store.clear()}
        >
          <svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
            <circle cx="8" cy="8" r="5.25" fill="none" stroke="currentColor" stroke-width="1.5" />
            <path d="M4.4 11.6 11.6 4.4" stroke="currentColor" stroke-width="1.5" />
          </svg>
        </button>
        <span class="tb-sep" />
        <span class={`tb-search${searchError !== undefined ? " invalid" : ""}`}>
          <input
            type="search"
            class="tb-filter"
            data-testid="filter-text"
            placeholder={t("toolbarFilter")}
            aria-label={t("toolbarFilterLabel")}
            aria-invalid={searchError !== undefined}
            title={searchError !== undefined ? t("filterRegexInvalid", searchError) : ""}
            spellcheck={false}
            value={store.filterText.value}
            onInput={(e) => {
              store.filterText.value = e.currentTarget.value;
            }}
          />
          <button
            type="button"
            class={`tb-toggle${store.filterRegex.value ? " on" : ""}`}
            data-testid="filter-regex"
            aria-pressed={store.filterRegex.value}
            title={t("filterRegexTip")}
            aria-label={t("filterRegexTip")}
            onClick={() => {
              store.filterRegex.value = !store.filterRegex.peek();
            }}
          >
            .*
          </button>
        </span>
        {searchError !== undefined && (
          <span class="tb-error" data-testid="filter-error" role="alert">
            {t("filterRegexInvalid", searchError)}
          </span>
        )}
        <label class="tb-summary" title={t("filterHideHeartbeatsTip")}>
          <input
            type="checkbox"
            data-testid="hide-heartbeats"
            checked={store.hideHeartbeats.value}
            onChange={(e) => {
              store.hideHeartbeats.value = e.currentTarget.checked;
            }}
          />{" "}
          {t("filterHideHeartbeats")}
        </label>
        <label class="tb-summary" title={t("toolbarPreserveLogTip")}>
          <input
            type="checkbox"
            data-testid="preserve-log"
            checked={store.preserveLog.value}
            onChange={(e) => {
              store.preserveLog.value = e.currentTarget.checked;
            }}
          />{" "}
          {t("toolbarPreserveLog")}
        </label>
        <span class="tb-sep" />
        <ExportMenu store={store} />
        <button
          type="button"
          class="tb-text-button"
          data-testid="import"
          title={t("importTip")}
          onClick={() => fileInput.current?.click()}
        >
          {t("importButton")}
        </button>
        <input
          ref={fileInput}
          type="file"
          hidden
          data-testid="import-file"
          accept=".json,.har,application/json"
          onChange={(e) => void onFile(e.currentTarget)}
        />
        <span class="tb-sep" />
        {paused ? (
          <span class="tb-paused" data-testid="paused-notice" data-new={store.newWhilePaused.value}>
            {t("filterPausedNotice", fmt(store.newWhilePaused.value))}
          </span>
        ) : (
          <span class="tb-summary" data-testid="summary">
            {plural(totals.connections, "toolbarConnectionsOne", "toolbarConnections")} ·{" "}
            {plural(totals.messages, "toolbarMessagesOne", "toolbarMessages")} ·{" "}
            {plural(totals.errors, "toolbarErrorsOne", "toolbarErrors")} ·{" "}
            {plural(totals.reconnects, "toolbarReconnectsOne", "toolbarReconnects")}
          </span>
        )}
        <span class="tb-grow" />
        <span class="tb-summary" title={t("toolbarRowsTip")}>
          {shown === total
            ? plural(total, "toolbarRowsOne", "toolbarRows")
            : t("toolbarRowsShown", fmt(shown), fmt(total))}
        </span>
      </div>
      <TypeChips store={store} />
      {importError !== undefined && (
        <div class="import-error" role="alert" data-testid="import-error">
          {importError}{" "}
          <button type="button" class="tb-text-button" onClick={() => setImportError(undefined)}>
            {t("importDismiss")}
          </button>
        </div>
      )}
      <ImportBanner store={store} />
    </>
  );
}

const FORMAT_LABEL: Record<ExportFormat, () => string> = {
  json: () => t("exportFormatJson"),
  ndjson: () => t("exportFormatNdjson"),
  eventstream: () => t("exportFormatEventStream"),
  har: () => t("exportFormatHar"),
};

/** Export ▾: a scope (all / selected connection / filtered view) and one button per format. */
function ExportMenu({ store }: { store: PanelStore }) {
  const [open, setOpen] = useState(false);
  const [scope, setScope] = useState<ExportScopeChoice>("all");
  const root = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: Event) => {
      if (e instanceof KeyboardEvent ? e.key === "Escape" : !root.current?.contains(e.target as Node))
        setOpen(false);
    };
    document.addEventListener("mousedown", close);
    document.addEventListener("keydown", close);
    return () => {
      document.removeEventListener("mousedown", close);
      document.removeEventListener("keydown", close);
    };
  }, [open]);
  const cid = store.selectedCid.value;
  const shown = filteredCount(store.view.value);
  const scopes: [ExportScopeChoice, string, boolean][] = [
    ["all", t("exportScopeAll"), true],
    ["connection", cid === "" ? t("exportScopeConnectionNone") : t("exportScopeConnection", cid), cid !== ""],
    ["filtered", t("exportScopeFiltered", fmt(shown)), true],
  ];
  const effective = scope === "connection" && cid === "" ? "all" : scope;
  return (
    <span class="tb-menu" ref={root}>
      <button
        type="button"
        class="tb-text-button"
        data-testid="export"
        aria-haspopup="menu"
        aria-expanded={open}
        title={t("exportTip")}
        onClick={() => setOpen(!open)}
      >
        {t("exportButton")} ▾
      </button>
      {open && (
        <div class="tb-popup export-menu" role="menu" data-testid="export-menu">
          <fieldset>
            <legend>{t("exportScope")}</legend>
            {scopes.map(([value, label, enabled]) => (
              <label key={value} class={enabled ? "" : "disabled"}>
                <input
                  type="radio"
                  name="export-scope"
                  data-testid={`export-scope-${value}`}
                  value={value}
                  disabled={!enabled}
                  checked={effective === value}
                  onChange={() => setScope(value)}
                />{" "}
                {label}
              </label>
            ))}
          </fieldset>
          <fieldset>
            <legend>{t("exportFormat")}</legend>
            {EXPORT_FORMATS.map((f) => (
              <button
                key={f}
                type="button"
                role="menuitem"
                class="tb-text-button"
                data-testid={`export-${f}`}
                onClick={() => {
                  if (exportTo(store, effective, f)) setOpen(false);
                }}
              >
                {FORMAT_LABEL[f]()}
              </button>
            ))}
          </fieldset>
        </div>
      )}
    </span>
  );
}
