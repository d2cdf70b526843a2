import { describe, expect, it, vi } from "vitest";
import type { Runtime } from "webextension-polyfill";
import { PANEL_PORT, type PanelDown, PROTOCOL_VERSION } from "../src/protocol/index";
import { backoffMs, connectPanel, devtoolsTheme, inspectedTabId } from "./source";

// The polyfill refuses to load outside an extension; every test injects its own `connect`.
vi.mock("webextension-polyfill", () => ({ default: {} }));

function fakePort(name: string) {
  const onMessage: ((m: unknown) => void)[] = [];
  const onDisconnect: (() => void)[] = [];
  const posted: unknown[] = [];
  const port = {
    name,
    postMessage: (m: unknown) => posted.push(m),
    onMessage: { addListener: (f: (m: unknown) => void) => onMessage.push(f) },
    onDisconnect: { addListener: (f: () => void) => onDisconnect.push(f) },
    disconnect() {},
  };
  return {
    port: port as unknown as Runtime.Port,
    posted,
    deliver: (m: unknown) => {
      for (const f of onMessage) f(m);
    },
    drop: () => {
      for (const f of onDisconnect) f();
    },
  };
}

const replay = (tabId: number): PanelDown => ({
  v: PROTOCOL_VERSION,
  kind: "sessionReplayed",
  reason: "subscribed",
  tabId,
  records: [],
  stats: { held: 0, evicted: 0, cap: 10, lost: 0 },
});

function setup(tabId = 5) {
  const ports: ReturnType<typeof fakePort>[] = [];
  const timers: { fn: () => void; ms: number }[] = [];
  const received: PanelDown[] = [];
  const statuses: string[] = [];
  connectPanel(tabId, {
    onMessage: (m) => received.push(m),
    onStatus: (s) => statuses.push(s),
    connect: (name) => {
      const p = fakePort(name);
      ports.push(p);
      return p.port;
    },
    setTimer: (fn, ms) => timers.push({ fn, ms }),
  });
  return { ports, timers, received, statuses };
}

describe("inspectedTabId", () => {
  it("prefers DevTools' inspected tab", () => {
    const g = { chrome: { devtools: { inspectedWindow: { tabId: 42 } } } };
    expect(inspectedTabId(g, "chrome-extension://x/panel/panel.html?tabId=7")).toBe(42);
  });

  it("falls back to ?tabId=N when the panel runs as a plain tab", () => {
    expect(inspectedTabId({ chrome: {} }, "chrome-extension://x/panel/panel.html?tabId=7")).toBe(7);
    expect(inspectedTabId({}, "chrome-extension://x/panel/panel.html?a=1&tabId=0")).toBe(0);
  });

  it("rejects anything that is not a tab id", () => {
    for (const q of ["", "?tabId=", "?tabId=-1", "?tabId=1.5", "?tabId=abc", "?tabId=1e3"]) {
      expect(inspectedTabId({}, `chrome-extension://x/panel/panel.html${q}`)).toBeUndefined();
    }
  });
});

describe("devtoolsTheme", () => {
  it("follows DevTools when present, else leaves it to the system", () => {
    expect(devtoolsTheme({ chrome: { devtools: { panels: { themeName: "dark" } } } })).toBe("dark");
    expect(devtoolsTheme({ chrome: { devtools: { panels: { themeName: "default" } } } })).toBe("light");
    expect(devtoolsTheme({})).toBeUndefined();
  });
});

describe("connectPanel", () => {
  it("subscribes on the sse-panel port and passes on only valid messages", () => {
    const { ports, received, statuses } = setup(5);
    expect(ports).toHaveLength(1);
    expect(ports[0]?.port.name).toBe(PANEL_PORT);
    expect(ports[0]?.posted).toEqual([{ v: PROTOCOL_VERSION, kind: "subscribePanel", tabId: 5 }]);
    ports[0]?.deliver({ kind: "sessionReplayed" });
    ports[0]?.deliver({ ...replay(5), v: PROTOCOL_VERSION + 1 });
    ports[0]?.deliver("<img src=x onerror=alert(1)>");
    expect(received).toEqual([]);
    ports[0]?.deliver(replay(5));
    expect(received).toEqual([replay(5)]);
    expect(statuses).toEqual(["connecting", "connected"]);
  });

  it("reconnects and re-subscribes when the service worker goes away", () => {
    const { ports, timers, received, statuses } = setup(5);
    ports[0]?.deliver(replay(5));
    ports[0]?.drop();
    expect(statuses.at(-1)).toBe("reconnecting");
    expect(timers).toHaveLength(1);
    expect(timers[0]?.ms).toBe(0);
    timers[0]?.fn();
    expect(ports).toHaveLength(2);
    expect(ports[1]?.posted).toEqual([{ v: PROTOCOL_VERSION, kind: "subscribePanel", tabId: 5 }]);
    ports[1]?.deliver(replay(5));
    expect(received).toHaveLength(2);
    expect(statuses.at(-1)).toBe("connected");
  });

  it("backs off when the port keeps closing without a message, and resets after one", () => {
    const { ports, timers } = setup(5);
    for (let i = 0; i < 4; i++) {
      ports.at(-1)?.drop();
      timers.at(-1)?.fn();
    }
    expect(timers.map((t) => t.ms)).toEqual([0, 250, 500, 1_000]);
    ports.at(-1)?.deliver(replay(5));
    ports.at(-1)?.drop();
    expect(timers.at(-1)?.ms).toBe(0);
  });

  it("caps the back-off", () => {
    expect(backoffMs(1)).toBe(0);
    expect(backoffMs(30)).toBe(5_000);
  });
});
