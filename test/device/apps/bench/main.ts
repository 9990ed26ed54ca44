// Figures of the module on a plain Raspberry Pi Pico, over the in-memory ECMA-419 loopback. Built
// twice by the device tier: with `mcconfig -i` (the instrumentation module reports XS heap, stack
// and garbage collections) and without (the cycle counts: MARK lines, read by the emulator host).
//
// - heap per connection at device defaults: idle, during a burst, with a full send queue;
// - a 1000-message framed echo burst (50 in flight) whose "data" handler nests 4 calls before it
//   answers: peak XS stack, garbage collections per message;
// - one-way framed messages of 16 B and 1 KiB (MARK lines around them: cycles per message);
// - the floor: the same frames over the same loopback with no module (ECMA-419 calls only).
//
// The results are checked (every message arrives, in order, intact): a wrong one is a FAIL.

import { SocketClient, SocketServer } from "socket";
import type { Socket } from "socket";
import Debug from "debug";
import Instrumentation from "instrumentation";
import Timer from "timer";
import { figure, mark, run, utf8, type Test } from "harness";
import { createLoopback, type LoopbackTCP } from "loopback";

const WINDOW = 1460; // one TCP segment per side, as the device's lwIP would take
const net = createLoopback(WINDOW);
const io = { tcp: net.TCP, listener: net.Listener };

type Key = Parameters<typeof Instrumentation.map>[0];
const index = (name: Key): number | undefined => Instrumentation.map(name);
const SLOTS = index("XS Slot Heap Used");
const CHUNKS = index("XS Chunk Heap Used");
const STACK = index("XS Stack Used");
const GCS = index("XS Garbage Collection Count");
const instrumented = SLOTS !== undefined && STACK !== undefined;
const read = (what: number | undefined): number => (what === undefined ? 0 : (Instrumentation.get(what) ?? 0));
const STACK_BYTES = 512 * 16; // the Pico build's XS stack: 512 slots of 16 bytes

interface Heap {
  slots: number;
  chunks: number;
}
function live(): Heap {
  Debug.gc();
  return { slots: read(SLOTS), chunks: read(CHUNKS) };
}
const minus = (a: Heap, b: Heap): Heap => ({ slots: a.slots - b.slots, chunks: a.chunks - b.chunks });

// The counters the instrumentation resets every second: sampled often, summed across resets.
class Sampler {
  stackPeak = 0;
  gcs = 0;
  #lastGC = read(GCS);
  sample(): void {
    const s = read(STACK);
    if (s > this.stackPeak) this.stackPeak = s;
    const g = read(GCS);
    this.gcs += g >= this.#lastGC ? g - this.#lastGC : g;
    this.#lastGC = g;
  }
}

/** A server and `count` clients at device defaults (only the loopback classes given), all open. */
function connect(count: number, t: Test, done: (server: SocketServer, clients: SocketClient[], sockets: Socket[]) => void, options: Record<string, unknown> = {}): void {
  const server = new SocketServer({ port: 0, ...io, ...options });
  const sockets: Socket[] = [];
  const clients: SocketClient[] = [];
  let open = 0;
  const ready = (): void => {
    if (++open === 2 * count) Timer.set(() => done(server, clients, sockets), 10);
  };
  server.on("connection", (s: Socket) => {
    sockets.push(s);
    ready();
  });
  server.on("error", (m: string) => t.fail(`server: ${m}`));
  server.on("listening", (port: number) => {
    for (let i = 0; i < count; i++) {
      const c = new SocketClient(port, "127.0.0.1", { tcp: net.TCP, ...options });
      c.on("open", ready);
      c.on("error", (m: string) => t.fail(`client: ${m}`));
      clients.push(c);
      c.open();
    }
  });
  server.start();
}

let base: Heap = { slots: 0, chunks: 0 }; // the heap before any connection

// One pair, then four more: the heap of one pair is the difference over four.
function heapIdle(t: Test): void {
  if (!instrumented) {
    t.pass("not an instrumented build: skipped");
    return;
  }
  base = live();
  connect(1, t, (server1, clients1) => {
    const one = live();
    connect(4, t, (server4, clients4) => {
      const five = live();
      figure("heap.idle.pair.slots", (five.slots - one.slots) / 4, "B");
      figure("heap.idle.pair.chunks", (five.chunks - one.chunks) / 4, "B");
      figure("heap.first.server+pair.slots", one.slots - base.slots, "B");
      figure("heap.first.server+pair.chunks", one.chunks - base.chunks, "B");
      for (const c of [...clients1, ...clients4]) c.close();
      server1.stop();
      server4.stop();
      t.pass(`${five.slots + five.chunks} B of XS heap in use with 2 servers and 5 pairs`);
    });
  });
}

// 100 strings of 100 B sent as fast as the send limit lets them (maxUnsentBytes, then "drain")
// and echoed; measured when half of them are back.
function heapBurst(t: Test): void {
  if (!instrumented) {
    t.pass("not an instrumented build: skipped");
    return;
  }
  connect(1, t, (server, clients, sockets) => {
    const client = clients[0]!;
    const accepted = sockets[0]!;
    accepted.on("data", (d: unknown) => accepted.send(d));
    const idle = live();
    let back = 0;
    let during: Heap = { slots: 0, chunks: 0 };
    client.on("data", (d: unknown) => {
      back += (d as string).length; // raw strings (the defaults): chunks, not messages
      if (during.slots === 0 && back >= 5000) during = minus(live(), idle);
      if (back === 10000) {
        figure("heap.burst.pair.slots", during.slots, "B");
        figure("heap.burst.pair.chunks", during.chunks, "B");
        client.close();
        server.stop();
        t.pass("100 × 100 B echoed");
      }
    });
    const text = "0123456789".repeat(10);
    let sent = 0;
    const pump = (): void => {
      while (sent < 100 && fits(client, 100)) {
        client.send(text);
        sent++;
      }
    };
    client.on("drain", pump);
    pump();
  });
}

function fullQueue(t: Test): void {
  if (!instrumented) {
    t.pass("not an instrumented build: skipped");
    return;
  }
  // A reader that never reads: the client's writes stop at the window, then its queue fills up
  // to its limits (maxUnsentBytes 1024, maxUnsentMessages 100 at the defaults).
  let held: LoopbackTCP | undefined;
  const listener = new net.Listener({
    port: 0,
    onReadable(this: { read(): LoopbackTCP | undefined }) {
      const from = this.read()!;
      held = new net.TCP({ from, onReadable() {}, onError() {} });
    },
  });
  const client = new SocketClient(listener.port, "127.0.0.1", { tcp: net.TCP });
  client.on("open", () => {
    Timer.set(() => {
      const idle = live();
      let refused = 0;
      client.on("error", () => refused++);
      // First what the window takes (1460 / 16 = 91 sends, written at once): the loopback then
      // holds them; then 250 more fill the queue to maxUnsentBytes or maxUnsentMessages (the rest
      // are refused, with one deferred "error").
      const text = "sixteen bytes!!!";
      const fill = Math.floor(WINDOW / text.length);
      for (let i = 0; i < fill; i++) client.send(text);
      Timer.set(() => {
        const windowFull = live();
        const queued0 = client.bufferedAmount;
        for (let i = 0; i < 250; i++) client.send(text);
        Timer.set(() => {
        const full = live();
        figure("heap.fullqueue.client.slots", full.slots - idle.slots, "B");
        figure("heap.fullqueue.client.chunks", full.chunks - idle.chunks, "B");
        figure("heap.queue.only.slots", full.slots - windowFull.slots, "B");
        figure("heap.queue.only.chunks", full.chunks - windowFull.chunks, "B");
        figure("heap.window.slots", windowFull.slots - idle.slots, "B");
        figure("heap.window.chunks", windowFull.chunks - idle.chunks, "B");
        figure("heap.fullqueue.buffered", client.bufferedAmount, "B");
        if (queued0 !== 0) t.fail(`${queued0} B waited before the queue was filled`);
        client.close();
        held?.close();
        listener.close();
        const after = minus(live(), base);
        figure("heap.leftover.slots", after.slots, "B");
        t.check(refused > 0, "the queue refused a send", refused);
        }, 20);
      }, 20);
    }, 10);
  });
  client.open();
}

// Ten more pairs opened, used and closed one after the other: what they leave behind, per pair
// (a leak shows here; the first pair's first-use state does not, it was made before).
function heapCycles(t: Test): void {
  if (!instrumented) {
    t.pass("not an instrumented build: skipped");
    return;
  }
  const CYCLES = 10;
  let start: Heap | undefined;
  let done = 0;
  const once = (): void => {
    connect(1, t, (server, clients, sockets) => {
      const client = clients[0]!;
      const accepted = sockets[0]!;
      accepted.on("data", (d: unknown) => accepted.send(d));
      client.on("data", () => {
        client.close();
        server.stop();
        Timer.set(() => {
          if (start === undefined) start = live(); // after one warm-up cycle
          else if (++done === CYCLES) {
            const left = minus(live(), start);
            figure("heap.cycle.slots", left.slots / CYCLES, "B");
            figure("heap.cycle.chunks", left.chunks / CYCLES, "B");
            t.pass(`${CYCLES} open/echo/close cycles`);
            return;
          }
          once();
        }, 10);
      });
      client.send("ping");
    });
  };
  once();
}

// The 1000-message echo burst, 50 in flight; the client's handler nests 4 calls, then sends.
function echoBurst(t: Test): void {
  const N = 1000;
  const IN_FLIGHT = 50;
  const sampler = new Sampler();
  const framed = { rawBytes: false, receiveType: "string" as const, sendType: "string" as const };
  const server = new SocketServer({ port: 0, ...io, ...framed });
  server.on("connection", (s: Socket) =>
    s.on("data", (d: unknown) => {
      sampler.sample();
      s.send(d as string);
    }));
  server.on("listening", (port: number) => {
    const client = new SocketClient(port, "127.0.0.1", { tcp: net.TCP, ...framed });
    let sent = 0;
    let back = 0;
    let gcBefore = 0;
    const message = (i: number): string => `m${String(i).padStart(15, "0")}`; // 16 B
    // the app's handler: four nested calls, then the work
    const level4 = (d: string): void => {
      sampler.sample();
      if (d !== message(back)) throw new Error(`echo ${back} was ${d}`);
      back++;
      if (sent < N) client.send(message(sent++));
    };
    const level3 = (d: string): void => level4(d);
    const level2 = (d: string): void => level3(d);
    const level1 = (d: string): void => level2(d);
    client.on("data", (d: string) => {
      try {
        level1(d);
      } catch (e) {
        client.close();
        t.fail((e as Error).message);
        return;
      }
      if (back === N) {
        mark("echo-end");
        sampler.sample();
        const gcs = sampler.gcs - gcBefore;
        client.close();
        server.stop();
        if (instrumented) {
          figure("stack.peak", sampler.stackPeak, "B");
          figure("stack.peak.percent", ((100 * sampler.stackPeak) / STACK_BYTES).toFixed(1), "%");
          figure("gc.echo.total", gcs);
          figure("gc.per.message", (gcs / N).toFixed(3));
        }
        t.pass(`${N} echoes`);
      }
    });
    client.on("open", () => {
      sampler.sample();
      gcBefore = sampler.gcs;
      mark("echo-start");
      while (sent < IN_FLIGHT) client.send(message(sent++));
    });
    client.on("error", (m: string) => t.fail(`client: ${m}`));
    client.open();
  });
  server.start();
}

/** Whether a send of `n` bytes is taken now: nothing waits, or it stays within maxUnsentBytes (an
 * option the app typings do not list yet). */
function fits(client: SocketClient, n: number): boolean {
  const waiting = client.bufferedAmount;
  return waiting === 0 || waiting + n <= (client.options as unknown as { maxUnsentBytes: number }).maxUnsentBytes;
}

// One way: `count` framed messages of `size` bytes (strings, or image bytes); the server side asks
// for more as they arrive (at most 20 in flight), both ends in this VM.
function oneWay(size: number, count: number, label: string, type: "string" | "image" = "string") {
  return (t: Test): void => {
    const IN_FLIGHT = 20;
    const framed = { rawBytes: false, receiveType: type, sendType: type };
    const text = "x".repeat(size - 4) + String(size).padStart(4, "0");
    const bytes = utf8(text);
    const value = type === "string" ? text : bytes;
    const same = type === "string"
      ? (d: unknown) => d === text
      : (d: unknown) => d instanceof ArrayBuffer && d.byteLength === size && new Uint8Array(d)[size - 1] === bytes[size - 1];
    let sent = 0;
    let got = 0;
    let client: SocketClient;
    const refill = (): void => { // at most IN_FLIGHT unanswered, and never past the send limit
      while (sent < count && sent - got < IN_FLIGHT && fits(client, size + 5)) {
        client.send(value);
        sent++;
      }
    };
    const server = new SocketServer({ port: 0, ...io, ...framed });
    server.on("connection", (s: Socket) =>
      s.on("data", (d: unknown) => {
        if (!same(d)) {
          t.fail(`message ${got} is wrong`);
          return;
        }
        if (++got === count) {
          mark(`${label}-end`);
          client.close();
          server.stop();
          t.pass(`${count} ${type} messages of ${size} B`);
        } else refill();
      }));
    server.on("listening", (port: number) => {
      client = new SocketClient(port, "127.0.0.1", { tcp: net.TCP, ...framed });
      client.on("open", () => {
        mark(`${label}-start`);
        refill();
      });
      client.on("drain", refill);
      client.on("error", (m: string) => t.fail(`client: ${m}`));
      client.open();
    });
    server.start();
  };
}

// The floor: the same frames, written and read with the ECMA-419 calls alone, paced the same way.
function floor(size: number, count: number, label: string) {
  return (t: Test): void => {
    const IN_FLIGHT = 20;
    const payload = utf8("x".repeat(size - 4) + String(size).padStart(4, "0"));
    const head = size < 255 ? [size] : [0xff, 0, 0, (size >> 8) & 0xff, size & 0xff];
    const wire = new Uint8Array(head.length + size);
    wire.set(head, 0);
    wire.set(payload, head.length);
    let sent = 0;
    let offset = 0; // bytes of the current frame already written
    let got = 0;
    let writer: LoopbackTCP;
    let writable = 0;
    const pump = (): void => {
      while (writable > 0 && sent < count && sent - got < IN_FLIGHT) {
        const n = Math.min(writable, wire.length - offset);
        writable = writer.write(n === wire.length ? wire : wire.subarray(offset, offset + n));
        offset += n;
        if (offset === wire.length) {
          offset = 0;
          sent++;
        }
      }
    };
    // receiver: header, then body, into one buffer per frame (as a decoder would)
    const body = new Uint8Array(size);
    const headBytes = new Uint8Array(5);
    let need = head.length;
    let inHead = true;
    let filled = 0;
    const listener = new net.Listener({
      port: 0,
      onReadable(this: { read(): LoopbackTCP | undefined }) {
        const from = this.read()!;
        const reader = new net.TCP({
          from,
          onReadable(this: LoopbackTCP, available: number) {
            while (available > 0) {
              const target = inHead ? headBytes : body;
              const n = Math.min(available, need - filled);
              this.read(new Uint8Array(target.buffer, filled, n));
              available -= n;
              filled += n;
              if (filled < need) continue;
              filled = 0;
              if (inHead) {
                inHead = false;
                need = size;
              } else {
                inHead = true;
                need = head.length;
                if (body[size - 1] !== payload[size - 1]) t.fail(`frame ${got} corrupt`);
                if (++got === count) {
                  mark(`${label}-end`);
                  this.close();
                  writer.close();
                  listener.close();
                  t.pass(`${count} frames of ${size} B`);
                  return;
                }
              }
            }
            pump();
          },
          onError() {},
        });
        void reader;
      },
    });
    let started = false;
    writer = new net.TCP({
      address: "127.0.0.1",
      port: listener.port,
      onWritable(count: number) {
        writable = count;
        if (!started) {
          started = true;
          mark(`${label}-start`);
        }
        pump();
      },
      onReadable() {},
      onError() {},
    });
  };
}

figure("instrumented", instrumented ? 1 : 0);
run([
  ["heap per connection at device defaults, idle", heapIdle, 20000],
  ["heap during a burst", heapBurst, 20000],
  ["heap with a full send queue", fullQueue, 20000],
  ["heap left by closed connections", heapCycles, 30000],
  ["1000-message framed echo burst, handler nesting 4 calls", echoBurst, 120000],
  ["one-way framed 16 B × 1000", oneWay(16, 1000, "m16"), 120000],
  ["one-way framed 1 KiB × 200", oneWay(1024, 200, "m1k"), 120000],
  ["one-way framed image 1 KiB × 200", oneWay(1024, 200, "i1k", "image"), 120000],
  ["floor: raw ECMA-419 frames 16 B × 1000", floor(16, 1000, "f16"), 120000],
  ["floor: raw ECMA-419 frames 1 KiB × 200", floor(1024, 200, "f1k"), 120000],
]);
