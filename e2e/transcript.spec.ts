/**
 * Issue 6 item 4: the transcript of LLM streams. Recorded streams (e2e/fixtures/llm/*.txt) are served block by
 * block; the panel's detail pane, for the selected connection, shows the reply they spell out, the time to
 * first token and the finish reason; a stream of another shape offers no transcript.
 */
import { copyFileSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Page } from "@playwright/test";
import { REPO_ROOT } from "./helpers/browser";
import { expect, test } from "./helpers/fixtures";
import { fixtureUrl } from "./helpers/page";
import { connectionByUrl, openPanelTab } from "./helpers/panel";

/**
 * What a fixture's deltas spell out, computed here from the file (not by the panel's code): every JSON
 * `content` / `delta` / `text` / `thinking` / `partial_json` / `arguments` string of a delta event, concatenated
 * per block, in order.
 */
function expectedBlocks(name: string): string[] {
  const text = readFileSync(new URL(`./fixtures/llm/${name}.txt`, import.meta.url), "utf8");
  const blocks = new Map<string, string>();
  const add = (key: string, s: unknown) => {
    if (typeof s === "string" && s !== "") blocks.set(key, (blocks.get(key) ?? "") + s);
  };
  for (const block of text.split("\n\n")) {
    const data = block
      .split("\n")
      .find((l) => l.startsWith("data: "))
      ?.slice(6);
    if (!data || data === "[DONE]") continue;
    const j = JSON.parse(data);
    if (name === "openai-chat")
      for (const c of j.choices ?? []) {
        add("text", c.delta?.content);
        for (const tc of c.delta?.tool_calls ?? []) add(`tool${tc.index}`, tc.function?.arguments);
      }
    else if (name === "openai-responses" && typeof j.type === "string" && j.type.endsWith(".delta"))
      add(`o${j.output_index}`, j.delta);
    else if (name === "anthropic" && j.type === "content_block_delta")
      add(`b${j.index}`, j.delta.text ?? j.delta.thinking ?? j.delta.partial_json);
  }
  return [...blocks.values()];
}

async function transcriptOf(panel: Page, cid: string) {
  await panel.locator(`[data-testid=connection][data-cid="${cid}"]`).click();
  const section = panel.locator("[data-testid=transcript]");
  await expect(section).toHaveAttribute("data-done", "true");
  return {
    shape: await section.getAttribute("data-shape"),
    blocks: await section.locator("[data-testid=transcript-text]").allTextContents(),
    ttft: await section.locator("[data-testid=transcript-ttft]").getAttribute("data-value"),
    finish: await section.locator("[data-testid=transcript-finish]").getAttribute("data-value"),
    model: await section.locator("[data-testid=transcript-model]").getAttribute("data-value"),
  };
}

test("the detail pane assembles OpenAI chat, OpenAI Responses and Anthropic streams; others have none", async ({
  server,
  launchBrowser,
}) => {
  const b = await launchBrowser({ extension: true });
  await b.page.goto(fixtureUrl(server.origin, "blank.html"));
  const { view, page: panel } = await openPanelTab(b, b.page);
  const names = ["openai-chat", "openai-responses", "anthropic", "unknown"];
  // The event names each stream uses: an EventSource page listens for them (the hook sees what the page does).
  const types = Object.fromEntries(
    names.map((n) => [
      n,
      [
        ...readFileSync(new URL(`./fixtures/llm/${n}.txt`, import.meta.url), "utf8").matchAll(
          /^event: (.+)$/gm,
        ),
      ].map((m) => m[1] as string),
    ]),
  );
  await b.page.evaluate(
    ({ names, types }) => {
      // EventSource for three of them; the chat one the way chat UIs read it, with fetch() and a reader.
      for (const n of names.slice(1)) {
        const es = new EventSource(`/llm?name=${n}`);
        for (const t of new Set(types[n])) es.addEventListener(t, () => {});
      }
      void fetch(`/llm?name=${names[0]}`, { method: "POST", body: "{}" }).then(async (r) => {
        const reader = (r.body as ReadableStream).getReader();
        while (!(await reader.read()).done) {}
      });
    },
    { names, types },
  );
  const s = await view.waitFor((s) =>
    names.every((n) => connectionByUrl(s.connections, `name=${n}`)) ? s : undefined,
  );
  const cid = (n: string) => connectionByUrl(s.connections, `name=${n}`)?.cid ?? "";

  const expected: Record<string, { finish: string; model: string }> = {
    "openai-chat": { finish: "tool_calls", model: "gpt-4o-mini-2024-07-18" },
    "openai-responses": { finish: "completed", model: "o4-mini-2025-04-16" },
    anthropic: { finish: "tool_use", model: "claude-sonnet-4-5-20250929" },
  };
  for (const [name, want] of Object.entries(expected)) {
    const tr = await transcriptOf(panel, cid(name));
    expect(tr.shape).toBe(name);
    expect(tr.blocks).toEqual(expectedBlocks(name));
    expect(tr).toMatchObject(want);
    expect(tr.ttft).toMatch(/^\d+(\.\d+)?\s?(ms|мс)$/);
  }
  expect(expectedBlocks("anthropic")[1]).toBe("Hello! I can look that up.");

  // A picture for the README (artifacts/ is written by every run; docs/ only when asked): the panel as a tab.
  const shot = path.join(REPO_ROOT, "artifacts", "transcript.png");
  await panel.screenshot({ path: shot });
  if (process.env.UPDATE_SCREENSHOTS === "1")
    copyFileSync(shot, path.join(REPO_ROOT, "docs", "transcript.png"));

  // Another shape: the plain event list only.
  await panel.locator(`[data-testid=connection][data-cid="${cid("unknown")}"]`).click();
  await expect(panel.locator("[data-testid=force-close]")).toBeVisible();
  await expect(panel.locator("[data-testid=transcript]")).toHaveCount(0);
});
