/** DevTools page: runs once per DevTools window and registers the "SSE" panel. */
import browser from "webextension-polyfill";

void browser.devtools.panels.create("SSE", "/icons/icon16.png", "/panel/panel.html");
