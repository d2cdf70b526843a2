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
  formatCount,
  formatMs,
  formatTime,
  inferredLastEventIdHeader,
  kindLabel,
  listenedTypes,
  readyStateName,
  shortUrl,
  stateExplanation,
  stateLabel,
  stateText,
} from "../../src/model/format";
import { parseJsonTree, prettyJson } from "../../src/model/jsonTree";
import type { ConnectionSummary, MarkerRow, ReadyState, Row, StreamInfo } from "../../src/model/reducer";
import { formatBytes, utf8Length } from "../../src/model/stats";
import type { NotDeliveredRow } from "../../src/model/undelivered";
import { t } from "../i18n";
import { Attempts } from "./Attempts";
import { ConnectionActions } from "./ConnectionActions";
import { copyText } from "./clipboard";
import { JsonTree } from "./JsonTree";
import { notDeliveredReason } from "./RowTable";
import type { PanelStore } from "./store";
import { Transcript } from "./Transcript";

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
  if (store.selectedNotDelivered.value !== undefined) return true;
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
  const nd = store.selectedNotDelivered.value;
  if (nd) return <NotDeliveredDetail v={nd} width={width} onClose={close} />;
  const row = selected;
  const cid = row?.rec.cid ?? store.selectedCid.value;
  const conn = cid === "" ? undefined : store.state.value.connections.get(cid);
  if (!row && !conn) return null;
  return (
    <DetailFrame
      width={width}
      onClose={close}
      title={
        row
          ? `${kindLabel(row.rec.kind)} · #${row.n} · tabSeq ${row.rec.tabSeq}`
          : `#${conn?.n} · ${shortUrl(conn?.url ?? "")}`
      }
    >
      {row ? <RowDetail row={row} url={conn?.url ?? ""} /> : null}
      {conn ? <ConnectionActions store={store} c={conn} /> : null}
      {conn ? <Transcript store={store} cid={conn.cid} /> : null}
      {conn ? <ConnectionDetail c={conn} /> : null}
      {conn ? <Attempts store={store} cid={conn.cid} /> : null}
    </DetailFrame>
  );
}

/** The pane's frame: its head (title, ×, which Esc also does) and a scrolling body. */
function DetailFrame(props: {
  width: number;
  title: ComponentChildren;
  onClose: () => void;
  kind?: string;
  children: ComponentChildren;
}) {
  return (
    <aside
      class="detail"
      id="sse-detail"
      aria-label={t("detailLabel")}
      data-testid="detail"
      data-kind={props.kind}
      style={{ width: `${props.width}px` }}
    >
      <div class="detail-head">
        <span class="detail-title">{props.title}</span>
        <button
          type="button"
          class="tb-button"
          title={t("layoutCloseDetail")}
          aria-label={t("layoutCloseDetail")}
          data-testid="detail-close"
          onClick={props.onClose}
        >
          ×
        </button>
      </div>
      <div class="detail-body">{props.children}</div>
    </aside>
  );
}

/** A marker row selected: what is missing or replaced there, in words and fields. */
function MarkerDetail({ row, width, onClose }: { row: MarkerRow; width: number; onClose: () => void }) {
  const m = row.marker;
  return (
    <DetailFrame
      width={width}
      onClose={onClose}
      title={m.kind === "recordsLost" ? t("detailMarkerLost") : t("detailMarkerReplaced")}
    >
      <Section title={t("detailMarker")}>
        <Fields
          rows={[
            [t("detailSummary"), describeMarker(m)],
            [t("detailAt"), formatTime(m.wall)],
            ...Object.entries(m).map(([k, v]): [string, string] => [
              k,
              typeof v === "string" ? v : JSON.stringify(v),
            ]),
          ]}
        />
      </Section>
    </DetailFrame>
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
  if (key === "data" && typeof value === "string") return t("detailChars", formatCount(value.length));
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

/** An event the page did not get (the grid's overlay): its fields, its full data as text, and why. */
function NotDeliveredDetail(props: { v: NotDeliveredRow; width: number; onClose: () => void }) {
  const v = props.v;
  return (
    <DetailFrame
      width={props.width}
      onClose={props.onClose}
      kind="notDelivered"
      title={`${t("notDeliveredKind")} · #${v.n} · ${t("notDeliveredAttempt", v.attempt)}`}
    >
      <p class="hint" data-testid="not-delivered-reason">
        {notDeliveredReason(v)}
      </p>
      <Section title={t("layoutDataTitle", formatBytes(utf8Length(v.data)))}>
        <CopyBar
          items={[
            ["data", t("layoutCopyData"), () => v.data],
            ["id", t("layoutCopyId"), () => v.lastEventId],
          ]}
        />
        <pre class="data">{v.data}</pre>
      </Section>
      <Section title={t("detailRecord")}>
        <Fields
          rows={[
            ["cid", v.cid],
            ["type", v.type],
            ["lastEventId", v.lastEventId],
            [t("notDeliveredAttemptField"), String(v.attempt)],
            [t("notDeliveredSourceField"), t("notDeliveredSource")],
          ]}
        />
      </Section>
    </DetailFrame>
  );
}

function RowDetail({ row, url }: { row: Row; url: string }) {
  const r = row.rec;
  const derived: [string, ComponentChildren, string?][] = [[t("detailSummary"), describeRow(row)]];
  if (row.gapMs !== undefined)
    derived.push([t("detailObservedGap"), formatMs(row.gapMs), t("detailObservedGapTip")]);
  if (row.connectMs !== undefined) derived.push([t("detailSinceCreated"), formatMs(row.connectMs)]);
  if (row.willSendLastEventId !== undefined)
    derived.push([
      t("detailLeidOnReconnect"),
      row.willSendLastEventId === "" ? t("detailNoIdYet") : row.willSendLastEventId,
      t("detailLeidInferredTip"),
    ]);
  if (row.synthetic) derived.push([t("detailSynthetic"), t("detailSyntheticValue")]);
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
      <Section title={t("detailRecord")}>
        <Fields
          rows={[...derived, ...Object.entries(r).map(([k, v]): [string, string] => [k, fieldValue(k, v)])]}
        />
      </Section>
    </>
  );
}

/** A fetch()/XHR stream's facts (issue 6): what it was asked, what came back, how it ended. */
function StreamDetail({ c, s }: { c: ConnectionSummary; s: StreamInfo }) {
  const headers = (list: readonly [string, string][]) =>
    list.length === 0 ? t("detailNone") : list.map(([k, v]) => `${k}: ${v}`).join("\n");
  const fields: [string, ComponentChildren, string?][] = [
    [t("detailStreamKind"), s.transport === "xhr" ? "XMLHttpRequest" : "fetch()"],
    [
      t("detailStreamSeenBy"),
      s.networkOnly ? `${t("streamNetworkOnly")}: ${t("streamNetworkOnlyTip")}` : t("detailStreamSeenLive"),
    ],
    [t("detailStreamRequest"), `${s.method} ${s.requestUrl}`],
    ["URL", c.url],
    [t("detailStreamStatus"), `${s.status} ${s.statusText}`],
    [t("detailState"), `${stateText(stateLabel(c))}: ${stateExplanation(c)}`],
    [t("detailCreated"), c.createdAt === undefined ? t("detailUnknown") : formatTime(c.createdAt)],
    [
      t("detailStreamFirstByte"),
      s.firstChunkMono === undefined
        ? "—"
        : t(
            "detailStreamFirstByteValue",
            formatMs(s.firstChunkMono - s.requestMono),
            formatMs(s.responseMono - s.requestMono),
          ),
    ],
    [t("detailStreamBytes"), formatCount(s.bytes)],
    [t("detailStreamComments"), formatCount(s.comments)],
    [t("detailStreamRetry"), s.retryMs === undefined ? t("detailNone") : formatMs(s.retryMs)],
    [
      t("detailStreamEnd"),
      s.end === undefined
        ? t("detailStreamNotEnded")
        : `${s.end.how}${s.end.error ? ` — ${s.end.error}` : ""}`,
    ],
    [t("detailMessages"), formatCount(c.messages)],
    [t("detailLastId"), c.lastEventId === "" ? t("detailNone") : c.lastEventId],
    [t("detailTypesReceived"), c.typesSeen.join(", ") || t("detailNone")],
    [t("detailStreamRequestHeaders"), <pre class="headers">{headers(s.requestHeaders)}</pre>],
    [t("detailStreamResponseHeaders"), <pre class="headers">{headers(s.responseHeaders)}</pre>],
    [t("detailFrame"), c.frameUrl || t("detailUnknown"), t("detailFrameTip", c.frameId, c.docId)],
    ["cid", c.cid],
  ];
  return (
    <Section title={t("detailConnection", c.n)}>
      <Fields rows={fields} />
    </Section>
  );
}

function ConnectionDetail({ c }: { c: ConnectionSummary }) {
  if (c.stream) return <StreamDetail c={c} s={c.stream} />;
  const header = inferredLastEventIdHeader(c);
  const fields: [string, ComponentChildren, string?][] = [
    ["URL", c.url || t("detailUrlUnknown")],
    [t("detailState"), `${stateText(stateLabel(c))}: ${stateExplanation(c)}`],
    ["readyState", rs(c.readyState)],
    [
      "withCredentials",
      c.withCredentials === undefined ? t("detailUnknown") : String(c.withCredentials),
      t("detailCredentialsTip"),
    ],
    [t("detailCreated"), c.createdAt === undefined ? t("detailUnknown") : formatTime(c.createdAt)],
    [t("detailFrame"), c.frameUrl || t("detailUnknown"), t("detailFrameTip", c.frameId, c.docId)],
    [t("detailMessages"), formatCount(c.messages)],
    [t("detailErrors"), formatCount(c.errors)],
    [t("detailReconnects"), formatCount(c.reconnects)],
    [t("detailLastGap"), c.lastGapMs === undefined ? "—" : formatMs(c.lastGapMs), t("detailLastGapTip")],
    [t("detailLastId"), c.lastEventId === "" ? t("detailNone") : c.lastEventId, "eventSource.lastEventId"],
    [
      t("detailLeidToSend"),
      header === undefined
        ? c.state === "closed"
          ? t("detailLeidClosed")
          : c.lastEventId === ""
            ? t("detailLeidWhenReconnecting")
            : t("detailLeidWouldBe", c.lastEventId)
        : header === ""
          ? t("detailNoIdYet")
          : header,
      t("detailLeidToSendTip"),
    ],
    [t("detailTypesReceived"), c.typesSeen.join(", ") || t("detailNone")],
    [t("detailListening"), listenedTypes(c).join(", "), t("detailListeningTip")],
    ["cid", c.cid],
  ];
  return (
    <Section title={t("detailConnection", c.n)}>
      <Fields rows={fields} />
    </Section>
  );
}
