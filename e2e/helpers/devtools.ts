/**
 * The real Chrome DevTools, driven over the browser-level CDP connection. This is the ONLY module that
 * reaches into DevTools' own (internal, unversioned) frontend code: when a Chromium update moves something,
 * it breaks here and nowhere else. Recipe and measurements: ../../../shared/notes/devtools-e2e.md.
 *
 * Playwright cannot route flattened child sessions through a CDPSession, so targets it does not expose
 * (the DevTools page and the extension panel iframe inside it) are reached with the non-flattened form:
 * `Target.attachToTarget({flatten: false})`, then `Target.sendMessageToTarget` /
 * `Target.receivedMessageFromTarget`.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { BrowserContext, CDPSession, Page } from "@playwright/test";
import { waitFor } from "./wait";

interface EvaluateReply {
  result: { value?: unknown };
  exceptionDetails?: { text: string; exception?: { description?: string } };
}

const DEVTOOLS_URL = "devtools://devtools/bundled/devtools_app.html";

/** Something JavaScript can be evaluated in: a CDP target session here, a Playwright page elsewhere. */
export interface Evaluator {
  /** Runs `fn(arg)` there (awaiting a returned promise) and returns the JSON-serializable result. */
  evaluate<R, A = undefined>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R>;
}

/**
 * `fn(arg)` as source text to evaluate elsewhere. Under tsx (scripts/start.ts) esbuild's keepNames wraps
 * inner named functions in `__name(…)`, a helper that does not exist in the target: give it one.
 */
export function callExpression<A>(fn: (arg: A) => unknown, arg?: A): string {
  const a = arg === undefined ? "" : JSON.stringify(arg);
  return `((__name) => (${fn.toString()})(${a}))((f) => f)`;
}

/** A non-flattened CDP session with one target (a DevTools page, an extension iframe, …). */
export class TargetSession implements Evaluator {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly listeners = new Map<string, ((params: unknown) => void)[]>();

  constructor(
    private readonly browser: BrowserCdp,
    readonly sessionId: string,
    readonly targetId: string,
  ) {}

  /** Called by BrowserCdp for each message this target sends back. */
  receive(message: string): void {
    const m = JSON.parse(message) as {
      id?: number;
      result?: unknown;
      error?: { message: string };
      method?: string;
      params?: unknown;
    };
    if (m.id !== undefined) {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.error) p.reject(new Error(m.error.message));
      else p.resolve(m.result);
    } else if (m.method) {
      for (const fn of this.listeners.get(m.method) ?? []) fn(m.params);
    }
  }

  /** Fails every request still waiting (the target went away). */
  detached(reason: string): void {
    for (const p of this.pending.values()) p.reject(new Error(reason));
    this.pending.clear();
  }

  async send<T = unknown>(method: string, params: object = {}): Promise<T> {
    const id = ++this.nextId;
    const reply = new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
    });
    await this.browser.cdp.send("Target.sendMessageToTarget", {
      sessionId: this.sessionId,
      message: JSON.stringify({ id, method, params }),
    });
    return reply;
  }

  on(method: string, fn: (params: unknown) => void): void {
    const list = this.listeners.get(method) ?? [];
    list.push(fn);
    this.listeners.set(method, list);
  }

  async evaluate<R, A = undefined>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R> {
    return this.evaluateExpression<R>(callExpression(fn, arg));
  }

  async evaluateExpression<R>(expression: string): Promise<R> {
    const r = await this.send<EvaluateReply>("Runtime.evaluate", {
      expression,
      awaitPromise: true,
      returnByValue: true,
    });
    if (r.exceptionDetails) {
      const d = r.exceptionDetails;
      throw new Error(`evaluate failed in ${this.targetId}: ${d.exception?.description ?? d.text}`);
    }
    return r.result.value as R;
  }

  async detach(): Promise<void> {
    await this.browser.detach(this);
  }
}

/** The browser-level CDP connection (Playwright's `newBrowserCDPSession`). */
export class BrowserCdp {
  private readonly sessions = new Map<string, TargetSession>();

  private constructor(
    readonly cdp: CDPSession,
    private readonly context: BrowserContext,
  ) {
    cdp.on("Target.receivedMessageFromTarget", ({ sessionId, message }) => {
      if (sessionId) this.sessions.get(sessionId)?.receive(message);
    });
    cdp.on("Target.detachedFromTarget", ({ sessionId }) => {
      if (!sessionId) return;
      this.sessions.get(sessionId)?.detached("target detached");
      this.sessions.delete(sessionId);
    });
  }

  static async connect(context: BrowserContext): Promise<BrowserCdp> {
    const browser = context.browser();
    if (!browser) throw new Error("no browser behind this context");
    return new BrowserCdp(await browser.newBrowserCDPSession(), context);
  }

  async targets() {
    return (await this.cdp.send("Target.getTargets")).targetInfos;
  }

  async attach(targetId: string): Promise<TargetSession> {
    const { sessionId } = await this.cdp.send("Target.attachToTarget", { targetId, flatten: false });
    const s = new TargetSession(this, sessionId, targetId);
    this.sessions.set(sessionId, s);
    return s;
  }

  async detach(s: TargetSession): Promise<void> {
    this.sessions.delete(s.sessionId);
    s.detached("detached");
    await this.cdp.send("Target.detachFromTarget", { sessionId: s.sessionId }).catch(() => {});
  }

  /** The CDP target id of a Playwright page. */
  async targetIdOf(page: Page): Promise<string> {
    const s = await this.context.newCDPSession(page);
    try {
      return (await s.send("Target.getTargetInfo")).targetInfo.targetId;
    } finally {
      await s.detach().catch(() => {});
    }
  }

  async dispose(): Promise<void> {
    for (const s of this.sessions.values()) s.detached("disposed");
    this.sessions.clear();
    await this.cdp.detach().catch(() => {});
  }
}

/** One DevTools window (docked or not) and what is needed to drive its UI. */
export class DevToolsWindow implements Evaluator {
  constructor(
    readonly cdp: BrowserCdp,
    readonly session: TargetSession,
  ) {}

  get targetId(): string {
    return this.session.targetId;
  }

  evaluate<R, A = undefined>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R> {
    return this.session.evaluate(fn, arg);
  }

  /**
   * Waits for DevTools' main view. `InspectorView.instance()` throws ("Unable to create settings") until the
   * frontend has booted, so poll `maybeGetInspectorViewInstance()`.
   */
  async waitUntilReady(timeout = 30_000): Promise<void> {
    await waitFor(() => this.isReady(), { timeout, interval: 100, message: "DevTools' InspectorView" });
  }

  async isReady(): Promise<boolean> {
    return this.session.evaluateExpression<boolean>(
      `import('./ui/legacy/legacy.js').then((UI) => !!UI.InspectorView.InspectorView.maybeGetInspectorViewInstance())`,
    );
  }

  /** The URL of the page this DevTools window inspects ("" while it does not know yet). */
  async inspectedUrl(): Promise<string> {
    return this.session.evaluateExpression<string>(
      `import('./core/sdk/sdk.js').then((SDK) => SDK.TargetManager.TargetManager.instance().primaryPageTarget()?.inspectedURL() ?? '')`,
    );
  }

  /**
   * Shows the extension panel titled `title` (its tab id is `chrome-extension://<extension id><title without
   * spaces>`) and returns a session attached to the panel's iframe, once its document has loaded.
   */
  async showPanel(extensionId: string, title = "SSE", timeout = 30_000): Promise<TargetSession> {
    await this.waitUntilReady(timeout);
    const tabId = `chrome-extension://${extensionId}${title.replace(/\s+/g, "")}`;
    await waitFor(
      () =>
        this.session.evaluateExpression<boolean>(`import('./ui/legacy/legacy.js').then(async (UI) => {
          const view = UI.InspectorView.InspectorView.maybeGetInspectorViewInstance();
          if (!view || !view.tabbedPane.tabIds().includes(${JSON.stringify(tabId)})) return false;
          await view.showPanel(${JSON.stringify(tabId)});
          return true;
        })`),
      { timeout, interval: 100, message: `the DevTools tab ${tabId}` },
    );
    const prefix = `chrome-extension://${extensionId}/`;
    const frame = await waitFor(
      async () =>
        (await this.cdp.targets()).find(
          (t) =>
            t.type === "iframe" &&
            t.parentId === this.targetId &&
            t.url.startsWith(prefix) &&
            /panel\.html/.test(t.url),
        ),
      { timeout, message: "the panel's iframe target" },
    );
    const panel = await this.cdp.attach(frame.targetId);
    await waitFor(() => panel.evaluate(() => document.readyState === "complete"), {
      timeout,
      message: "the panel document to load",
    });
    return panel;
  }

  /** Undocks DevTools into its own window of the given size (so a screenshot shows DevTools only). */
  async undock(width = 1280, height = 760): Promise<void> {
    await this.session.evaluateExpression(
      `import('./ui/legacy/legacy.js').then((UI) => UI.DockController.DockController.instance().setDockSide('undocked'))`,
    );
    const { windowId } = await waitFor(
      () => this.cdp.cdp.send("Browser.getWindowForTarget", { targetId: this.targetId }),
      { message: "the undocked DevTools window" },
    );
    await this.cdp.cdp.send("Browser.setWindowBounds", { windowId, bounds: { width, height } });
    await waitFor(() => this.evaluate((w) => innerWidth === w, width), {
      message: "the DevTools window to resize",
    });
  }

  /**
   * Saves a PNG of this DevTools window once it has stopped changing (the selected tab's underline slides
   * after a resize): two consecutive captures must be identical.
   */
  async screenshot(file: string): Promise<string> {
    const capture = async () =>
      (await this.session.send<{ data: string }>("Page.captureScreenshot", { format: "png" })).data;
    let previous = await capture();
    const data = await waitFor(
      async () => {
        const next = await capture();
        const same = next === previous;
        previous = next;
        return same && next;
      },
      { timeout: 10_000, interval: 200, message: "DevTools to stop changing for a screenshot" },
    );
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, Buffer.from(data, "base64"));
    return file;
  }

  /** Closes this DevTools window. */
  async close(): Promise<void> {
    await this.cdp.cdp.send("Target.closeTarget", { targetId: this.targetId }).catch(() => {});
  }
}

/** Opens DevTools for `page` at any moment (browser-level `Target.openDevTools`). */
export async function openDevTools(cdp: BrowserCdp, page: Page): Promise<DevToolsWindow> {
  const targetId = await cdp.targetIdOf(page);
  const r = await cdp.cdp.send("Target.openDevTools", { targetId });
  const w = new DevToolsWindow(cdp, await cdp.attach(r.targetId));
  await w.waitUntilReady();
  return w;
}

/**
 * The DevTools window already open for `page` (e.g. with --auto-open-devtools-for-tabs), found by the URL it
 * inspects. Each candidate is attached once and kept.
 */
export async function devToolsFor(cdp: BrowserCdp, page: Page, timeout = 30_000): Promise<DevToolsWindow> {
  const known = new Map<string, DevToolsWindow>();
  const url = page.url();
  return waitFor(
    async () => {
      for (const t of await cdp.targets()) {
        if (!t.url.startsWith(DEVTOOLS_URL) || known.has(t.targetId)) continue;
        known.set(t.targetId, new DevToolsWindow(cdp, await cdp.attach(t.targetId)));
      }
      for (const w of known.values()) {
        // Asking for the inspected URL before the frontend has booted would create its singletons too early.
        if (!(await w.isReady().catch(() => false))) continue;
        if ((await w.inspectedUrl().catch(() => "")) === url) return w;
      }
      return undefined;
    },
    { timeout, interval: 100, message: `a DevTools window inspecting ${url}` },
  );
}

// ── real pointer input in the panel ─────────────────────────────────────────────────────────────────────
// CDP `Input.dispatchMouseEvent` on the DevTools window, at the panel iframe's offset plus the element's:
// what a user's mouse does (pointer capture, hover, drag), which `el.click()` from a script is not.

/** Where the panel's iframe sits in the DevTools window (it is inside DevTools' shadow roots). */
async function panelOffset(devtools: DevToolsWindow): Promise<{ x: number; y: number }> {
  return waitFor(
    () =>
      devtools.evaluate(() => {
        const find = (root: Document | ShadowRoot): HTMLIFrameElement | undefined => {
          for (const el of root.querySelectorAll("*")) {
            if (el instanceof HTMLIFrameElement && /panel\/panel\.html/.test(el.src)) return el;
            if (el.shadowRoot) {
              const f = find(el.shadowRoot);
              if (f) return f;
            }
          }
          return undefined;
        };
        const r = find(document)?.getBoundingClientRect();
        return r && r.width > 0 ? { x: r.left, y: r.top } : undefined;
      }),
    { message: "the panel's iframe in DevTools" },
  );
}

/** The centre of `selector`'s first match in the panel (scrolled into view), in DevTools window coordinates. */
export async function panelPoint(devtools: DevToolsWindow, panel: Evaluator, selector: string) {
  const off = await panelOffset(devtools);
  const r = await waitFor(
    () =>
      panel.evaluate((sel) => {
        const el = document.querySelector(sel);
        el?.scrollIntoView({ block: "nearest", inline: "nearest" });
        const b = el?.getBoundingClientRect();
        return b && b.width > 0 ? { x: b.left + b.width / 2, y: b.top + b.height / 2 } : undefined;
      }, selector),
    { message: `${selector} on screen` },
  );
  return { x: off.x + r.x, y: off.y + r.y };
}

/** One mouse event in the DevTools window (`buttons`: the buttons held after it). */
export const mouseEvent = (devtools: DevToolsWindow, type: string, x: number, y: number, buttons = 1) =>
  devtools.session.send("Input.dispatchMouseEvent", {
    type,
    x,
    y,
    button: type === "mouseMoved" ? "none" : "left",
    buttons,
    clickCount: type === "mouseMoved" ? 0 : 1,
  });

/** A real click (move, press, release) on `selector` in the panel. */
export async function clickInPanel(devtools: DevToolsWindow, panel: Evaluator, selector: string) {
  const p = await panelPoint(devtools, panel, selector);
  await mouseEvent(devtools, "mouseMoved", p.x, p.y, 0);
  await mouseEvent(devtools, "mousePressed", p.x, p.y);
  await mouseEvent(devtools, "mouseReleased", p.x, p.y, 0);
}

/** A real drag of `selector` by `dx` px, in four moves. */
export async function dragInPanel(devtools: DevToolsWindow, panel: Evaluator, selector: string, dx: number) {
  const p = await panelPoint(devtools, panel, selector);
  await mouseEvent(devtools, "mouseMoved", p.x, p.y, 0);
  await mouseEvent(devtools, "mousePressed", p.x, p.y);
  for (let i = 1; i <= 4; i++) await mouseEvent(devtools, "mouseMoved", p.x + (dx * i) / 4, p.y);
  await mouseEvent(devtools, "mouseReleased", p.x + dx, p.y, 0);
}
