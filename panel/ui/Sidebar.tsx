import { batch, useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { formatCount, shortUrl, stateExplanation, stateLabel, stateText } from "../../src/model/format";
import type { ConnectionSummary } from "../../src/model/reducer";
import {
  type ConnFacts,
  eventRate,
  formatBytes,
  formatDuration,
  formatRate,
  RATE_WINDOW_MS,
  uptimeMs,
} from "../../src/model/stats";
import { t } from "../i18n";
import { DiagnosticsBadge } from "./Diagnostics";
import type { PanelStore } from "./store";

/** The clocks the rate and uptime are read against: the panel's, ticking once a second. */
interface Now {
  /** Same clock as records' `mono` (performance.timeOrigin + performance.now(), comparable across frames). */
  mono: number;
  wall: number;
}
const readNow = (): Now => ({ mono: performance.timeOrigin + performance.now(), wall: Date.now() });

/** Left column (`width` px, App's splitter sets it): "All connections", then one entry per EventSource. */
export function Sidebar({ store, width }: { store: PanelStore; width: number }) {
  const conns = [...store.state.value.connections.values()];
  const selected = store.selectedCid.value;
  const facts = store.connFacts.value.byCid;
  // Rate and uptime move with time, not only with records: re-read the clock every second.
  const now = useSignal(readNow());
  useEffect(() => {
    const timer = setInterval(() => {
      now.value = readNow();
    }, 1000);
    return () => clearInterval(timer);
  }, []);
  // Reading the signal here (not in the interval) re-renders the list once a second.
  const at = store.state.value.connections.size > 0 ? now.value : now.peek();
  return (
    <nav class="sidebar" id="sse-sidebar" aria-label={t("sidebarLabel")} style={{ width: `${width}px` }}>
      <div class="sb-title">{t("sidebarTitle")}</div>
      <div role="listbox" aria-label={t("sidebarLabel")}>
        <div
          class={`sb-item sb-all${selected === "" ? " selected" : ""}`}
          role="option"
          aria-selected={selected === ""}
          tabIndex={0}
          onClick={() => {
            store.selectedCid.value = "";
          }}
          onKeyDown={(e) => {
            if (e.key === "Enter" || e.key === " ") store.selectedCid.value = "";
          }}
        >
          <span class="sb-url">{t("sidebarAll")}</span>
          <span class="sb-count">{formatCount(conns.length)}</span>
        </div>
        {conns.map((c) => (
          <ConnectionItem
            key={c.cid}
            store={store}
            c={c}
            facts={facts.get(c.cid)}
            now={at}
            selected={c.cid === selected}
            onSelect={() => {
              // Clicking a connection shows the connection (its fields, attempts, Close / Fail), not whatever
              // row was selected before; batched so the pane never renders the old row for the new filter.
              batch(() => {
                store.selectedCid.value = c.cid;
                store.selected.value = undefined;
                store.detailOpen.value = true;
              });
            }}
          />
        ))}
      </div>
    </nav>
  );
}

function ConnectionItem(props: {
  /** For the diagnostics badge (DIAG), and anything else an entry needs from the panel's state. */
  store: PanelStore;
  c: ConnectionSummary;
  facts: ConnFacts | undefined;
  now: Now;
  selected: boolean;
  onSelect: () => void;
}) {
  const { c, facts, now } = props;
  const rate = eventRate(facts?.recent ?? [], now.mono, c.createdMono, RATE_WINDOW_MS);
  const bytes = facts?.bytes ?? 0;
  const uptime = uptimeMs(c, now.wall);
  const label = stateLabel(c);
  const tip = [c.url || t("sidebarUrlUnknownTip"), stateExplanation(c)].join("\n");
  return (
    <div
      class={`sb-item${props.selected ? " selected" : ""}`}
      role="option"
      aria-selected={props.selected}
      tabIndex={0}
      title={tip}
      data-testid="connection"
      data-cid={c.cid}
      data-state={c.state}
      data-url={c.url}
      data-previous-document={c.previousDocument ? "true" : undefined}
      onClick={props.onSelect}
      onKeyDown={(e) => {
        if (e.key === "Enter" || e.key === " ") props.onSelect();
      }}
    >
      <div class="sb-line">
        <span class={`badge badge-${label}`}>{stateText(label)}</span>
        {c.stream ? (
          <span
            class="badge-kind"
            data-testid="connection-kind"
            title={
              c.stream.networkOnly
                ? t("streamNetworkOnlyTip")
                : t("streamKindTip", c.stream.transport === "xhr" ? "XMLHttpRequest" : "fetch()")
            }
          >
            {c.stream.transport}
          </span>
        ) : null}
        {c.stream?.networkOnly ? (
          <span class="badge-prev" data-testid="connection-network-only" title={t("streamNetworkOnlyTip")}>
            {t("streamNetworkOnly")}
          </span>
        ) : null}
        <span class={`sb-url${c.placeholder ? " unknown" : ""}`}>{shortUrl(c.url)}</span>
        <DiagnosticsBadge store={props.store} cid={c.cid} />
        {c.previousDocument ? (
          <span class="badge-prev" title={t("sidebarPrevTip")}>
            {t("sidebarPrev")}
          </span>
        ) : null}
      </div>
      <div class="sb-line sb-facts">
        <span class="sb-n">#{c.n}</span>
        <span title={t("sidebarMessagesTip")}>
          <span data-testid="connection-count">{formatCount(c.messages)}</span> {t("sidebarMsg")}
        </span>
        <span title={t("sidebarReconnectsTip")}>
          ↻ <span data-testid="connection-reconnects">{formatCount(c.reconnects)}</span>
        </span>
        <span class="sb-id" title={t("sidebarLastIdTip")}>
          id: <span data-testid="connection-last-id">{c.lastEventId}</span>
        </span>
        {c.withCredentials ? (
          <span class="cred" title={t("sidebarCredentialsTip")}>
            {t("sidebarCredentials")}
          </span>
        ) : null}
      </div>
      <div class="sb-line sb-facts">
        <span title={t("layoutRateTip")}>
          <span data-testid="connection-rate" data-rate={rate}>
            {formatRate(rate)}
          </span>
        </span>
        <span title={t("layoutBytesTip")}>
          <span data-testid="connection-bytes" data-bytes={bytes}>
            {formatBytes(bytes)}
          </span>
        </span>
        <span title={c.state === "closed" ? t("layoutLifetimeTip") : t("layoutUptimeTip")}>
          <span data-testid="connection-uptime" data-ms={uptime}>
            {uptime === undefined ? "—" : formatDuration(uptime)}
          </span>
        </span>
      </div>
    </div>
  );
}
