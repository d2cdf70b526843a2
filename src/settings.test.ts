import { describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS, readSettings, SETTINGS_KEY } from "./settings";

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
