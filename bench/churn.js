// npm run churn: 10,000 connect / send / close cycles against one SocketServer on loopback, a few
// at a time. Prints heap, RSS and open file descriptors (/proc/self/fd) before and after, and the
// counts of connections and closes on both sides, which must be equal (the exit code says so);
// the figures themselves are printed, never asserted.
//
//   node --expose-gc bench/churn.js [--cycles 10000] [--parallel 20]

import fs from "node:fs";
import { SocketClient, SocketServer } from "../dist/hosts/node/index.js";

const LOOPBACK = "127.0.0.1";

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const cycles = arg("cycles", 10000);
const parallel = arg("parallel", 20);
const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const MB = (n) => `${(n / 1048576).toFixed(1)} MB`;

async function snapshot() {
  await delay(100);
  globalThis.gc?.();
  await delay(20);
  globalThis.gc?.();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, rss: m.rss, arrayBuffers: m.arrayBuffers, fds: fs.readdirSync("/proc/self/fd").length };
}

const counts = { serverConnections: 0, serverCloses: 0, clientOpens: 0, clientCloses: 0, received: 0, errors: 0 };
const server = new SocketServer({ port: 0, hostInterface: LOOPBACK, rawBytes: false });
server.on("error", () => counts.errors++);
server.on("connection", (socket) => {
  counts.serverConnections++;
  socket.on("data", () => counts.received++);
  socket.on("error", () => counts.errors++);
  socket.on("close", () => counts.serverCloses++);
});
const port = await new Promise((resolve) => {
  server.once("listening", resolve);
  server.start();
});

// one warm-up cycle, so that lazily made things (modules, JIT) are not counted as growth
async function cycle(i) {
  await new Promise((resolve) => {
    const client = new SocketClient(port, LOOPBACK, { rawBytes: false, reconnectAttempts: 0 });
    client.on("open", () => {
      counts.clientOpens++;
      client.send(`cycle ${i}`);
      client.close(); // flushes, then closes
    });
    client.on("error", () => counts.errors++);
    client.on("close", () => {
      counts.clientCloses++;
      resolve();
    });
    client.open();
  });
}
for (let i = 0; i < 50; i++) await cycle(-1);
for (let i = 0; i < 100 && counts.serverCloses < counts.serverConnections; i++) await delay(20);
Object.keys(counts).forEach((k) => (counts[k] = 0));

const before = await snapshot();
console.log(`churn: ${cycles.toLocaleString("en")} connect/send/close cycles, ${parallel} at a time (Node ${process.version}${globalThis.gc ? ", --expose-gc" : ", no --expose-gc: heap figures include garbage"})`);
const started = performance.now();
let next = 0;
await Promise.all(Array.from({ length: parallel }, async () => {
  while (next < cycles) await cycle(next++);
}));
const seconds = (performance.now() - started) / 1000;
const settle = performance.now();
while ((counts.serverCloses < counts.serverConnections || counts.received < counts.clientOpens) && performance.now() - settle < 5000) await delay(20);
const after = await snapshot();
await delay(2500); // past the Node TCP's 2 s wait for a peer's FIN after close()
const later = await snapshot();

console.log(`  ${cycles.toLocaleString("en")} cycles in ${seconds.toFixed(1)} s (${Math.round(cycles / seconds).toLocaleString("en")}/s)`);
console.log(`  client: ${counts.clientOpens} opens, ${counts.clientCloses} closes; server: ${counts.serverConnections} connections, ${counts.serverCloses} closes, ${counts.received} messages; errors ${counts.errors}`);
for (const [what, key, format] of [["heap used", "heap", MB], ["RSS", "rss", MB], ["ArrayBuffers", "arrayBuffers", MB], ["open fds", "fds", String]])
  console.log(`  ${what.padEnd(12)} before ${format(before[key]).padStart(9)}   after ${format(after[key]).padStart(9)}   2.5 s later ${format(later[key]).padStart(9)}   (${later[key] - before[key] >= 0 ? "+" : ""}${key === "fds" ? later[key] - before[key] : MB(later[key] - before[key])})`);
server.stop();
const equal = counts.clientOpens === cycles && counts.clientCloses === cycles && counts.serverConnections === cycles
  && counts.serverCloses === cycles && counts.received === cycles;
console.log(equal ? "churn: counts equal" : "churn: COUNTS DIFFER");
process.exit(equal ? 0 : 1);
