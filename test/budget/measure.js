// Measures the ArrayBuffer bytes the module holds per connection (node --expose-gc), at the
// Moddable host's defaults, over an in-memory ECMA-419 TCP pair (no network buffers of its own):
// idle, after a burst, with a full send queue, and with a frame half received. Prints one JSON line.
// Run by test/device-budget.test.js; `node --expose-gc test/budget/measure.js` by hand.

import { readFileSync } from "node:fs";
import { nodeHost } from "../../dist/hosts/node/host.js";
import { SocketClient } from "../../dist/modules/socket/socket.js";

const N = 20; // connections measured together; the figure is per connection

/** The Moddable host's defaults, read from its source (this process cannot import it). */
export function moddableDefaults() {
  const text = readFileSync(new URL("../../hosts/moddable/host.ts", import.meta.url), "utf8");
  const block = /defaults:\s*Object\.freeze\(\{([^}]*)\}\)/.exec(text)[1];
  const value = (name) => Number(new RegExp(`${name}:\\s*(\\d+)`).exec(block)[1]);
  return { receiveBufferSize: value("receiveBufferSize"), sendBufferSize: value("sendBufferSize"), maxMessageSize: value("maxMessageSize"), maxUnsentBytes: value("maxUnsentBytes") };
}

/** A TCP that is connected at once, takes `writable` bytes and never gives them back (a peer that does not read), and can be fed. */
class MemoryTCP {
  static all = [];
  #o;
  #incoming = null;
  constructor(options) {
    this.#o = options;
    this.writable = MemoryTCP.writable;
    MemoryTCP.all.push(this);
    setImmediate(() => options.onWritable.call(this, this.writable));
  }
  write(bytes) {
    if (bytes.byteLength > this.writable) throw new Error("would block");
    this.writable -= bytes.byteLength;
    return this.writable;
  }
  read(view) {
    const n = view.byteLength;
    view.set ? view.set(this.#incoming.subarray(0, n)) : new Uint8Array(view.buffer, view.byteOffset, n).set(this.#incoming.subarray(0, n));
    this.#incoming = n === this.#incoming.length ? null : this.#incoming.subarray(n); // hold nothing once read
    return n;
  }
  feed(bytes) {
    this.#incoming = bytes;
    this.#o.onReadable.call(this, bytes.length);
  }
  close() {}
}
MemoryTCP.writable = 1 << 30;

const tick = () => new Promise((r) => setImmediate(r));
async function held() {
  for (let i = 0; i < 3; i++) { await tick(); globalThis.gc(); }
  return process.memoryUsage().arrayBuffers;
}

async function clients(options, count = N) {
  const host = { ...nodeHost, TCP: MemoryTCP, report() {}, defaults: moddableDefaults() };
  const list = [];
  for (let i = 0; i < count; i++) {
    const c = new SocketClient(host, 4000, "127.0.0.1", { rawBytes: false, reconnectAttempts: 0, ...options });
    c.on("error", () => {});
    c.open();
    list.push(c);
  }
  await tick();
  return list;
}

const result = { defaults: moddableDefaults(), connections: N };
const burst = new Uint8Array(5 * 1000); // 1000 framed ints, made before the first measure
for (let i = 0; i < 1000; i++) burst.set([4, 0, 0, (i >> 8) & 0xff, i & 0xff], i * 5);
const base = await held();

// idle: connected, nothing sent or received
let list = await clients({ sendType: "int", receiveType: "int" });
result.idle = (await held() - base) / N;

// after a burst of 1000 framed ints each way (sent all at once, every one written)
for (const c of list) for (let i = 0; i < 1000; i++) c.send(i);
for (const t of MemoryTCP.all) t.feed(burst);
result.afterBurst = (await held() - base) / N;
for (const c of list) c.close();
list = null;
MemoryTCP.all = [];
await tick();
const base2 = await held();

// a full send queue: the peer takes nothing; 10 framed 800-byte strings each
MemoryTCP.writable = 0;
list = await clients({ sendType: "string" });
let refused = 0;
for (const c of list) for (let i = 0; i < 10; i++) if (!c.send("x".repeat(800))) refused++;
result.fullQueue = (await held() - base2) / N;
result.queuedBytes = list[0].bufferedAmount;
result.refusedPerConnection = refused / N;
for (const c of list) c.close();
list = null;
MemoryTCP.all = [];
MemoryTCP.writable = 1 << 30;
await tick();
const base3 = await held();

// a frame of maxMessageSize announced, half of it received
list = await clients({ receiveType: "image" });
const max = result.defaults.maxMessageSize;
const half = new Uint8Array(5 + max / 2);
half.set([0xff, max >>> 24, (max >>> 16) & 0xff, (max >>> 8) & 0xff, max & 0xff]);
for (const t of MemoryTCP.all) t.feed(half);
result.halfFrame = (await held() - base3) / N;
for (const c of list) c.close();

console.log(JSON.stringify(result));
process.exit(0); // the clients closed with data queued would wait out their flush timer
