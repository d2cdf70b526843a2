/**
 * The detail pane's "Attempts" section for one connection: each connection attempt (#1, #2, …) with the
 * observed gap before it, the Last-Event-ID it carried, its status and how it ended, then the network's
 * record of its body: events (those no listener received marked "not delivered"), `retry:` values, comments
 * (hidden by the toolbar toggle) and id-only blocks. Stream data is rendered as text only.
 * Attempts recorded by webRequest while DevTools was closed have status, headers, the Last-Event-ID sent and
 * the ending, but no body: their events are said to be unknown, never guessed.
 */
import { formatCount, formatMs } from "../../src/model/format";
import type { MatchedAttempt, NetRow } from "../../src/network/match";
import { visibleRows } from "../../src/network/view";
import { t } from "../i18n";
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
      <h3>{t("attemptsTitle")}</h3>
      {dropped > 0 ? <p class="hint">{t("attemptsDropped", formatCount(dropped))}</p> : null}
      {netDropped > 0 ? (
        <p class="hint" data-testid="network-dropped">
          {t("attemptsNetDropped", formatCount(netDropped))}
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
  const status = net
    ? `${net.status === 0 ? t("attemptNoResponse") : net.status} ${net.statusText}`.trim()
    : "—";
  const id =
    a.lastEventId === undefined || a.lastEventId === ""
      ? t("attemptLeidNone")
      : a.lastEventIdFrom === "inferred"
        ? t("attemptLeidInferred", a.lastEventId)
        : a.lastEventId;
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
            title={t(a.gapTo === "request" ? "attemptGapTipRequest" : "attemptGapTipOpen", a.k - 1)}
          >
            {t("attemptGap", formatMs(a.gapMs))}
          </span>
        ) : null}
        <span data-testid="attempt-status">{status}</span>
        {net ? <span class="muted">{net.contentType || t("attemptNoContentType")}</span> : null}
        <span data-testid="attempt-last-event-id" title={t("attemptLeidTip")}>
          Last-Event-ID: {id}
        </span>
        {net?.durationMs !== undefined ? <span class="muted">{formatMs(net.durationMs)}</span> : null}
        {net && net.bodyChars >= 0 ? (
          <span class="muted">{t("attemptChars", formatCount(net.bodyChars))}</span>
        ) : null}
        {a.ending ? (
          <span data-testid="attempt-ending" class="attempt-ending">
            {a.ending}
          </span>
        ) : null}
      </div>
      {!net ? <p class="hint">{a.page.end ? t("attemptNoRecord") : t("attemptInProgress")}</p> : null}
      {net?.source === "webRequest" ? (
        <p class="hint" data-testid="attempt-source">
          {t("attemptWebRequestOnly")}
        </p>
      ) : null}
      {net?.error !== undefined ? <p class="hint">{t("attemptError", net.error)}</p> : null}
      {net && net.responseHeaders.length > 0 ? (
        <details data-testid="attempt-headers">
          <summary>{t("attemptHeaders", net.responseHeaders.length)}</summary>
          {net.responseHeaders.map((h, i) => (
            <div key={i} class="muted">
              {h.name}: {h.value}
            </div>
          ))}
        </details>
      ) : null}
      {a.byOrder ? <p class="hint">{t("attemptByOrder")}</p> : null}
      {net && net.bodyCharsDropped + net.itemsDropped > 0 ? (
        <p class="hint" data-testid="attempt-dropped">
          {t("attemptNotKept", formatCount(net.itemsDropped), formatCount(net.bodyCharsDropped))}
        </p>
      ) : null}
      <div class="net-rows">
        {rows.slice(0, MAX_ROWS_SHOWN).map((r, i) => (
          <NetRowView key={i} r={r} next={props.next} />
        ))}
        {rows.length > MAX_ROWS_SHOWN ? (
          <p class="hint">{t("attemptMoreRows", formatCount(rows.length - MAX_ROWS_SHOWN))}</p>
        ) : null}
      </div>
      {net?.unterminated !== undefined ? (
        <p class="net-row undelivered" data-testid="net-row" data-kind="unterminated">
          {t("netUnterminated", net.unterminated)}
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
              {r.delivered === "noListener" ? t("netNoListener", r.type) : t("netNotInPage")}
            </span>
          )}
        </div>
      );
    }
    case "retry":
      return (
        <div class="net-row" data-testid="net-row" data-kind="retry" data-retry={r.ms}>
          {next === undefined
            ? t("netRetry", r.ms)
            : next.gapMs === undefined
              ? t("netRetryFor", r.ms, next.k)
              : t("netRetryForGap", r.ms, next.k, formatMs(next.gapMs))}
        </div>
      );
    case "retryIgnored":
      return (
        <div class="net-row muted" data-testid="net-row" data-kind="retryIgnored">
          {t("netRetryIgnored", r.value)}
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
          {t("netIdOnly", r.id)}
        </div>
      );
  }
}
