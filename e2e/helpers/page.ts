/** What a fixture page itself received (e2e/fixtures/recorder.js keeps it in `window.__received`). */
import type { Page } from "@playwright/test";
import type { Ev } from "./panel";

export interface PageEvent extends Ev {
  src: string;
  readyState: number;
}

export interface PageLogEntry {
  src: string;
  what: "open" | "error";
  readyState: number;
}

/** The events the page's (or a frame's) listeners got from the EventSource named `src`, in order. */
export async function received(page: Pick<Page, "evaluate">, src: string): Promise<Ev[]> {
  const all = await page.evaluate(() => (window as unknown as { __received: PageEvent[] }).__received);
  return all.filter((e) => e.src === src).map(({ type, data, id }) => ({ type, data, id }));
}

/** open / error as the page saw them for `src`. */
export async function pageLog(page: Page, src: string): Promise<PageLogEntry[]> {
  const all = await page.evaluate(() => (window as unknown as { __log: PageLogEntry[] }).__log);
  return all.filter((e) => e.src === src);
}

/** A fixture page URL with query parameters (each value is URL-encoded). */
export function fixtureUrl(origin: string, name: string, params: Record<string, string> = {}): string {
  const u = new URL(`/fixtures/${name}`, origin);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.href;
}
