// npm run fuzz: the property tests of test/property.test.js at the codec + framing level, at scale.
// Runs until at least --chunkings cuts (default 1,000,000) of generated streams were decoded and
// checked, framed (mixed types) and raw (each type, per element and batched), alternating.
// Prints the seed first; a failure prints fast-check's counterexample, seed and path; rerun with
// --seed N. Not part of npm test. Usage: node bench/fuzz.js [--chunkings N] [--seed N] [--per-stream K]

import { fc, aMixedStream, aTypedStream, aChunking, aWritable, checkFramedMixed, checkRaw } from "../test/property-lib.js";

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const target = arg("chunkings", 1_000_000);
const perStream = arg("per-stream", 20);
const seed = arg("seed", (Date.now() ^ (process.pid << 8)) | 0);
const aSendBufferSize = fc.constantFrom(1, 7, 64, 300, 1460, 65536);
const chunkings = fc.array(aChunking, { minLength: perStream, maxLength: perStream });

console.log(`fuzz: seed ${seed}, at least ${target.toLocaleString("en")} chunkings, ${perStream} per generated stream`);
const started = performance.now();
let framed = 0;
let raw = 0;
let round = 0;
while (framed + raw < target) {
  const runs = Math.max(1, Math.ceil(Math.min(2000, (target - framed - raw) / perStream / 2)));
  const roundSeed = (seed + round++ * 7919) | 0;
  try {
    fc.assert(fc.property(aMixedStream, chunkings, aSendBufferSize, aWritable, (messages, cuts, size, writable) => {
      framed += checkFramedMixed(messages, cuts, size, writable);
    }), { numRuns: runs, seed: roundSeed });
    fc.assert(fc.property(aTypedStream, chunkings, aSendBufferSize, fc.boolean(), aWritable, ({ type, values }, cuts, size, batch, writable) => {
      raw += checkRaw(type, values, cuts, size, batch, writable);
    }), { numRuns: runs, seed: roundSeed });
  } catch (e) {
    console.error(`FAILED in round ${round - 1} (fast-check seed ${roundSeed}; fuzz --seed ${seed}):\n${e.message}`);
    process.exit(1);
  }
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(`\r  ${(framed + raw).toLocaleString("en")} chunkings checked (${framed.toLocaleString("en")} framed, ${raw.toLocaleString("en")} raw), ${seconds.toFixed(1)} s`);
}
const seconds = (performance.now() - started) / 1000;
console.log(`\nfuzz: OK — ${(framed + raw).toLocaleString("en")} chunkings in ${seconds.toFixed(1)} s (${Math.round((framed + raw) / seconds).toLocaleString("en")}/s), seed ${seed}`);
