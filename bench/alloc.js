// Bytes allocated per operation in steady state. Run as a child process:
//   node --expose-gc --max-semi-space-size=64 bench/alloc.js [scale]
// prints one JSON object. For each case: warm up, force GC, then run n operations with V8's
// GCProfiler on: heap bytes allocated = heapUsed after − heapUsed before + what each GC in between
// freed (so a scavenge in the window does not hide anything). ArrayBuffer backing stores live
// outside the V8 heap: their growth is reported apart ("external"), exact only if no GC ran.

import v8 from "node:v8";
import { CHUNK_SIZES, codecCase, feeder, FRAME_SIZES, frameStream, NUMERIC_TYPES } from "./micro.js";
import { casePayload, E2E_CASES, framedPair, rawPair } from "./e2e.js";
import { stats } from "./lib.js";

const gc = globalThis.gc;

// What the harness itself allocates around a run (profiler, memoryUsage, the await): subtracted.
let harness = 0;

async function measure(run, n, reps) {
  const heap = [];
  const external = [];
  let gcs = 0;
  for (let r = 0; r < reps; r++) {
    gc();
    gc();
    const profiler = new v8.GCProfiler();
    profiler.start();
    const m0 = process.memoryUsage();
    await run(n);
    const m1 = process.memoryUsage();
    const { statistics } = profiler.stop();
    let freed = 0;
    for (const s of statistics) freed += s.beforeGC.heapStatistics.usedHeapSize - s.afterGC.heapStatistics.usedHeapSize;
    heap.push((m1.heapUsed - m0.heapUsed + freed - harness) / n);
    external.push((m1.arrayBuffers - m0.arrayBuffers) / n);
    gcs += statistics.length;
  }
  return { heap: stats(heap), external: stats(external), gcs, n };
}

export async function allocRows({ scale = 1, reps = 3 } = {}) {
  if (typeof gc !== "function") throw new Error("bench/alloc.js needs node --expose-gc");
  const out = { codec: [], framing: [], e2e: [] };
  const ops = (n) => Math.max(4, Math.round(n * scale));
  for (let i = 0; i < 5; i++) await measure(async () => {}, 1, 1); // warm the harness
  harness = (await measure(async () => {}, 1, 9)).heap.median;
  out.harnessBytes = harness;

  for (const type of NUMERIC_TYPES) {
    const c = codecCase(type);
    const loop = (fn) => (n) => { for (let i = 0; i < n; i++) fn(); };
    for (let i = 0; i < 2000; i++) { c.encode(); c.decode(); } // warm: optimised code, no lazy allocation
    out.codec.push({
      type,
      encode: await measure(loop(c.encode), ops(20000), reps),
      decode: await measure(loop(c.decode), ops(2000), reps),
    });
  }

  for (const size of FRAME_SIZES) {
    const { stream, count } = frameStream(size, 1 << 20);
    for (const chunk of CHUNK_SIZES) {
      const f = feeder(stream, chunk);
      f.feed();
      const streams = Math.max(1, Math.round((chunk === 1 ? 2 : 8) * scale));
      const m = await measure(() => { for (let i = 0; i < streams; i++) f.feed(); }, 1, reps);
      // per message: divide what one run allocated by the messages it decoded
      const per = (s) => ({ ...s, median: s.median / (streams * count), min: s.min / (streams * count), max: s.max / (streams * count) });
      out.framing.push({ size, chunk, heap: per(m.heap), external: per(m.external), gcs: m.gcs, n: streams * count });
    }
  }

  for (const c of E2E_CASES) {
    const { value, frame } = casePayload(c);
    const n = ops(Math.min(c.count, c.size === 65536 ? 300 : 5000));
    const framed = await framedPair(c.type);
    const raw = await rawPair();
    try {
      await raw.run(frame, n);
      await framed.run(value, n);
      out.e2e.push({
        name: c.name, type: c.type,
        raw: await measure((k) => raw.run(frame, k), n, reps),
        framed: await measure((k) => framed.run(value, k), n, reps),
      });
    } finally {
      framed.close();
      raw.close();
    }
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const scale = Number(process.argv[2] ?? 1);
  const reps = Number(process.argv[3] ?? 3);
  allocRows({ scale, reps }).then(
    (rows) => {
      process.stdout.write(JSON.stringify(rows));
      setTimeout(() => process.exit(0), 50).unref();
    },
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
