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
