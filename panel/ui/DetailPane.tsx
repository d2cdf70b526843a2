/**
 * Right-hand pane: the selected row in full (data unabridged, every field of its record) and its
 * connection's story; or, with no row selected, the connection chosen in the sidebar. Everything from the
 * page is rendered as text nodes only: event data is untrusted.
 */
import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import {
  describeMarker,
  describeRow,
  formatMs,
  formatTime,
  inferredLastEventIdHeader,
  KIND_LABEL,
  listenedTypes,
  readyStateName,
  shortUrl,
  stateExplanation,
  stateLabel,
} from "../../src/model/format";
import { parseJsonTree, prettyJson } from "../../src/model/jsonTree";
import type { ConnectionSummary, MarkerRow, ReadyState, Row } from "../../src/model/reducer";
import { formatBytes, utf8Length } from "../../src/model/stats";
import { t } from "../i18n";
import { Attempts } from "./Attempts";
import { ConnectionActions } from "./ConnectionActions";
import { copyText } from "./clipboard";
import { JsonTree } from "./JsonTree";
import type { PanelStore } from "./store";

type CopyItem = [what: string, label: string, text: () => string];

/**
 * Copy buttons; the one clicked says "Copied" (or that copying failed) for a moment. Test contract:
 * `[data-testid=copy-<what>]`, with `data-copied` "yes"/"no" after a click.
 */
function CopyBar({ items }: { items: CopyItem[] }) {
  const [done, setDone] = useState<{ what: string; ok: boolean } | undefined>(undefined);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  return (
    <div class="copy-bar" role="toolbar" aria-label={t("layoutCopyBar")}>
      {items.map(([what, label, text]) => (
        <button
          key={what}
          type="button"
          class="copy-button"
          data-testid={`copy-${what}`}
          data-copied={done?.what === what ? (done.ok ? "yes" : "no") : undefined}
          onClick={() => {
            void copyText(text()).then((ok) => {
              setDone({ what, ok });
              clearTimeout(timer.current);
              timer.current = setTimeout(() => setDone(undefined), 1500);
            });
          }}
        >
          {done?.what === what ? (done.ok ? t("layoutCopied") : t("layoutCopyFailed")) : label}
        </button>
      ))}
      <span class="copy-status" role="status" aria-live="polite">
        {done === undefined ? "" : done.ok ? t("layoutCopied") : t("layoutCopyFailed")}
      </span>
    </div>
  );
}

/** Whether the detail pane has something to show and is open (App adds its splitter only then). */
export function detailShown(store: PanelStore): boolean {
  if (!store.detailOpen.value) return false;
  if (store.selectedRow.value !== undefined) return true;
  const cid = store.selectedCid.value;
  return cid !== "" && store.state.value.connections.has(cid);
}

/**
 * The pane, `width` px wide (App's splitter sets it). Esc (App) closes it, as its × does; closing
 * keeps the selection (the row stays highlighted, Enter opens it again), as in DevTools' Network panel.
 */
export function DetailPane({ store, width }: { store: PanelStore; width: number }) {
  if (!detailShown(store)) return null;
  const close = () => {
    store.detailOpen.value = false;
  };
  const selected = store.selectedRow.value;
  if (selected?.marker) return <MarkerDetail row={selected} width={width} onClose={close} />;
  const row = selected;
  const cid = row?.rec.cid ?? store.selectedCid.value;
  const conn = cid === "" ? undefined : store.state.value.connections.get(cid);
  if (!row && !conn) return null;
  return (
    <aside
      class="detail"
      id="sse-detail"
      aria-label="Details"
      data-testid="detail"
      style={{ width: `${width}px` }}
    >
      <div class="detail-head">
        <span class="detail-title">
          {row
            ? `${KIND_LABEL[row.rec.kind]} · #${row.n} · tabSeq ${row.rec.tabSeq}`
            : `#${conn?.n} · ${shortUrl(conn?.url ?? "")}`}
        </span>
        <button
          type="button"
          class="tb-button"
          title={t("layoutCloseDetail")}
          aria-label={t("layoutCloseDetail")}
          data-testid="detail-close"
          onClick={close}
        >
          ×
        </button>
      </div>
      <div class="detail-body">
        {row ? <RowDetail row={row} url={conn?.url ?? ""} /> : null}
        {conn ? <ConnectionActions store={store} c={conn} /> : null}
        {conn ? <ConnectionDetail c={conn} /> : null}
        {conn ? <Attempts store={store} cid={conn.cid} /> : null}
      </div>
    </aside>
  );
}

/** A marker row selected: what is missing or replaced there, in words and fields. */
function MarkerDetail({ row, width, onClose }: { row: MarkerRow; width: number; onClose: () => void }) {
  const m = row.marker;
  return (
    <aside
      class="detail"
      id="sse-detail"
      aria-label="Details"
      data-testid="detail"
      style={{ width: `${width}px` }}
    >
      <div class="detail-head">
        <span class="detail-title">{m.kind === "recordsLost" ? "Records lost" : "Page replaced"}</span>
        <button
          type="button"
          class="tb-button"
          title={t("layoutCloseDetail")}
          aria-label={t("layoutCloseDetail")}
          data-testid="detail-close"
          onClick={onClose}
        >
          ×
        </button>
      </div>
      <div class="detail-body">
        <Section title="Marker">
          <Fields
            rows={[
              ["Summary", describeMarker(m)],
              ["At", formatTime(m.wall)],
              ...Object.entries(m).map(([k, v]): [string, string] => [
                k,
                typeof v === "string" ? v : JSON.stringify(v),
              ]),
            ]}
          />
        </Section>
      </div>
    </aside>
  );
}

function Section(props: { title: string; children: ComponentChildren }) {
  return (
    <section class="section">
      <h3>{props.title}</h3>
      {props.children}
    </section>
  );
}

function Fields(props: { rows: [string, ComponentChildren, string?][] }) {
  return (
    <dl class="fields">
      {props.rows.map(([k, v, tip]) => (
        <div key={k} title={tip}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

const rs = (n: ReadyState) => `${n} (${readyStateName(n)})`;

/** A record field's value in words: readyStates named, times readable, the rest as text. */
function fieldValue(key: string, value: unknown): string {
  if ((key === "readyState" || key === "previousReadyState") && (value === 0 || value === 1 || value === 2))
    return rs(value);
  if (key === "wall" && typeof value === "number")
    return `${formatTime(value)} (${new Date(value).toISOString()})`;
  if (key === "data" && typeof value === "string")
    return `${value.length.toLocaleString("en-US")} characters`;
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

function RowDetail({ row, url }: { row: Row; url: string }) {
  const r = row.rec;
  const derived: [string, ComponentChildren, string?][] = [["Summary", describeRow(row)]];
  if (row.gapMs !== undefined)
    derived.push([
      "Observed gap",
      formatMs(row.gapMs),
      "From the error that started reconnecting to this open. It includes the server's retry: delay, which the page cannot see, and the time the attempt took.",
    ]);
  if (row.connectMs !== undefined) derived.push(["Since created", formatMs(row.connectMs)]);
  if (row.willSendLastEventId !== undefined)
    derived.push([
      "Last-Event-ID on reconnect",
      row.willSendLastEventId === "" ? "none (no id seen yet)" : row.willSendLastEventId,
      "Inferred from the page side: the last lastEventId the page saw.",
    ]);
  if (row.synthetic) derived.push(["Synthetic", "dispatched by a page script, not by the browser"]);
  const tree = r.kind === "eventReceived" ? parseJsonTree(r.data) : undefined;
  return (
    <>
      {r.kind === "eventReceived" ? (
        <Section title={t("layoutDataTitle", formatBytes(utf8Length(r.data)))}>
          <CopyBar
            items={[
              ["data", t("layoutCopyData"), () => r.data],
              ...(tree === undefined
                ? []
                : [["json", t("layoutCopyJson"), () => prettyJson(r.data) ?? r.data] as CopyItem]),
              ["id", t("layoutCopyId"), () => r.lastEventId],
              ["url", t("layoutCopyUrl"), () => url],
            ]}
          />
          <pre class="data">{r.data}</pre>
          {tree !== undefined ? <JsonTree value={tree} /> : null}
        </Section>
      ) : null}
      <Section title="Record">
        <Fields
          rows={[...derived, ...Object.entries(r).map(([k, v]): [string, string] => [k, fieldValue(k, v)])]}
        />
      </Section>
    </>
  );
}

function ConnectionDetail({ c }: { c: ConnectionSummary }) {
  const header = inferredLastEventIdHeader(c);
  const fields: [string, ComponentChildren, string?][] = [
    ["URL", c.url || "unknown (created before the oldest record held)"],
    ["State", `${stateLabel(c)}: ${stateExplanation(c)}`],
    ["readyState", rs(c.readyState)],
    [
      "withCredentials",
      c.withCredentials === undefined ? "unknown" : String(c.withCredentials),
      "new EventSource(url, { withCredentials: true }) sends cookies cross-origin",
    ],
    ["Created", c.createdAt === undefined ? "unknown" : formatTime(c.createdAt)],
    ["Frame", c.frameUrl || "unknown", `frameId ${c.frameId}, document ${c.docId}`],
    ["Messages", String(c.messages)],
    ["Errors", String(c.errors)],
    ["Reconnects", String(c.reconnects)],
    [
      "Last observed gap",
      c.lastGapMs === undefined ? "—" : formatMs(c.lastGapMs),
      "Error → next open, as seen by the page. Not the server's retry: value (the page cannot see it).",
    ],
    ["Last event id", c.lastEventId === "" ? "none" : c.lastEventId, "eventSource.lastEventId"],
    [
      "Last-Event-ID to send",
      header === undefined
        ? c.state === "closed"
          ? "none: a closed EventSource never reconnects"
          : `sent only when reconnecting${c.lastEventId === "" ? "" : ` (would be ${c.lastEventId})`}`
        : header === ""
          ? "none (no id seen yet)"
          : header,
      "Inferred from the page side: an id: on an event nobody listens for, or in a block without data, changes it unseen.",
    ],
    ["Event types received", c.typesSeen.join(", ") || "none"],
    [
      "Listening for",
      listenedTypes(c).join(", "),
      "open, message and error are always captured (onopen/onmessage/onerror or addEventListener); other types once the page calls addEventListener for them. Events of types nobody listens for are invisible to the page.",
    ],
    ["cid", c.cid],
  ];
  return (
    <Section title={`Connection #${c.n}`}>
      <Fields rows={fields} />
    </Section>
  );
}
