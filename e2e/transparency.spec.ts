/**
 * Transparency: a page cannot tell that the extension wrapped EventSource. The same page script
 * (e2e/fixtures/transparency.html) runs in a browser with the extension and in one without; everything it
 * computes — identities, descriptors, source text, error messages and stacks, listener semantics, events —
 * must be deep-equal.
 */
import type { launch } from "./helpers/browser";
import { expect, test } from "./helpers/fixtures";
import { fixtureUrl } from "./helpers/page";
import { connectionByUrl, openPanelTab } from "./helpers/panel";

test("the page sees the same EventSource with and without the extension", async ({
  server,
  launchBrowser,
}) => {
  const url = fixtureUrl(server.origin, "transparency.html");
  const [withExt, without] = await Promise.all([
    launchBrowser({ extension: true }),
    launchBrowser({ extension: false }),
  ]);
  const run = async (b: Awaited<ReturnType<typeof launch>>) => {
    await b.page.goto(url);
    return b.page.evaluate(
      () => (window as unknown as { __result: Promise<Record<string, unknown>> }).__result,
    );
  };
  const [a, b] = await Promise.all([run(withExt), run(without)]);

  // The script itself worked (in the plain browser, so the comparison is not between two failures).
  expect(b.failed).toBeUndefined();
  expect(b.typeof).toBe("function");
  expect(b["name/length"]).toEqual(["EventSource", 1]);
  expect(b["instance basics"]).toMatchObject({ instanceofES: true, protoIsPrototype: true, OPEN: 1 });
  expect(b.subclass).toMatchObject({ instanceofX: true, instanceofES: true, hello: "hello 0" });
  expect((b["events seen"] as unknown[]).length).toBeGreaterThan(3);

  expect(a).toEqual(b);

  // And the extension really was there: its panel saw this page's EventSources.
  const { view } = await openPanelTab(withExt, withExt.page);
  await view.waitFor((s) => connectionByUrl(s.connections, "/ticker?n=4&interval=20"), {
    message: "the hooked page's ticker in the panel",
  });
});
