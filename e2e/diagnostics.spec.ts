/**
 * Diagnostics in the real DevTools: each problem stream of scripts/sse-server.ts gets exactly its diagnostic
 * (from the page's records and DevTools' network record of each attempt), a clean stream gets none; the
 * status bar counts them, the list shows each with its spec link, the sidebar badges the connections, and a
 * click on a finding selects its connection. A second page opens 7 EventSources to one HTTP/1.1 origin.
 */
import { copyFileSync } from "node:fs";
import path from "node:path";
import type { Finding } from "../src/diagnostics/index";
import { type Launched, REPO_ROOT } from "./helpers/browser";
import { BrowserCdp, devToolsFor } from "./helpers/devtools";
import { expect, test } from "./helpers/fixtures";
import { fixtureUrl } from "./helpers/page";
import { PanelView } from "./helpers/panel";
import { waitFor } from "./helpers/wait";

const SPEC = "https://html.spec.whatwg.org/multipage/server-sent-events.html#";

/** URL part → the codes its connection must have, exactly (sorted). */
const EXPECTED: Record<string, string[]> = {
  "/diag/clean": [],
  "/diag/no-ids": ["noIds"],
  "/diag/id-first": ["idBeforeData"],
  "/diag/storm": ["lowRetry", "reconnectStorm"],
  "/diag/low-retry": ["lowRetry"],
  "/diag/unlistened": ["unlistenedType"],
  "/diag/big": ["bigEvent"],
  "/t/status?code=500": ["badStatus"],
  "/t/status?code=204": ["stop204"],
  "/wrong-type": ["wrongContentType"],
};

interface Seen {
  byUrl: Record<string, string[]>;
  cidOf: Record<string, string>;
  findings: Finding[];
  /** The clean stream's attempts: the first one ended and DevTools' record of it (with body) arrived. */
  cleanChecked: boolean;
}

/** In the panel: findings per connection URL, and whether the clean stream's network record is in. */
function readDiagnostics(): Seen {
  const w = window as unknown as {
    __sseConnections?: { cid: string; url: string }[];
    __sseDiagnostics?: Finding[];
    __sseAttempts?: { cid: string; attempt: number; source: string | null; status: number | null }[];
  };
  const conns = w.__sseConnections ?? [];
  const findings = w.__sseDiagnostics ?? [];
  const byUrl: Record<string, string[]> = {};
  const cidOf: Record<string, string> = {};
  for (const c of conns) {
    const path = new URL(c.url).pathname + new URL(c.url).search;
    cidOf[path] = c.cid;
    byUrl[path] = findings
      .filter((f) => f.cid === c.cid)
      .map((f) => f.code)
      .sort();
  }
  const clean = conns.find((c) => c.url.includes("/diag/clean"));
  const cleanChecked = (w.__sseAttempts ?? []).some(
    (a) => a.cid === clean?.cid && a.attempt === 1 && a.source === "devtools" && a.status === 200,
  );
  return { byUrl, cidOf, findings, cleanChecked };
}

async function openPanel(b: Launched) {
  const cdp = await BrowserCdp.connect(b.context);
  const devtools = await devToolsFor(cdp, b.page);
  const frame = await devtools.showPanel(b.extensionId as string);
  await PanelView.attach(frame);
  return { cdp, devtools, frame };
}

test("each problem stream gets its diagnostic, the clean stream none; list, badges, spec links", async ({
  server,
  launchBrowser,
}) => {
  const b = await launchBrowser({ autoOpenDevTools: true });
  await b.page.goto(fixtureUrl(server.origin, "blank.html"));
  const { cdp, devtools, frame } = await openPanel(b);

  await b.page.evaluate((urls) => {
    const w = window as unknown as { watch: (src: string, es: EventSource, types: string[]) => EventSource };
    // The clean stream's page listens for its custom type; the others only through onmessage.
    for (const u of urls) w.watch(u, new EventSource(u), u === "/diag/clean" ? ["tick"] : []);
  }, Object.keys(EXPECTED));

  let last: Seen | undefined;
  const seen = await waitFor(
    async () => {
      last = await frame.evaluate(readDiagnostics);
      const all = Object.entries(EXPECTED).every(
        ([u, codes]) => JSON.stringify(last?.byUrl[u]) === JSON.stringify(codes),
      );
      return all && last.cleanChecked && last;
    },
    { timeout: 25_000, message: "every fixture's diagnostics (and the clean stream's network record)" },
  ).catch((e) => {
    // Show which connection differs, not only that the wait timed out.
    expect(last?.byUrl).toEqual(EXPECTED);
    throw e;
  });
  expect(seen.byUrl).toEqual(EXPECTED);

  // Plain words with the figures that matter, and each links the right section of the standard.
  const one = (code: string) => seen.findings.find((f) => f.code === code) as Finding;
  expect(one("wrongContentType")).toMatchObject({ severity: "error", subs: ["text/plain"], attempt: 1 });
  expect(one("badStatus")).toMatchObject({ severity: "error", subs: ["500 Internal Server Error"] });
  expect(one("stop204").severity).toBe("info");
  expect(one("noIds").subs).toEqual(["2"]);
  expect(one("idBeforeData").subs).toEqual(["1"]);
  expect(Number(one("reconnectStorm").subs[0])).toBeGreaterThanOrEqual(10);
  expect(one("unlistenedType").subs).toEqual(["2", '"orphan"']);
  expect(one("bigEvent").subs).toEqual(["1", "1.1 MB"]);
  const lowRetry = seen.findings.filter((f) => f.code === "lowRetry").map((f) => f.subs[0]);
  expect(lowRetry.sort()).toEqual(["100", "500"]);
  const anchors: Record<string, string> = {
    wrongContentType: "the-eventsource-interface",
    badStatus: "the-eventsource-interface",
    stop204: "server-sent-events-intro",
    noIds: "the-last-event-id-header",
    idBeforeData: "dispatchMessage",
    reconnectStorm: "reestablish-the-connection",
    lowRetry: "concept-event-stream-reconnection-time",
    unlistenedType: "server-sent-events-intro",
    bigEvent: "event-stream-interpretation",
  };
  for (const f of seen.findings) expect(f.spec, f.code).toBe(SPEC + anchors[f.code]);

  // The UI: status bar total, the list (opened from it), badges per connection, click → selection.
  const total = seen.findings.length;
  const ui = await waitFor(
    () =>
      frame.evaluate((n) => {
        const toggle = document.querySelector<HTMLElement>("[data-testid=diag-toggle]");
        if (Number(toggle?.dataset.count) !== n) return false;
        if (!document.querySelector("[data-testid=diagnostics]")) toggle?.click();
        const items = [...document.querySelectorAll<HTMLElement>("[data-testid=diag]")];
        if (items.length !== n) return false;
        const badges: Record<string, number> = {};
        for (const el of document.querySelectorAll<HTMLElement>("[data-testid=connection]")) {
          const badge = el.querySelector<HTMLElement>("[data-testid=connection-diag]");
          badges[el.dataset.cid ?? ""] = badge ? Number(badge.dataset.count) : 0;
        }
        return {
          toggleText: toggle?.textContent ?? "",
          items: items.map((el) => {
            const a = el.querySelector<HTMLAnchorElement>("a.diag-spec");
            return {
              code: el.dataset.code,
              cid: el.dataset.cid,
              message: el.querySelector("[data-testid=diag-message]")?.textContent ?? "",
              href: a?.href,
              target: a?.target,
              rel: a?.rel,
            };
          }),
          badges,
        };
      }, total),
    { message: "the status bar's count, the open list and the sidebar's badges" },
  );
  expect(ui.toggleText).toContain(String(total));
  for (const it of ui.items) {
    expect(it.href).toBe(seen.findings.find((f) => f.code === it.code)?.spec);
    expect(it.target).toBe("_blank");
    expect(it.rel).toBe("noreferrer");
    expect(it.message.length).toBeGreaterThan(20);
    expect(it.message).not.toMatch(/\$\d/);
  }
  const wrongItem = ui.items.find((i) => i.code === "wrongContentType");
  expect(wrongItem?.message).toContain("text/plain");
  for (const [u, codes] of Object.entries(EXPECTED))
    expect(ui.badges[seen.cidOf[u] as string], u).toBe(codes.length);

  // A click on a finding's connection selects that connection in the sidebar.
  const stormCid = seen.cidOf["/diag/storm"] as string;
  await frame.evaluate((cid) => {
    const item = [...document.querySelectorAll<HTMLElement>("[data-testid=diag]")].find(
      (el) => el.dataset.cid === cid,
    );
    item?.querySelector<HTMLElement>(".diag-conn")?.click();
  }, stormCid);
  await waitFor(
    () =>
      frame.evaluate(
        (cid) =>
          document
            .querySelector<HTMLElement>(`[data-testid=connection][data-cid="${cid}"]`)
            ?.getAttribute("aria-selected") === "true",
        stormCid,
      ),
    { message: "the storm connection selected from its finding" },
  );

  // A picture for the README: always to artifacts/, to docs/ when asked (UPDATE_SCREENSHOTS=1).
  await devtools.undock(1280, 760);
  const shot = path.join(REPO_ROOT, "artifacts", "diagnostics.png");
  await devtools.screenshot(shot);
  if (process.env.UPDATE_SCREENSHOTS === "1")
    copyFileSync(shot, path.join(REPO_ROOT, "docs", "diagnostics.png"));
  await cdp.dispose();
});

test("more than 6 EventSources to one HTTP/1.1 origin: the 7th is flagged", async ({
  server,
  launchBrowser,
}) => {
  const b = await launchBrowser({ autoOpenDevTools: true });
  await b.page.goto(fixtureUrl(server.origin, "blank.html"));
  const { cdp, frame } = await openPanel(b);

  // First an attempt that ends at once, so that DevTools' record tells the origin's HTTP version.
  await b.page.evaluate(() => {
    const w = window as unknown as { watch: (src: string, es: EventSource, types: string[]) => EventSource };
    w.watch("wrong", new EventSource("/wrong-type"), []);
  });
  await waitFor(
    () =>
      frame.evaluate(() =>
        ((window as unknown as { __sseDiagnostics?: Finding[] }).__sseDiagnostics ?? []).some(
          (f) => f.code === "wrongContentType",
        ),
      ),
    { message: "the /wrong-type attempt's network record" },
  );
  await b.page.evaluate(() => {
    const w = window as unknown as { watch: (src: string, es: EventSource, types: string[]) => EventSource };
    for (let i = 1; i <= 7; i++) w.watch(`hold${i}`, new EventSource(`/diag/hold?i=${i}`), []);
  });
  const found = await waitFor(
    async () => {
      const s = await frame.evaluate(readDiagnostics);
      const many = s.findings.filter((f) => f.code === "tooManyConnections");
      return many.length > 0 && { s, many };
    },
    { message: "the too-many-connections diagnostic" },
  );
  // The 7th in creation order is the one Chrome queues (its stream never opened: 6 sockets per host).
  expect(found.many.map((f) => f.cid)).toEqual([found.s.cidOf["/diag/hold?i=7"]]);
  expect(found.many[0]).toMatchObject({
    severity: "warning",
    key: "diagTooMany",
    subs: ["7", server.origin, "HTTP/1.1"],
    spec: `${SPEC}authoring-notes`,
  });
  const conns = await frame.evaluate(
    () => (window as unknown as { __sseConnections: { url: string; state: string }[] }).__sseConnections,
  );
  expect(conns.find((c) => c.url.endsWith("/diag/hold?i=7"))?.state).toBe("connecting");
  await cdp.dispose();
});
