/**
 * The Export menu's and Import button's glue to the browser: the pure builders (src/export/) make the text,
 * this saves it as a file (Blob + `<a download>`) and reads a picked file back.
 */
import { buildExport, type ExportFormat } from "../../src/export/download";
import type { SelectionRequest } from "../../src/export/exporters";
import { fromHar, fromJson, ImportError, type ImportedSession } from "../../src/export/importers";
import { filteredCount, filteredRow } from "../../src/model/filter";
import type { TableRow } from "../../src/model/reducer";
import { t } from "../i18n";
import type { PanelStore } from "./store";

export type ExportScopeChoice = "all" | "connection" | "filtered";

/** The filter in words, written into a filtered JSON export's `source.filter`. */
export function describeFilter(store: PanelStore): string {
  const parts: string[] = [];
  if (store.selectedCid.peek() !== "") parts.push(`connection=${store.selectedCid.peek()}`);
  if (store.filterTypes.peek().length > 0) parts.push(`types=${store.filterTypes.peek().join(",")}`);
  const text = store.filterText.peek();
  if (text.trim() !== "" && store.searchError.peek() === undefined)
    parts.push(store.filterRegex.peek() ? `regex=/${text}/i` : `text=${text.trim()}`);
  if (store.hideHeartbeats.peek()) parts.push("hide-heartbeats");
  if (store.pausedAt.peek() !== undefined) parts.push("paused");
  return parts.join("; ");
}

export function selectionRequest(store: PanelStore, scope: ExportScopeChoice): SelectionRequest | undefined {
  if (scope === "all") return { scope: "all" };
  if (scope === "connection") {
    const cid = store.selectedCid.peek();
    return cid === "" ? undefined : { scope: "connection", cid };
  }
  const state = store.state.peek();
  const view = store.view.peek();
  const rows: TableRow[] = [];
  const n = filteredCount(view);
  // Events the page did not get (the grid's overlay) are not page rows: the export carries them per attempt.
  for (let i = 0; i < n; i++) {
    const row = filteredRow(state, view, i);
    if (row) rows.push(row);
  }
  return { scope: "filtered", rows, filter: describeFilter(store) };
}

/** Saves `text` as a download named `name` (the browser's download settings decide where). */
export function saveFile(name: string, mime: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: mime }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.style.display = "none";
  document.body.append(a);
  a.click();
  a.remove();
  // The download has its own copy once started; the URL only has to outlive the click.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function exportTo(store: PanelStore, scope: ExportScopeChoice, format: ExportFormat): boolean {
  const req = selectionRequest(store, scope);
  if (req === undefined) return false;
  const file = buildExport(store.state.peek(), req, format);
  saveFile(file.name, file.mime, file.text);
  return true;
}

/** A picked file → a session: HAR when it has `log`, else our JSON. Throws ImportError with the reason. */
export function parseImport(name: string, text: string, tabId: number): ImportedSession {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new ImportError(t("importNotJson", (e as Error).message));
  }
  const isHar = typeof doc === "object" && doc !== null && "log" in doc;
  return isHar || /\.har$/i.test(name) ? fromHar(doc, tabId) : fromJson(doc, tabId);
}
