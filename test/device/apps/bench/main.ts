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

// Each end alone, at device defaults, open and idle: 4 SocketClients connected to bare ECMA-419
// sockets, 4 bare sockets connected to a SocketServer's Sockets, and 4 bare pairs (the loopback's
// own share: its sockets and ends, which the module's ends have as well); (case − bare pairs) / 4 is
// what the module holds for one end. No listener is added per connection (the handlers are shared).
function heapPerEnd(t: Test): void {
  if (!instrumented) {
    t.pass("not an instrumented build: skipped");
    return;
  }
  const N = 4;
  const kept: unknown[] = new Array<unknown>(4 * N).fill(null); // everything made, preallocated
  let made = 0;
  let open = 0;
  let then = (): void => {};
  const opened = (): void => {
    if (++open === 2 * N) Timer.set(then, 10);
  };
  const bareOpened = function (this: LoopbackTCP): void {
    opened();
  };
  const ignore = (): void => {};
  const keep = (x: unknown): void => {
    kept[made++] = x;
  };
  const bareListener = () => new net.Listener({
    port: 0,
    onReadable(this: { read(): LoopbackTCP | undefined }, count: number) {
      for (let i = 0; i < count; i++) {
        keep(new net.TCP({ from: this.read()!, onReadable: ignore, onError: ignore }));
        opened();
      }
    },
  }) as unknown as { port: number; close(): void };
  const bareClients = (port: number): void => {
    for (let i = 0; i < N; i++) keep(new net.TCP({ address: "127.0.0.1", port, onWritable: bareOpened, onReadable: ignore, onError: ignore }));
  };
  // what a case made is closed, and gone (its deferred "close" delivered) before the next begins
  const measure = (start: () => void, done: (heap: Heap) => void): void => {
    made = open = 0;
    const before = live();
    then = () => {
      const heap = minus(live(), before);
      for (let i = 0; i < kept.length; i++) {
        (kept[i] as { close(): void } | null)?.close();
        kept[i] = null;
      }
      Timer.set(() => done(heap), 50);
    };
    start();
  };
  // the listeners first (outside the measures): a server and a bare listener
  const server = new SocketServer({ port: 0, ...io });
  server.on("connection", (s: Socket) => {
    keep(s);
    opened();
  });
  const listener = bareListener();
  server.on("listening", (serverPort: number) => {
    Timer.set(() => measure(() => bareClients(listener.port), (bare) => {
      measure(() => {
        for (let i = 0; i < N; i++) {
          const c = new SocketClient(listener.port, "127.0.0.1", { tcp: net.TCP });
          c.on("open", opened);
          keep(c);
          c.open();
        }
      }, (clients) => {
        measure(() => bareClients(serverPort), (sockets) => {
          server.stop();
          listener.close();
          const client = minus(clients, bare);
          const socket = minus(sockets, bare);
          figure("heap.end.loopback.pair", (bare.slots + bare.chunks) / N, "B");
          figure("heap.end.client.slots", client.slots / N, "B");
          figure("heap.end.client.chunks", client.chunks / N, "B");
          figure("heap.end.socket.slots", socket.slots / N, "B");
          figure("heap.end.socket.chunks", socket.chunks / N, "B");
          t.pass(`a SocketClient ${(client.slots + client.chunks) / N} B, an accepted Socket ${(socket.slots + socket.chunks) / N} B, idle`);
        });
      });
    }), 10);
  });
  server.start();
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
    writer = markedWriter(listener.port, label, (count) => {
      writable = count;
      pump();
    });
  };
}

/** A bare loopback TCP to `port` that only writes: MARK `<label>-start` at its first onWritable;
 * `writable` gets every writable count. */
function markedWriter(port: number, label: string, writable: (count: number) => void): LoopbackTCP {
  let started = false;
  return new net.TCP({
    address: "127.0.0.1",
    port,
    onWritable(count: number) {
      if (!started) {
        started = true;
        mark(`${label}-start`);
      }
      writable(count);
    },
    onReadable() {},
    onError() {},
  });
}

// ---- numeric messages ----
//
// A numeric message: `elements` numbers of `type`, big-endian on the wire behind the frame header.
// Element 0 carries the message's index; the others are constants. A receiver checks element 0 of
// every message (so order and count), and every element of the first message and two more
// (the last, the middle one) of each later one.

type NumType = "int" | "double";
interface NumSpec {
  type: NumType;
  elements: number;
}
const INT_CONST = [0, -2147483648, 2147483647, -1];
function element(spec: NumSpec, i: number, j: number): number {
  if (spec.type === "int") return j === 0 ? i * 7919 - 1000000 : INT_CONST[j % 4]!;
  return j === 0 ? i + 0.5 : j * 1.25 - 300.1;
}
const elementBytes = (spec: NumSpec): number => (spec.type === "int" ? 4 : 8);
function putElement(view: DataView, at: number, spec: NumSpec, x: number): void {
  if (spec.type === "int") view.setInt32(at, x);
  else view.setFloat64(at, x);
}
const getElement = (view: DataView, at: number, spec: NumSpec): number => (spec.type === "int" ? view.getInt32(at) : view.getFloat64(at));

/** What a sender sends (element 0 rewritten per message): null for one number; the doubles as a
 * Float64Array (8 KB, where an Array of 1000 takes 16 KB of the Pico's 128 KiB heap), the ints as
 * an Array. */
function valueList(spec: NumSpec): number[] | Float64Array | null {
  if (spec.elements === 1) return null;
  const list = spec.type === "double" ? new Float64Array(spec.elements) : new Array<number>(spec.elements).fill(0.5);
  for (let j = 1; j < spec.elements; j++) list[j] = element(spec, 0, j);
  return list;
}

/** Whether `d`, as the module hands it over, is message `i`. */
function sameMessage(spec: NumSpec, d: unknown, i: number): boolean {
  const n = spec.elements;
  if (n === 1) return d === element(spec, i, 0);
  if (!Array.isArray(d) || d.length !== n || d[0] !== element(spec, i, 0)) return false;
  if (i === 0) {
    for (let j = 1; j < n; j++) if (d[j] !== element(spec, 0, j)) return false;
    return true;
  }
  return d[n - 1] === element(spec, i, n - 1) && d[n >> 1] === element(spec, i, n >> 1);
}

/** The same check on a payload in a buffer (the floor's receiver). */
function samePayload(spec: NumSpec, view: DataView, i: number): boolean {
  const n = spec.elements;
  const size = elementBytes(spec);
  if (getElement(view, 0, spec) !== element(spec, i, 0)) return false;
  if (i === 0) {
    for (let j = 1; j < n; j++) if (getElement(view, j * size, spec) !== element(spec, 0, j)) return false;
    return true;
  }
  return n === 1 || (getElement(view, (n - 1) * size, spec) === element(spec, i, n - 1) && getElement(view, (n >> 1) * size, spec) === element(spec, i, n >> 1));
}

// One way, `count` numeric messages, at most `inFlight` unanswered; the sender and the receiver
// each either the module ("module": a SocketClient sending, a SocketServer's Socket receiving) or
// bare ECMA-419 calls on the same loopback ("raw": a preallocated frame, element 0 rewritten in
// place per message, written with the writable count; read with read(view) into a preallocated
// header and payload). raw → raw is the floor; module → raw the module's sending side, raw →
// module its receiving side. `options` go to the module's ends (the limits an 8000-byte message
// needs at the device defaults).
function numericOneWay(spec: NumSpec, count: number, label: string, sender: "module" | "raw", receiver: "module" | "raw", inFlight: number, options: Record<string, unknown> = {}) {
  return (t: Test): void => {
    Debug.gc(); // before the marks: what earlier cases left is not collected in them
    const size = elementBytes(spec);
    const payload = spec.elements * size;
    const headLength = payload < 255 ? 1 : 5;
    const framed = { rawBytes: false, receiveType: spec.type, sendType: spec.type, ...options };
    let sent = 0;
    let got = 0;
    let over = false;
    let kick = (): void => {};
    const closers: (() => void)[] = [];
    const finish = (ok: boolean, why: string): void => {
      if (over) return;
      over = true;
      for (const close of closers) close();
      if (ok) t.pass(why);
      else t.fail(why);
    };
    const arrived = (ok: boolean): void => {
      if (!ok) finish(false, `message ${got} is wrong`);
      else if (++got === count) {
        mark(`${label}-end`);
        finish(true, `${count} messages of ${spec.elements} ${spec.type} (${payload} B), ${sender} → ${receiver}`);
      }
    };

    // the sender, once the receiving end listens on `port`
    const startSender = (port: number): void => {
      if (sender === "module") {
        const client = new SocketClient(port, "127.0.0.1", { tcp: net.TCP, ...framed });
        closers.push(() => client.close());
        const list = valueList(spec);
        kick = (): void => {
          while (!over && sent < count && sent - got < inFlight && fits(client, payload + headLength)) {
            let value: number | number[] | Float64Array;
            if (list) {
              list[0] = element(spec, sent, 0);
              value = list;
            } else value = element(spec, sent, 0);
            if (!client.send(value)) return; // its "error" fails the case
            sent++;
          }
        };
        client.on("open", () => {
          mark(`${label}-start`);
          kick();
        });
        client.on("drain", () => kick());
        client.on("error", (m: string) => finish(false, `client: ${m}`));
        client.open();
        return;
      }
      const wire = new Uint8Array(headLength + payload);
      writeFrameHeader(wire, payload);
      const view = new DataView(wire.buffer);
      for (let j = 1; j < spec.elements; j++) putElement(view, headLength + j * size, spec, element(spec, 0, j));
      let offset = 0; // bytes of the current frame already written
      let writable = 0;
      const writer = markedWriter(port, label, (n) => {
        writable = n;
        kick();
      });
      closers.push(() => writer.close());
      kick = (): void => {
        while (!over && writable > 0 && sent < count && sent - got < inFlight) {
          if (offset === 0) putElement(view, headLength, spec, element(spec, sent, 0));
          const n = Math.min(writable, wire.length - offset);
          writable = writer.write(n === wire.length ? wire : wire.subarray(offset, offset + n));
          offset += n;
          if (offset === wire.length) {
            offset = 0;
            sent++;
          }
        }
      };
    };

    if (receiver === "module") {
      const server = new SocketServer({ port: 0, ...io, ...framed });
      closers.push(() => server.stop());
      server.on("connection", (s: Socket) => {
        closers.push(() => s.close());
        s.on("data", (d: unknown) => {
          arrived(sameMessage(spec, d, got));
          kick();
        });
        s.on("error", (m: string) => finish(false, `server's socket: ${m}`));
      });
      server.on("error", (m: string) => finish(false, `server: ${m}`));
      server.on("listening", startSender);
      server.start();
      return;
    }
    const head = new Uint8Array(5);
    const body = new Uint8Array(payload);
    const bodyView = new DataView(body.buffer);
    let inHead = true;
    let need = headLength;
    let filled = 0;
    const listener = new net.Listener({
      port: 0,
      onReadable(this: { read(): LoopbackTCP | undefined }) {
        const from = this.read()!;
        const reader = new net.TCP({
          from,
          onReadable(this: LoopbackTCP, available: number) {
            while (available > 0 && !over) {
              const target = inHead ? head : body;
              const n = Math.min(available, need - filled);
              this.read(new Uint8Array(target.buffer, filled, n));
              available -= n;
              filled += n;
              if (filled < need) continue;
              filled = 0;
              if (inHead) {
                if (frameLength(head, headLength) !== payload) {
                  finish(false, `frame ${got}: a header of ${frameLength(head, headLength)} B`);
                  return;
                }
                inHead = false;
                need = payload;
              } else {
                inHead = true;
                need = headLength;
                arrived(samePayload(spec, bodyView, got));
              }
            }
            kick();
          },
          onError() {},
        });
        closers.push(() => reader.close());
      },
    });
    closers.push(() => listener.close());
    startSender(listener.port);
  };
}

function writeFrameHeader(wire: Uint8Array, payload: number): number {
  if (payload < 255) {
    wire[0] = payload;
    return 1;
  }
  wire.set([0xff, payload >>> 24, (payload >>> 16) & 0xff, (payload >>> 8) & 0xff, payload & 0xff], 0);
  return 5;
}
const frameLength = (head: Uint8Array, n: number): number =>
  (n === 1 ? head[0]! : head[0] === 0xff ? ((head[1]! << 24) | (head[2]! << 16) | (head[3]! << 8) | head[4]!) : -1);

// Encode + queue alone: a client whose peer never reads. Its window is filled first (sends until
// one has to wait); then `rounds` sends, synchronous, between two MARKs, all encoded into the send
// queue. A warm-up round before (the queue's slot lists grow to their size then), after which the
// peer reads everything and the window is filled again. The marks are taken with the CPU idle
// around them (a 20 ms pause after the start mark and before the sends), so that the USB line
// leaves before the work starts; "mark0" measures that frame alone (no sends), to subtract.
function encodeQueue(spec: NumSpec | null, sends: number, label: string, options: Record<string, unknown> = {}) {
  return (t: Test): void => {
    let peer: LoopbackTCP | undefined;
    let reading = false;
    const listener = new net.Listener({
      port: 0,
      onReadable(this: { read(): LoopbackTCP | undefined }) {
        peer = new net.TCP({
          from: this.read()!,
          onReadable(this: LoopbackTCP) {
            if (reading) this.read();
          },
          onError() {},
        });
      },
    });
    const framed = spec ? { rawBytes: false, receiveType: spec.type, sendType: spec.type, ...options } : {};
    const client = new SocketClient(listener.port, "127.0.0.1", { tcp: net.TCP, ...framed });
    const send = (v: unknown): boolean => client.send(v as number); // the type is set by `spec`, not seen by the typings here
    let refused = 0;
    client.on("error", () => refused++);
    const list = spec ? valueList(spec) : null;
    let index = 0;
    const one = (): boolean => {
      if (!spec) return true;
      let value: number | number[] | Float64Array;
      if (list) {
        list[0] = element(spec, index, 0);
        value = list;
      } else value = element(spec, index, 0);
      index++;
      return send(value);
    };
    const fill = (): boolean => {
      for (let i = 0; i < 2000 && client.bufferedAmount === 0; i++) if (!one()) return false;
      return client.bufferedAmount > 0;
    };
    const round = (): number => {
      let taken = 0;
      for (let i = 0; i < sends; i++) if (one()) taken++;
      return taken;
    };
    const end = (ok: boolean, why: string): void => {
      client.close();
      peer?.close();
      listener.close();
      if (ok) t.pass(why);
      else t.fail(why);
    };
    client.on("open", () => {
      if (!spec) { // the frame alone
        mark(`${label}-start`);
        Timer.set(() => {
          mark(`${label}-end`);
          Timer.set(() => end(true, "the marks alone"), 20);
        }, 20);
        return;
      }
      if (!fill()) {
        end(false, "the window did not fill");
        return;
      }
      const measure = (): void => {
        const before = client.bufferedAmount;
        mark(`${label}-start`);
        Timer.set(() => {
          const taken = round();
          mark(`${label}-end`);
          const queued = client.bufferedAmount - before;
          Timer.set(() => {
            if (taken !== sends || refused > 0) end(false, `${taken} of ${sends} sends taken, ${refused} refused`);
            else end(true, `${sends} sends queued, ${queued} B`);
          }, 20);
        }, 20);
      };
      if (sends <= 6) { // the queue's 8 slots hold them: no warm-up
        Timer.set(measure, 10);
        return;
      }
      const warm = round();
      if (warm !== sends || refused > 0) {
        end(false, `warm-up: ${warm} of ${sends} sends taken`);
        return;
      }
      reading = true;
      peer?.read();
      client.on("drain", () => {
        if (!reading) return;
        reading = false;
        Timer.set(() => {
          if (!fill()) {
            end(false, "the window did not fill again");
            return;
          }
          measure();
        }, 10);
      });
    });
    client.open();
  };
}

// What decoding 1000 doubles into an Array costs in XS, without the module: `count` times, an
// Array made as the module's decoder makes it (new Array(n).fill(0.5)) or one made once, filled
// from a DataView over 8000 bytes. Synchronous, between two marks framed as in encodeQueue.
// "fill": a new `new Array(1000).fill(0.5)` each time; "append": a new `[]`, appended to (what the
// Moddable host's decoder does); "reuse": one array made once.
function arrayFill(count: number, label: string, how: "fill" | "append" | "reuse") {
  return (t: Test): void => {
    Debug.gc();
    const bytes = new Uint8Array(8000);
    const view = new DataView(bytes.buffer);
    for (let j = 0; j < 1000; j++) view.setFloat64(j * 8, element(DOUBLES, 0, j));
    const kept = how === "reuse" ? new Array<number>(1000).fill(0.5) : null;
    mark(`${label}-start`);
    Timer.set(() => {
      let last: number[] = [];
      for (let k = 0; k < count; k++) {
        const out = kept ?? (how === "fill" ? new Array<number>(1000).fill(0.5) : []);
        for (let at = 0, i = 0; at < 8000; at += 8) out[i++] = view.getFloat64(at, false);
        last = out;
      }
      mark(`${label}-end`);
      Timer.set(() => t.check(sameMessage(DOUBLES, last, 0), "the doubles", last.length), 20);
    }, 20);
  };
}

// ---- allocation per numeric message (instrumented build) ----
//
// A framed int echo, one message in flight, client → server → client: each message is sent (and
// encoded) once and received (and decoded) once, so a round trip is 2 messages. After a warm-up and
// a forced collection, the slot and chunk heaps are read, N round trips run, and they are read
// again; (after − before) / 2N is what each message allocated (the heaps only grow between
// collections). A collection in between would spoil it: it is detected by a WeakRef whose target
// only a collection clears (and by the GC counter); then N is halved and it is tried again. Then
// a longer burst counts the collections per 1000 messages. "module": a SocketClient and the
// SocketServer's Socket; "floor": the same 5-byte frames with bare ECMA-419 calls on the same
// loopback, read with read(view) into preallocated views, the int read and written with a DataView.

interface Alloc {
  slots: number;
  chunks: number;
}
let moduleAlloc: Alloc | undefined; // the module's figures, for the floor's case to subtract from

interface EchoPair {
  /** The client sends message `i` (the server echoes it). */
  send(i: number): void;
  close(): void;
}

function intEcho(kind: "module" | "floor") {
  return (t: Test): void => {
    if (!instrumented) {
      t.pass("not an instrumented build: skipped");
      return;
    }
    const spec: NumSpec = { type: "int", elements: 1 };
    const WARM = 50;
    const LONG = 1000; // round trips in the burst
    const sampler = new Sampler();
    let sampling = false;
    let index = 0; // the next message the client sends
    let until = 0; // send up to here, then call `then`
    let then = (): void => {};
    let pair: EchoPair | undefined;
    let over = false;
    const finish = (ok: boolean, why: string): void => {
      if (over) return;
      over = true;
      pair?.close();
      if (ok) t.pass(why);
      else t.fail(why);
    };
    // the client's side: message `back` came back
    let back = 0;
    const returned = (v: number): void => {
      if (over) return;
      if (sampling) sampler.sample();
      if (v !== element(spec, back, 0)) {
        finish(false, `echo ${back} was ${v}`);
        return;
      }
      back++;
      if (index < until) pair!.send(index++);
      else then();
    };
    const runTo = (n: number, next: () => void): void => {
      until = index + n;
      then = next;
      pair!.send(index++);
    };
    const attempt = (n: number): void => {
      Debug.gc();
      const ref = new WeakRef({});
      const gc0 = read(GCS);
      const before = { slots: read(SLOTS), chunks: read(CHUNKS) };
      runTo(n, () => {
        const after = { slots: read(SLOTS), chunks: read(CHUNKS) };
        const gc1 = read(GCS);
        const collected = ref.deref() === undefined;
        const counterMoved = gc1 > gc0 || (gc1 < gc0 && gc1 > 0); // it is reset to 0 once a second
        if (collected || counterMoved) {
          trace(`INFO alloc.int.${kind}: a collection during ${n} round trips (WeakRef cleared: ${collected}, GC counter ${gc0} → ${gc1}): N lowered\n`);
          if (n <= 4) finish(false, "a collection even during 4 round trips");
          else Timer.set(() => attempt(n >> 1), 10);
          return;
        }
        const per = { slots: (after.slots - before.slots) / (2 * n), chunks: (after.chunks - before.chunks) / (2 * n) };
        figure(`alloc.int.${kind}.n`, n, "round trips");
        figure(`alloc.int.${kind}.slots`, per.slots.toFixed(1), "B/message");
        figure(`alloc.int.${kind}.chunks`, per.chunks.toFixed(1), "B/message");
        if (kind === "module") moduleAlloc = per;
        else if (moduleAlloc) {
          figure("alloc.int.share.slots", (moduleAlloc.slots - per.slots).toFixed(1), "B/message");
          figure("alloc.int.share.chunks", (moduleAlloc.chunks - per.chunks).toFixed(1), "B/message");
          // the target: nothing allocated per numeric message beyond what the floor allocates
          if (moduleAlloc.slots > per.slots || moduleAlloc.chunks > per.chunks) {
            finish(false, `the module allocated ${moduleAlloc.slots - per.slots} B of slots and ${moduleAlloc.chunks - per.chunks} B of chunks per int message more than the floor`);
            return;
          }
        }
        Timer.set(burst, 10);
      });
    };
    const burst = (): void => {
      sampler.sample();
      const g0 = sampler.gcs;
      sampling = true;
      runTo(LONG, () => {
        sampler.sample();
        sampling = false;
        const gcs = sampler.gcs - g0;
        figure(`gc.int.${kind}.per1000`, ((1000 * gcs) / (2 * LONG)).toFixed(2), "GCs/1000 messages");
        finish(true, `${WARM + LONG} round trips and the measured ones, every echo intact`);
      });
    };
    const ready = (): void => {
      runTo(WARM, () => Timer.set(() => attempt(64), 10));
    };

    if (kind === "module") {
      const framed = { rawBytes: false, receiveType: "int" as const, sendType: "int" as const };
      const server = new SocketServer({ port: 0, ...io, ...framed });
      server.on("connection", (s: Socket) => {
        s.on("data", (d: unknown) => {
          if (sampling) sampler.sample();
          s.send(d as number);
        });
      });
      server.on("error", (m: string) => finish(false, `server: ${m}`));
      server.on("listening", (port: number) => {
        const client = new SocketClient(port, "127.0.0.1", { tcp: net.TCP, ...framed });
        pair = {
          send: (i) => {
            client.send(element(spec, i, 0));
          },
          close: () => {
            client.close();
            server.stop();
          },
        };
        client.on("data", (d: unknown) => returned(d as number));
        client.on("error", (m: string) => finish(false, `client: ${m}`));
        client.on("open", () => Timer.set(ready, 10));
        client.open();
      });
      server.start();
      return;
    }

    // the floor: a 5-byte frame (4, then the int) each way
    const FRAME = 5;
    const frameReader = (onFrame: (value: number) => void) => {
      const frame = new Uint8Array(FRAME);
      const view = new DataView(frame.buffer);
      const parts: Uint8Array[][] = []; // parts[at][n - 1]: bytes [at, at + n) of the frame
      for (let at = 0; at < FRAME; at++) {
        parts.push([]);
        for (let n = 1; at + n <= FRAME; n++) parts[at]!.push(new Uint8Array(frame.buffer, at, n));
      }
      let filled = 0;
      return function (this: LoopbackTCP, available: number): void {
        while (available > 0 && !over) {
          const n = Math.min(available, FRAME - filled);
          this.read(parts[filled]![n - 1]!);
          available -= n;
          filled += n;
          if (filled < FRAME) continue;
          filled = 0;
          if (frame[0] !== 4) {
            finish(false, `a frame header of ${frame[0]}`);
            return;
          }
          onFrame(view.getInt32(1));
        }
      };
    };
    // a writer of 5-byte frames: written at once when writable, else when it is again
    const frameWriter = () => {
      const out = new Uint8Array(FRAME);
      out[0] = 4;
      const view = new DataView(out.buffer);
      const w = { socket: undefined as LoopbackTCP | undefined, writable: 0, waiting: false };
      return {
        w,
        out,
        send(value: number): void {
          view.setInt32(1, value);
          if (w.writable >= FRAME) w.writable = w.socket!.write(out);
          else w.waiting = true;
        },
        onWritable(n: number): void {
          w.writable = n;
          if (w.waiting && n >= FRAME) {
            w.waiting = false;
            w.writable = w.socket!.write(out);
          }
        },
      };
    };
    const serverOut = frameWriter();
    const clientOut = frameWriter();
    let accepted: LoopbackTCP | undefined;
    const listener = new net.Listener({
      port: 0,
      onReadable(this: { read(): LoopbackTCP | undefined }) {
        accepted = new net.TCP({
          from: this.read()!,
          onReadable: frameReader((v) => {
            if (sampling) sampler.sample();
            serverOut.send(v);
          }),
          onWritable(n: number) {
            serverOut.onWritable(n);
          },
          onError() {},
        });
        serverOut.w.socket = accepted;
      },
    });
    let opened = false;
    const client = new net.TCP({
      address: "127.0.0.1",
      port: listener.port,
      onReadable: frameReader(returned),
      onWritable(n: number) {
        clientOut.onWritable(n);
        if (!opened) {
          opened = true;
          Timer.set(ready, 10);
        }
      },
      onError() {},
    });
    clientOut.w.socket = client;
    pair = {
      send: (i) => clientOut.send(element(spec, i, 0)),
      close: () => {
        client.close();
        accepted?.close();
        listener.close();
      },
    };
  };
}

const INT1: NumSpec = { type: "int", elements: 1 };
const INT4: NumSpec = { type: "int", elements: 4 };
const DOUBLES: NumSpec = { type: "double", elements: 1000 };
// 8000 B is past the device defaults: maxMessageSize 4096 (the receiver) and maxUnsentBytes 1024
// (the sender: what the window does not take at once must wait whole); the buffers stay at 1024.
const BIG = { maxMessageSize: 8192, maxUnsentBytes: 16384 };
// the same with receive and send buffers that hold a whole message (no buffer of its own per message)
const BIG_BUFFERS = { ...BIG, receiveBufferSize: 8192, sendBufferSize: 8192 };

figure("instrumented", instrumented ? 1 : 0);
run([
  ["one-way framed 1000 doubles (8000 B) × 3", numericOneWay(DOUBLES, 3, "d8k", "module", "module", 1, BIG), 120000],
  ["one-way framed 1000 doubles × 20: module → raw", numericOneWay(DOUBLES, 20, "d8ks", "module", "raw", 1, BIG), 120000],
  ["one-way framed 1000 doubles × 3: raw → module", numericOneWay(DOUBLES, 3, "d8kr", "raw", "module", 1, BIG), 120000],
  ["one-way framed 1000 doubles × 3, 8 KiB buffers", numericOneWay(DOUBLES, 3, "d8kb", "module", "module", 1, BIG_BUFFERS), 120000],
  ["one-way framed 1000 doubles × 3, 8 KiB buffers: raw → module", numericOneWay(DOUBLES, 3, "d8kbr", "raw", "module", 1, BIG_BUFFERS), 120000],
  ["XS alone: 1000 doubles read from a DataView into new Array(1000).fill(), × 3", arrayFill(3, "a8k", "fill"), 120000],
  ["XS alone: the same appended to a new [], × 3", arrayFill(3, "a8ka", "append"), 120000],
  ["XS alone: the same into a preallocated Array, × 3", arrayFill(3, "a8kp", "reuse"), 120000],
  ["floor: raw 1000-double frames × 20", numericOneWay(DOUBLES, 20, "fd8k", "raw", "raw", 1, BIG), 120000],
  ["the marks around a synchronous span, alone", encodeQueue(null, 0, "e0"), 20000],
  ["encode + queue: 1000 doubles × 2, peer not reading", encodeQueue(DOUBLES, 2, "e8k", { maxUnsentBytes: 24576 }), 20000],
  // what the cases above left behind (closed connections, their timers) is gone before the heap is read
  ["a pause after the numeric cases", (t: Test) => Timer.set(() => {
    Debug.gc();
    t.pass();
  }, 500), 2000],
  ["heap per connection at device defaults, idle", heapIdle, 20000],
  ["heap of each end alone at device defaults, idle", heapPerEnd, 20000],
  ["heap during a burst", heapBurst, 20000],
  ["heap with a full send queue", fullQueue, 20000],
  ["heap left by closed connections", heapCycles, 30000],
  ["1000-message framed echo burst, handler nesting 4 calls", echoBurst, 120000],
  ["one-way framed 16 B × 1000", oneWay(16, 1000, "m16"), 120000],
  ["one-way framed 1 KiB × 200", oneWay(1024, 200, "m1k"), 120000],
  ["one-way framed image 1 KiB × 200", oneWay(1024, 200, "i1k", "image"), 120000],
  ["floor: raw ECMA-419 frames 16 B × 1000", floor(16, 1000, "f16"), 120000],
  ["floor: raw ECMA-419 frames 1 KiB × 200", floor(1024, 200, "f1k"), 120000],
  ["allocation per framed int message, module (echo)", intEcho("module"), 120000],
  ["allocation per framed int message, floor (echo)", intEcho("floor"), 120000],
  ["one-way framed int × 1000", numericOneWay(INT1, 1000, "n4", "module", "module", 20), 120000],
  ["one-way framed int × 1000: module → raw", numericOneWay(INT1, 1000, "n4s", "module", "raw", 20), 120000],
  ["one-way framed int × 1000: raw → module", numericOneWay(INT1, 1000, "n4r", "raw", "module", 20), 120000],
  ["floor: raw int frames × 1000", numericOneWay(INT1, 1000, "fn4", "raw", "raw", 20), 120000],
  ["one-way framed 4 ints (16 B) × 1000", numericOneWay(INT4, 1000, "n16", "module", "module", 20), 120000],
  ["one-way framed 4 ints × 1000: module → raw", numericOneWay(INT4, 1000, "n16s", "module", "raw", 20), 120000],
  ["one-way framed 4 ints × 1000: raw → module", numericOneWay(INT4, 1000, "n16r", "raw", "module", 20), 120000],
  ["floor: raw 4-int frames × 1000", numericOneWay(INT4, 1000, "fn16", "raw", "raw", 20), 120000],
  ["encode + queue: int × 99, peer not reading", encodeQueue(INT1, 99, "e4"), 20000],
  ["encode + queue: 4 ints × 50, peer not reading", encodeQueue(INT4, 50, "e16"), 20000],
]);
