// End to end over loopback on the Node host: a SocketClient sends framed messages to a
// SocketServer's Socket in the same process, against raw node:net moving the very same bytes
// (header + payload, one write per message) with the same write pattern: write while less than
// HIGH bytes wait in the sender's own queue, else yield to the event loop (setImmediate) and go on.

import net from "node:net";
import { TCP } from "../dist/hosts/node/tcp.js";
import { SocketClient, SocketServer } from "../dist/hosts/node/index.js";
import { nodeHost } from "../dist/hosts/node/host.js";
import { Encoder } from "../dist/modules/socket/codec.js";
import { SendQueue } from "../dist/modules/socket/queue.js";
import { typeInfo } from "../dist/modules/socket/types.js";
import { now, stats } from "./lib.js";

const LOOPBACK = "127.0.0.1";
const HIGH = 65536; // bytes queued by the sender before it yields (module: bufferedAmount; raw: writableLength)
const RUN_TIMEOUT_MS = 60000;
// BENCH_WRITE_BUFFER_SIZE=n: the client's Node TCP emulates an n-byte send buffer instead of 64 KiB
// (writeBufferSize, through the module's `tcp` option), to see what that limit costs.
const WRITE_BUFFER_SIZE = Number(process.env.BENCH_WRITE_BUFFER_SIZE) || 0;

/** The rows; `count` is messages per timed run at scale 1. */
export const E2E_CASES = [
  { name: "image 16 B", type: "image", size: 16, count: 40000 },
  { name: "image 1 KiB", type: "image", size: 1024, count: 20000 },
  { name: "image 64 KiB", type: "image", size: 65536, count: 800 },
  { name: "string 16 B", type: "string", size: 16, count: 40000 },
  { name: "string 1 KiB", type: "string", size: 1024, count: 20000 },
  { name: "string 64 KiB", type: "string", size: 65536, count: 800 },
  { name: "double ×1000", type: "double", elements: 1000, count: 5000 },
  { name: "int ×1000 (narrowed)", type: "int", elements: 1000, count: 8000 },
];

/** Doubles that need narrowing: fractions, negatives, and values beyond the int range. */
export function numericInput(n) {
  const a = new Array(n);
  for (let i = 0; i < n; i++) a[i] = (i % 7 === 6 ? 3e9 : 1) * (i - n / 2) * 1.37 + 0.5;
  return a;
}

/** What a case sends, and the exact framed bytes the module puts on the wire for it. */
export function casePayload(c) {
  let value;
  if (c.type === "image") {
    value = new Uint8Array(c.size);
    for (let i = 0; i < c.size; i++) value[i] = (i * 31) & 0xff;
  } else if (c.type === "string") {
    const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";
    let s = "";
    while (s.length < c.size) s += alphabet;
    value = s.slice(0, c.size);
  } else {
    value = numericInput(c.elements);
  }
  const info = typeInfo(c.type);
  const payloadBytes = c.type === "image" || c.type === "string" ? c.size : c.elements * info.size;
  const queue = new SendQueue(payloadBytes, 0, 1 << 30);
  queue.stage(new Encoder(info, nodeHost.textCodec()), value, true);
  const frame = queue.staged(0).slice();
  return { value, payloadBytes, frame };
}

/** Payload bytes a received value stands for. */
export function receivedBytes(type, v) {
  if (v instanceof ArrayBuffer) return v.byteLength;
  if (typeof v === "string") return v.length; // ASCII payloads
  const size = typeInfo(type).size;
  return Array.isArray(v) ? v.length * size : size;
}

export function deadline(reject, what) {
  const t = setTimeout(() => reject(new Error(`bench: ${what} did not finish in ${RUN_TIMEOUT_MS} ms`)), RUN_TIMEOUT_MS);
  return () => clearTimeout(t);
}

/** Write `count` times: while buffered() < HIGH, else yield a turn of the event loop. */
export function pump(count, sendOne, buffered) {
  let sent = 0;
  const step = () => {
    while (sent < count && buffered() < HIGH) {
      sendOne();
      sent++;
    }
    if (sent < count) setImmediate(step);
  };
  step();
}

/** A connected SocketClient → Socket pair of the module, framed, for one type. */
export async function framedPair(type) {
  const errors = [];
  const server = new SocketServer({ port: 0, hostInterface: LOOPBACK, rawBytes: false, receiveType: type, sendType: type });
  let sink = () => {};
  const accepted = new Promise((resolve) => server.on("connection", (socket) => {
    socket.on("data", (v) => sink(v));
    socket.on("error", (e) => errors.push(String(e)));
    resolve(socket);
  }));
  const port = await new Promise((resolve, reject) => {
    server.on("listening", resolve);
    server.on("error", (e) => reject(new Error(String(e))));
    server.start();
  });
  const client = new SocketClient(port, LOOPBACK, {
    rawBytes: false, sendType: type, receiveType: type, maxUnsentMessages: 0, reconnectAttempts: 0, ...(WRITE_BUFFER_SIZE ? { tcp: class extends TCP { constructor(o) { super({ ...o, writeBufferSize: WRITE_BUFFER_SIZE }); } } } : {}),
  });
  client.on("error", (e) => errors.push(String(e)));
  await new Promise((resolve) => {
    client.on("open", resolve);
    client.open();
  });
  await accepted;
  return {
    errors,
    /** Sends `value` count times; resolves with the seconds until all arrived, and what arrived. */
    run(value, count) {
      return new Promise((resolve, reject) => {
        let messages = 0;
        let bytes = 0;
        const cancel = deadline(reject, `framed ${type} run`);
        const t0 = now();
        sink = (v) => {
          messages++;
          bytes += receivedBytes(type, v);
          if (messages === count) {
            const seconds = (now() - t0) / 1000;
            cancel();
            resolve({ seconds, messages, bytes });
          }
        };
        pump(count, () => client.send(value), () => client.bufferedAmount);
      });
    },
    close() {
      client.close();
      server.stop();
    },
  };
}

/** A connected raw node:net pair: the receiver only counts bytes. */
export async function rawPair() {
  let sink = () => {};
  let peer;
  const server = net.createServer({ noDelay: true }, (s) => {
    peer = s;
    s.on("data", (chunk) => sink(chunk.length));
    s.on("error", () => {});
  });
  await new Promise((resolve) => server.listen(0, LOOPBACK, resolve));
  const client = net.connect({ port: server.address().port, host: LOOPBACK, noDelay: true });
  client.on("error", () => {});
  await new Promise((resolve) => client.on("connect", resolve));
  while (!peer) await new Promise((resolve) => setImmediate(resolve));
  return {
    run(frame, count) {
      return new Promise((resolve, reject) => {
        const total = frame.length * count;
        let bytes = 0;
        const cancel = deadline(reject, "raw run");
        const t0 = now();
        sink = (n) => {
          bytes += n;
          if (bytes === total) {
            const seconds = (now() - t0) / 1000;
            cancel();
            resolve({ seconds, messages: count, bytes });
          }
        };
        pump(count, () => client.write(frame), () => client.writableLength);
      });
    },
    close() {
      client.destroy();
      peer?.destroy();
      server.close();
    },
  };
}

/**
 * One row: warm-up, then `reps` timed runs of each, alternating which goes first. The ratio is the
 * median of the per-run ratios (framed / raw messages per second), each pair measured back to back.
 */
export async function e2eRow(c, { scale = 1, reps = 5 } = {}) {
  const { value, payloadBytes, frame } = casePayload(c);
  const count = Math.max(2, Math.round(c.count * scale));
  const framed = await framedPair(c.type);
  const raw = await rawPair();
  try {
    await raw.run(frame, Math.max(1, count >> 2));
    await framed.run(value, Math.max(1, count >> 2));
    const fRates = [], rRates = [], ratios = [];
    let fBytes = 0, rBytes = 0;
    for (let r = 0; r < reps; r++) {
      let f, w;
      if (r % 2 === 0) { w = await raw.run(frame, count); f = await framed.run(value, count); }
      else { f = await framed.run(value, count); w = await raw.run(frame, count); }
      fRates.push(f.messages / f.seconds);
      rRates.push(w.messages / w.seconds);
      ratios.push(f.messages / f.seconds / (w.messages / w.seconds));
      fBytes = f.bytes;
      rBytes = w.bytes;
    }
    if (framed.errors.length) throw new Error(`bench: errors from the module: ${framed.errors.slice(0, 3).join("; ")}`);
    return {
      name: c.name, type: c.type, count, payloadBytes, frameBytes: frame.length,
      framedBytesReceived: fBytes, rawBytesReceived: rBytes,
      framed: stats(fRates), raw: stats(rRates), ratio: stats(ratios),
    };
  } finally {
    framed.close();
    raw.close();
  }
}
