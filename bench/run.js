// `npm run bench`: every figure on the Node host, one table per part, each row measured
// in the same run as its baseline. Timings are reported, never judged: the exit code says only
// whether the bench itself ran.
//
//   node bench/run.js [--scale X] [--reps N] [--markdown] [--json FILE] [--svg FILE|none] [--no-alloc]
//                     [--only e2e,peers,codec,framing,alloc,xs]
//
// It also writes the ratios as an SVG chart (bench/chart.js) to bench/results.svg (--svg FILE: elsewhere;
// --svg none: not at all). The device tier's cycle ratios (module ÷ floor on a Pico in rp2040js) are
// drawn as their own group when bench/device.json is there: `DEVICE_JSON=bench/device.json npm run
// test:device` writes it (a device run needs the SDKs; the file says when and at which commit it ran).

import { execFile } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { chartSvg } from "./chart.js";
import { e2eRow, E2E_CASES } from "./e2e.js";
import { fmtBytes, fmtPct, fmtRate, markdown, table } from "./lib.js";
import { codecRows, framingRows } from "./micro.js";
import { PEER_CASES, PEERS, peersRow } from "./peers.js";
import { xsRows } from "./xs.js";
import { xsE2eRows } from "./xs-e2e.js";

const HERE = fileURLToPath(new URL(".", import.meta.url));

/** Runs bench/alloc.js in a child with --expose-gc; resolves with its JSON. */
export function runAllocChild({ scale = 1, reps = 3 } = {}) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ["--expose-gc", "--max-semi-space-size=64", `${HERE}alloc.js`, String(scale), String(reps)],
      { maxBuffer: 16 << 20, timeout: 300000 }, (error, stdout, stderr) => {
        if (error) reject(new Error(`bench/alloc.js failed: ${error.message}\n${stderr}`));
        else resolve(JSON.parse(stdout));
      });
  });
}

/** Every part; `scale` shrinks counts and durations (the smoke test uses a tiny one). */
export async function runBench({ scale = 1, reps = 5, only = ["e2e", "peers", "codec", "framing", "alloc", "xs"], log = () => {} } = {}) {
  const result = { machine: machine(), e2e: [], peers: [], codec: [], framing: [], alloc: null, xs: null };
  const targetMs = Math.max(1, 100 * scale);
  if (only.includes("e2e")) {
    for (const c of E2E_CASES) {
      log(`e2e: ${c.name}`);
      result.e2e.push(await e2eRow(c, { scale, reps }));
    }
  }
  if (only.includes("peers")) {
    for (const c of PEER_CASES) {
      log(`peers: ${c.name}`);
      result.peers.push(await peersRow(c, { scale, reps }));
    }
  }
  if (only.includes("codec")) {
    log("codec");
    result.codec = codecRows({ reps, targetMs });
  }
  if (only.includes("framing")) {
    log("framing");
    result.framing = framingRows({ reps, targetMs, streamBytes: Math.max(4096, Math.round((1 << 20) * Math.min(1, scale))) });
  }
  if (only.includes("alloc")) {
    log("allocation (child process, --expose-gc)");
    result.alloc = await runAllocChild({ scale, reps: Math.min(3, reps) });
  }
  if (only.includes("xs")) {
    log("xs");
    result.xs = await xsRows({ scale });
    log("xs end to end (simulated network)");
    result.xsE2e = await xsE2eRows({ scale });
  }
  result.machine.loadavgAfter = os.loadavg().map((x) => x.toFixed(2)).join(" ");
  const device = deviceFigures();
  if (device) {
    result.device = device.ratios;
    result.deviceRun = { date: device.date, commit: device.commit };
  }
  return result;
}

/** The device tier's last recorded figures (bench/device.json), or undefined. */
export function deviceFigures(file = path.join(HERE, "device.json")) {
  if (!existsSync(file)) return undefined;
  const d = JSON.parse(readFileSync(file, "utf8"));
  return Array.isArray(d.ratios) ? d : undefined;
}

export function machine() {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    cpu: `${cpus[0]?.model ?? "?"} × ${cpus.length}`,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    loadavg: os.loadavg().map((x) => x.toFixed(2)).join(" "),
  };
}

const rateCell = (s) => `${fmtRate(s.median)} ${fmtPct(s.spread)}`;
const mb = (s, bytes) => ((s.median * bytes) / 1e6).toFixed(1);
const ratioCell = (s) => `${s.median.toFixed(2)} (${s.min.toFixed(2)}–${s.max.toFixed(2)})`;
const allocCell = (m) => (m ? `${fmtBytes(m.heap.median)}${m.external.median >= 0.5 ? ` + ${fmtBytes(m.external.median)} ext` : ""}` : "–");

/** The tables, as arrays of rows (first row the header). */
export function tables(r) {
  const out = {};
  const alloc = r.alloc ?? { e2e: [], codec: [], framing: [] };
  if (r.e2e.length) {
    out.e2e = [["end to end, framed (loopback)", "payload B", "module msg/s", "module MB/s", "raw msg/s", "raw MB/s", "ratio (min–max)", "module B/msg", "raw B/msg"]];
    for (const row of r.e2e) {
      const a = alloc.e2e.find((x) => x.name === row.name);
      out.e2e.push([row.name, row.payloadBytes, rateCell(row.framed), mb(row.framed, row.payloadBytes), rateCell(row.raw), mb(row.raw, row.payloadBytes),
        ratioCell(row.ratio), allocCell(a?.framed), allocCell(a?.raw)]);
    }
  }
  if (r.peers?.length) {
    const peerCell = (row, key, f) => (row.rates[key] ? f(row) : "–");
    out.peers = [["module vs what users would write (loopback)", "payload B", "module msg/s", "raw msg/s",
      ...PEERS.map((p) => `${p.key} msg/s`), "module ÷ raw", ...PEERS.map((p) => `module ÷ ${p.key}`)]];
    for (const row of r.peers) {
      out.peers.push([row.name, row.payloadBytes, rateCell(row.rates.module), rateCell(row.rates.raw),
        ...PEERS.map((p) => peerCell(row, p.key, (x) => rateCell(x.rates[p.key]))),
        ratioCell(row.ratios.raw), ...PEERS.map((p) => peerCell(row, p.key, (x) => ratioCell(x.ratios[p.key])))]);
    }
  }
  if (r.codec.length) {
    out.codec = [["codec, 1000 elements", "encode sends/s", "floor/s", "÷ floor", "decode msgs/s", "floor/s", "÷ floor", "encode B/send", "decode B/msg"]];
    for (const row of r.codec) {
      const a = alloc.codec.find((x) => x.type === row.type);
      out.codec.push([row.type, rateCell(row.encode), fmtRate(row.encodeFloor.median), (row.encode.median / row.encodeFloor.median).toFixed(2),
        rateCell(row.decode), fmtRate(row.decodeFloor.median), (row.decode.median / row.decodeFloor.median).toFixed(2), allocCell(a?.encode), allocCell(a?.decode)]);
    }
  }
  if (r.framing.length) {
    out.framing = [["framing decoder", "chunk B", "msgs/s", "MB/s", "B/msg"]];
    for (const row of r.framing) {
      const a = alloc.framing.find((x) => x.size === row.size && x.chunk === row.chunk);
      out.framing.push([`${row.size} B messages`, row.chunk, rateCell(row.messagesPerSecond), row.megabytesPerSecond.median.toFixed(1), allocCell(a)]);
    }
  }
  if (r.xs?.rows?.length) {
    out.xs = r.xs.codec;
    out.xsFraming = r.xs.framing;
  }
  if (r.xsE2e?.rows?.length) out.xsE2e = r.xsE2e.table;
  return out;
}

/** The targets, checked against the figures (information, not a verdict on the run). */
export function targets(r) {
  const lines = [];
  const e = (name) => r.e2e.find((x) => x.name === name);
  const check = (ok, text) => lines.push(`${ok ? "met    " : "NOT met"}  ${text}`);
  const k1 = e("image 1 KiB");
  if (k1) check(k1.ratio.median >= 0.7, `framed 1 KiB ≥ 0.7× raw msgs/s: ${k1.ratio.median.toFixed(2)}× (image), ${e("string 1 KiB")?.ratio.median.toFixed(2)}× (string)`);
  const k64 = e("image 64 KiB");
  if (k64) check(k64.ratio.median >= 0.9, `framed 64 KiB ≥ 0.9× raw msgs/s: ${k64.ratio.median.toFixed(2)}× (image), ${e("string 64 KiB")?.ratio.median.toFixed(2)}× (string)`);
  const d = r.codec.find((x) => x.type === "double");
  if (d) check(d.encode.median >= 100000, `encode 1000 doubles ≥ 100,000 sends/s: ${Math.round(d.encode.median).toLocaleString("en")}`);
  if (r.alloc) {
    const worst = Math.max(...r.alloc.codec.map((x) => x.encode.heap.median + x.encode.external.median));
    check(worst < 16, `no allocation per encode (any numeric type): at most ${worst.toFixed(1)} B/send (harness residue; the smallest JS object is 16 B)`);
  }
  return lines;
}

function print(r, asMarkdown) {
  const m = r.machine;
  const out = [`machine: ${m.cpu}; ${m.os}; node ${m.node}; load ${m.loadavg} at the start, ${m.loadavgAfter ?? "?"} at the end (1, 5, 15 min); ${m.date}`, ""];
  const t = tables(r);
  for (const key of Object.keys(t)) {
    out.push(asMarkdown ? markdown(t[key]) : table(t[key]), "");
  }
  if (r.peers?.length) {
    out.push("peers: " + PEERS.map((p) => `${p.key} = ${p.label}`).join("; ") + " (bench/peers.js); same bytes on the wire as the module: " +
      (r.peers.every((x) => Object.values(x.sameWire).every(Boolean)) ? "yes" : "NO") + "; ratios > 1: the module is faster.", "");
  }
  if (r.xs) out.push(`XS: ${r.xs.note}`, "");
  if (r.xsE2e) out.push(`XS end to end: ${r.xsE2e.note}`, "");
  if (r.device) {
    out.push(`device (bench/device.json: the device tier at ${r.deviceRun.commit}, ${r.deviceRun.date}; not measured by this run), cycles per message, module ÷ floor: ` +
      r.device.map((x) => `${x.name} ${x.ratio}`).join(", "), "");
  }
  out.push("targets:", ...targets(r).map((l) => `  ${l}`));
  out.push("", "rates: median of the runs ± half their range; ratio: median of per-run framed/raw pairs (min–max);",
    "B/msg: V8 heap bytes allocated per message in steady state (+ ArrayBuffer backing stores, 'ext'), sender and receiver together.");
  return out.join("\n");
}

/** Writes the ratios chart (bench/chart.js) of result `r` to `file`. */
export function writeChart(r, file) {
  writeFileSync(file, chartSvg(r));
}

async function main() {
  const args = process.argv.slice(2);
  const value = (name, fallback) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : fallback;
  };
  const only = value("--only", "e2e,peers,codec,framing,alloc,xs").split(",").filter((p) => !(args.includes("--no-alloc") && p === "alloc"));
  const started = Date.now();
  const r = await runBench({
    scale: Number(value("--scale", 1)), reps: Number(value("--reps", 5)), only,
    log: (what) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0)} s] ${what}\n`),
  });
  const json = value("--json");
  if (json) writeFileSync(json, JSON.stringify(r, null, 1));
  const svg = value("--svg", path.join(HERE, "results.svg"));
  if (svg !== "none") writeChart(r, svg);
  console.log(print(r, args.includes("--markdown")));
  if (svg !== "none") console.log(`\nchart: ${path.relative(process.cwd(), svg).startsWith("..") ? svg : path.relative(process.cwd(), svg)}`);
  process.stderr.write(`[bench] done in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then(() => setTimeout(() => process.exit(0), 50).unref(), (e) => {
    console.error(e);
    process.exit(1);
  });
}
