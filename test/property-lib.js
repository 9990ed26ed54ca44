// Shared by test/property.test.js and bench/fuzz.js: fast-check generators for messages of every
// type, what the receiver must get for each (an oracle of our own for Java's narrowing), and a
// model of modules/socket/connection.ts around the codec, queue and framing layers of
// dist/modules/socket/: sends staged in the SendQueue, written at once or kept and flushed in
// pieces as a socket would take them; reads into the decoder's own space (FrameDecoder's
// target/room/filled) or a reused receive buffer (raw), under any chunking.

import fc from "fast-check";
import * as codec from "../dist/modules/socket/codec.js";
import * as framing from "../dist/modules/socket/framing.js";
import * as queueModule from "../dist/modules/socket/queue.js";
import * as types from "../dist/modules/socket/types.js";
import { nodeHost } from "../dist/hosts/node/host.js";

// The layers' entry points, looked up once: if one is renamed, this is the one place to adapt.
export const { Encoder, RawDecoder, MessageDecoder } = codec;
export const { FrameDecoder } = framing;
export const { SendQueue } = queueModule;
export const { typeInfo, TYPE_NAMES } = types;
export const text = nodeHost.textCodec(); // the Node host's UTF-8

export const NUMERIC = ["byte", "short", "int", "float", "double", "number", "unsignedbyte", "unsignedshort", "unsignedint"];
export const IMAGE_FORMATS = { bmp: [0x42, 0x4d], gif: [0x47, 0x49, 0x46, 0x38, 0x39, 0x61], jpeg: [0xff, 0xd8, 0xff], jpg: [0xff, 0xd8, 0xff],
  png: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], wbmp: [0, 0] }; // signatures an image of that format starts with
export const ALL_TYPES = [...NUMERIC, "string", "json", "image", ...Object.keys(IMAGE_FORMATS)];
const isImage = (type) => type === "image" || type in IMAGE_FORMATS;

// --- Java's narrowing conversions (JLS §5.1.3), written out independently of the module ---------

const TWO_63 = 2 ** 63;

/** (int) of a double: NaN → 0, toward zero, clamped. */
function javaInt(x) {
  if (Number.isNaN(x)) return 0;
  if (x >= 2147483647) return 2147483647;
  if (x <= -2147483648) return -2147483648;
  return Math.trunc(x) | 0;
}

/** The low 32 bits of (long) of a double, unsigned. */
function javaLongLow32(x) {
  if (Number.isNaN(x)) return 0;
  const clamped = x >= TWO_63 ? 2n ** 63n - 1n : x <= -TWO_63 ? -(2n ** 63n) : BigInt(Math.trunc(x));
  return Number(BigInt.asUintN(32, clamped));
}

/** The value a receiver reads back for x sent as `type`. */
export function narrowed(type, x) {
  switch (type) {
    case "byte": return (javaInt(x) << 24) >> 24;
    case "short": return (javaInt(x) << 16) >> 16;
    case "int": return javaInt(x);
    case "float": return Math.fround(x);
    case "unsignedbyte": return javaInt(x) & 0xff;
    case "unsignedshort": return javaInt(x) & 0xffff;
    case "unsignedint": return javaLongLow32(x);
    default: return x; // double, number
  }
}

// --- values -------------------------------------------------------------------------------

// Numbers that exercise Java's narrowing: every magnitude, the edges of each integer range, NaN,
// ±Infinity, -0, fractions, and doubles that do not fit a float.
const edges = [0, -0, 1, -1, 127, 128, -128, -129, 255, 256, 32767, 32768, -32768, -32769, 65535, 65536,
  2147483647, 2147483648, -2147483648, -2147483649, 4294967295, 4294967296, 2 ** 53, -(2 ** 53), 2 ** 63, -(2 ** 63),
  0.5, -0.5, 1.5, -1.5, 0.1, 3.4028234663852886e38, 3.5e38, 1e-46, Number.MIN_VALUE, Number.MAX_VALUE, NaN, Infinity, -Infinity];
const aNumber = fc.oneof(
  fc.constantFrom(...edges),
  fc.double(),
  fc.integer({ min: -(2 ** 31) - 10, max: 2 ** 32 + 10 }),
  fc.integer({ min: -300, max: 300 }),
);

// Text: any code points (astral ones, emoji, combining marks), lone surrogates now and then
// (UTF-8 cannot carry them: they arrive as U+FFFD, as TextEncoder makes them).
const aText = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 20 }) },
  { weight: 1, arbitrary: fc.constantFrom("", "é", "€", "𝄞", "👩‍👩‍👧‍👦", "🇫🇷", "e\u0301", "\ud800", "a\udc00b", "\u0000", "\uffff") },
  { weight: 1, arbitrary: fc.string({ unit: "binary-ascii", minLength: 250, maxLength: 600 }) }, // long headers
);

const aByteArray = fc.uint8Array({ maxLength: 80 });
const aLongByteArray = fc.uint8Array({ minLength: 254, maxLength: 2000 }); // long headers, spanning reads

/** A value to send as `type` (all accepted by send(); an empty numeric array is refused: EINVALIDDATA). */
export function valueOf(type) {
  if (type in IMAGE_FORMATS) {
    const magic = Uint8Array.from(IMAGE_FORMATS[type]);
    return fc.oneof(aByteArray, aLongByteArray).map((rest) => Buffer.concat([magic, rest]));
  }
  if (NUMERIC.includes(type)) {
    return fc.oneof(
      aNumber,
      fc.array(aNumber, { minLength: 1, maxLength: 40 }),
      fc.array(aNumber, { minLength: 60, maxLength: 400 }), // more than 255 bytes: long header
      fc.float64Array({ minLength: 1, maxLength: 20 }),
      fc.int32Array({ minLength: 1, maxLength: 20 }),
    );
  }
  switch (type) {
    case "string":
      return fc.oneof(
        { weight: 6, arbitrary: aText },
        { weight: 1, arbitrary: aNumber },
        { weight: 1, arbitrary: fc.array(fc.oneof(aText, aNumber), { maxLength: 5 }) },
      );
    case "json":
      return fc.jsonValue({ maxDepth: 3 });
    default:
      return fc.oneof(
        aByteArray,
        aLongByteArray,
        aByteArray.map((b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)), // an ArrayBuffer
        fc.int16Array({ maxLength: 30 }), // its bytes, as they lie in memory
        aByteArray.map((b) => new DataView(b.buffer, b.byteOffset, b.byteLength)),
      );
  }
}

/** { type, value } pairs: a stream of messages of any types (framed: each is decoded as its own type). */
export const aMixedStream = fc.array(
  fc.constantFrom(...ALL_TYPES).chain((type) => valueOf(type).map((value) => ({ type, value }))),
  { maxLength: 25 },
);

/** One type and values of it: a stream whose receiver has that receiveType (framed or raw). */
export const aTypedStream = fc.constantFrom(...ALL_TYPES).chain((type) =>
  fc.array(valueOf(type), { maxLength: 25 }).map((values) => ({ type, values })));

/** Chunk lengths (cycled over the stream) and the receive buffer size. */
export const aChunking = fc.record({
  lengths: fc.oneof(
    fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 30 }),
    fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 30 }),
    fc.constant([1]),
  ),
  receiveBufferSize: fc.oneof(fc.constantFrom(1, 2, 4, 5, 6, 8, 64, 255, 256, 1460, 65536), fc.integer({ min: 1, max: 3000 })),
});

/** How much the "socket" takes before each send (cycled): 0 = full, so messages wait and wrap the ring. */
export const aWritable = fc.oneof(
  fc.constant([1 << 30]),
  fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 5000 })), { minLength: 1, maxLength: 12 }),
);

// --- what must arrive -----------------------------------------------------------------------

const wellFormed = (s) => s.toWellFormed();

/** The text a string-type send puts on the wire, as the receiver decodes it. */
export function textOf(value) {
  if (typeof value === "string") return wellFormed(value);
  if (typeof value === "number") return String(value);
  return wellFormed(value.map((part) => (typeof part === "number" ? String(part) : part)).join(""));
}

function numbersOf(value) {
  if (typeof value === "number") return [value];
  return Array.from(value);
}

function bytesOf(value) {
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}

/** The element values a numeric send arrives as. */
export function elementsOf(type, value) {
  return numbersOf(value).map((x) => narrowed(type, x));
}

/** What one framed message of `type` decodes to (a comparable form: see comparable()). */
export function expectedFramed(type, value) {
  if (NUMERIC.includes(type)) {
    const elements = elementsOf(type, value);
    return comparable(elements.length === 1 ? elements[0] : elements);
  }
  if (type === "string") return textOf(value);
  if (type === "json") return JSON.stringify(JSON.parse(JSON.stringify(value)));
  return hex(bytesOf(value)); // image types
}

/** A received value in a form deep-equal can compare (NaN and -0 kept, bytes as hex, JSON as text). */
export function comparable(value, type) {
  if (type === "json" && !(value && value.error !== undefined && Object.keys(value).length === 1)) return JSON.stringify(value);
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : Number.isNaN(value) ? "NaN" : value;
  if (Array.isArray(value) && type !== "json") return value.map((x) => comparable(x));
  if (value instanceof ArrayBuffer) return hex(new Uint8Array(value));
  return value;
}

export function hex(bytes) {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

/** The raw stream a receiver of `type` must see in total: elements, or the concatenated text or bytes. */
export function expectedRaw(type, values) {
  if (NUMERIC.includes(type)) return values.flatMap((v) => elementsOf(type, v)).map((x) => comparable(x));
  if (type === "string") return values.map(textOf).join("");
  if (type === "json") return values.map((v) => JSON.stringify(v)).join("");
  return values.map((v) => hex(bytesOf(v))).join("");
}

/** The same total from what a raw receiver emitted (elements, batches, text or byte chunks). */
export function totalRaw(type, emitted) {
  if (NUMERIC.includes(type)) return emitted.flatMap((v) => (Array.isArray(v) ? v : [v])).map((x) => comparable(x));
  if (isImage(type)) return emitted.map((b) => hex(new Uint8Array(b))).join("");
  return emitted.join("");
}

// --- encode, as send() does ----------------------------------------------------------------

/**
 * Encodes each message as Connection.send() does, into one SendQueue of `sendBufferSize`: before
 * message i the "socket" takes up to `writable[i % n]` bytes (0: it is full), first from what
 * waits, then of the new message; what it does not take is kept and goes out later, in pieces.
 * Returns the bytes in the order the socket took them: the wire.
 */
export function encodeAll(messages, framed, sendBufferSize, writable = [1 << 30]) {
  const encoders = new Map();
  const queue = new SendQueue(sendBufferSize, 0, 0x7fffffff);
  const parts = [];
  const take = (budget) => {
    let chunk;
    while (budget > 0 && (chunk = queue.writable(budget)) !== null) {
      parts.push(Buffer.from(chunk)); // a copy, as the TCP makes one
      queue.consume(chunk.length);
      budget -= chunk.length;
    }
    return budget;
  };
  let i = 0;
  for (const { type, value } of messages) {
    if (!encoders.has(type)) encoders.set(type, new Encoder(typeInfo(type), text));
    let budget = take(writable[i++ % writable.length]);
    const n = queue.stage(encoders.get(type), value, framed);
    const direct = queue.length === 0 ? Math.min(n, budget) : 0;
    if (direct > 0) parts.push(Buffer.from(queue.staged(0).subarray(0, direct)));
    if (direct < n) queue.keep(direct);
  }
  take(Infinity);
  return Buffer.concat(parts);
}

// --- decode, as the connection reads ---------------------------------------------------------

/**
 * Feeds `wire` cut into `lengths` (cycled) as Connection.#onReadable does: framed, each read goes
 * into the FrameDecoder's own space (target/targetStart/room, then filled(n)); raw, into a receive
 * buffer of `receiveBufferSize` bytes reused for every read (and scribbled over after each, so
 * nothing may keep pointing into it). Returns what was emitted and what was left pending.
 * framed: `typeOfMessage(i)` gives the type to decode message i with. raw: `rawType`, `batch`.
 */
export function decodeChunked(wire, { lengths, receiveBufferSize }, options) {
  // framed, the connection makes room for a long header (5 bytes) whatever receiveBufferSize says
  const rx = new Uint8Array(options.framed ? Math.max(receiveBufferSize, 5) : receiveBufferSize);
  const out = [];
  let frames = null;
  let raw = null;
  let onMessage = null;
  let onValue = null;
  if (options.framed) {
    frames = new FrameDecoder(rx, options.maxMessageSize ?? 1 << 26);
    const decoders = new Map();
    onMessage = (bytes, start, end, own) => {
      const type = options.typeOfMessage(out.length);
      if (!decoders.has(type)) decoders.set(type, new MessageDecoder(typeInfo(type), text));
      let value;
      try {
        value = decoders.get(type).decode(bytes, start, end, own);
      } catch (e) {
        value = { error: e.code ?? e.message };
      }
      out.push(comparable(value, type));
      return true;
    };
  } else {
    raw = new RawDecoder(typeInfo(options.rawType), text, options.batch);
    onValue = (value) => {
      out.push(Array.isArray(value) ? value.slice() : value);
      return true;
    };
  }
  let at = 0;
  let k = 0;
  while (at < wire.length) {
    let remaining = Math.min(lengths[k++ % lengths.length], wire.length - at);
    while (remaining > 0) { // one chunk from the network, read in pieces that fit
      if (frames) {
        const n = Math.min(frames.room, remaining);
        if (n <= 0) throw new Error(`FrameDecoder has no room for the next bytes (receiveBufferSize ${receiveBufferSize})`);
        frames.target.set(wire.subarray(at, at + n), frames.targetStart);
        frames.filled(n, onMessage);
        at += n;
        remaining -= n;
      } else {
        const n = Math.min(remaining, rx.length);
        rx.set(wire.subarray(at, at + n), 0);
        raw.push(rx, 0, n, onValue);
        rx.fill(0xee, 0, n);
        at += n;
        remaining -= n;
      }
    }
  }
  return { out, pending: frames ? frames.pendingBytes : raw.pendingBytes };
}

// --- the properties --------------------------------------------------------------------------

/** Framed, mixed types: every message arrives once, whole, in order, as sent. */
export function checkFramedMixed(messages, chunkings, sendBufferSize, writable) {
  const wire = encodeAll(messages, true, sendBufferSize, writable);
  const expected = messages.map(({ type, value }) => expectedFramed(type, value));
  for (const chunking of chunkings) {
    const { out, pending } = decodeChunked(wire, chunking, { framed: true, typeOfMessage: (i) => messages[i].type });
    assertEqual(out, expected, "framed messages");
    assertEqual(pending, 0, "nothing left pending");
  }
  return chunkings.length;
}

/** Raw, one type: the concatenated stream (elements, text or bytes) arrives as sent. */
export function checkRaw(type, values, chunkings, sendBufferSize, batch, writable) {
  const wire = encodeAll(values.map((value) => ({ type, value })), false, sendBufferSize, writable);
  const expected = expectedRaw(type, values);
  for (const chunking of chunkings) {
    const { out, pending } = decodeChunked(wire, chunking, { framed: false, rawType: type, batch });
    assertEqual(totalRaw(type, out), expected, `raw ${type} stream`);
    assertEqual(pending, 0, "nothing left pending");
  }
  return chunkings.length;
}

export function assertEqual(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: expected ${e.slice(0, 400)}\n  got ${a.slice(0, 400)}`);
}

export { fc };
