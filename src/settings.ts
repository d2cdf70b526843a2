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
  // The toolbar's filters, remembered per browser. `fallback`: a bad stored filter resets only itself (a
  // hand-edited or older value must not reset the caps above). Capped: this is storage.local, not a log.
  /** Event-name chips selected (empty = every type). */
  filterTypes: v.fallback(
    v.optional(v.pipe(v.array(v.pipe(v.string(), v.maxLength(1_000))), v.maxLength(1_000)), []),
    [],
  ),
  /** The search box's text, and whether it is a regular expression. */
  filterText: v.fallback(v.optional(v.pipe(v.string(), v.maxLength(10_000)), ""), ""),
  filterRegex: v.fallback(v.optional(v.boolean(), false), false),
  /** Hide heartbeat events and `:` comments (src/model/filter.ts, isHeartbeat). */
  hideHeartbeats: v.fallback(v.optional(v.boolean(), false), false),
  // The panel's splits (sidebar | grid | detail pane), px, remembered per browser like DevTools' own. The
  // panel clamps them to its width (src/model/layout.ts); these bounds only reject nonsense.
  sidebarWidth: v.fallback(
    v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(10_000)), 250),
    250,
  ),
  detailWidth: v.fallback(
    v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(10_000)), 380),
    380,
  ),
  /** The timeline strip above the grid: its height (px, clamped by the strip) and whether it is expanded. */
  timelineHeight: v.fallback(
    v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(10_000)), 150),
    150,
  ),
  timelineOpen: v.fallback(v.optional(v.boolean(), true), true),
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
