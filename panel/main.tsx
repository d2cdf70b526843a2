/** Panel entry: find the inspected tab, subscribe to its records, render. */
import { render } from "preact";
import { connectPanel, devtoolsTheme, inspectedTabId } from "./source";
import { App, NoTab } from "./ui/App";
import { createPanelStore } from "./ui/store";
import { exposeForTests } from "./ui/testHooks";
import { applyTheme } from "./ui/theme";

applyTheme(document.documentElement, devtoolsTheme());
const root = document.getElementById("app") as HTMLElement;
const tabId = inspectedTabId();

if (tabId === undefined) {
  render(<NoTab />, root);
} else {
  const store = createPanelStore(tabId);
  exposeForTests(window, store);
  render(<App store={store} />, root);
  connectPanel(tabId, {
    onMessage: (m) => store.receive(m),
    onStatus: (s) => {
      store.link.value = s;
    },
  });
}
