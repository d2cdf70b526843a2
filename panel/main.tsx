/** Panel entry: find the inspected tab, subscribe to its records, render. */
import { effect } from "@preact/signals";
import { render } from "preact";
import browser from "webextension-polyfill";
import { PROTOCOL_VERSION, type SetPreserveLog } from "../src/protocol/index";
import { readSettings, writeSettings } from "../src/settings";
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
  // "Preserve log" is remembered per browser (storage.local), like DevTools' own checkbox.
  void readSettings(browser.storage.local).then((s) => {
    store.preserveLog.value = s.preserveLog;
    let first = true;
    effect(() => {
      const on = store.preserveLog.value;
      link.post(preserve());
      if (first) first = false;
      else void writeSettings(browser.storage.local, { preserveLog: on });
    });
  });
}
