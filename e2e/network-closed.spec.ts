/**
 * Attempts made while DevTools was CLOSED: the background recorded them from webRequest (no body), so once
 * DevTools opens the SSE panel shows each attempt's status and the Last-Event-ID header the server really
 * received, marked as webRequest-sourced. An attempt made after DevTools opened is recorded twice (webRequest
 * and DevTools) and must appear once, with its body (src/network/store.ts, "One attempt, two records").
 * The service worker is stopped in between, as Chrome stops an idle one: the records survive it.
 */
import type { PlainAttempt as Attempt, PlainNetworkRecord as NetRecord } from "../src/network/view";
import { stopServiceWorker } from "./helpers/browser";
import { BrowserCdp, openDevTools } from "./helpers/devtools";
import { expect, test } from "./helpers/fixtures";
import { fixtureUrl } from "./helpers/page";
import { PanelView } from "./helpers/panel";
import { waitFor } from "./helpers/wait";

const read = () =>
  JSON.parse(
    JSON.stringify({
      attempts: (window as { __sseAttempts?: unknown }).__sseAttempts ?? [],
      network: (window as { __sseNetwork?: unknown }).__sseNetwork ?? [],
    }),
  ) as { attempts: Attempt[]; network: NetRecord[] };

test("attempts made while DevTools was closed show status and Last-Event-ID from webRequest; later ones once, with body", async ({
  server,
  launchBrowser,
}) => {
  const b = await launchBrowser({ autoOpenDevTools: false });
  // Marks this worker: if Chrome replaces it during the story, webRequest events of that moment can be lost.
  await (await b.serviceWorker()).evaluate(() => {
    (globalThis as { __storyWorker?: boolean }).__storyWorker = true;
  });
  // A known limit, not a pass: if Chrome stopped and restarted the worker while attempts ran, a webRequest
  // event dispatched while it was going can be lost (seen on loaded machines). Anything else is a failure.
  const skipIfWorkerReplaced = async (e: unknown) => {
    const sameWorker = await (await b.serviceWorker())
      .evaluate(() => (globalThis as { __storyWorker?: boolean }).__storyWorker === true)
      .catch(() => false);
    test.skip(!sameWorker, "Chrome restarted the extension's worker mid-story; webRequest events were lost");
    throw e;
  };
  await b.page.goto(fixtureUrl(server.origin, "blank.html"));
  // Warm-up: right after the extension is installed Chrome may stop and restart its worker, and a webRequest
  // event dispatched in that moment can be lost (seen on loaded machines). Start once that is behind us:
  // one attempt whose record reached storage.session.
  await b.page.evaluate(() => {
    const es = new EventSource("/ends-204?n=1&interval=0&retry=0&tag=warm");
    es.onerror = () => es.readyState === 2 && es.close();
  });
  await waitFor(
    async () =>
      (await (
        await b.serviceWorker()
      ).evaluate(async () =>
        Object.entries(await chrome.storage.session.get(null)).some(
          ([k, v]) => k.startsWith("wr:r:") && JSON.stringify(v).includes("tag=warm"),
        ),
      )) === true,
    { message: "a first webRequest record kept (warm-up)" },
  ).catch(skipIfWorkerReplaced);
  // /net-story: 200, the server ends it; reconnect with Last-Event-ID 3: 200, ends; reconnect with 5: 204.
  await b.page.evaluate(() => {
    const w = window as unknown as { watch: (src: string, es: EventSource, types: string[]) => EventSource };
    w.watch("early", new EventSource("/net-story?who=early"), []);
  });
  const storyRequests = (who: string) =>
    server.requests
      .filter((r) => r.path === "/net-story" && r.query.who === who)
      .map((r) => ({ lastEventId: r.lastEventId ?? "", status: r.status }));
  await waitFor(() => storyRequests("early").length === 3, { message: "the three early attempts" });
  // The page saw the 204 (readyState 2) before DevTools opens: every early attempt ended while it was closed.
  await waitFor(
    () =>
      b.page.evaluate(() =>
        (window as unknown as { __log: { src: string; readyState: number }[] }).__log.some(
          (l) => l.src === "early" && l.readyState === 2,
        ),
      ),
    { message: "the early stream closed by the 204" },
  );

  // Chrome stops an idle service worker, and its memory with it, while DevTools is closed: the webRequest
  // records must survive that. Chrome waits ~30 s of idleness, time enough for the worker's writes to
  // storage.session; this test stops it at once, so it first waits for the three records to be written.
  const sw = await b.serviceWorker();
  await waitFor(
    async () =>
      (
        await sw.evaluate(async () =>
          Object.entries(await chrome.storage.session.get(null)).filter(
            ([k, v]) => k.startsWith("wr:r:") && JSON.stringify(v).includes("who=early"),
          ),
        )
      ).length === 3,
    { message: "the three early webRequest records kept in storage.session" },
  ).catch(skipIfWorkerReplaced);
  await stopServiceWorker(b);

  const cdp = await BrowserCdp.connect(b.context);
  expect((await cdp.targets()).filter((t) => t.url.startsWith("devtools://"))).toEqual([]);
  const devtools = await openDevTools(cdp, b.page);
  const frame = await devtools.showPanel(b.extensionId as string);
  const panel = await PanelView.attach(frame);

  const cidOf = async (who: string) =>
    waitFor(async () => (await panel.connections()).find((c) => c.url.includes(`who=${who}`))?.cid, {
      message: `the ${who} connection`,
    });
  const early = await cidOf("early");
  const earlyAttempts = await waitFor(
    async () => {
      const a = (await frame.evaluate(read)).attempts.filter((x) => x.cid === early);
      return a.length === 3 && a.every((x) => x.status !== null) && a;
    },
    { message: "the three early attempts with their webRequest record" },
  );
  // What the panel says each attempt sent and got is what the server received and answered.
  expect(earlyAttempts.map((a) => ({ lastEventId: a.lastEventId ?? "", status: a.status }))).toEqual(
    storyRequests("early"),
  );
  expect(storyRequests("early").map((r) => r.status)).toEqual([200, 200, 204]);
  expect(earlyAttempts.map((a) => [a.source, a.lastEventIdFrom, a.events, a.rows])).toEqual([
    ["webRequest", "header", null, []],
    ["webRequest", "header", null, []],
    ["webRequest", "header", null, []],
  ]);
  expect(earlyAttempts[2]?.ending).toBe("204 No Content: the server asked not to reconnect");

  // The detail pane marks them as webRequest's, without body.
  await frame.evaluate(() => {
    const el = [...document.querySelectorAll<HTMLElement>("[data-testid=connection]")].find((e) =>
      (e.dataset.url ?? "").includes("who=early"),
    );
    el?.click();
  });
  const marks = await waitFor(
    async () => {
      const m = await frame.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>("[data-testid=attempt]")].map((e) => ({
          source: e.dataset.source,
          status: e.dataset.status,
          marked: (e.querySelector("[data-testid=attempt-source]")?.textContent ?? "").includes(
            "seen by webRequest only (no body: DevTools was closed",
          ),
        })),
      );
      return m.length === 3 && m;
    },
    { message: "three attempts in the detail pane" },
  );
  expect(marks).toEqual([
    { source: "webRequest", status: "200", marked: true },
    { source: "webRequest", status: "200", marked: true },
    { source: "webRequest", status: "204", marked: true },
  ]);

  // DevTools is open now: the same story again. Each attempt is seen by webRequest AND by DevTools.
  await b.page.evaluate(() => {
    const w = window as unknown as { watch: (src: string, es: EventSource, types: string[]) => EventSource };
    w.watch("late", new EventSource("/net-story?who=late"), []);
  });
  const late = await cidOf("late");
  const lateNetwork = await waitFor(
    async () => {
      const n = (await frame.evaluate(read)).network.filter((x) => x.url.includes("who=late"));
      // Merged: DevTools' record (body) carrying the frame only webRequest knows.
      return n.length === 3 && n.every((x) => x.source === "devtools" && x.frameId === 0) && n;
    },
    { timeout: 20_000, message: "the three late attempts, each one record merged from both sources" },
  );
  expect(lateNetwork.map((n) => [n.status, n.lastEventIdSent])).toEqual([
    [200, null],
    [200, "3"],
    [204, "5"],
  ]);
  // DevTools' getContent() gives no body for a 204; the streams' bodies it does give.
  expect(lateNetwork.slice(0, 2).map((n) => n.bodyKnown)).toEqual([true, true]);
  expect(storyRequests("late")).toHaveLength(3);
  const { attempts, network } = await frame.evaluate(read);
  // Never counted twice: one record per attempt the server answered, across both streams.
  expect(network.filter((n) => n.url.includes("/net-story"))).toHaveLength(6);
  const lateAttempts = attempts.filter((a) => a.cid === late);
  expect(lateAttempts.map((a) => [a.attempt, a.source, a.status, a.lastEventId])).toEqual([
    [1, "devtools", 200, ""],
    [2, "devtools", 200, "3"],
    [3, "devtools", 204, "5"],
  ]);
  expect(lateAttempts[0]?.rows.filter((r) => r.kind === "networkEvent").map((r) => r.data)).toEqual([
    "m1",
    "u2",
  ]);
  await cdp.dispose();
});
