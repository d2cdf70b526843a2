import { writeFileSync } from "node:fs";
import { BrowserCdp, openDevTools } from "../e2e/helpers/devtools";
import { test } from "../e2e/helpers/fixtures";
import { fixtureUrl } from "../e2e/helpers/page";
import { waitFor } from "../e2e/helpers/wait";

test("measure", async ({ server, launchBrowser }) => {
  const b = await launchBrowser({ autoOpenDevTools: false });
  await b.page.goto(fixtureUrl(server.origin, "blank.html"));
  await b.page.evaluate((o) => {
    (window as any).es1 = new EventSource("/net-story");
    (window as any).es2 = new EventSource(`/t/redirect?code=302&to=${encodeURIComponent("/ticker?n=1&end=close")}`);
    (window as any).es3 = new EventSource("http://127.0.0.1:1/refused");
    const f = document.createElement("iframe"); f.src = "/fixtures/blank.html"; document.body.append(f);
    f.onload = () => { (f.contentWindow as any).es = new (f.contentWindow as any).EventSource("/ticker?n=2&interval=10&end=close&who=frame"); };
  });
  await waitFor(() => server.requests.filter((r) => r.path === "/net-story").length === 3);
  await new Promise((r) => setTimeout(r, 1500));
  const cdp = await BrowserCdp.connect(b.context);
  await openDevTools(cdp, b.page);
  await new Promise((r) => setTimeout(r, 1500));
  await b.page.evaluate(() => { (window as any).es4 = new EventSource("/net-story?after=1"); });
  await waitFor(() => server.requests.filter((r) => r.path === "/net-story").length === 6, {timeout: 15000});
  await new Promise((r) => setTimeout(r, 2000));
  const sw = await b.serviceWorker();
  const out = await sw.evaluate(() => ({ log: (globalThis as any).log, har: (globalThis as any).har }));
  writeFileSync("/tmp/wrm/out.json", JSON.stringify({ ...out, requests: server.requests }, null, 1));
  await cdp.dispose();
});
