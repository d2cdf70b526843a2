import { describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS, readSettings, SETTINGS_KEY, writeSettings } from "./settings";

const area = (value: unknown) => ({ get: async () => ({ [SETTINGS_KEY]: value }) });

describe("readSettings", () => {
  it("uses defaults when nothing is stored", async () => {
    expect(await readSettings({ get: async () => ({}) })).toEqual(DEFAULT_SETTINGS);
  });
  it("keeps valid stored values and defaults the rest", async () => {
    const s = await readSettings(area({ pageBufferCap: 50 }));
    expect(s.pageBufferCap).toBe(50);
    expect(s.sessionCap).toBe(DEFAULT_SETTINGS.sessionCap);
  });
  it("falls back to defaults on invalid values or a failing storage", async () => {
    expect(await readSettings(area({ pageBufferCap: -3 }))).toEqual(DEFAULT_SETTINGS);
    expect(
      await readSettings({
        get: async () => {
          throw new Error("no storage");
        },
      }),
    ).toEqual(DEFAULT_SETTINGS);
  });
});

describe("writeSettings", () => {
  it("stores one field over the others, and reads back", async () => {
    const data: Record<string, unknown> = { [SETTINGS_KEY]: { pageBufferCap: 50, future: "kept" } };
    const area = {
      get: async (k: string) => ({ [k]: data[k] }),
      set: async (items: Record<string, unknown>) => void Object.assign(data, items),
    };
    expect((await readSettings(area)).preserveLog).toBe(false);
    await writeSettings(area, { preserveLog: true });
    expect(data[SETTINGS_KEY]).toEqual({ pageBufferCap: 50, future: "kept", preserveLog: true });
    expect(await readSettings(area)).toMatchObject({ pageBufferCap: 50, preserveLog: true });
  });
});

describe("filter settings", () => {
  it("default to no filter and keep stored filters", async () => {
    expect(DEFAULT_SETTINGS).toMatchObject({
      filterTypes: [],
      filterText: "",
      filterRegex: false,
      hideHeartbeats: false,
    });
    const s = await readSettings(
      area({ filterTypes: ["a", "b"], filterText: "x.*", filterRegex: true, hideHeartbeats: true }),
    );
    expect(s).toMatchObject({
      filterTypes: ["a", "b"],
      filterText: "x.*",
      filterRegex: true,
      hideHeartbeats: true,
    });
  });
  it("a bad stored filter resets only itself", async () => {
    const s = await readSettings(
      area({ sessionCap: 1000, preserveLog: true, filterTypes: "nope", filterRegex: 3 }),
    );
    expect(s).toMatchObject({ sessionCap: 1000, preserveLog: true, filterTypes: [], filterRegex: false });
  });
});

describe("split settings", () => {
  it("default, keep stored widths, and a bad width resets only itself", async () => {
    expect(DEFAULT_SETTINGS).toMatchObject({ sidebarWidth: 250, detailWidth: 380 });
    expect(await readSettings(area({ timelineHeight: 90, timelineOpen: false }))).toMatchObject({
      timelineHeight: 90,
      timelineOpen: false,
    });
    expect(await readSettings(area({ timelineHeight: -5, timelineOpen: "no" }))).toMatchObject({
      timelineHeight: DEFAULT_SETTINGS.timelineHeight,
      timelineOpen: true,
    });
    expect(await readSettings(area({ sidebarWidth: 333, detailWidth: 512 }))).toMatchObject({
      sidebarWidth: 333,
      detailWidth: 512,
    });
    expect(
      await readSettings(area({ sidebarWidth: "wide", detailWidth: 500, preserveLog: true })),
    ).toMatchObject({
      sidebarWidth: 250,
      detailWidth: 500,
      preserveLog: true,
    });
  });
});
