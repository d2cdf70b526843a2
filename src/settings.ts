/** User-tunable limits, kept in `storage.local` under one key. */
import * as v from "valibot";

export const SETTINGS_KEY = "settings";

const SettingsSchema = v.object({
  /** Records each page document keeps for replay (events before DevTools opened, worker restarts). */
  pageBufferCap: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1_000_000)), 5_000),
  /** Records the background keeps per tab. */
  sessionCap: v.optional(v.pipe(v.number(), v.integer(), v.minValue(100), v.maxValue(5_000_000)), 200_000),
});
export type Settings = v.InferOutput<typeof SettingsSchema>;

export const DEFAULT_SETTINGS: Settings = v.parse(SettingsSchema, {});

interface StorageArea {
  get(key: string): Promise<Record<string, unknown>>;
}

/** Stored settings, each invalid or missing field replaced by its default. */
export async function readSettings(area: StorageArea): Promise<Settings> {
  try {
    const stored = (await area.get(SETTINGS_KEY))[SETTINGS_KEY];
    const r = v.safeParse(SettingsSchema, stored ?? {});
    return r.success ? r.output : DEFAULT_SETTINGS;
  } catch {
    return DEFAULT_SETTINGS;
  }
}
