// Shared by test/property.test.js and bench/fuzz.js: fast-check generators for messages of every
// type (SPEC §4), what the receiver must get for each, and a model of the receive path of
// modules/socket/connection.ts (a reused receive buffer, long payloads read straight into their
// own buffer) driving the codec and framing layers of dist/modules/socket/ under any chunking.

import fc from "fast-check";
import * as codec from "../dist/modules/socket/codec.js";
import * as framing from "../dist/modules/socket/framing.js";
import * as types from "../dist/modules/socket/types.js";
import { nodeHost } from "../dist/hosts/node/host.js";

// The layers' entry points, looked up once: if one is renamed, this is the one place to adapt.
export const { Encoder, RawDecoder, decodeMessage } = codec;
export const { FrameDecoder } = framing;
export const { typeInfo, narrow, TYPE_NAMES } = types;
export const text = nodeHost; // encodeUTF8Into / decodeUTF8, as the Node host gives them

export const NUMERIC = ["byte", "short", "int", "float", "double", "number", "unsignedbyte", "unsignedshort", "unsignedint"];
export const ALL_TYPES = [...NUMERIC, "string", "json", "image"];

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

/** A value to send as `type` (all accepted by send()), no empty numeric arrays (see README "Reliability"). */
export function valueOf(type) {
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
  receiveBufferSize: fc.oneof(fc.constantFrom(1, 2, 3, 5, 8, 64, 255, 1460, 65536), fc.integer({ min: 1, max: 3000 })),
});

// --- what must arrive -----------------------------------------------------------------------

const wellFormed = (s) => s.toWellFormed();

/** The text a string-type send puts on the wire (SPEC §4), as the receiver decodes it. */
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
  const { code } = typeInfo(type);
  return numbersOf(value).map((x) => narrow(code, x));
}

/** What one framed message of `type` decodes to (a comparable form: see comparable()). */
export function expectedFramed(type, value) {
  if (NUMERIC.includes(type)) {
    const elements = elementsOf(type, value);
    return comparable(elements.length === 1 ? elements[0] : elements);
  }
  if (type === "string") return textOf(value);
  if (type === "json") return JSON.stringify(JSON.parse(JSON.stringify(value)));
  return hex(bytesOf(value));
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
  if (type === "image") return emitted.map((b) => hex(new Uint8Array(b))).join("");
  return emitted.join("");
}

// --- encode ------------------------------------------------------------------------------

/** Encodes each message as send() does; `keep` alternates as queued sends would. Returns the wire bytes. */
export function encodeAll(messages, framed, sendBufferSize) {
  const encoders = new Map();
  const parts = [];
  let i = 0;
  for (const { type, value } of messages) {
    if (!encoders.has(type)) encoders.set(type, new Encoder(typeInfo(type), text, sendBufferSize));
    const encoder = encoders.get(type);
    const keep = i++ % 3 === 1;
    const bytes = encoder.encode(value, framed, keep);
    parts.push(Buffer.from(bytes)); // a copy: the range is reused by the next encode
    if (keep) encoder.done(bytes);
  }
  return Buffer.concat(parts);
}

// --- decode, as the connection reads ---------------------------------------------------------

/**
 * Feeds `wire` cut into `lengths` (cycled) through a receive buffer of `receiveBufferSize` bytes
 * that is reused for every read, as modules/socket/connection.ts does, and returns what was emitted.
 * framed: `typeOfMessage(i)` gives the type to decode message i with. raw: `rawType`, `batch`.
 */
export function decodeChunked(wire, { lengths, receiveBufferSize }, options) {
  const rx = new Uint8Array(receiveBufferSize);
  const out = [];
  let frames = null;
  let raw = null;
  let onMessage = null;
  let onValue = null;
  if (options.framed) {
    frames = new FrameDecoder(options.maxMessageSize ?? 1 << 26);
    onMessage = (bytes, start, end, own) => {
      const type = options.typeOfMessage(out.length);
      let value;
      try {
        value = decodeMessage(typeInfo(type), text, bytes, start, end, own);
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
    const chunk = Math.min(lengths[k++ % lengths.length], wire.length - at);
    let remaining = chunk;
    while (remaining > 0) { // one chunk from the network: read in receive-buffer-sized pieces
      const room = frames ? frames.bodyRoom() : null;
      if (room !== null && room.length >= rx.length) {
        const n = Math.min(remaining, room.length);
        room.set(wire.subarray(at, at + n), 0);
        frames.bodyFilled(n, onMessage);
        at += n;
        remaining -= n;
        continue;
      }
      const n = Math.min(remaining, rx.length);
      rx.set(wire.subarray(at, at + n), 0);
      if (frames) frames.push(rx, 0, n, onMessage);
      else raw.push(rx, 0, n, onValue);
      rx.fill(0xee, 0, n); // the buffer is reused: nothing may still point into it
      at += n;
      remaining -= n;
    }
  }
  return { out, pending: frames ? frames.pendingBytes : raw.pendingBytes };
}

// --- the properties --------------------------------------------------------------------------

/** Framed, mixed types: every message arrives once, whole, in order, as sent. */
export function checkFramedMixed(messages, chunkings, sendBufferSize) {
  const wire = encodeAll(messages, true, sendBufferSize);
  const expected = messages.map(({ type, value }) => expectedFramed(type, value));
  for (const chunking of chunkings) {
    const { out, pending } = decodeChunked(wire, chunking, { framed: true, typeOfMessage: (i) => messages[i].type });
    assertEqual(out, expected, "framed messages");
    assertEqual(pending, 0, "nothing left pending");
  }
  return chunkings.length;
}

/** Raw, one type: the concatenated stream (elements, text or bytes) arrives as sent. */
export function checkRaw(type, values, chunkings, sendBufferSize, batch) {
  const wire = encodeAll(values.map((value) => ({ type, value })), false, sendBufferSize);
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
