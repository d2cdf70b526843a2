/** Dev aid: CPU profile of the page-cost page with the extension (self time per function), to see what the hook costs. */
import { launch } from "../e2e/helpers/browser";
import { waitFor } from "../e2e/helpers/wait";
import { startBenchServer } from "./bench-server";

const N = Number(process.env.N ?? 100_000);
const SIZE = Number(process.env.SIZE ?? 1024);
const EXT = process.env.EXT !== "0";
const server = await startBenchServer();
const b = await launch({ extension: EXT });
try {
  const run = async (n: number) => {
    await b.page.goto(`${server.origin}/page?n=${n}&size=${SIZE}`);
    const r = await waitFor(
      () => b.page.evaluate(() => (window as unknown as { __result?: { ms: number } }).__result),
      {
        timeout: 300_000,
        interval: 50,
      },
    );
    return r.ms;
  };
  await run(5000);
  const ms0 = await run(N);
  const cdp = await b.page.context().newCDPSession(b.page);
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
  await cdp.send("Profiler.start");
  const ms = await run(N);
  const { profile } = (await cdp.send("Profiler.stop")) as {
    profile: {
      nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
      samples: number[];
      timeDeltas: number[];
    };
  };
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i] as number;
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const agg = new Map<string, number>();
  let total = 0;
  for (const n of profile.nodes) {
    const t = (self.get(n.id) ?? 0) / 1000;
    total += t;
    const f = n.callFrame;
    const key = `${f.functionName || "(anon)"} ${String(f.url).split("/").pop()}:${f.lineNumber}`;
    agg.set(key, (agg.get(key) ?? 0) + t);
  }
  console.log(
    `ext=${EXT} run ms ${ms0.toFixed(0)} / profiled ${ms.toFixed(0)}; sampled ${total.toFixed(0)} ms`,
  );
  for (const [k, t] of [...agg].sort((a, b) => b[1] - a[1]).slice(0, 40))
    console.log(t.toFixed(1).padStart(8), k);
} finally {
  await b.close();
  await server.close();
}
