// npm run load: N clients × M framed messages against one SocketServer that echoes, on loopback.
// Every echo is checked (each message once, in order, intact); prints msgs/s, p50/p99 round-trip
// latency and peak RSS. Then fd exhaustion: a SocketServer in a child process whose `ulimit -n` is
// lowered takes more connections than it has descriptors; what each side sees is counted, and the
// server must still serve new clients afterwards. Figures are printed, never asserted as timings;
// the exit code is non-zero only for a lost, duplicated, reordered or corrupted message, or a
// server that stopped serving.
//
//   node bench/load.js [--clients 200] [--messages 100] [--size 64] [--window 8] [--fd-limit 96] [--no-fd]
//   node bench/load.js --clients 5000      (re-runs itself under a raised `ulimit -n` when needed)

import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import { fileURLToPath } from "node:url";
import { SocketClient, SocketServer } from "../dist/hosts/node/index.js";

const LOOPBACK = "127.0.0.1";
const self = fileURLToPath(import.meta.url);

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
const flag = (name) => process.argv.includes(`--${name}`);

function openFileLimit() {
  const line = fs.readFileSync("/proc/self/limits", "utf8").split("\n").find((l) => l.startsWith("Max open files"));
  return line ? Number(line.split(/\s+/)[3]) : Infinity;
}

function peakRss() {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  return { stop: () => (clearInterval(timer), Math.max(peak, process.memoryUsage().rss)) };
}

const MB = (n) => `${(n / 1048576).toFixed(1)} MB`;
const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// --- the child: a server with few file descriptors ---------------------------------------------

if (flag("child-server")) {
  const server = new SocketServer({ port: 0, hostInterface: LOOPBACK, rawBytes: false });
  let connections = 0;
  const errors = [];
  server.on("error", (m, code) => errors.push(`${code ?? ""} ${m}`));
  server.on("connection", (socket) => {
    connections++;
    socket.on("data", (v) => socket.send(v));
    socket.on("error", (m, code) => errors.push(`socket ${code ?? ""} ${m}`));
  });
  server.on("listening", (port) => process.stdout.write(`port ${port}\n`));
  server.start();
  process.stdin.on("data", () => process.stdout.write(`stats ${JSON.stringify({ connections, errors: errors.slice(0, 5), errorCount: errors.length })}\n`));
  process.stdin.on("end", () => process.exit(0));
} else {
  await main();
}

async function main() {
  const clients = arg("clients", 200);
  const messages = arg("messages", 100);
  const size = arg("size", 64);
  const windowSize = arg("window", 8);
  const needed = clients * 2 + 200;
  if (openFileLimit() < needed && !flag("raised")) { // both ends of every connection are in this process
    console.log(`load: ${clients} clients need about ${needed} file descriptors (limit ${openFileLimit()}): running under ulimit -n ${needed}`);
    const r = spawnSync("bash", ["-c", `ulimit -n ${needed} && exec "$0" "$@"`, process.execPath, self, ...process.argv.slice(2), "--raised"], { stdio: "inherit" });
    process.exit(r.status ?? 1);
  }
  const ok = await echoLoad({ clients, messages, size, windowSize });
  const fdOk = flag("no-fd") ? true : await fdExhaustion(arg("fd-limit", 96));
  process.exit(ok && fdOk ? 0 : 1);
}

// --- N clients × M messages -------------------------------------------------------------------

async function echoLoad({ clients, messages, size, windowSize }) {
  console.log(`load: ${clients} clients × ${messages} framed string messages of ~${size} B, ${windowSize} in flight per client, echoed by one SocketServer (Node ${process.version}, ${LOOPBACK})`);
  const rss = peakRss();
  const server = new SocketServer({ port: 0, hostInterface: LOOPBACK, rawBytes: false, maxUnsentMessages: 0 });
  let serverErrors = 0;
  let accepted = 0;
  server.on("error", () => serverErrors++);
  server.on("connection", (socket) => {
    accepted++;
    socket.on("data", (v) => socket.send(v));
    socket.on("error", () => serverErrors++);
  });
  const port = await new Promise((resolve) => {
    server.once("listening", resolve);
    server.start();
  });

  const latencies = new Float64Array(clients * messages);
  let recorded = 0;
  let problems = 0;
  const problem = (text) => {
    if (problems++ < 10) console.log(`  PROBLEM: ${text}`);
  };
  const pad = "x".repeat(Math.max(0, size - 20));
  const started = performance.now();

  const runClient = (id) => new Promise((resolve) => {
    const client = new SocketClient(port, LOOPBACK, { rawBytes: false, reconnectAttempts: 3, reconnectInterval: 100 });
    const sentAt = new Float64Array(messages);
    let next = 0;
    let expected = 0;
    const send = () => {
      sentAt[next] = performance.now();
      client.send(`${id}:${next}:${pad}`);
      next++;
    };
    client.on("open", () => {
      while (next < messages && next < windowSize) send();
    });
    client.on("data", (text) => {
      const [who, seq, rest] = text.split(":");
      if (Number(who) !== id || Number(seq) !== expected || rest !== pad) problem(`client ${id} expected ${expected}, got ${text.slice(0, 40)}`);
      else latencies[recorded++] = performance.now() - sentAt[expected];
      expected++;
      if (next < messages) send();
      if (expected === messages) client.close();
    });
    client.on("error", (m) => problem(`client ${id}: ${m}`));
    client.on("close", () => {
      if (expected !== messages) problem(`client ${id} closed after ${expected} of ${messages}`);
      resolve();
    });
    client.open();
  });

  // connect in waves, so the listen backlog is never the bottleneck being measured
  const running = [];
  const wave = 100;
  for (let i = 0; i < clients; i += wave) {
    for (let j = i; j < Math.min(clients, i + wave); j++) running.push(runClient(j));
    await delay(5);
  }
  await Promise.all(running);
  const seconds = (performance.now() - started) / 1000;
  server.stop();
  const peak = rss.stop();
  const sorted = latencies.subarray(0, recorded).sort();
  const pct = (p) => (recorded ? sorted[Math.min(recorded - 1, Math.floor(p * recorded))] : NaN);
  console.log(`  ${recorded.toLocaleString("en")} of ${(clients * messages).toLocaleString("en")} messages echoed and checked (each once, in order) in ${seconds.toFixed(2)} s`);
  console.log(`  ${Math.round(recorded / seconds).toLocaleString("en")} msgs/s round trips; latency p50 ${pct(0.5).toFixed(2)} ms, p99 ${pct(0.99).toFixed(2)} ms, max ${sorted[recorded - 1]?.toFixed(1)} ms`);
  console.log(`  peak RSS ${MB(peak)}; server accepted ${accepted}, server-side errors ${serverErrors}, problems ${problems}`);
  return problems === 0 && recorded === clients * messages;
}

// --- fd exhaustion on the server ----------------------------------------------------------------

async function fdExhaustion(limit) {
  const clients = limit * 2;
  console.log(`fd exhaustion: a SocketServer under ulimit -n ${limit} (child process), ${clients} clients at once, each sending one message`);
  const child = spawn("bash", ["-c", `ulimit -n ${limit} && exec "$0" "$1" --child-server`, process.execPath, self], { stdio: ["pipe", "pipe", "inherit"] });
  const lines = [];
  const waiters = [];
  let buffered = "";
  child.stdout.on("data", (d) => {
    buffered += d;
    let at;
    while ((at = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, at);
      buffered = buffered.slice(at + 1);
      lines.push(line);
      for (const w of waiters.splice(0)) w();
    }
  });
  const nextLine = async (prefix) => {
    for (;;) {
      const i = lines.findIndex((l) => l.startsWith(prefix));
      if (i >= 0) return lines.splice(i, 1)[0].slice(prefix.length);
      await new Promise((resolve) => waiters.push(resolve));
    }
  };
  const port = Number(await nextLine("port "));

  const one = (id, keep) => new Promise((resolve) => {
    const client = new SocketClient(port, LOOPBACK, { rawBytes: false, reconnectAttempts: 0, connectTimeout: 5000 });
    let outcome = null;
    const end = (what, detail = "") => {
      if (outcome) return;
      outcome = what;
      resolve({ client, outcome, detail });
    };
    client.on("open", () => client.send(`hello ${id}`));
    client.on("data", (t) => (t === `hello ${id}` ? end("served") : end("corrupted", t)));
    client.on("error", (m, code) => end("error", `${code ?? ""} ${m}`));
    client.on("close", () => end("closed"));
    client.open();
    setTimeout(() => end("no answer in 5 s"), 5000).unref();
    void keep;
  });

  const results = await Promise.all(Array.from({ length: clients }, (_, i) => one(i)));
  const counts = {};
  for (const r of results) counts[r.outcome] = (counts[r.outcome] ?? 0) + 1;
  const sample = results.find((r) => r.outcome === "error")?.detail;
  child.stdin.write("stats\n");
  const during = JSON.parse(await nextLine("stats "));
  console.log(`  clients: ${Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(", ")}${sample ? ` (e.g. "${sample.trim()}")` : ""}`);
  console.log(`  server: ${during.connections} connections accepted, ${during.errorCount} "error" events${during.errors.length ? ` (e.g. "${during.errors[0].trim()}")` : ""}`);
  for (const r of results) r.client.close();
  await delay(300);
  const after = await Promise.all(Array.from({ length: 5 }, (_, i) => one(`after-${i}`)));
  const servedAfter = after.filter((r) => r.outcome === "served").length;
  for (const r of after) r.client.close();
  console.log(`  after the clients closed: ${servedAfter} of 5 new clients served`);
  child.stdin.end();
  const corrupted = counts.corrupted ?? 0;
  const refused = clients - (counts.served ?? 0);
  if (refused > 0 && during.errorCount === 0) console.log("  PROBLEM: connections were refused and the server said nothing");
  return servedAfter === 5 && corrupted === 0 && (counts.served ?? 0) > 0 && (refused === 0 || during.errorCount > 0);
}
