/**
 * Right-hand pane: the selected row in full (data unabridged, every field of its record) and its
 * connection's story; or, with no row selected, the connection chosen in the sidebar. Everything from the
 * page is rendered as text nodes only: event data is untrusted.
 */
import type { ComponentChildren } from "preact";
import {
  describeMarker,
  describeRow,
  formatMs,
  formatTime,
  inferredLastEventIdHeader,
  KIND_LABEL,
  listenedTypes,
  readyStateName,
  stateExplanation,
  stateLabel,
} from "../../src/model/format";
import type { ConnectionSummary, MarkerRow, ReadyState, Row } from "../../src/model/reducer";
import { Attempts } from "./Attempts";
import type { PanelStore } from "./store";

/** Pretty-printing very large JSON would stall the panel; beyond this, show the raw text only. */
const PRETTY_MAX_CHARS = 1_000_000;

export function DetailPane({ store }: { store: PanelStore }) {
  const selected = store.selectedRow.value;
  if (selected?.marker)
    return <MarkerDetail row={selected} onClose={() => (store.selected.value = undefined)} />;
  const row = selected;
  const cid = row?.rec.cid ?? store.selectedCid.value;
  const conn = cid === "" ? undefined : store.state.value.connections.get(cid);
  if (!row && !conn) return null;
  return (
    <aside class="detail" aria-label="Details">
      <div class="detail-head">
        <span class="detail-title">
          {row
            ? `${KIND_LABEL[row.rec.kind]} · #${row.n} · tabSeq ${row.rec.tabSeq}`
            : `Connection #${conn?.n}`}
        </span>
        <button
          type="button"
          class="tb-button"
          title="Close"
          aria-label="Close details"
          onClick={() => {
            if (row) store.selected.value = undefined;
            else store.selectedCid.value = "";
          }}
        >
          ×
        </button>
      </div>
      <div class="detail-body">
        {row ? <RowDetail row={row} /> : null}
        {conn ? <ConnectionDetail c={conn} /> : null}
        {conn ? <Attempts store={store} cid={conn.cid} /> : null}
      </div>
    </aside>
  );
}

/** A marker row selected: what is missing or replaced there, in words and fields. */
function MarkerDetail({ row, onClose }: { row: MarkerRow; onClose: () => void }) {
  const m = row.marker;
  return (
    <aside class="detail" aria-label="Details">
      <div class="detail-head">
        <span class="detail-title">{m.kind === "recordsLost" ? "Records lost" : "Page replaced"}</span>
        <button type="button" class="tb-button" title="Close" aria-label="Close details" onClick={onClose}>
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

function prettyJson(data: string): string | undefined {
  if (data.length > PRETTY_MAX_CHARS || !/^\s*[[{]/.test(data)) return undefined;
  try {
    return JSON.stringify(JSON.parse(data), null, 2);
  } catch {
    return undefined;
  }
}

function RowDetail({ row }: { row: Row }) {
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
  const pretty = r.kind === "eventReceived" ? prettyJson(r.data) : undefined;
  return (
    <>
      {r.kind === "eventReceived" ? (
        <Section title="Data">
          <pre class="data">{r.data}</pre>
          {pretty !== undefined && pretty !== r.data ? (
            <details class="pretty">
              <summary>Formatted JSON</summary>
              <pre class="data">{pretty}</pre>
            </details>
          ) : null}
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
