/**
 * The detail pane's "Attempts" section for one connection: each connection attempt (#1, #2, …) with the
 * observed gap before it, the Last-Event-ID it carried, its status and how it ended, then the network's
 * record of its body: events (those no listener received marked "not delivered"), `retry:` values, comments
 * (hidden by the toolbar toggle) and id-only blocks. Stream data is rendered as text only.
 * Attempts recorded by webRequest while DevTools was closed have status, headers, the Last-Event-ID sent and
 * the ending, but no body: their events are said to be unknown, never guessed.
 */
import { formatMs } from "../../src/model/format";
import type { MatchedAttempt, NetRow } from "../../src/network/match";
import { visibleRows } from "../../src/network/view";
import type { PanelStore } from "./store";

/** Rows shown per attempt in the pane; the rest are counted (the full list is in `__sseAttempts`). */
const MAX_ROWS_SHOWN = 500;

export function Attempts({ store, cid }: { store: PanelStore; cid: string }) {
  const list = store.matched.value.get(cid) ?? [];
  const showComments = store.showComments.value;
  const dropped = store.state.value.connections.get(cid)?.attempts.dropped ?? 0;
  const netDropped = store.state.value.networkDropped;
  if (list.length === 0) return null;
  return (
    <section class="section" data-testid="attempts">
      <h3>Attempts</h3>
      {dropped > 0 ? <p class="hint">{dropped} older attempts not kept</p> : null}
      {netDropped > 0 ? (
        <p class="hint" data-testid="network-dropped">
          {netDropped} network records of this tab not kept (cap)
        </p>
      ) : null}
      {list.map((a, i) => (
        <AttemptView key={a.k} a={a} next={list[i + 1]} showComments={showComments} />
      ))}
    </section>
  );
}

function AttemptView(props: { a: MatchedAttempt; next: MatchedAttempt | undefined; showComments: boolean }) {
  const { a } = props;
  const net = a.net;
  const rows = visibleRows(a, props.showComments);
  const status = net ? `${net.status === 0 ? "no response" : net.status} ${net.statusText}`.trim() : "—";
  const id =
    a.lastEventId === undefined || a.lastEventId === ""
      ? "none"
      : `${a.lastEventId}${a.lastEventIdFrom === "inferred" ? " (inferred from the page)" : ""}`;
  return (
    <div
      class="attempt"
      data-testid="attempt"
      data-attempt={a.k}
      data-status={net?.status}
      data-source={net?.source}
    >
      <div class="attempt-head">
        <b>#{a.k}</b>
        {a.gapMs !== undefined ? (
          <span
            data-testid="attempt-gap"
            title={`Observed gap: from the error that ended #${a.k - 1} to this attempt's ${a.gapTo === "request" ? "request" : "open"}. Not the server's retry value.`}
          >
            observed gap {formatMs(a.gapMs)}
          </span>
        ) : null}
        <span data-testid="attempt-status">{status}</span>
        {net ? <span class="muted">{net.contentType || "no Content-Type"}</span> : null}
        <span data-testid="attempt-last-event-id" title="The Last-Event-ID request header it sent">
          Last-Event-ID: {id}
        </span>
        {net?.durationMs !== undefined ? <span class="muted">{formatMs(net.durationMs)}</span> : null}
        {net && net.bodyChars >= 0 ? (
          <span class="muted">{net.bodyChars.toLocaleString("en-US")} chars</span>
        ) : null}
        {a.ending ? (
          <span data-testid="attempt-ending" class="attempt-ending">
            {a.ending}
          </span>
        ) : null}
      </div>
      {!net ? (
        <p class="hint">
          {a.page.end
            ? "No network record (another URL after a redirect, or the extension was restarted meanwhile)."
            : "In progress: the network record comes once the attempt ends."}
        </p>
      ) : null}
      {net?.source === "webRequest" ? (
        <p class="hint" data-testid="attempt-source">
          seen by webRequest only (no body: DevTools was closed, or opened after the attempt began) — the
          events it carried, and whether the page got them, are unknown
        </p>
      ) : null}
      {net?.error !== undefined ? <p class="hint">error: {net.error}</p> : null}
      {net && net.responseHeaders.length > 0 ? (
        <details data-testid="attempt-headers">
          <summary>Response headers ({net.responseHeaders.length})</summary>
          {net.responseHeaders.map((h, i) => (
            <div key={i} class="muted">
              {h.name}: {h.value}
            </div>
          ))}
        </details>
      ) : null}
      {a.byOrder ? <p class="hint">matched by order only</p> : null}
      {net && net.bodyCharsDropped + net.itemsDropped > 0 ? (
        <p class="hint" data-testid="attempt-dropped">
          Not kept: {net.itemsDropped} items, {net.bodyCharsDropped} body characters not parsed
        </p>
      ) : null}
      <div class="net-rows">
        {rows.slice(0, MAX_ROWS_SHOWN).map((r, i) => (
          <NetRowView key={i} r={r} next={props.next} />
        ))}
        {rows.length > MAX_ROWS_SHOWN ? <p class="hint">{rows.length - MAX_ROWS_SHOWN} more rows</p> : null}
      </div>
      {net?.unterminated !== undefined ? (
        <p class="net-row undelivered" data-testid="net-row" data-kind="unterminated">
          unterminated last block (discarded by the browser): {net.unterminated}
        </p>
      ) : null}
    </div>
  );
}

function NetRowView({ r, next }: { r: NetRow; next: MatchedAttempt | undefined }) {
  switch (r.kind) {
    case "event": {
      const ok = r.delivered === "delivered";
      return (
        <div
          class={`net-row${ok ? "" : " undelivered"}`}
          data-testid="net-row"
          data-kind="networkEvent"
          data-delivered={String(ok)}
          data-type={r.type}
          data-id={r.lastEventId}
        >
          <span class="c-type">{r.type}</span>
          <span class="c-id">{r.lastEventId}</span>
          <span class="c-data">{r.data}</span>
          {ok ? null : (
            <span class="why">
              {r.delivered === "noListener"
                ? `not delivered: no listener for '${r.type}'`
                : "not in the page's record (listener added later, or records cleared)"}
            </span>
          )}
        </div>
      );
    }
    case "retry":
      return (
        <div class="net-row" data-testid="net-row" data-kind="retry" data-retry={r.ms}>
          retry: {r.ms} ms — reconnection time from here on
          {next
            ? `; took effect for #${next.k}${next.gapMs !== undefined ? ` (observed gap ${formatMs(next.gapMs)})` : ""}`
            : ""}
        </div>
      );
    case "retryIgnored":
      return (
        <div class="net-row muted" data-testid="net-row" data-kind="retryIgnored">
          retry: {r.value} — ignored (not all digits)
        </div>
      );
    case "comment":
      return (
        <div class="net-row muted" data-testid="net-row" data-kind="comment">
          : {r.text}
        </div>
      );
    case "idOnly":
      return (
        <div class="net-row muted" data-testid="net-row" data-kind="idOnly" data-id={r.id}>
          id: {r.id} — block without data: lastEventId changed, no event fired
        </div>
      );
  }
}
