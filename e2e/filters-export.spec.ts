/**
 * The toolbar in the real DevTools: event-name chips, the regex filter and "hide heartbeats" narrow the grid
 * to exactly what the page received of those types, and are remembered when the panel is opened again;
 * the Export menu saves each format (captured as real downloads), the files parse and validate and replay
 * the page's events, and JSON and HAR come back in through the Import button as an "imported" view.
 */
import { readFileSync } from "node:fs";
import { copyFile } from "node:fs/promises";
import path from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { createParser } from "eventsource-parser";
import { REPO_ROOT } from "./helpers/browser";
import { BrowserCdp, devToolsFor, openDevTools, type TargetSession } from "./helpers/devtools";
import { clickAsUser, Downloads, setInputFiles } from "./helpers/files";
import { expect, test } from "./helpers/fixtures";
import { fixtureUrl, received } from "./helpers/page";
import { connectionByUrl, type Ev, eventsOf, PanelView } from "./helpers/panel";
import { waitFor } from "./helpers/wait";

/** The filter set before reopening (a regex: news 3 and 7, whose data ends `number 3"}`). */
const REMEMBERED = 'headline number (3|7)"';
const TICKER = "/ticker?n=12&interval=10&types=price,news,ping";
const OTHER = "/ticker?n=3&interval=10&types=news";

async function openPanel(
  b: { page: import("@playwright/test").Page; extensionId: string | undefined },
  cdp: BrowserCdp,
  fresh: boolean,
) {
  const devtools = fresh ? await openDevTools(cdp, b.page) : await devToolsFor(cdp, b.page);
  const target = await devtools.showPanel(b.extensionId as string);
  return { devtools, target, panel: await PanelView.attach(target) };
}

/** Waits until both streams are complete in the panel (ticker 12 events, other 3). */
async function bothStreams(panel: PanelView) {
  return panel.waitFor(
    (s) => {
      const t = connectionByUrl(s.connections, "types=price");
      const o = connectionByUrl(s.connections, "n=3&");
      return t?.count === 12 && o?.count === 3 && { t, o };
    },
    { message: "the ticker's 12 events and the other stream's 3" },
  );
}

const click = (target: TargetSession, selector: string, mods: { altKey?: boolean } = {}) =>
  target.evaluate(
    ([sel, m]) => {
      const el = document.querySelector<HTMLElement>(sel);
      if (!el) throw new Error(`no ${sel}`);
      el.dispatchEvent(new MouseEvent("click", { bubbles: true, cancelable: true, ...m }));
    },
    [selector, mods] as const,
  );

const type = (target: TargetSession, selector: string, value: string) =>
  target.evaluate(
    ([sel, v]) => {
      const el = document.querySelector<HTMLInputElement>(sel);
      if (!el) throw new Error(`no ${sel}`);
      el.value = v;
      el.dispatchEvent(new Event("input", { bubbles: true }));
    },
    [selector, value] as const,
  );

/** The chips as rendered: type → count. */
const chips = (target: TargetSession) =>
  target.evaluate(() =>
    Object.fromEntries(
      [...document.querySelectorAll<HTMLElement>("[data-testid=chip]")].map((c) => [
        c.dataset.type ?? "",
        Number(c.dataset.count),
      ]),
    ),
  );

test("chips, regex and hide heartbeats narrow the grid to what the page received, and are remembered", async ({
  server,
  launchBrowser,
}) => {
  const b = await launchBrowser({ autoOpenDevTools: true });
  await b.page.goto(fixtureUrl(server.origin, "filters.html", { ticker: TICKER, other: OTHER }));
  const cdp = await BrowserCdp.connect(b.context);
  let { devtools, target, panel } = await openPanel(b, cdp, false);
  const { t } = await bothStreams(panel);
  const page = await received(b.page, "ticker");
  const both = [...page, ...(await received(b.page, "other"))];
  const countOf = (types: string[]) => both.filter((e) => types.includes(e.type)).length;
  const pageOf = (pred: (e: Ev) => boolean) => page.filter(pred);
  const shownTicker = async () => eventsOf(await panel.rows(), t.cid);

  // One chip per type seen, with its count over both streams (what the pages received).
  const counted: Record<string, number> = {};
  for (const e of both) counted[e.type] = (counted[e.type] ?? 0) + 1;
  expect(await chips(target)).toEqual(counted);
  expect(Object.keys(counted).sort()).toEqual(["message", "news", "ping", "price"]);

  // One chip: only that type; a second chip adds its type (multi-select).
  await click(target, "[data-testid=chip][data-type=price]");
  await panel.waitFor((s) => s.rows.every((r) => r.type === "price") && s.rows.length === 3, {
    message: "only price rows",
  });
  expect(await shownTicker()).toEqual(pageOf((e) => e.type === "price"));
  await click(target, "[data-testid=chip][data-type=news]");
  await panel.waitFor((s) => s.rows.length === countOf(["price", "news"]), {
    message: "price and news rows",
  });
  expect(await shownTicker()).toEqual(pageOf((e) => e.type === "price" || e.type === "news"));
  // Alt-click: only this one.
  await click(target, "[data-testid=chip][data-type=ping]", { altKey: true });
  await panel.waitFor((s) => s.rows.length === 3 && s.rows.every((r) => r.type === "ping"), {
    message: "only ping rows",
  });
  expect(await shownTicker()).toEqual(pageOf((e) => e.type === "ping"));
  await click(target, "[data-testid=chip-all]");
  await panel.waitFor((s) => s.rows.some((r) => r.kind === "connectionCreated"), {
    message: "all rows again",
  });

  // Regex over data (and id), combined with a chip.
  await click(target, "[data-testid=filter-regex]");
  await type(target, "[data-testid=filter-text]", '"seq":(2|10)\\b');
  const seq = /"seq":(2|10)\b/;
  await panel.waitFor((s) => s.rows.length === both.filter((e) => seq.test(e.data)).length, {
    message: "rows whose data has seq 2 or 10",
  });
  expect(await shownTicker()).toEqual(pageOf((e) => /"seq":(2|10)\b/.test(e.data)));
  // An invalid regex: red outline and its error, and the text filter is not applied.
  await type(target, "[data-testid=filter-text]", '"seq":(');
  const invalid = await waitFor(
    () =>
      target.evaluate(() => {
        const input = document.querySelector<HTMLInputElement>("[data-testid=filter-text]");
        const err = document.querySelector("[data-testid=filter-error]")?.textContent ?? "";
        return input?.getAttribute("aria-invalid") === "true" && err !== "" && { title: input.title, err };
      }),
    { message: "the invalid-regex error" },
  );
  expect(invalid.title).toMatch(/regular expression/i);
  await panel.waitFor((s) => eventsOf(s.rows, t.cid).length === 12, {
    message: "no text filter while invalid",
  });

  // Hide heartbeats: the ping events go, the rest stay.
  await type(target, "[data-testid=filter-text]", "");
  await click(target, "[data-testid=hide-heartbeats]");
  await panel.waitFor((s) => eventsOf(s.rows, t.cid).length === 9, { message: "ping rows hidden" });
  expect(await shownTicker()).toEqual(pageOf((e) => e.type !== "ping"));

  // Remembered per browser: set a filter, close DevTools, open it again.
  await click(target, "[data-testid=chip][data-type=news]");
  await type(target, "[data-testid=filter-text]", REMEMBERED);
  await panel.waitFor((s) => s.rows.length === 2 && eventsOf(s.rows, t.cid).length === 2, {
    message: "news 3 and 7 of the ticker",
  });
  await waitFor(
    () =>
      target.evaluate(async (want) => {
        const s = (await chrome.storage.local.get("settings")).settings as
          | Record<string, unknown>
          | undefined;
        return s?.filterText === want;
      }, REMEMBERED),
    { message: "the filter stored" },
  );
  await devtools.close();
  ({ devtools, target, panel } = await openPanel(b, cdp, true));
  await bothStreams(panel);
  await panel.waitFor((s) => s.rows.length === 2, {
    message: "the remembered filter applied after reopening",
  });
  expect(await shownTicker()).toEqual(
    pageOf((e) => e.type === "news" && /headline number (3|7)"/i.test(e.data)),
  );
  const state = await target.evaluate(() => ({
    text: document.querySelector<HTMLInputElement>("[data-testid=filter-text]")?.value,
    regex: document.querySelector("[data-testid=filter-regex]")?.getAttribute("aria-pressed"),
    heartbeats: document.querySelector<HTMLInputElement>("[data-testid=hide-heartbeats]")?.checked,
    chips: [...document.querySelectorAll<HTMLElement>("[data-testid=chip][aria-pressed=true]")].map(
      (c) => c.dataset.type,
    ),
  }));
  expect(state).toEqual({ text: REMEMBERED, regex: "true", heartbeats: true, chips: ["news"] });
  // Pause: new records are counted, not shown; resume shows them.
  await click(target, "[data-testid=chip-all]");
  await type(target, "[data-testid=filter-text]", "");
  const before = (await panel.rows()).length;
  await click(target, "[data-testid=record]");
  await b.page.evaluate(() => {
    const w = window as unknown as { watch: (s: string, es: EventSource, t: string[]) => EventSource };
    w.watch("late", new EventSource("/ticker?n=2&interval=10&types=price&late=1"), ["price"]);
  });
  await waitFor(async () => (await received(b.page, "late")).length === 2, {
    message: "the late stream's events",
  });
  const notice = await waitFor(
    () =>
      target.evaluate(() => {
        const el = document.querySelector<HTMLElement>("[data-testid=paused-notice]");
        // created, open, 2 events at least (listener rows too).
        return el && Number(el.dataset.new) >= 4 && el.textContent;
      }),
    { message: "the paused notice counting the late stream's records" },
  );
  expect(notice).toMatch(/^Paused — \d+ new records$/);
  expect((await panel.rows()).length).toBe(before);
  await click(target, "[data-testid=record]");
  const resumed = await panel.waitFor((s) => {
    const late = connectionByUrl(s.connections, "late=1");
    return late && eventsOf(s.rows, late.cid).length === 2 && s;
  });
  expect(eventsOf(resumed.rows, connectionByUrl(resumed.connections, "late=1")?.cid ?? "")).toEqual(
    await received(b.page, "late"),
  );

  // A picture of the toolbar and chips (artifacts/, for the README's screenshots).
  await devtools.undock(1280, 760);
  await devtools.screenshot(path.join(REPO_ROOT, "artifacts", "filters.png"));
  await cdp.dispose();
});

const schema = JSON.parse(readFileSync(path.join(REPO_ROOT, "docs/export.schema.json"), "utf8"));
const validate = new Ajv2020({ allErrors: true, strictTypes: false, validateFormats: false }).compile(schema);

/** Events a text/event-stream body dispatches (eventsource-parser; the id persists, HTML §9.2.6). */
function replay(text: string): Ev[] {
  const out: Ev[] = [];
  let id = "";
  const p = createParser({
    onId(x) {
      id = x;
    },
    onEvent(e) {
      if (e.id !== undefined) id = e.id;
      out.push({ type: e.event ?? "message", data: e.data, id });
    },
  });
  p.feed(text);
  return out;
}

type Rec = { kind: string; cid: string; type?: string; data?: string; lastEventId?: string };
const evOf = (records: Rec[], cid?: string): Ev[] =>
  records
    .filter((r) => r.kind === "eventReceived" && (cid === undefined || r.cid === cid))
    .map((r) => ({ type: r.type ?? "", data: r.data ?? "", id: r.lastEventId ?? "" }));

test("export each format from the menu, parse and validate the files, import JSON and HAR back", async ({
  server,
  launchBrowser,
}) => {
  const b = await launchBrowser({ autoOpenDevTools: true });
  await b.page.goto(fixtureUrl(server.origin, "filters.html", { ticker: TICKER, other: OTHER }));
  const cdp = await BrowserCdp.connect(b.context);
  const downloads = await Downloads.start(cdp);
  const { target, panel } = await openPanel(b, cdp, false);
  const { t, o } = await bothStreams(panel);
  const tickerEvents = await received(b.page, "ticker");
  const otherEvents = await received(b.page, "other");
  const host = new URL(server.origin).host.replace(":", "-");

  const exportAs = async (format: string, scope = "all") => {
    await click(target, "[data-testid=export]");
    await click(target, `[data-testid=export-scope-${scope}]`);
    await clickAsUser(target, `[data-testid=export-${format}]`);
    return downloads.next(`the ${format} download`);
  };

  // JSON: valid against the schema, the page's events per connection.
  const json = await exportAs("json");
  expect(json.name).toMatch(new RegExp(`^${host}_\\d{4}-\\d\\d-\\d\\d_\\d\\d-\\d\\d-\\d\\d_all\\.json$`));
  const doc = JSON.parse(json.text);
  expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
  const byCid = (cid: string) => doc.connections.find((c: { cid: string }) => c.cid === cid);
  expect(evOf(byCid(t.cid).records)).toEqual(tickerEvents);
  expect(evOf(byCid(o.cid).records)).toEqual(otherEvents);

  // NDJSON: one record per line, the same events.
  const nd = await exportAs("ndjson");
  expect(nd.name).toMatch(/_all\.ndjson$/);
  const lines = nd.text
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l) as Rec);
  expect(evOf(lines, t.cid)).toEqual(tickerEvents);
  expect(evOf(lines, o.cid)).toEqual(otherEvents);

  // text/event-stream: re-parsed, each connection's events in turn with its own ids.
  const es = await exportAs("eventstream");
  expect(es.name).toMatch(/_all\.txt$/);
  expect(replay(es.text)).toEqual([...tickerEvents, ...otherEvents]);

  // HAR 1.2 with Chrome's _eventSourceMessages.
  const harFile = await exportAs("har");
  expect(harFile.name).toMatch(/_all\.har$/);
  const har = JSON.parse(harFile.text);
  expect(har.log.version).toBe("1.2");
  const msgs = (part: string) =>
    har.log.entries
      .filter((e: { request: { url: string } }) => e.request.url.includes(part))
      .flatMap((e: { _eventSourceMessages: { eventName: string; data: string; eventId: string }[] }) =>
        e._eventSourceMessages.map((m) => ({ type: m.eventName, data: m.data, id: m.eventId })),
      );
  expect(msgs("types=price")).toEqual(tickerEvents);

  // Scope: the filtered view (one chip) and one connection.
  await click(target, "[data-testid=chip][data-type=price]");
  await panel.waitFor((s) => s.rows.length === 3, { message: "price rows" });
  const filtered = await exportAs("ndjson", "filtered");
  expect(filtered.name).toMatch(/_filtered\.ndjson$/);
  expect(
    evOf(
      filtered.text
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l)),
    ),
  ).toEqual(tickerEvents.filter((e) => e.type === "price"));
  await click(target, "[data-testid=chip-all]");
  await target.evaluate((cid) => {
    document.querySelector<HTMLElement>(`[data-testid=connection][data-cid="${cid}"]`)?.click();
  }, o.cid);
  const one = await exportAs("json", "connection");
  expect(one.name).toContain(`_${o.cid}.json`);
  const oneDoc = JSON.parse(one.text);
  expect(oneDoc.connections.map((c: { cid: string }) => c.cid)).toEqual([o.cid]);
  await target.evaluate(() => document.querySelector<HTMLElement>("[data-testid=connection]")?.click());

  // Import the JSON through the file picker: the imported view shows the same events, marked imported.
  const named = async (file: { path: string; name: string }) => {
    const p = path.join(downloads.dir, file.name);
    await copyFile(file.path, p);
    return p;
  };
  await setInputFiles(target, "[data-testid=import-file]", [await named(json)]);
  const banner = await waitFor(
    () =>
      target.evaluate(() => {
        const el = document.querySelector<HTMLElement>("[data-testid=import-banner]");
        return el && { file: el.dataset.file, text: el.textContent ?? "" };
      }),
    { message: "the imported banner" },
  );
  expect(banner.file).toBe(json.name);
  expect(banner.text).toContain("Imported — not live");
  await panel.waitFor((s) => s.connections.length === 2 && eventsOf(s.rows, t.cid).length === 12, {
    message: "the imported events",
  });
  const imported = await panel.rows();
  expect(eventsOf(imported, t.cid)).toEqual(tickerEvents);
  expect(eventsOf(imported, o.cid)).toEqual(otherEvents);

  // Live records meanwhile go to the live session, not into the imported view.
  await b.page.evaluate(() => {
    const w = window as unknown as { watch: (s: string, es: EventSource, t: string[]) => EventSource };
    w.watch("late", new EventSource("/ticker?n=2&interval=10&types=news&late=1"), ["news"]);
  });
  await waitFor(async () => (await received(b.page, "late")).length === 2, {
    message: "the late stream's events",
  });
  expect(connectionByUrl(await panel.connections(), "late=1")).toBeUndefined();
  await click(target, "[data-testid=back-to-live]");
  const live = await panel.waitFor((s) => connectionByUrl(s.connections, "late=1")?.count === 2 && s, {
    message: "back to live, with the stream that began while the import was shown",
  });
  expect(live.connections).toHaveLength(3);
  expect(await target.evaluate(() => document.querySelector("[data-testid=import-banner]") === null)).toBe(
    true,
  );

  // Import the HAR: one connection per entry, the same events.
  await setInputFiles(target, "[data-testid=import-file]", [await named(harFile)]);
  const fromHar = await panel.waitFor(
    (s) => s.connections.length === 2 && s.connections.every((c) => c.cid.startsWith("har.")) && s,
    { message: "the HAR's two connections" },
  );
  const harTicker = connectionByUrl(fromHar.connections, "types=price")?.cid ?? "";
  const harOther = connectionByUrl(fromHar.connections, "n=3&")?.cid ?? "";
  expect(eventsOf(fromHar.rows, harTicker)).toEqual(tickerEvents);
  expect(eventsOf(fromHar.rows, harOther)).toEqual(otherEvents);
  expect(
    await target.evaluate(
      () => document.querySelector<HTMLElement>("[data-testid=import-banner]")?.dataset.file,
    ),
  ).toBe(harFile.name);
  await downloads.dispose();
  await cdp.dispose();
});
