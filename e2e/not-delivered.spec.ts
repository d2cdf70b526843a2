/**
 * Events the stream carried that the page did not get, in the real DevTools: /diag/unlistened sends
 * `orphan` o1, `message` m, `orphan` o2 and ends; the page listens only for `message`. Once DevTools' record
 * of the attempt (with its body) is in, the grid shows o1 and o2 as "not delivered" rows (✗) on either side
 * of the delivered m, in the order the server sent them; the `orphan` chip narrows the grid to them; a click
 * opens one in the detail pane with its reason.
 */
import { expect, test } from "./helpers/fixtures";
import { fixtureUrl } from "./helpers/page";
import { type PanelRow, panelInDevTools } from "./helpers/panel";
import { waitFor } from "./helpers/wait";

type Shown = PanelRow & { why?: string };
const readRows = () => (window as unknown as { __sseRows?: Shown[] }).__sseRows ?? [];
const events = (rows: Shown[]) =>
  rows
    .filter((r) => r.kind === "eventReceived" || r.kind === "notDelivered")
    .map((r) => `${r.kind === "notDelivered" ? "✗" : "✓"}${r.type}:${r.data}`);

test("undelivered events show in the grid between the delivered ones; a chip narrows to them", async ({
  server,
  launchBrowser,
}) => {
  const b = await launchBrowser({ autoOpenDevTools: true });
  await b.page.goto(fixtureUrl(server.origin, "blank.html"));
  const { cdp, frame } = await panelInDevTools(b);

  // The stream starts after DevTools is open (its network record has the body) and ends (retry: 1 h).
  await b.page.evaluate(() => {
    const es = new EventSource("/diag/unlistened");
    es.addEventListener("message", () => {});
  });

  const shown = await waitFor(
    async () => {
      const rows = await frame.evaluate(readRows);
      return rows.some((r) => r.kind === "notDelivered") && rows;
    },
    { timeout: 15_000, message: "not-delivered rows from DevTools' network record" },
  );
  expect(events(shown)).toEqual(["✗orphan:o1", "✓message:m", "✗orphan:o2"]);
  expect(shown.filter((r) => r.kind === "notDelivered").map((r) => [r.id, r.why])).toEqual([
    ["1", "noListener"],
    ["3", "noListener"],
  ]);
  // They sit after the attempt's open, and before the error that ended the attempt.
  const kinds = shown.map((r) => r.kind);
  expect(kinds.indexOf("notDelivered")).toBeGreaterThan(kinds.indexOf("connectionOpened"));
  expect(kinds.lastIndexOf("notDelivered")).toBeLessThan(kinds.indexOf("errorReceived"));

  // As rendered: ✗ in the delivered column, the reason as the tooltip.
  const dom = await frame.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>("[data-testid=row][data-kind=notDelivered]")].map((el) => ({
      type: el.dataset.type,
      delivered: el.querySelector<HTMLElement>("[data-testid=row-delivered]")?.dataset.delivered,
      mark: el.querySelector("[data-testid=row-delivered]")?.textContent,
      tip: el.querySelector<HTMLElement>("[data-testid=row-data]")?.title,
    })),
  );
  expect(dom).toHaveLength(2);
  for (const d of dom) {
    expect(d).toMatchObject({ type: "orphan", delivered: "false", mark: "✗" });
    expect(d.tip).toContain("orphan");
  }

  // The `orphan` chip: only the two undelivered events remain.
  await frame.evaluate(() =>
    document.querySelector<HTMLElement>('[data-testid=chip][data-type="orphan"]')?.click(),
  );
  await waitFor(
    async () => JSON.stringify(events(await frame.evaluate(readRows))) === '["✗orphan:o1","✗orphan:o2"]',
    { message: "the orphan chip narrows the grid to the undelivered orphan events" },
  );

  // A click opens one in the detail pane: full data and the reason.
  await frame.evaluate(() =>
    document
      .querySelector("[data-testid=row][data-kind=notDelivered]")
      ?.dispatchEvent(new MouseEvent("mousedown", { bubbles: true })),
  );
  const detail = await waitFor(
    () =>
      frame.evaluate(() => {
        const d = document.querySelector("[data-testid=detail][data-kind=notDelivered]");
        return d
          ? {
              data: d.querySelector("pre.data")?.textContent,
              why: d.querySelector("[data-testid=not-delivered-reason]")?.textContent ?? "",
            }
          : false;
      }),
    { message: "the detail pane of the selected undelivered event" },
  );
  expect(detail.data).toBe("o1");
  expect(detail.why).toContain("orphan");
  await cdp.dispose();
});
