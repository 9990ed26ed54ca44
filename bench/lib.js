// Shared bench helpers: statistics over repeated runs, a timing loop, formatting.

import { performance } from "node:perf_hooks";

export const now = () => performance.now();

/** Median, min, max and spread ((max − min) / median) of a list of numbers. */
export function stats(samples) {
  const s = samples.slice().sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  const min = s[0];
  const max = s[s.length - 1];
  return { median, min, max, spread: median > 0 ? (max - min) / median : 0, n: s.length };
}

/** Seconds taken by fn() called `iterations` times. */
export function timeLoop(fn, iterations) {
  const t0 = now();
  for (let i = 0; i < iterations; i++) fn(i);
  return (now() - t0) / 1000;
}

/**
 * Iterations of fn() that take about `targetMs` (at least `min`), found by doubling from 1.
 * Also warms the function up.
 */
export function calibrate(fn, targetMs, min = 1) {
  let n = 1;
  for (;;) {
    const t = timeLoop(fn, n) * 1000;
    if (t >= targetMs / 4 || n >= 1 << 24) {
      const scaled = Math.ceil((n * targetMs) / Math.max(t, 0.001));
      return Math.max(min, scaled);
    }
    n *= 2;
  }
}

/** Operations per second of fn(), `reps` timed runs of `iterations` each: the stats of the rates. */
export function rate(fn, iterations, reps) {
  const rates = [];
  for (let r = 0; r < reps; r++) rates.push(iterations / timeLoop(fn, iterations));
  return stats(rates);
}

export function fmtRate(x) {
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)} M`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(1)} k`;
  return x.toFixed(1);
}

export function fmtPct(x) {
  return `±${((x * 100) / 2).toFixed(0)}%`; // half the range, as a ± around the median
}

export function fmtBytes(x) {
  if (x === undefined || x === null || Number.isNaN(x)) return "–";
  if (Math.abs(x) < 0.5) return "0";
  if (Math.abs(x) >= 10240) return `${(x / 1024).toFixed(1)} KiB`;
  return `${Math.round(x)}`;
}

/** A text table: rows of strings, first row the header; columns padded to their widest cell. */
export function table(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  const line = (r) => r.map((cell, c) => (c === 0 ? String(cell).padEnd(widths[c]) : String(cell).padStart(widths[c]))).join("  ");
  const out = [line(rows[0]), widths.map((w) => "-".repeat(w)).join("  ")];
  for (const r of rows.slice(1)) out.push(line(r));
  return out.join("\n");
}

/** A Markdown table of the same rows. */
export function markdown(rows) {
  const out = [`| ${rows[0].join(" | ")} |`, `|${rows[0].map((_, c) => (c === 0 ? "---" : "---:")).join("|")}|`];
  for (const r of rows.slice(1)) out.push(`| ${r.join(" | ")} |`);
  return out.join("\n");
}
