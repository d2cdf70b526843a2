import { t, uiLanguage } from "../i18n";
import type { PanelStore } from "./store";

/** While an imported file is shown: what it is, that it is not live, and the way back to the live tab. */
export function ImportBanner({ store }: { store: PanelStore }) {
  const info = store.imported.value;
  if (info === undefined) return null;
  const when = info.exportedAt === null ? undefined : new Date(info.exportedAt);
  const exported =
    when === undefined || Number.isNaN(when.getTime())
      ? t("importBannerNoDate")
      : when.toLocaleString(uiLanguage());
  return (
    <div class="import-banner" role="status" data-testid="import-banner" data-file={info.name}>
      <strong>{t("importBannerTitle")}</strong>
      <span data-testid="import-banner-file">{info.name}</span>
      <span data-testid="import-banner-exported">{t("importBannerExported", exported)}</span>
      {info.pageUrl !== null && <span class="hint">{info.pageUrl}</span>}
      <span class="tb-grow" />
      <button
        type="button"
        class="tb-text-button"
        data-testid="back-to-live"
        onClick={() => store.backToLive()}
      >
        {t("importBannerBack")}
      </button>
    </div>
  );
}
