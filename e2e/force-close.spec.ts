/**
 * Force-close from the panel (issue 4, item 5), in the real DevTools: "Close" is what the page's own close()
 * does (readyState 2, no event, the request ends), "Fail" is what the browser does when it fails the
 * connection, e.g. on a 204 (readyState 2, one `error` event, no reconnect). Then the negative side: nothing a
 * page posts can close anything, and a panel for one tab cannot close another tab's connection.
 *
 * "No further messages / no reconnect" is checked without sleeping: a third stream on the same page keeps
 * going, and the test waits until it has received more messages than the closed ones would have sent in
 * their retry time (the server sets retry: 100 ms, and sends one event per 40 ms).
 */
import type { Frame } from "@playwright/test";
import { BOOTSTRAP_EVENT, PROTOCOL_VERSION } from "../src/protocol/constants";
import { BrowserCdp, devToolsFor, type Evaluator } from "./helpers/devtools";
import { expect, test } from "./helpers/fixtures";
import { fixtureUrl } from "./helpers/page";
import { connectionByUrl, openPanelTab, PanelView } from "./helpers/panel";
import { waitFor } from "./helpers/wait";

interface PageEntry {
  src: string;
  what: "open" | "message" | "onerror" | "error listener" | "patched close()";
  readyState: number;
  trusted: boolean;
}

const stream = (src: string) => `/ticker?n=0&interval=40&types=&retry=100&src=${src}`;

/**
 * In the page: one EventSource per `src`, recording what the page itself observes: onmessage, onerror,
 * addEventListener("error") and the readyState each saw. The page has also patched `close()` (as pages may):
 * force-close must not go through it.
 */
function openStreams(arg: { sources: string[]; path: string }) {
  const w = window as unknown as {
    __fc: { log: PageEntry[]; es: Record<string, EventSource>; stacks: string[] };
  };
  w.__fc = { log: [], es: {}, stacks: [] };
  EventSource.prototype.close = function (this: EventSource) {
    w.__fc.log.push({ src: "?", what: "patched close()", readyState: this.readyState, trusted: true });
  };
  for (const src of arg.sources) {
    const es = new EventSource(arg.path.replace("SRC", src));
    w.__fc.es[src] = es;
    const log = (what: PageEntry["what"], e: Event) =>
      w.__fc.log.push({ src, what, readyState: es.readyState, trusted: e.isTrusted });
    es.onopen = (e) => log("open", e);
    es.onmessage = (e) => log("message", e);
    es.onerror = (e) => log("onerror", e);
    es.addEventListener("error", (e) => {
      log("error listener", e);
      w.__fc.stacks.push(String(new Error().stack));
    });
  }
}

/** A page or one of its frames. */
type Where = Pick<Frame, "evaluate">;

const pageLog = (page: Where) =>
  page.evaluate(() => (window as unknown as { __fc: { log: PageEntry[] } }).__fc.log);
const readyState = (page: Where, src: string) =>
  page.evaluate(
    (s) => (window as unknown as { __fc: { es: Record<string, EventSource> } }).__fc.es[s]?.readyState,
    src,
  );
const messages = (log: PageEntry[], src: string) =>
  log.filter((e) => e.src === src && e.what === "message").length;

/** Selects connection `cid` in the panel's sidebar. */
const selectConnection = (panel: Evaluator, cid: string) =>
  panel.evaluate((c) => {
    const items = [...document.querySelectorAll<HTMLElement>("[data-testid=connection]")];
    items.find((e) => e.dataset.cid === c)?.click();
  }, cid);

/** Selects connection `cid` in the panel's sidebar and clicks Close or Fail once it is enabled. */
async function clickForceClose(panel: Evaluator, cid: string, which: "close" | "fail"): Promise<void> {
  await selectConnection(panel, cid);
  await waitFor(
    () =>
      panel.evaluate(
        ({ c, w }) => {
          const group = [...document.querySelectorAll<HTMLElement>("[data-testid=force-close]")].find(
            (e) => e.dataset.cid === c,
          );
          const button = group?.querySelector<HTMLButtonElement>(`[data-testid=force-close-${w}]`);
          if (!button || button.disabled) return false;
          button.click();
          return true;
        },
        { c: cid, w: which },
      ),
    { message: `the enabled ${which} button of ${cid}` },
  );
}

/** The force-close group of `cid` as rendered: buttons' disabled state, status reason and text. */
const actionsOf = (panel: Evaluator, cid: string) =>
  panel.evaluate((c) => {
    const group = [...document.querySelectorAll<HTMLElement>("[data-testid=force-close]")].find(
      (e) => e.dataset.cid === c,
    );
    if (!group) return undefined;
    const status = group.querySelector<HTMLElement>("[data-testid=force-close-status]");
    return {
      closeDisabled: group.querySelector<HTMLButtonElement>("[data-testid=force-close-close]")?.disabled,
      failDisabled: group.querySelector<HTMLButtonElement>("[data-testid=force-close-fail]")?.disabled,
      reason: status?.dataset.reason ?? "",
      text: status?.textContent ?? "",
    };
  }, cid);

test("Close and Fail from the real DevTools panel change what the page observes as described", async ({
  server,
  launchBrowser,
}) => {
  const b = await launchBrowser({ autoOpenDevTools: true });
  await b.page.goto(fixtureUrl(server.origin, "blank.html"));
  await b.page.evaluate(openStreams, { sources: ["closed", "failed", "control"], path: stream("SRC") });

  const cdp = await BrowserCdp.connect(b.context);
  const devtools = await devToolsFor(cdp, b.page);
  const where = await devtools.showPanel(b.extensionId as string);
  const panel = await PanelView.attach(where);
  const conns = await panel.waitFor(
    (s) => {
      const closed = connectionByUrl(s.connections, "src=closed");
      const failed = connectionByUrl(s.connections, "src=failed");
      const control = connectionByUrl(s.connections, "src=control");
      return closed?.count && failed?.count && control?.count ? { closed, failed, control } : undefined;
    },
    { message: "three open connections with messages" },
  );
  const requestsOf = (src: string) => server.requests.filter((r) => r.query.src === src);

  // Close: readyState 2 at once, no event, the request ends.
  await clickForceClose(where, conns.closed.cid, "close");
  await waitFor(async () => (await readyState(b.page, "closed")) === 2, { message: "readyState 2" });
  await waitFor(() => requestsOf("closed")[0]?.closed, { message: "the server to see the request end" });
  const afterClose = messages(await pageLog(b.page), "closed");
  await panel.waitFor((s) => connectionByUrl(s.connections, "src=closed")?.state === "closed", {
    message: "the panel to show the connection closed",
  });
  await waitFor(async () => (await actionsOf(where, conns.closed.cid))?.reason === "devtools-close", {
    message: "the Close status",
  });
  const closedActions = await actionsOf(where, conns.closed.cid);
  expect(closedActions).toMatchObject({ closeDisabled: true, failDisabled: true });
  expect(closedActions?.text).toContain("DevTools");

  // Fail: readyState 2 and exactly one error event, seen by onerror and by the listener with readyState 2.
  await clickForceClose(where, conns.failed.cid, "fail");
  await waitFor(
    async () => (await pageLog(b.page)).some((e) => e.src === "failed" && e.what === "error listener"),
    { message: "the page's error listener to run" },
  );
  await waitFor(() => requestsOf("failed")[0]?.closed, { message: "the server to see the request end" });
  const afterFail = messages(await pageLog(b.page), "failed");
  await waitFor(async () => (await actionsOf(where, conns.failed.cid))?.reason === "devtools-fail", {
    message: "the Fail status",
  });
  const failedActions = await actionsOf(where, conns.failed.cid);
  expect(failedActions).toMatchObject({ closeDisabled: true, failDisabled: true });
  expect(failedActions?.text).toContain("DevTools");

  // Time passes by a condition: the control stream receives 10 more messages (400 ms at 40 ms each), well
  // past the closed streams' retry (100 ms) and their own pace, had either gone on or reconnected.
  const controlBefore = messages(await pageLog(b.page), "control");
  await waitFor(async () => messages(await pageLog(b.page), "control") >= controlBefore + 10, {
    message: "the control stream to go on",
  });
  const log = await pageLog(b.page);
  expect(messages(log, "closed")).toBe(afterClose);
  expect(messages(log, "failed")).toBe(afterFail);
  // Close fired nothing; Fail fired one error (not trusted: only the browser can fire a trusted event).
  expect(log.filter((e) => e.src === "closed" && e.what !== "message")).toEqual([
    { src: "closed", what: "open", readyState: 1, trusted: true },
  ]);
  expect(log.filter((e) => e.src === "failed" && e.what !== "message")).toEqual([
    { src: "failed", what: "open", readyState: 1, trusted: true },
    { src: "failed", what: "onerror", readyState: 2, trusted: false },
    { src: "failed", what: "error listener", readyState: 2, trusted: false },
  ]);
  // Every message either saw reached the page while OPEN; the page's patched close() was never called.
  expect(log.filter((e) => e.what === "message" && e.readyState !== 1)).toEqual([]);
  expect(log.filter((e) => e.what === "patched close()")).toEqual([]);
  // The error listener's stack shows the page's own frames only, never the extension's script.
  const stacks = await b.page.evaluate(
    () => (window as unknown as { __fc: { stacks: string[] } }).__fc.stacks,
  );
  expect(stacks).toHaveLength(1);
  expect(stacks[0]).not.toContain("chrome-extension://");
  // No reconnects: one request each, both ended; the control stream is untouched.
  expect(requestsOf("closed")).toHaveLength(1);
  expect(requestsOf("failed")).toHaveLength(1);
  expect(requestsOf("control")).toHaveLength(1);
  expect(requestsOf("control")[0]?.closed).toBeFalsy();
  expect(await readyState(b.page, "failed")).toBe(2);
  expect(await readyState(b.page, "control")).toBe(1);

  // The panel's story: the DevTools record, no close() by the page, and for Fail the error as DevTools' own.
  // (The table shows the connection selected in the sidebar: the failed one now, then the closed one.)
  const kinds = async (cid: string) =>
    (await panel.rows()).filter((r) => r.cid === cid && r.kind !== "eventReceived").map((r) => r.kind);
  expect(await kinds(conns.failed.cid)).toEqual([
    "connectionCreated",
    "connectionOpened",
    "connectionForceClosed",
    "errorReceived",
  ]);
  expect(connectionByUrl(await panel.connections(), "src=control")?.state).toBe("open");
  // The sidebar has the failed connection selected: its rows are all in the table, the error not "synthetic".
  const errorRow = await where.evaluate((c) => {
    const row = [...document.querySelectorAll<HTMLElement>("[data-testid=row]")].find(
      (e) => e.dataset.cid === c && e.dataset.kind === "errorReceived",
    );
    return row ? { cls: row.className, text: row.textContent ?? "" } : undefined;
  }, conns.failed.cid);
  expect(errorRow?.cls).not.toContain("synthetic");
  expect(errorRow?.text).toContain("DevTools");
  await selectConnection(where, conns.closed.cid);
  await waitFor(async () => (await panel.rows()).every((r) => r.cid === conns.closed.cid), {
    message: "the table to show the closed connection",
  });
  expect(await kinds(conns.closed.cid)).toEqual([
    "connectionCreated",
    "connectionOpened",
    "connectionForceClosed",
  ]);
  await cdp.dispose();
});

/**
 * Evaluated in the hostile page: every way a page script could ask the hook to close `cid` (it is given the
 * real cid, which a page cannot know): a forged bootstrap then "down" traffic on its secret, guessed names,
 * on document, window and the root element, and window.postMessage.
 */
function forgeCloses(arg: { cid: string; bootstrap: string; v: number }) {
  const { cid, bootstrap, v } = arg;
  const commands = ["close", "fail"].map((mode) => ({ v, kind: "closeConnection", cid, mode }));
  const targets: EventTarget[] = [document, window, document.documentElement];
  const fire = (name: string, detail: unknown) => {
    for (const t of targets)
      t.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  };
  for (const secret of ["mine", "", "undefined", "null", "0"]) {
    fire(bootstrap, { secret });
    for (const c of commands) fire(`sse-devtools:${secret}:down`, c);
  }
  const names = [
    bootstrap,
    "sse-devtools",
    "sse-devtools:down",
    "sse-devtools:up",
    "closeConnection",
    "message",
  ];
  for (const n of names) for (const c of commands) fire(n, c);
  for (const c of commands) {
    window.postMessage(c, "*");
    window.postMessage({ v, kind: "closeConnectionInTab", tabId: 0, cid, mode: c.mode }, "*");
  }
}

test("no page script and no other tab's panel can force-close a connection", async ({
  server,
  launchBrowser,
}) => {
  const b = await launchBrowser({ extension: true });
  const pageA = b.page;
  const pageB = await b.context.newPage();
  for (const [p, src] of [
    [pageA, "a"],
    [pageB, "b"],
  ] as const) {
    await p.goto(fixtureUrl(server.origin, "blank.html", { tab: src }));
    await p.evaluate(openStreams, { sources: [src], path: stream("SRC") });
  }
  // And a connection in an iframe of A: commands go to the frame of the connection's document.
  await pageA.evaluate(
    (url) =>
      new Promise<void>((resolve) => {
        const f = document.createElement("iframe");
        f.onload = () => resolve();
        f.src = url;
        document.body.append(f);
      }),
    fixtureUrl(server.origin, "blank.html", { frame: "1" }),
  );
  const frameA = pageA.frames().find((f) => f.url().includes("frame=1")) as Frame;
  await frameA.evaluate(openStreams, { sources: ["frame"], path: stream("SRC") });
  const panelA = await openPanelTab(b, pageA);
  const panelB = await openPanelTab(b, pageB);
  const cidOf = async (view: PanelView, src: string) =>
    (await view.waitFor((s) => connectionByUrl(s.connections, `src=${src}`)?.cid, {
      message: src,
    })) as string;
  const cidA = await cidOf(panelA.view, "a");
  const cidFrame = await cidOf(panelA.view, "frame");
  const cidB = await cidOf(panelB.view, "b");
  const tabA = Number(new URL(panelA.page.url()).searchParams.get("tabId"));
  const tabB = Number(new URL(panelB.page.url()).searchParams.get("tabId"));
  expect(tabA).not.toBe(tabB);

  // 1. Tab B's own page forges close commands for its own connection: the hook acts synchronously on its
  // channel, so a forgery that worked would show at once.
  await pageB.evaluate(forgeCloses, { cid: cidB, bootstrap: BOOTSTRAP_EVENT, v: PROTOCOL_VERSION });
  expect(await readyState(pageB, "b")).toBe(1);

  // 2. Tab A's panel page, on panel ports of its own: B's tab and cid from a port subscribed to A, B's cid
  // under A's tab id, and from a port that never subscribed; then, on the subscribed port, A's own cid as the
  // controls, the top frame's and the iframe's (messages on one port are handled in order: once A's close,
  // the others were handled).
  await panelA.page.evaluate(
    async ({ a, b: tb, cidA: ca, cidB: cb, cidFrame: cf, v }) => {
      const connect = () => chrome.runtime.connect({ name: "sse-panel" });
      const close = (tabId: number, cid: string, mode: string) => ({
        v,
        kind: "closeConnectionInTab",
        tabId,
        cid,
        mode,
      });
      const stranger = connect();
      stranger.postMessage(close(tb, cb, "close"));
      stranger.postMessage(close(tb, cb, "fail"));
      const port = connect();
      await new Promise<void>((resolve) => {
        port.onMessage.addListener((m: { kind?: string }) => {
          if (m.kind === "sessionReplayed") resolve();
        });
        port.postMessage({ v, kind: "subscribePanel", tabId: a });
      });
      port.postMessage(close(tb, cb, "close"));
      port.postMessage(close(tb, cb, "fail"));
      port.postMessage(close(a, cb, "close"));
      port.postMessage(close(tb, ca, "close"));
      port.postMessage(close(a, cf, "fail"));
      port.postMessage(close(a, ca, "close"));
      (window as unknown as { __keep: unknown[] }).__keep = [stranger, port];
    },
    { a: tabA, b: tabB, cidA, cidB, cidFrame, v: PROTOCOL_VERSION },
  );
  await waitFor(async () => (await readyState(pageA, "a")) === 2, { message: "A closed by its own panel" });
  await waitFor(async () => (await pageLog(frameA)).some((e) => e.what === "error listener"), {
    message: "A's iframe connection failed by A's panel",
  });
  expect((await pageLog(frameA)).filter((e) => e.what !== "message")).toEqual([
    { src: "frame", what: "open", readyState: 1, trusted: true },
    { src: "frame", what: "onerror", readyState: 2, trusted: false },
    { src: "frame", what: "error listener", readyState: 2, trusted: false },
  ]);
  expect((await pageLog(pageA)).filter((e) => e.what !== "message")).toEqual([
    { src: "a", what: "open", readyState: 1, trusted: true },
  ]);

  // B goes on receiving, OPEN, and the server still serves its one request.
  const before = messages(await pageLog(pageB), "b");
  await waitFor(async () => messages(await pageLog(pageB), "b") >= before + 5, { message: "B goes on" });
  expect(await readyState(pageB, "b")).toBe(1);
  const logB = await pageLog(pageB);
  expect(logB.filter((e) => e.what !== "message")).toEqual([
    { src: "b", what: "open", readyState: 1, trusted: true },
  ]);
  const requestsB = server.requests.filter((r) => r.query.src === "b");
  expect(requestsB).toHaveLength(1);
  expect(requestsB[0]?.closed).toBeFalsy();
  const snapB = await panelB.view.snapshot();
  expect(snapB.rows.filter((r) => r.kind === "connectionForceClosed")).toEqual([]);
  expect(connectionByUrl(snapB.connections, "src=b")?.state).toBe("open");
});
