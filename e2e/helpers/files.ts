/**
 * Files in and out of the panel inside the real DevTools, where Playwright's own `download` event and
 * `setInputFiles` do not reach (the panel is an iframe of the DevTools page, reached through a raw CDP
 * session: see devtools.ts).
 *
 * - Downloads: browser-level CDP `Browser.setDownloadBehavior` ("allowAndName" into a temp dir, events on)
 *   saves every download as `<dir>/<guid>` and reports `Browser.downloadWillBegin` (with the suggested file
 *   name) and `Browser.downloadProgress` (state "completed").
 * - Uploads: `DOM.setFileInputFiles` on the panel's own target, as Playwright's setInputFiles does.
 * - Clicks that start a download: `Runtime.evaluate` with `userGesture: true`, so the click counts as the
 *   user's (Chrome asks before a page without a gesture downloads several files).
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { BrowserCdp, TargetSession } from "./devtools";
import { waitFor } from "./wait";

export interface Downloaded {
  name: string;
  path: string;
  text: string;
}

export class Downloads {
  private readonly names = new Map<string, string>();
  private readonly done = new Set<string>();
  private taken = 0;

  private constructor(
    private readonly cdp: BrowserCdp,
    readonly dir: string,
  ) {
    cdp.cdp.on("Browser.downloadWillBegin", (e) => {
      this.names.set(e.guid, e.suggestedFilename);
    });
    cdp.cdp.on("Browser.downloadProgress", (e) => {
      if (e.state === "completed") this.done.add(e.guid);
    });
  }

  static async start(cdp: BrowserCdp): Promise<Downloads> {
    const dir = await mkdtemp(path.join(tmpdir(), "sse-downloads-"));
    await cdp.cdp.send("Browser.setDownloadBehavior", {
      behavior: "allowAndName",
      downloadPath: dir,
      eventsEnabled: true,
    });
    return new Downloads(cdp, dir);
  }

  /** The next completed download (in the order they began). */
  async next(message = "a download"): Promise<Downloaded> {
    const guid = await waitFor(
      () => {
        const g = [...this.names.keys()][this.taken];
        return g !== undefined && this.done.has(g) && g;
      },
      { message },
    );
    this.taken++;
    const file = path.join(this.dir, guid);
    return { name: this.names.get(guid) ?? "", path: file, text: await readFile(file, "utf8") };
  }

  async dispose(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** Clicks the element matching `selector` in `target` as a user gesture. */
export async function clickAsUser(target: TargetSession, selector: string): Promise<void> {
  const r = await target.send<{ result: { value?: unknown } }>("Runtime.evaluate", {
    expression: `(() => { const el = document.querySelector(${JSON.stringify(selector)}); if (!el) return false; el.click(); return true; })()`,
    userGesture: true,
    returnByValue: true,
  });
  if (r.result.value !== true) throw new Error(`nothing to click at ${selector}`);
}

/** Sets the files of the `<input type=file>` matching `selector` in `target` (fires input and change). */
export async function setInputFiles(target: TargetSession, selector: string, files: string[]): Promise<void> {
  const { root } = await target.send<{ root: { nodeId: number } }>("DOM.getDocument", { depth: 0 });
  const { nodeId } = await target.send<{ nodeId: number }>("DOM.querySelector", {
    nodeId: root.nodeId,
    selector,
  });
  if (!nodeId) throw new Error(`no ${selector}`);
  await target.send("DOM.setFileInputFiles", { nodeId, files });
}
