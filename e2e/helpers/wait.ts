/**
 * Condition polling: the only way these tests wait. A loaded 2-core machine makes any fixed sleep either
 * too short (flaky) or too long (slow); a condition is exactly as long as needed.
 */
export interface WaitOptions {
  /** Give up after this long (default 15 s). */
  timeout?: number;
  /** Pause between attempts (default 50 ms). */
  interval?: number;
  /** Says what was awaited when it times out. */
  message?: string;
}

/** A promise that settles after `ms`: only for pacing a poll loop, never as a wait for a condition. */
export const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Calls `fn` until it returns a value other than `undefined`, `null` or `false`, and returns that value.
 * An exception counts as "not yet"; the last one is reported on timeout.
 */
export async function waitFor<T>(
  fn: () => T | Promise<T>,
  opts: WaitOptions = {},
): Promise<Exclude<T, undefined | null | false>> {
  const timeout = opts.timeout ?? 15_000;
  const interval = opts.interval ?? 50;
  const deadline = Date.now() + timeout;
  let lastError: unknown;
  let lastValue: unknown;
  for (;;) {
    try {
      const v = await fn();
      lastValue = v;
      if (v !== undefined && v !== null && v !== false) return v as Exclude<T, undefined | null | false>;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() >= deadline) {
      const why = lastError instanceof Error ? `; last error: ${lastError.message}` : "";
      const seen = lastError === undefined ? `; last value: ${safeJson(lastValue)}` : "";
      throw new Error(`waitFor timed out after ${timeout} ms: ${opts.message ?? "condition"}${why}${seen}`);
    }
    await pause(interval);
  }
}

function safeJson(v: unknown): string {
  try {
    const s = JSON.stringify(v);
    return s === undefined ? String(v) : s.length > 500 ? `${s.slice(0, 500)}…` : s;
  } catch {
    return String(v);
  }
}
