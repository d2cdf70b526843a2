/**
 * What the panel's Export menu saves: one file's text, type and name for a scope × format. Pure (the panel
 * turns it into a Blob and an `<a download>`): the exporters do the work, this picks and names.
 */
import type { PanelState } from "../model/reducer";
import {
  type ExportScope,
  type SelectionRequest,
  selectionFromState,
  toEventStream,
  toHar,
  toJson,
  toNdjson,
} from "./exporters";

export type ExportFormat = "json" | "ndjson" | "eventstream" | "har";
export const EXPORT_FORMATS: readonly ExportFormat[] = ["json", "ndjson", "eventstream", "har"];

export interface ExportFile {
  readonly name: string;
  readonly mime: string;
  readonly text: string;
}

const EXT: Record<ExportFormat, string> = { json: "json", ndjson: "ndjson", eventstream: "txt", har: "har" };
const MIME: Record<ExportFormat, string> = {
  json: "application/json",
  ndjson: "application/x-ndjson",
  // Saved as .txt so that it opens anywhere; the content is a text/event-stream body.
  eventstream: "text/plain",
  har: "application/json",
};

const pad = (n: number) => String(n).padStart(2, "0");

/** Host of a URL for a file name ("" when it is not one); ports kept as "host-port". */
export function hostOf(url: string | undefined): string {
  if (!url) return "";
  try {
    return new URL(url).host.replace(/[^A-Za-z0-9.-]+/g, "-");
  } catch {
    return "";
  }
}

/** `<host>_<YYYY-MM-DD>_<HH-MM-SS>_<scope>.<ext>` in local time; unsafe characters become "-". */
export function exportFileName(host: string, now: Date, scope: string, format: ExportFormat): string {
  const date = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
  const time = `${pad(now.getHours())}-${pad(now.getMinutes())}-${pad(now.getSeconds())}`;
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, "-").slice(0, 80) || "sse";
  return `${safe(host || "sse")}_${date}_${time}_${safe(scope)}.${EXT[format]}`;
}

/**
 * The page the export is from: the top frame's URL of the newest connection that says, else the first
 * connection's own URL.
 */
export function pageUrlOf(state: PanelState): string | undefined {
  let top: string | undefined;
  let any: string | undefined;
  for (const c of state.connections.values()) {
    if (c.url) any ??= c.url;
    if (c.frameId === 0 && c.frameUrl) top = c.frameUrl;
  }
  return top ?? any;
}

/** Several connections' streams as one body: each after a naming comment; ids reset between them. */
export function joinEventStreams(streams: readonly { cid: string; url: string; text: string }[]): string {
  return streams
    .map(
      (s, i) => `${i === 0 ? "" : "id\n\n"}: connection ${s.cid} ${s.url.replace(/[\r\n]/g, " ")}\n${s.text}`,
    )
    .join("");
}

export function buildExport(
  state: PanelState,
  req: SelectionRequest,
  format: ExportFormat,
  now: Date = new Date(),
  pageUrl: string | undefined = pageUrlOf(state),
): ExportFile {
  const sel = selectionFromState(state, req, pageUrl);
  let text: string;
  switch (format) {
    case "json":
      text = `${JSON.stringify(toJson(sel, now), null, 2)}\n`;
      break;
    case "ndjson":
      text = toNdjson(sel);
      break;
    case "eventstream":
      text = joinEventStreams(toEventStream(sel));
      break;
    case "har":
      text = `${JSON.stringify(toHar(sel), null, 2)}\n`;
      break;
  }
  const scope: string = req.scope === "connection" ? req.cid : (req.scope satisfies ExportScope);
  const host = hostOf(pageUrl) || hostOf(sel.records.find((r) => r.kind === "connectionCreated")?.url);
  return { name: exportFileName(host, now, scope, format), mime: MIME[format], text };
}
