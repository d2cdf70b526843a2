/** User-tunable limits, kept in `storage.local` under one key. */
import * as v from "valibot";

export const SETTINGS_KEY = "settings";

const SettingsSchema = v.object({
  /** Records each page document keeps for replay (events before DevTools opened, worker restarts). */
  pageBufferCap: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1_000_000)), 5_000),
  /** Records the background keeps per tab. */
  sessionCap: v.optional(v.pipe(v.number(), v.integer(), v.minValue(100), v.maxValue(5_000_000)), 200_000),
  /** The panel's "Preserve log" checkbox, remembered per browser like DevTools' own. */
  preserveLog: v.optional(v.boolean(), false),
});
export type Settings = v.InferOutput<typeof SettingsSchema>;

export const DEFAULT_SETTINGS: Settings = v.parse(SettingsSchema, {});

interface StorageArea {
  get(key: string): Promise<Record<string, unknown>>;
}
interface WritableStorageArea extends StorageArea {
  set(items: Record<string, unknown>): Promise<void>;
}

/** Stores `patch` over what is stored (other fields, even ones this version does not know, are kept). */
export async function writeSettings(area: WritableStorageArea, patch: Partial<Settings>): Promise<void> {
  const stored = (await area.get(SETTINGS_KEY))[SETTINGS_KEY];
  const base = typeof stored === "object" && stored !== null ? stored : {};
  await area.set({ [SETTINGS_KEY]: { ...base, ...patch } });
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
