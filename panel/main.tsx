/** Panel entry: find the inspected tab, subscribe to its records, render. */
import { batch, effect } from "@preact/signals";
import { render } from "preact";
import browser from "webextension-polyfill";
import { PROTOCOL_VERSION, type SetPreserveLog } from "../src/protocol/index";
import { readSettings, type Settings, writeSettings } from "../src/settings";
import { uiLanguage } from "./i18n";
import { connectPanel, devtoolsTheme, inspectedTabId } from "./source";
import { App, NoTab } from "./ui/App";
import { createPanelStore } from "./ui/store";
import { exposeForTests } from "./ui/testHooks";
import { applyTheme } from "./ui/theme";

applyTheme(document.documentElement, devtoolsTheme());
document.documentElement.lang = uiLanguage();
const root = document.getElementById("app") as HTMLElement;
const tabId = inspectedTabId();

if (tabId === undefined) {
  render(<NoTab />, root);
} else {
  const store = createPanelStore(tabId);
  exposeForTests(window, store);
  render(<App store={store} />, root);
  const preserve = (): SetPreserveLog => ({
    v: PROTOCOL_VERSION,
    kind: "setPreserveLog",
    tabId,
    on: store.preserveLog.peek(),
  });
  const link = connectPanel(tabId, {
    onMessage: (m) => store.receive(m),
    onStatus: (s) => {
      store.link.value = s;
    },
    // A restarted background has forgotten the tab's "Preserve log": say it again with every subscribe.
    afterSubscribe: () => [preserve()],
  });
  store.setCommandSink((m) => link.post(m));
  // "Preserve log" is remembered per browser (storage.local), like DevTools' own checkbox.
  // Writes one at a time: each reads what is stored and writes it back patched, so two at once would lose one.
  let writing = Promise.resolve();
  const save = (patch: Partial<Settings>) => {
    writing = writing.then(() => writeSettings(browser.storage.local, patch)).catch(() => {});
  };
  void readSettings(browser.storage.local).then((s) => {
    store.preserveLog.value = s.preserveLog;
    let first = true;
    effect(() => {
      const on = store.preserveLog.value;
      link.post(preserve());
      if (first) first = false;
      else save({ preserveLog: on });
    });
    // The toolbar's filters are remembered per browser too (src/settings.ts).
    batch(() => {
      store.filterTypes.value = s.filterTypes;
      store.filterText.value = s.filterText;
      store.filterRegex.value = s.filterRegex;
      store.hideHeartbeats.value = s.hideHeartbeats;
    });
    let firstFilter = true;
    effect(() => {
      const patch = {
        filterTypes: [...store.filterTypes.value],
        filterText: store.filterText.value,
        filterRegex: store.filterRegex.value,
        hideHeartbeats: store.hideHeartbeats.value,
      };
      if (firstFilter) firstFilter = false;
      else save(patch);
    });
    // The splits' widths (App's drag handles), written once a drag or a key repeat settles (src/settings.ts).
    batch(() => {
      store.sidebarWidth.value = s.sidebarWidth;
      store.detailWidth.value = s.detailWidth;
      store.timelineHeight.value = s.timelineHeight;
      store.timelineOpen.value = s.timelineOpen;
    });
    let splitTimer: ReturnType<typeof setTimeout> | undefined;
    let firstSplit = true;
    effect(() => {
      const patch = {
        sidebarWidth: store.sidebarWidth.value,
        detailWidth: store.detailWidth.value,
        timelineHeight: store.timelineHeight.value,
        timelineOpen: store.timelineOpen.value,
      };
      if (firstSplit) firstSplit = false;
      else {
        clearTimeout(splitTimer);
        splitTimer = setTimeout(() => save(patch), 250);
      }
    });
  });
}
