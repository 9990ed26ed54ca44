#!/usr/bin/env node
// The device tier (`npm run test:device`): builds the apps under test/device/apps for a Raspberry
// Pi Pico with the Moddable SDK's mcconfig (`-p pico`, and `-p pico/pico_w` for the lwIP build),
// runs each .uf2 in the rp2040js emulator with a USB CDC host attached to the console, and decides
// only from the lines the app prints: "PASS <name>", "FAIL <name> <reason>", then "DONE <failures>".
// A run passes with DONE 0, at least one PASS, no FAIL and no abort; a crash, a hang, the cycle or
// wall-time bound, or a missing DONE fails it. "FIGURE <key> <value> [unit]" lines are figures the
// app measured; "MARK <name>" lines let this runner read the emulated cycle counter at that point.
//
// Without the SDK pieces it prints "SKIPPED: <why>" and exits 0. What it reads from the environment:
//   MODDABLE           the Moddable SDK, its Linux tools built (build/bin/lin/release/mcconfig)
//   PICO_SDK_DIR       pico-sdk 2.2.0, a git checkout (its version is read with git describe)
//   PICO_EXTRAS_DIR    pico-extras (sdk-2.2.0)
//   PICO_EXAMPLES_DIR  pico-examples (sdk-2.2.0), configured once with cmake (build/generated)
//   PICO_ROOT          optional; defaults to the directory holding pico-examples
//   PICO_GCC_ROOT      where bin/arm-none-eabi-gcc is (Debian's gcc-arm-none-eabi: /usr)
//   PIOASM             the pioasm executable (built from pico-sdk/tools/pioasm)
//   PICOTOOL           the picotool executable (used to turn the .elf into a .uf2)
//   RP2040_BOOTROM     the RP2040 B1 boot ROM as rp2040js's demo/bootrom.ts (a list of 32-bit words)
//   DEVICE_CLEAN=1     rebuild from scratch (by default builds are incremental, in $TMPDIR)
//   DEVICE_ONLY=name   run only the apps whose name contains this
//   DEVICE_JSON=file   write the bench app's figures and cycle ratios there (bench/device.json: the
//                      chart of `npm run bench` draws them)
//   DEVICE_PROFILE=1   sample the program counter; print where each MARK-delimited section spent it
//   DEVICE_LOG=dir     write every line each run printed to dir/<app>.log (MARK lines with their cycle count)

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const apps = join(root, "test", "device", "apps");
const env = process.env;

function skip(why) {
  console.log(`SKIPPED: device tier (Pico in rp2040js): ${why}`);
  process.exit(0);
}

// ---- what is needed, and where it is ----
if (process.platform !== "linux") skip(`runs on Linux only (this is ${process.platform})`);
const need = {
  MODDABLE: "the Moddable SDK with its Linux tools built",
  PICO_SDK_DIR: "pico-sdk 2.2.0",
  PICO_EXTRAS_DIR: "pico-extras",
  PICO_EXAMPLES_DIR: "pico-examples configured with cmake",
  PICO_GCC_ROOT: "the directory with bin/arm-none-eabi-gcc (/usr for Debian's package)",
  PIOASM: "the pioasm executable",
  PICOTOOL: "the picotool executable",
  RP2040_BOOTROM: "the RP2040 boot ROM (rp2040js demo/bootrom.ts)",
};
const missing = Object.keys(need).filter((name) => !env[name]);
if (missing.length) skip(`${missing.map((n) => `$${n} (${need[n]})`).join(", ")} not set`);
const bin = join(env.MODDABLE, "build", "bin", "lin", "release");
const checks = [
  [join(bin, "mcconfig"), "mcconfig (build the SDK tools: cd $MODDABLE/build/makefiles/lin && make)"],
  [join(env.PICO_SDK_DIR, "src", "rp2040"), "$PICO_SDK_DIR/src/rp2040"],
  [join(env.PICO_SDK_DIR, "lib", "tinyusb", "src"), "pico-sdk's lib/tinyusb submodule"],
  [join(env.PICO_EXAMPLES_DIR, "build", "generated", "pico_base"), "pico-examples/build/generated (run cmake in pico-examples)"],
  [join(env.PICO_GCC_ROOT, "bin", "arm-none-eabi-gcc"), "$PICO_GCC_ROOT/bin/arm-none-eabi-gcc"],
  [env.PIOASM, "$PIOASM"],
  [env.PICOTOOL, "$PICOTOOL"],
  [env.RP2040_BOOTROM, "$RP2040_BOOTROM"],
];
for (const [path, what] of checks) if (!existsSync(path)) skip(`${what} not found (${path})`);
let rp2040js;
let uf2;
try {
  rp2040js = await import("rp2040js");
  uf2 = await import("uf2");
} catch (e) {
  skip(`the npm packages rp2040js and uf2 are not installed (npm install): ${e.message}`);
}

const out = join(tmpdir(), "accessor-socket-device");
if (env.DEVICE_CLEAN === "1") rmSync(out, { recursive: true, force: true });
const buildEnv = {
  ...env,
  PICO_ROOT: env.PICO_ROOT ?? dirname(env.PICO_EXAMPLES_DIR),
  UF2CONV: env.PICOTOOL,
  PATH: `${join(root, "node_modules", ".bin")}:${env.PATH}:${bin}`, // tsc ≥ 6 first, then the SDK tools
};
const size = join(env.PICO_GCC_ROOT, "bin", "arm-none-eabi-size");

// ---- building ----
const tail = (text, n = 30) => text.split("\n").filter(Boolean).slice(-n).join("\n");
function find(dir, name) {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (entry === name) return path;
    if (statSync(path).isDirectory()) {
      const found = find(path, name);
      if (found) return found;
    }
  }
  return undefined;
}

/** Builds app `dir` for `platform`; returns { uf2, elf, warnings } or undefined (and prints why). */
function build(name, dir, platform, { instrumented = false, config = [], manifest = "manifest.json" } = {}) {
  const dest = join(out, name);
  mkdirSync(dest, { recursive: true });
  const started = Date.now();
  // mcconfig writes the makefile and starts make with /bin/sh, whose lack of `[[` fails the SDK
  // version check: its own make run is ignored, the makefile is run again with bash.
  const args = ["-m", "-p", platform, "-t", "build", "-o", dest, ...(instrumented ? ["-i"] : []), manifest, ...config];
  const mc = spawnSync(join(bin, "mcconfig"), args, { cwd: dir, env: buildEnv, encoding: "utf8" });
  const tmp = join(dest, "tmp");
  const makefile = existsSync(tmp) ? find(tmp, "makefile") : undefined;
  if (!makefile) {
    console.log(`FAIL build ${name}: mcconfig wrote no makefile\n${tail(mc.stdout + mc.stderr)}`);
    return undefined;
  }
  const make = spawnSync("make", ["-f", makefile, "SHELL=/bin/bash", "-j2", "build"], {
    cwd: dirname(makefile),
    env: buildEnv,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  const log = `${mc.stdout}${mc.stderr}${make.stdout}${make.stderr}`;
  const image = find(join(dest, "bin"), "xs_pico.uf2");
  const elf = image && join(dirname(image), "xs_pico.elf");
  if (make.status !== 0 || !image || !existsSync(elf)) {
    console.log(`FAIL build ${name} (${platform}, ${seconds} s):\n${tail(make.stdout + make.stderr)}`);
    return undefined;
  }
  // xsl prints the preload warnings when it links the modules; a build that did not link them
  // again reuses what the last link printed (kept next to the build).
  const saved = join(dest, "xsl-warnings.json");
  let warnings = [...new Set(log.split("\n").filter((l) => l.startsWith("### warning")))];
  if (log.includes("# xsl modules")) writeFileSync(saved, JSON.stringify(warnings));
  else if (existsSync(saved)) warnings = JSON.parse(readFileSync(saved, "utf8"));
  for (const w of warnings) console.log(`  ${name}: ${w}`);
  console.log(`built ${name} (-p ${platform}${instrumented ? " -i" : ""}, ${seconds} s)`);
  return { uf2: image, elf, warnings };
}

/** Flash (text + data) and static RAM (data + bss) of an image, from arm-none-eabi-size. */
function sizes(elf) {
  const r = spawnSync(size, ["-A", elf], { encoding: "utf8" });
  const sections = {};
  for (const line of r.stdout.split("\n")) {
    const m = /^(\.\S+)\s+(\d+)\s+(\d+)/.exec(line);
    if (m) sections[m[1]] = { size: Number(m[2]), addr: Number(m[3]) };
  }
  // flash: what is stored there (code, read-only data, and the initial values of .data);
  // static RAM: every section placed in RAM (.data, .bss, the vector table copy)
  let flash = 0;
  let ram = 0;
  for (const [name, { size: n, addr }] of Object.entries(sections)) {
    if (n === 0) continue;
    if (addr >= 0x10000000 && addr < 0x11000000) flash += n;
    else if (addr >= 0x20000000 && addr < 0x20042000) {
      ram += n;
      if (name === ".data") flash += n;
    }
  }
  const berkeley = spawnSync(size, [elf], { encoding: "utf8" }).stdout.trim().split("\n")[1]?.trim().split(/\s+/);
  return { flash, ram, text: Number(berkeley?.[0]), data: Number(berkeley?.[1]), bss: Number(berkeley?.[2]) };
}

// ---- running in the emulator ----
const bootrom = (() => {
  const text = readFileSync(env.RP2040_BOOTROM, "utf8");
  const body = text.slice(text.indexOf("["));
  const words = (body.match(/0x[0-9a-fA-F]+/g) ?? []).map((w) => Number(w));
  if (words.length < 4096) skip(`${env.RP2040_BOOTROM} holds ${words.length} words, not a 16 KiB boot ROM`);
  return new Uint32Array(words);
})();

/**
 * Runs `image` until the app prints DONE, aborts, or a bound is hit. Returns { lines, marks, reason,
 * cycles, ms }: marks maps a MARK name to the CPU cycles executed when its line arrived.
 */
function emulate(image, { maxCycles, maxWallMs, maxDeviceMs }) {
  const { Simulator, USBCDC } = rp2040js;
  const sim = new Simulator();
  const mcu = sim.rp2040;
  // The emulator's own complaints (unimplemented peripherals, unaligned reads during boot) are
  // counted, not printed.
  const complaints = [];
  const quiet = () => {};
  mcu.logger = { debug: quiet, info: quiet, warn: quiet, error: (component, message) => complaints.push(`${component}: ${message}`) };
  mcu.loadBootrom(bootrom);
  const file = readFileSync(image);
  for (let at = 0; at + 512 <= file.length; at += 512) {
    const block = uf2.decodeBlock(new Uint8Array(file.buffer, file.byteOffset + at, 512));
    const offset = block.flashAddress - 0x10000000;
    if (offset >= 0 && offset + block.payload.length <= mcu.flash.length) mcu.flash.set(block.payload, offset);
  }
  const cdc = new USBCDC(mcu.usbCtrl);
  // The helper answers every host-to-device poll with an empty packet, which keeps the CPU from
  // ever idling; nothing is sent to the device, so polls are left unanswered.
  const answer = mcu.usbCtrl.onEndpointRead;
  mcu.usbCtrl.onEndpointRead = (endpoint, size) => {
    if (cdc.txFIFO.itemCount > 0) answer(endpoint, size);
  };
  const lines = [];
  const marks = new Map();
  // DEVICE_PROFILE=1: the program counter every 499 instructions, per section between MARK lines
  // (a "<name>-start" mark opens section <name>), mapped to the image's symbols at the end.
  const profile = env.DEVICE_PROFILE === "1" ? new Map() : null;
  let section = "other";
  let tick = 0;
  let rest = "";
  let finished = null;
  const decoder = new TextDecoder();
  cdc.onSerialData = (bytes) => {
    rest += decoder.decode(bytes, { stream: true });
    const parts = rest.split("\n");
    rest = parts.pop();
    for (const raw of parts) {
      const line = raw.replace(/\r$/, "");
      lines.push(line);
      const mark = /^MARK (\S+)/.exec(line);
      if (mark) {
        marks.set(mark[1], mcu.core.cycles);
        section = mark[1].endsWith("-start") ? mark[1].slice(0, -6) : "other";
      }
      if (/^DONE \d+/.test(line)) finished ??= "done";
      if (/XS abort|abort\b.*\bXS\b|^# Break|panic/i.test(line)) finished ??= `abort: ${line}`;
    }
  };
  mcu.onBreak = (code) => {
    finished ??= `breakpoint ${code} (crash) at PC 0x${mcu.core.PC.toString(16)}`;
  };
  mcu.core.PC = 0x10000000;
  const started = Date.now();
  const clock = sim.clock;
  const nanosPerCycle = 8; // 125 MHz
  const maxNanos = maxDeviceMs * 1e6;
  let idle = 0;
  while (!finished) {
    for (let i = 0; i < 200000 && !finished; i++) {
      if (mcu.core.waiting) {
        const next = clock.nanosToNextAlarm; // 0: an alarm due now, or none at all
        clock.tick(next > 0 ? next : 0);
        if (next > 0) idle = 0;
        else if (++idle > 1000) finished = "hang: waiting for an interrupt with no timer armed";
      } else {
        idle = 0;
        if (profile !== null && ++tick === 499) {
          tick = 0;
          const counts = profile.get(section) ?? profile.set(section, new Map()).get(section);
          counts.set(mcu.core.PC, (counts.get(mcu.core.PC) ?? 0) + 1);
        }
        clock.tick(mcu.core.executeInstruction() * nanosPerCycle);
      }
    }
    if (finished) break;
    if (mcu.core.cycles > maxCycles) finished = `timeout: ${maxCycles.toExponential(1)} cycles executed`;
    else if (clock.nanos > maxNanos) finished = `timeout: ${maxDeviceMs} ms of device time`;
    else if (Date.now() - started > maxWallMs) finished = `timeout: ${maxWallMs / 1000} s of wall time`;
  }
  if (rest) lines.push(rest);
  if (env.DEVICE_LOG) {
    mkdirSync(env.DEVICE_LOG, { recursive: true });
    let file = join(env.DEVICE_LOG, `${image.slice(out.length + 1).split("/")[0]}.log`);
    for (let n = 2; existsSync(file); n++) file = file.replace(/(\.\d+)?\.log$/, `.${n}.log`);
    writeFileSync(file, lines.map((l) => (/^MARK /.test(l) ? `${l} @${marks.get(l.slice(5).split(" ")[0])}` : l)).join("\n") + "\n");
  }
  if (profile !== null) printProfile(image.replace(/\.uf2$/, ".elf"), profile);
  return { lines, marks, complaints, reason: finished, cycles: mcu.core.cycles, deviceMs: clock.nanos / 1e6, ms: Date.now() - started };
}

// Where the samples of each section fell: the 12 functions of the image with the most.
function printProfile(elf, profile) {
  const nm = spawnSync(join(env.PICO_GCC_ROOT, "bin", "arm-none-eabi-nm"), ["-n", elf], { encoding: "utf8" });
  const symbols = [];
  for (const line of nm.stdout.split("\n")) {
    const m = /^([0-9a-f]+) [tTwW] (\S+)/.exec(line);
    if (m) symbols.push([parseInt(m[1], 16), m[2]]);
  }
  const nameOf = (pc) => {
    let lo = 0;
    let hi = symbols.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (symbols[mid][0] <= pc) lo = mid;
      else hi = mid - 1;
    }
    return symbols[lo]?.[1] ?? "?";
  };
  for (const [name, counts] of profile) {
    const by = new Map();
    let total = 0;
    for (const [pc, n] of counts) {
      const f = nameOf(pc);
      by.set(f, (by.get(f) ?? 0) + n);
      total += n;
    }
    const top = [...by].sort((a, b) => b[1] - a[1]).slice(0, 12);
    console.log(`PROFILE ${name} (${total} samples): ${top.map(([f, n]) => `${f} ${((100 * n) / total).toFixed(1)} %`).join(", ")}`);
  }
}

// PASS / FAIL / DONE lines → verdict.
function verdict(name, run) {
  const passes = run.lines.filter((l) => l.startsWith("PASS "));
  const fails = run.lines.filter((l) => l.startsWith("FAIL ") || /XS abort/.test(l));
  const done = run.lines.find((l) => /^DONE \d+$/.test(l));
  for (const l of [...passes, ...fails]) console.log(`  ${name}: ${l}`);
  const ok = run.reason === "done" && done === "DONE 0" && passes.length > 0 && fails.length === 0;
  const how = `${(run.cycles / 1e6).toFixed(0)} M cycles, ${run.deviceMs.toFixed(0)} ms device time, ${(run.ms / 1000).toFixed(1)} s wall`;
  console.log(`${ok ? "ok" : "NOT OK"} ${name}: ${passes.length} passed, ${fails.length} failed (${run.reason}; ${how})`);
  if (!ok && run.reason !== "done") console.log(`  last lines:\n    ${run.lines.slice(-15).join("\n    ")}`);
  return ok;
}

const figures = (run) => run.lines.filter((l) => l.startsWith("FIGURE ")).map((l) => l.slice(7));

// An instrumented build prints "instruments key: a,b,…" once, then "instruments: 1,2,…" every
// second of device time (values since the previous line for counters and peaks): the largest of each.
function instruments(run) {
  const keyLine = run.lines.find((l) => l.startsWith("instruments key: "));
  if (!keyLine) return undefined;
  const keys = keyLine.slice(17).split(",");
  const max = {};
  const sum = {};
  for (const l of run.lines) {
    if (!l.startsWith("instruments: ")) continue;
    l.slice(13).split(",").forEach((v, i) => {
      const n = Number(v);
      max[keys[i]] = Math.max(max[keys[i]] ?? -Infinity, n);
      sum[keys[i]] = (sum[keys[i]] ?? 0) + n;
    });
  }
  return { max, sum };
}

// ---- the tier ----
const BOUNDS = { maxCycles: 3e9, maxWallMs: 240000, maxDeviceMs: 60000 };

async function main() {
  const only = env.DEVICE_ONLY;
  const want = (name) => !only || name.includes(only);
  const results = [];
  const report = [];

  if (want("cases")) {
    const app = build("cases", join(apps, "cases"), "pico");
    if (app) {
      const run = emulate(app.uf2, { ...BOUNDS, maxCycles: 2e9 });
      results.push(verdict("cases (pico, loopback)", run));
      const s = sizes(app.elf);
      report.push(`image cases (pico): flash ${s.flash} B, static RAM ${s.ram} B (text ${s.text}, data ${s.data}, bss ${s.bss})`);
      results.push(app.warnings.length === 0);
      if (app.warnings.length) console.log("NOT OK cases: the build printed warnings");
    } else results.push(false);
  }

  if (want("wifi")) {
    const app = build("wifi", join(apps, "wifi"), "pico/pico_w");
    if (app) {
      const run = emulate(app.uf2, { ...BOUNDS, maxDeviceMs: 30000 });
      for (const line of run.lines.filter((l) => l.startsWith("INFO ") || /wi-?fi/i.test(l))) console.log(`  wifi: ${line}`);
      results.push(verdict("wifi (pico/pico_w, lwIP TCP, no radio)", run));
      const s = sizes(app.elf);
      report.push(`image wifi (pico/pico_w): flash ${s.flash} B, static RAM ${s.ram} B (text ${s.text}, data ${s.data}, bss ${s.bss})`);
      results.push(app.warnings.length === 0);
      if (app.warnings.length) console.log("NOT OK wifi: the build printed warnings");
    } else results.push(false);
  }

  if (want("size")) {
    const images = {};
    for (const kind of ["bare", "deps", "lib"]) {
      const app = build(`size-${kind}`, join(apps, "size"), "pico", { manifest: `manifest_${kind}.json` });
      if (!app) {
        results.push(false);
        continue;
      }
      results.push(verdict(`size-${kind} (pico)`, emulate(app.uf2, { ...BOUNDS, maxDeviceMs: 5000 })));
      images[kind] = sizes(app.elf);
    }
    const { bare, deps, lib } = images;
    if (bare && deps && lib)
      report.push(`a trivial pico app: bare ${bare.flash} B flash, ${bare.ram} B static RAM; + the SDK modules the library manifest includes (IO, text): flash +${deps.flash - bare.flash} B, RAM +${deps.ram - bare.ram} B; + the library itself: flash +${lib.flash - deps.flash} B, RAM +${lib.ram - deps.ram} B`);
  }

  if (want("bench")) {
    // Instrumented: heap, stack, GCs. Plain: cycles (the instrumentation's own sampling is not in them).
    const values = new Map();
    for (const instrumented of [true, false]) {
      const name = instrumented ? "bench-instrumented" : "bench";
      const app = build(name, join(apps, "bench"), "pico", { instrumented });
      if (!app) {
        results.push(false);
        continue;
      }
      const run = emulate(app.uf2, { maxCycles: 8e9, maxWallMs: 600000, maxDeviceMs: 300000 });
      for (const l of run.lines.filter((l) => l.startsWith("INFO ") || l.startsWith("FIGURE "))) console.log(`  ${name}: ${l}`);
      results.push(verdict(`${name} (pico, loopback)`, run));
      const seen = instruments(run);
      if (instrumented && seen) {
        values.set("instruments.stack", { value: seen.max["Stack used"] });
        values.set("instruments.slots", { value: seen.max["Slot used"] });
        values.set("instruments.chunks", { value: seen.max["Chunk used"] });
        values.set("instruments.gcs", { value: seen.sum["Garbage collections"] });
      }
      for (const f of figures(run)) {
        const [key, value, unit = ""] = f.split(" ");
        if (instrumented || !values.has(key)) values.set(key, { value: Number(value), unit });
      }
      if (!instrumented) {
        // Emulation is deterministic: the same image runs again to the same cycle counts.
        const again = emulate(app.uf2, { maxCycles: 8e9, maxWallMs: 600000, maxDeviceMs: 300000 });
        const same = [...run.marks].every(([k, c]) => again.marks.get(k) === c) && run.marks.size > 0;
        console.log(`${same ? "ok" : "NOT OK"} bench: a second run of the same image gives the same cycle counts at every MARK`);
        results.push(same);
        const span = (label) => {
          const a = run.marks.get(`${label}-start`);
          const b = run.marks.get(`${label}-end`);
          return a === undefined || b === undefined ? undefined : b - a;
        };
        const numeric = ["n4", "n16"].flatMap((l) => [[l, 1000], [`${l}s`, 1000], [`${l}r`, 1000], [`f${l}`, 1000]]);
        const spans = [["m16", 1000], ["m1k", 200], ["i1k", 200], ["f16", 1000], ["f1k", 200], ["echo", 1000], ...numeric,
          ["d8k", 3], ["d8ks", 20], ["d8kr", 3], ["d8kb", 3], ["d8kbr", 3], ["fd8k", 20]];
        for (const [label, count] of spans) {
          const cycles = span(label);
          if (cycles !== undefined) values.set(`cycles.${label}`, { value: Math.round(cycles / count), unit: "cycles/message" });
        }
        // encode + queue: synchronous sends between two marks, less the marks' own frame (e0)
        const frame = span("e0");
        for (const [label, count] of [["e4", 99], ["e16", 50], ["e8k", 2]]) {
          const cycles = span(label);
          if (cycles !== undefined && frame !== undefined) values.set(`cycles.${label}`, { value: Math.round((cycles - frame) / count), unit: "cycles/send" });
        }
        for (const [label, count] of [["a8k", 3], ["a8ka", 3], ["a8kp", 3]]) {
          const cycles = span(label);
          if (cycles !== undefined && frame !== undefined) values.set(`cycles.${label}`, { value: Math.round((cycles - frame) / count), unit: "cycles/array" });
        }
        if (frame !== undefined) values.set("cycles.e0", { value: frame, unit: "cycles" });
      }
    }
    const v = (key) => values.get(key)?.value;
    const line = (text) => report.push(text);
    const kib = (n) => (n === undefined ? "?" : `${n} B`);
    const both = (key) => (v(`${key}.slots`) === undefined ? undefined : Number(v(`${key}.slots`)) + Number(v(`${key}.chunks`)));
    line(`XS stack peak in the 1000-message echo burst (handler nesting 4 calls): ${kib(v("stack.peak"))} of 8192 B (${v("stack.peak.percent")} %)`);
    line(`GCs: ${v("gc.echo.total")} in the 1000-message echo burst, ${v("gc.per.message")} per message`);
    line(`instrumentation's own per-second lines over the whole bench run: stack used at most ${kib(v("instruments.stack"))}, slots at most ${kib(v("instruments.slots"))}, chunks at most ${kib(v("instruments.chunks"))}, ${v("instruments.gcs")} GCs in all`);
    line(`heap left over after the heap cases' connections closed, over the start: slots ${kib(v("heap.leftover.slots"))}`);
    line(`heap left per open/echo/close cycle of a pair (10 cycles, after a warm-up): slots ${kib(v("heap.cycle.slots"))}, chunks ${kib(v("heap.cycle.chunks"))}`);
    line(`heap per connection pair (client + accepted Socket), idle, after GC: slots ${kib(v("heap.idle.pair.slots"))}, chunks ${kib(v("heap.idle.pair.chunks"))}`);
    line(`heap of each end alone, idle, at device defaults (the loopback's own share subtracted: ${kib(v("heap.end.loopback.pair"))} per pair): a SocketClient ${kib(both("heap.end.client"))} (slots ${kib(v("heap.end.client.slots"))}, chunks ${kib(v("heap.end.client.chunks"))}), an accepted Socket ${kib(both("heap.end.socket"))} (slots ${kib(v("heap.end.socket.slots"))}, chunks ${kib(v("heap.end.socket.chunks"))})`);
    line(`heap of the first server + pair: slots ${kib(v("heap.first.server+pair.slots"))}, chunks ${kib(v("heap.first.server+pair.chunks"))}`);
    line(`heap during a burst (100 strings of 100 B, sent as fast as maxUnsentBytes lets them, echoed; when half are back), over idle: slots ${kib(v("heap.burst.pair.slots"))}, chunks ${kib(v("heap.burst.pair.chunks"))}`);
    line(`heap with a full send queue (reader never reads), over idle: slots ${kib(v("heap.fullqueue.client.slots"))}, chunks ${kib(v("heap.fullqueue.client.chunks"))}; bufferedAmount ${kib(v("heap.fullqueue.buffered"))}`);
    line(`  of which the loopback holding the full 1460 B window (91 writes): slots ${kib(v("heap.window.slots"))}, chunks ${kib(v("heap.window.chunks"))}; the queue alone: slots ${kib(v("heap.queue.only.slots"))}, chunks ${kib(v("heap.queue.only.chunks"))}`);
    const ratio = (a, b) => (v(a) && v(b) ? (v(a) / v(b)).toFixed(1) : "?");
    line(`cycles per framed string message, one way: 16 B ${v("cycles.m16")}, 1 KiB ${v("cycles.m1k")}; 1 KiB as image ${v("cycles.i1k")}; echo round trip 16 B ${v("cycles.echo")}`);
    const shown = (x) => (x === undefined ? "?" : x);
    line(`allocation per framed int message (an int echo, each message sent and received once), module: slots ${shown(v("alloc.int.module.slots"))} B, chunks ${shown(v("alloc.int.module.chunks"))} B (over ${shown(v("alloc.int.module.n"))} round trips, no GC between); floor: slots ${shown(v("alloc.int.floor.slots"))} B, chunks ${shown(v("alloc.int.floor.chunks"))} B (over ${shown(v("alloc.int.floor.n"))}); the module's own share: slots ${shown(v("alloc.int.share.slots"))} B, chunks ${shown(v("alloc.int.share.chunks"))} B`);
    line(`GCs per 1000 framed int messages (a 1000-round-trip int echo): module ${shown(v("gc.int.module.per1000"))}, floor ${shown(v("gc.int.floor.per1000"))}`);
    // the cycle figures, also as FIGURE lines (the app cannot read the cycle counter)
    const rows = [["n4", "int"], ["n16", "4 ints (16 B)"], ["d8k", "1000 doubles (8000 B)"]];
    for (const [l, what] of rows) {
      for (const k of [l, `${l}s`, `${l}r`, `f${l}`]) if (v(`cycles.${k}`) !== undefined) line(`FIGURE cycles.${k} ${v(`cycles.${k}`)} cycles/message`);
      if (v(`cycles.${l}`) && v(`cycles.f${l}`)) line(`FIGURE cycles.${l}.ratio ${ratio(`cycles.${l}`, `cycles.f${l}`)}`);
      line(`cycles per framed ${what} message, one way: module ${v(`cycles.${l}`)}, floor ${v(`cycles.f${l}`)}, module ÷ floor ${ratio(`cycles.${l}`, `cycles.f${l}`)}; module sending to a raw reader ${v(`cycles.${l}s`)} (÷ floor ${ratio(`cycles.${l}s`, `cycles.f${l}`)}), raw writer to the module receiving ${v(`cycles.${l}r`)} (÷ floor ${ratio(`cycles.${l}r`, `cycles.f${l}`)})`);
    }
    for (const k of ["d8kb", "d8kbr"]) if (v(`cycles.${k}`) !== undefined) line(`FIGURE cycles.${k} ${v(`cycles.${k}`)} cycles/message`);
    line(`  1000 doubles with receiveBufferSize and sendBufferSize 8192 (a message fits both): module ${v("cycles.d8kb")} (÷ floor ${ratio("cycles.d8kb", "cycles.fd8k")}), raw writer to the module receiving ${v("cycles.d8kbr")} (÷ floor ${ratio("cycles.d8kbr", "cycles.fd8k")})`);
    for (const k of ["a8k", "a8ka", "a8kp"]) if (v(`cycles.${k}`) !== undefined) line(`FIGURE cycles.${k} ${v(`cycles.${k}`)} cycles/array`);
    line(`  XS alone, 1000 doubles read from a DataView into an Array: a new Array(1000).fill() each time ${v("cycles.a8k")}, a new [] appended to (as the Moddable decoder does) ${v("cycles.a8ka")}, one made once ${v("cycles.a8kp")} cycles`);
    for (const k of ["e4", "e16", "e8k"]) if (v(`cycles.${k}`) !== undefined) line(`FIGURE cycles.${k} ${v(`cycles.${k}`)} cycles/send`);
    if (v("cycles.e0") !== undefined) line(`FIGURE cycles.e0 ${v("cycles.e0")} cycles`);
    line(`encode + queue alone (send() into a full window, the peer not reading; less the marks' frame, ${v("cycles.e0")} cycles): int ${v("cycles.e4")}, 4 ints ${v("cycles.e16")}, 1000 doubles ${v("cycles.e8k")} cycles per send`);
    line(`floor (raw ECMA-419 on the same loopback): 16 B ${v("cycles.f16")}, 1 KiB ${v("cycles.f1k")}; module ÷ floor: 16 B ${ratio("cycles.m16", "cycles.f16")}, 1 KiB ${ratio("cycles.m1k", "cycles.f1k")} (as image ${ratio("cycles.i1k", "cycles.f1k")})`);
    if (env.DEVICE_JSON) writeDeviceJSON(env.DEVICE_JSON, values);
  }

  for (const line of report) console.log(line);
  const failed = results.filter((r) => !r).length;
  if (results.length === 0) console.log(`Device tier: nothing ran (DEVICE_ONLY=${only})`);
  else console.log(failed ? `Device tier: ${failed} of ${results.length} FAILED` : `Device tier: all ${results.length} passed`);
  process.exitCode = failed || results.length === 0 ? 1 : 0;
}

// DEVICE_JSON=file: the cycle ratios (module ÷ floor) and every figure of the bench app, for
// `npm run bench` to draw in its chart (bench/device.json is the one it reads).
function writeDeviceJSON(file, values) {
  const v = (key) => Number(values.get(key)?.value);
  const pairs = [
    ["framed int", "cycles.n4", "cycles.fn4"],
    ["framed 4 ints", "cycles.n16", "cycles.fn16"],
    ["framed 16 B string", "cycles.m16", "cycles.f16"],
    ["framed 1 KiB string", "cycles.m1k", "cycles.f1k"],
    ["framed 1 KiB image", "cycles.i1k", "cycles.f1k"],
    ["1000 doubles", "cycles.d8k", "cycles.fd8k"],
    ["1000 doubles, module receiving", "cycles.d8kr", "cycles.fd8k"],
  ];
  const ratios = [];
  for (const [name, module, floor] of pairs) if (v(module) > 0 && v(floor) > 0) ratios.push({ name, ratio: Number((v(module) / v(floor)).toFixed(2)) });
  const commit = spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root, encoding: "utf8" }).stdout.trim();
  const out = { date: new Date().toISOString(), commit, what: "Raspberry Pi Pico in rp2040js, emulated cycles per message, module ÷ the same frames over the same loopback with bare ECMA-419 calls", ratios, figures: Object.fromEntries(values) };
  writeFileSync(resolve(file), JSON.stringify(out, null, 2) + "\n");
  console.log(`device figures written to ${file}`);
}

await main();
