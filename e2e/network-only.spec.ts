/**
 * Issue 6 item 5: a text/event-stream read inside a dedicated Web Worker cannot be hooked (content scripts
 * run in documents only). With DevTools open, the devtools page gets DevTools' record of the request once it
 * ends, and the panel shows it as a fetch stream "seen by network only", with the events of its body. A stream
 * the page itself reads with fetch() (hooked, live) is not listed a second time from that record.
 */
import { expect, test } from "./helpers/fixtures";
import { fixtureUrl } from "./helpers/page";
import { connectionByUrl, eventsOf, panelInDevTools } from "./helpers/panel";
import { waitFor } from "./helpers/wait";

test("a worker's fetch() stream is shown from DevTools' network record, marked network only", async ({
  server,
  launchBrowser,
}) => {
  const b = await launchBrowser({ autoOpenDevTools: true });
  await b.page.goto(fixtureUrl(server.origin, "blank.html"));
  const { frame, view: panel } = await panelInDevTools(b);

  const fromWorker = await b.page.evaluate(async () => {
    // First the page's own fetch stream: hooked live, so not listed again when DevTools' record of it comes
    // (the background decides on each record in arrival order: by the time the worker's stream is listed
    // below, this one's record has been handled).
    const r = await fetch("/fs/stream?n=2&m=0&client=page");
    await r.text();
    // A blob: worker resolves relative URLs against its blob: URL: give it the page's origin.
    const src = `
      onmessage = async () => {
        const r = await fetch("${location.origin}/fs/stream?n=3&m=0&client=worker", { method: "POST", body: "from-worker" });
        postMessage(await r.text());
      };`;
    const w = new Worker(URL.createObjectURL(new Blob([src], { type: "text/javascript" })));
    const text = await new Promise<string>((resolve) => {
      w.onmessage = (e) => resolve(e.data as string);
      w.postMessage("go");
    });
    return text;
  });
  // What the worker read, parsed here (independently of the extension): its three events.
  const sent = fromWorker
    .split("\n\n")
    .filter((b) => b.includes("data: "))
    .map((b) => {
      const field = (k: string) =>
        b
          .split("\n")
          .find((l) => l.startsWith(`${k}: `))
          ?.slice(k.length + 2);
      return { type: field("event") ?? "message", id: field("id") ?? "", data: field("data") ?? "" };
    });
  expect(sent).toHaveLength(3);

  const s = await panel.waitFor(
    (s) => {
      const w = connectionByUrl(s.connections, "client=worker");
      const p = connectionByUrl(s.connections, "client=page");
      return w && p && p.state === "closed" && eventsOf(s.rows, w.cid).length === 3 ? s : undefined;
    },
    { timeout: 20_000 },
  );
  const worker = connectionByUrl(s.connections, "client=worker");
  expect(worker?.kind).toBe("fetch");
  expect(eventsOf(s.rows, worker?.cid ?? "")).toEqual(sent);
  // Marked in the sidebar; the page's own stream is not.
  const badges = () =>
    frame.evaluate(
      (cid: string) => ({
        all: document.querySelectorAll("[data-testid=connection-network-only]").length,
        worker: document.querySelector(`[data-cid="${cid}"] [data-testid=connection-network-only]`) !== null,
      }),
      worker?.cid ?? "",
    );
  await waitFor(async () => (await badges()).worker, { message: "the network-only badge" });
  expect(await badges()).toEqual({ all: 1, worker: true });
  // The page's stream appears once (the hook's), even after DevTools' record of it arrived.
  const page = s.connections.filter((c) => c.url.includes("client=page"));
  expect(page).toHaveLength(1);
  await waitFor(
    async () => (await panel.connections()).filter((c) => c.url.includes("client=page")).length === 1,
    { message: "still one connection for the page's stream" },
  );
});
