// The module against what users would write instead, end to end over loopback, same bytes on the
// wire (header: length < 255 → 1 byte; else 0xFF + 4-byte big-endian length; payload big-endian):
//
//  - "concat" peer: the usual hand-written node:net length-prefixed code. The sender builds one
//    Buffer frame per message (Buffer.allocUnsafe, header, then writeDoubleBE / writeInt32BE per
//    element; for bytes, Buffer.concat([header, payload])) and writes it. The receiver appends every
//    incoming chunk with Buffer.concat, then parses as many whole frames as the buffer holds:
//    readDoubleBE / readInt32BE per element into a JS array (push), or for bytes a Buffer view of the
//    payload (no copy: this favours the peer; the module must hand out an ArrayBuffer of its own).
//  - "per-element" peer (numeric arrays only): the approach of the accessors project's Node socket
//    module for arrays — one Buffer per element (Buffer.alloc + writeInt32BE / writeDoubleBE),
//    all of them and the header joined with Buffer.concat, then written; received by the same
//    concat receiver as above.
//
// Both peers, like the module and raw node:net, pace the same way (write while less than 64 KiB is
// queued, else yield a turn: bench/e2e.js pump). Ints are narrowed as the module narrows them
// (Java's (int) of a double: saturating, NaN → 0) so all three put identical bytes on the wire;
// each row checks that (sameWire). Each timed repetition runs the module, raw node:net and the
// peers back to back, in an order rotated per repetition; every ratio is the median of the
// per-repetition ratios (module msgs/s ÷ the other's msgs/s), with min–max.

import net from "node:net";
import { casePayload, deadline, E2E_CASES, framedPair, pump, rawPair } from "./e2e.js";
import { now, stats } from "./lib.js";

const LOOPBACK = "127.0.0.1";

/** The workloads, taken from the end-to-end cases (same counts). */
export const PEER_CASE_NAMES = ["double ×1000", "int ×1000 (narrowed)", "image 1 KiB", "image 64 KiB"];
export const PEER_CASES = PEER_CASE_NAMES.map((name) => E2E_CASES.find((c) => c.name === name));

/** The peers: key, label, and for which case types they exist. */
export const PEERS = [
  { key: "concat", label: "node:net + Buffer.concat receiver", types: ["double", "int", "image"] },
  { key: "perElement", label: "Buffer per element + Buffer.concat (accessors' Node module)", types: ["double", "int"] },
];

const SIZE = { double: 8, int: 4, image: 1 };

const INT_MAX = 2147483647;
const INT_MIN = -2147483648;
/** Java's (int) of a double. */
const javaInt = (x) => (x !== x ? 0 : x >= INT_MAX ? INT_MAX : x <= INT_MIN ? INT_MIN : x | 0);

function header(n) {
  if (n < 255) {
    const h = Buffer.allocUnsafe(1);
    h[0] = n;
    return h;
  }
  const h = Buffer.allocUnsafe(5);
  h[0] = 0xff;
  h.writeUInt32BE(n, 1);
  return h;
}

/** The concat peer's sender: one Buffer frame per message. */
export function concatFrame(type, value) {
  if (type === "image") return Buffer.concat([header(value.length), value]);
  const n = value.length * SIZE[type];
  const h = n < 255 ? 1 : 5;
  const frame = Buffer.allocUnsafe(h + n);
  if (h === 1) frame[0] = n;
  else {
    frame[0] = 0xff;
    frame.writeUInt32BE(n, 1);
  }
  if (type === "double") for (let i = 0, at = h; i < value.length; i++, at += 8) frame.writeDoubleBE(value[i], at);
  else for (let i = 0, at = h; i < value.length; i++, at += 4) frame.writeInt32BE(javaInt(value[i]), at);
  return frame;
}

/** The per-element peer's sender: a Buffer per element, joined with the header by Buffer.concat. */
export function perElementFrame(type, value) {
  const parts = [header(value.length * SIZE[type])];
  for (let i = 0; i < value.length; i++) {
    if (type === "double") {
      const b = Buffer.alloc(8);
      b.writeDoubleBE(value[i], 0);
      parts.push(b);
    } else {
      const b = Buffer.alloc(4);
      b.writeInt32BE(javaInt(value[i]), 0);
      parts.push(b);
    }
  }
  return Buffer.concat(parts);
}

/**
 * The usual receiver: Buffer.concat of what came, then every whole frame parsed out of it.
 * `onMessage(value, payloadBytes)` gets an array of numbers, or a Buffer view for bytes.
 */
export function concatReceiver(type, onMessage) {
  let pending = Buffer.alloc(0);
  return (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    let at = 0;
    for (;;) {
      const left = pending.length - at;
      if (left < 1) break;
      let n = pending[at];
      let h = 1;
      if (n === 255) {
        if (left < 5) break;
        n = pending.readUInt32BE(at + 1);
        h = 5;
      }
      if (left < h + n) break;
      const start = at + h;
      if (type === "double") {
        const out = [];
        for (let p = start; p < start + n; p += 8) out.push(pending.readDoubleBE(p));
        onMessage(out, n);
      } else if (type === "int") {
        const out = [];
        for (let p = start; p < start + n; p += 4) out.push(pending.readInt32BE(p));
        onMessage(out, n);
      } else onMessage(pending.subarray(start, start + n), n);
      at = start + n;
    }
    pending = pending.subarray(at);
  };
}

/** A connected node:net pair running one peer: `makeFrame(type, value)` per send, the concat receiver. */
export async function peerPair(type, makeFrame) {
  let sink = () => {};
  let peer;
  const server = net.createServer({ noDelay: true }, (s) => {
    peer = s;
    s.on("data", concatReceiver(type, (v, n) => sink(v, n)));
    s.on("error", () => {});
  });
  await new Promise((resolve) => server.listen(0, LOOPBACK, resolve));
  const client = net.connect({ port: server.address().port, host: LOOPBACK, noDelay: true });
  client.on("error", () => {});
  await new Promise((resolve) => client.on("connect", resolve));
  while (!peer) await new Promise((resolve) => setImmediate(resolve));
  return {
    last: undefined,
    /** Sends `value` count times; resolves with the seconds until all were parsed, and what was. */
    run(value, count) {
      return new Promise((resolve, reject) => {
        let messages = 0;
        let bytes = 0;
        const cancel = deadline(reject, `peer ${type} run`);
        const t0 = now();
        sink = (v, n) => {
          messages++;
          bytes += n;
          if (messages === count) {
            const seconds = (now() - t0) / 1000;
            cancel();
            this.last = v;
            resolve({ seconds, messages, bytes });
          }
        };
        pump(count, () => client.write(makeFrame(type, value)), () => client.writableLength);
      });
    },
    close() {
      client.destroy();
      peer?.destroy();
      server.close();
    },
  };
}

/** What a numeric case decodes to (the module's narrowing), to check a peer's last message. */
function expected(type, value) {
  if (type === "double") return value;
  if (type === "int") return value.map(javaInt);
  return undefined;
}

/**
 * One row: module, raw node:net and each peer that has this type, warmed up, then `reps` rounds of
 * back-to-back runs (order rotated per round).
 */
export async function peersRow(c, { scale = 1, reps = 5 } = {}) {
  const { value, payloadBytes, frame } = casePayload(c);
  const count = Math.max(2, Math.round(c.count * scale));
  const peerValue = c.type === "image" ? Buffer.from(value.buffer, value.byteOffset, value.length) : value;
  const peers = PEERS.filter((p) => p.types.includes(c.type));
  const makers = { concat: concatFrame, perElement: perElementFrame };
  const contestants = [
    { key: "module", pair: await framedPair(c.type), value },
    { key: "raw", pair: await rawPair(), value: frame },
  ];
  for (const p of peers) contestants.push({ key: p.key, pair: await peerPair(c.type, makers[p.key]), value: peerValue });
  try {
    for (const x of contestants) await x.pair.run(x.value, Math.max(1, count >> 2));
    const rates = Object.fromEntries(contestants.map((x) => [x.key, []]));
    const ratios = Object.fromEntries(contestants.slice(1).map((x) => [x.key, []]));
    const received = {};
    for (let r = 0; r < reps; r++) {
      const round = {};
      for (let k = 0; k < contestants.length; k++) {
        const x = contestants[(k + r) % contestants.length];
        const out = await x.pair.run(x.value, count);
        round[x.key] = out.messages / out.seconds;
        rates[x.key].push(round[x.key]);
        received[x.key] = { messages: out.messages, bytes: out.bytes };
      }
      for (const key of Object.keys(ratios)) ratios[key].push(round.module / round[key]);
    }
    if (contestants[0].pair.errors.length) throw new Error(`bench: errors from the module: ${contestants[0].pair.errors.slice(0, 3).join("; ")}`);
    const sameWire = {};
    const decodedRight = {};
    const want = expected(c.type, value);
    for (const p of peers) {
      sameWire[p.key] = Buffer.compare(makers[p.key](c.type, peerValue), Buffer.from(frame.buffer, frame.byteOffset, frame.length)) === 0;
      const last = contestants.find((x) => x.key === p.key).pair.last;
      decodedRight[p.key] = want
        ? Array.isArray(last) && last.length === want.length && last.every((v, i) => v === want[i])
        : Buffer.isBuffer(last) && Buffer.compare(last, peerValue) === 0;
    }
    return {
      name: c.name, type: c.type, count, payloadBytes, frameBytes: frame.length,
      peers: peers.map((p) => p.key), received, sameWire, decodedRight,
      rates: Object.fromEntries(Object.entries(rates).map(([k, v]) => [k, stats(v)])),
      ratios: Object.fromEntries(Object.entries(ratios).map(([k, v]) => [k, stats(v)])),
    };
  } finally {
    for (const x of contestants) x.pair.close();
  }
}
