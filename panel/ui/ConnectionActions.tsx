/**
 * Force-close for the selected connection (issue 4, item 5): "Close" as if the page called `close()`
 * (readyState 2, no event), "Fail" as when the browser fails the connection, e.g. on a 204 (readyState 2 and
 * one `error` event). The panel only asks (`closeConnectionInTab`); the background checks the connection is
 * the inspected tab's and forwards it to its frame, and the hook's `connectionForceClosed` record, arriving
 * like any other, is what closes it here.
 *
 * Test contract: `[data-testid=force-close]` (with `data-cid`), buttons `[data-testid=force-close-close]` and
 * `[data-testid=force-close-fail]`, status `[data-testid=force-close-status]` (with `data-reason`).
 */
import { useState } from "preact/hooks";
import type { ConnectionSummary } from "../../src/model/reducer";
import { type ForceCloseMode, PROTOCOL_VERSION } from "../../src/protocol/index";
import { t } from "../i18n";
import type { PanelStore } from "./store";

export function ConnectionActions({ store, c }: { store: PanelStore; c: ConnectionSummary }) {
  // The cid a click was sent for, to say so until the record arrives. The buttons stay enabled meanwhile: the
  // command is lost if the port was down (a restarted service worker), and a second one is harmless (the
  // hook ignores a connection already closed).
  const [asked, setAsked] = useState<string | undefined>(undefined);
  const closed = c.readyState === 2 || c.state === "closed";
  const pending = asked === c.cid && !closed;
  const disabled = closed || c.previousDocument;
  const reason = c.closeReason === "devtools-close" || c.closeReason === "devtools-fail" ? c.closeReason : "";
  const tip = (enabledTip: string) =>
    closed ? t("forceCloseUnavailableTip") : c.previousDocument ? t("forceCloseGoneTip") : enabledTip;

  const send = (mode: ForceCloseMode) => {
    setAsked(c.cid);
    store.command({
      v: PROTOCOL_VERSION,
      kind: "closeConnectionInTab",
      tabId: store.state.peek().tabId,
      cid: c.cid,
      mode,
    });
  };

  return (
    <fieldset
      class="force-close"
      aria-label={t("forceCloseGroup")}
      data-testid="force-close"
      data-cid={c.cid}
    >
      <button
        type="button"
        class="fc-button"
        data-testid="force-close-close"
        disabled={disabled}
        title={tip(t("forceCloseCloseTip"))}
        onClick={() => send("close")}
      >
        {t("forceCloseClose")}
      </button>
      <button
        type="button"
        class="fc-button"
        data-testid="force-close-fail"
        disabled={disabled}
        title={tip(t("forceCloseFailTip"))}
        onClick={() => send("fail")}
      >
        {t("forceCloseFail")}
      </button>
      <span class="fc-status" data-testid="force-close-status" data-reason={reason}>
        {reason === "devtools-close"
          ? t("forceCloseClosed")
          : reason === "devtools-fail"
            ? t("forceCloseFailed")
            : pending
              ? t("forceCloseSent")
              : ""}
      </span>
    </fieldset>
  );
}
