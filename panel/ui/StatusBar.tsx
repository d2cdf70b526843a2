import { formatCount as fmt } from "../../src/model/format";
import { type MessageKey, t } from "../i18n";
import { DiagnosticsToggle } from "./Diagnostics";
import type { PanelStore } from "./store";

const LINK_TEXT = {
  connecting: "statusConnecting",
  connected: "statusLive",
  reconnecting: "statusReconnecting",
} as const satisfies Record<string, MessageKey>;

/** Bottom bar: what the background could not keep (never hidden when non-zero) and the link's health. */
export function StatusBar({ store }: { store: PanelStore }) {
  const s = store.state.value;
  const { held, evicted, cap, lost } = s.stats;
  const link = store.link.value;
  return (
    <div class="statusbar">
      <span
        data-testid="stats"
        data-lost={lost}
        data-evicted={evicted}
        data-held={held}
        data-cap={cap}
        class={lost > 0 || evicted > 0 ? "warn" : undefined}
      >
        <span>{t("statusHeld", fmt(held))}</span>
        {evicted > 0 ? (
          <span class="warn-item" title={t("statusEvictedTip")}>
            {t("statusEvicted", fmt(evicted), fmt(cap))}
          </span>
        ) : null}
        {lost > 0 ? (
          <span class="warn-item" title={t("statusLostTip")}>
            {t("statusLost", fmt(lost))}
          </span>
        ) : null}
      </span>
      {s.previousDocs.size > 0 ? (
        <span class="muted" title={t("statusPreservedTip")}>
          {t("statusPreserved")}
        </span>
      ) : s.navigations > 0 ? (
        <span class="muted" title={t("statusNavigatedTip")}>
          {t("statusNavigated")}
        </span>
      ) : null}
      <span class="grow" />
      <DiagnosticsToggle store={store} />
      <span class={`link link-${link}`}>
        <span class="dot" aria-hidden="true" />
        {t(LINK_TEXT[link])}
      </span>
      <span class="muted">{t("statusTab", s.tabId)}</span>
    </div>
  );
}
