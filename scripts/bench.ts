/**
 * `npm run bench`: what the extension costs the page and how the panel keeps up, measured in one run.
 * Prints a table (figure, target, met / not met) and writes bench/results.json. Build first
 * (`npm run build`; SSE_DIST picks another build). README "Performance" explains each figure.
 *
 * Sections (BENCH_ONLY=page,relay,panel,memory; default all), each in its own fresh browser(s):
 * - page: a page receives N events of a given size from a local SSE server as fast as the server writes
 *   them; the page itself measures from `open` to the last event (performance.now). Runs alternate between
 *   two browsers (with / without the extension; the order flips every round so neither is always warmer);
 *   the medians are compared. Env BENCH_N (default 100000), BENCH_ROUNDS (5), BENCH_SIZES ("1024,50").
 * - relay: scripts/bench-relay.ts (events in the panel ÷ sent at 20 000/s; latency at 5 000/s).
 * - panel, memory: scripts/bench-panel.ts (1 M events loaded; caps and dropped counters while 1 M flow).
 */
import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { chromium } from "@playwright/test";
import { chromiumPath, EXTENSION_DIR, type Launched, launch, REPO_ROOT } from "../e2e/helpers/browser";
import { waitFor } from "../e2e/helpers/wait";
import { benchFetch } from "./bench-fetch";
import { benchMemory, benchPanel } from "./bench-panel";
import { benchRelay } from "./bench-relay";
import { type BenchServer, startBenchServer } from "./bench-server";
import { load, median, round, withTimeout } from "./bench-util";

const N = Number(process.env.BENCH_N ?? 100_000);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 5));
const SIZES = (process.env.BENCH_SIZES ?? "1024,50").split(",").map(Number);
const SECTIONS = ["page", "relay", "panel", "memory", "fetch"] as const;
type Section = (typeof SECTIONS)[number];
const ONLY = new Set(
  (process.env.BENCH_ONLY ?? SECTIONS.join(","))
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean),
);
for (const s of ONLY)
  if (!SECTIONS.includes(s as Section)) throw new Error(`BENCH_ONLY: unknown section ${s} (${SECTIONS})`);

async function runOnce(b: Launched, origin: string, n: number, size: number): Promise<number> {
  await b.page.goto(`${origin}/page?n=${n}&size=${size}`);
  const r = await waitFor(
    () =>
      b.page.evaluate(() => (window as unknown as { __result?: { ms?: number; error?: string } }).__result),
    { timeout: 300_000, interval: 50, message: "the page's measurement" },
  );
  if (r.error || r.ms === undefined) throw new Error(`bench page: ${r.error}`);
  return r.ms;
}

async function benchPage(server: BenchServer): Promise<Record<string, unknown>[]> {
  const withExt = await launch({ extension: true });
  const without = await launch({ extension: false });
  const results: Record<string, unknown>[] = [];
  try {
    for (const size of SIZES) {
      const times = { with: [] as number[], without: [] as number[] };
      // A warm-up run each, not counted: first runs pay for compilation and caches.
      await runOnce(withExt, server.origin, Math.min(N, 5_000), size);
      await runOnce(without, server.origin, Math.min(N, 5_000), size);
      for (let round = 0; round < ROUNDS; round++) {
        const order = round % 2 === 0 ? (["with", "without"] as const) : (["without", "with"] as const);
        for (const v of order)
          times[v].push(await runOnce(v === "with" ? withExt : without, server.origin, N, size));
      }
      const mWith = median(times.with);
      const mWithout = median(times.without);
      const ratio = round(mWith / mWithout, 3);
      results.push({
        measure: `page cost: ${N} events × ${size} B, with ÷ without`,
        value: ratio,
        unit: "ratio",
        target: "≤ 1.03",
        met: ratio <= 1.03,
        events: N,
        bytesPerEvent: size,
        rounds: ROUNDS,
        medianMsWith: round(mWith),
        medianMsWithout: round(mWithout),
        runsMsWith: times.with.map((x) => round(x)),
        runsMsWithout: times.without.map((x) => round(x)),
        loadavg: load(),
      });
    }
  } finally {
    await withExt.close();
    await without.close();
  }
  return results;
}

const show = (v: unknown) => (typeof v === "number" ? String(v) : String(v ?? ""));

async function main(): Promise<void> {
  const started = Date.now();
  const server = await startBenchServer();
  const results: Record<string, unknown>[] = [];
  const sections: Record<Section, () => Promise<Record<string, unknown>[]>> = {
    page: () => benchPage(server),
    relay: () => benchRelay(server),
    panel: () => benchPanel(server),
    memory: () => benchMemory(server),
    fetch: () => benchFetch(),
  };
  const loadBefore = load();
  try {
    for (const s of SECTIONS) {
      if (!ONLY.has(s)) continue;
      const t0 = Date.now();
      console.log(`[bench] ${s}… (load ${load().join(" ")})`);
      try {
        // A section that stops getting answers (see README "Performance") must not hold up the others.
        const limit = Number(process.env.BENCH_SECTION_TIMEOUT_S ?? 480) * 1000;
        for (const r of await withTimeout(sections[s](), limit, `section ${s}`)) {
          results.push({ section: s, ...r });
          // Printed at once too: a later section that hangs must not take these figures with it.
          console.log(`[bench]   ${JSON.stringify(r)}`);
        }
      } catch (e) {
        // One section failing must not hide the others' figures.
        console.error(`[bench] ${s} failed:`, e);
        results.push({ section: s, measure: `${s}: failed`, value: String(e).slice(0, 300), met: false });
      }
      console.log(`[bench] ${s} took ${round((Date.now() - t0) / 1000)} s`);
    }
  } finally {
    await server.close();
  }

  // The browser's version, from a bare launch of the same executable.
  const b = await chromium.launch({ executablePath: chromiumPath(), args: ["--no-sandbox"] });
  const browserVersion = b.version();
  await b.close();
  const machine = {
    cpu: `${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}`,
    ramGiB: round(os.totalmem() / 2 ** 30, 1),
    chromium: browserVersion,
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
    loadavgBefore: loadBefore,
    loadavgAfter: load(),
  };
  console.log(
    `\nSSE DevTools bench — ${machine.cpu}, ${machine.ramGiB} GiB, Chromium ${machine.chromium}, Node ${machine.node}`,
  );
  console.log(
    `extension: ${EXTENSION_DIR}; load average (1/5/15 min) before ${loadBefore.join(" ")}, after ${machine.loadavgAfter.join(" ")}; ${round((Date.now() - started) / 1000)} s\n`,
  );
  console.log("| section | measure | value | unit | target | met |");
  console.log("| --- | --- | ---: | --- | --- | --- |");
  for (const r of results)
    console.log(
      `| ${r.section} | ${r.measure} | ${show(r.value)} | ${show(r.unit)} | ${show(r.target)} | ${r.target === undefined ? "" : r.met ? "met" : "not met"} |`,
    );
  const out = path.join(REPO_ROOT, "bench", "results.json");
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(
    out,
    `${JSON.stringify({ date: new Date().toISOString(), machine, extension: EXTENSION_DIR, results }, null, 2)}\n`,
  );
  console.log(`\nwritten: ${out}`);
}

main().then(
  // A timed-out section may have left its browser open: exit rather than wait for it.
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
