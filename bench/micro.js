// The codec and the framing decoder alone, no sockets.
//  - encode: a framed 1000-element array staged in the send queue (Encoder.measure/write) per numeric type, against the floor of a
//    bare loop of DataView setters into a preallocated buffer (no checks, no narrowing);
//  - decode: MessageDecoder.decode of the same 1000 elements, against a bare loop of DataView getters into
//    a new array (decoding must return a new array: that allocation is in the floor too);
//  - framing: FrameDecoder fed a stream of frames in 1-byte, 1460-byte and 64 KiB chunks, each chunk
//    copied into the decoder's target and announced with filled(n), as the connection does.

import { nodeHost } from "../dist/hosts/node/host.js";
import { Encoder, MessageDecoder } from "../dist/modules/socket/codec.js";
import { FrameDecoder, writeHeader, HEADER_MAX } from "../dist/modules/socket/framing.js";
import { SendQueue } from "../dist/modules/socket/queue.js";
import { typeInfo } from "../dist/modules/socket/types.js";
import { numericInput } from "./e2e.js";
import { calibrate, rate, stats, timeLoop } from "./lib.js";

export const NUMERIC_TYPES = ["byte", "short", "int", "float", "double", "unsignedbyte", "unsignedshort", "unsignedint"];
export const ELEMENTS = 1000;

const SETTERS = {
  byte: (v, at, x) => v.setInt8(at, x),
  unsignedbyte: (v, at, x) => v.setUint8(at, x),
  short: (v, at, x) => v.setInt16(at, x),
  unsignedshort: (v, at, x) => v.setUint16(at, x),
  int: (v, at, x) => v.setInt32(at, x),
  unsignedint: (v, at, x) => v.setUint32(at, x),
  float: (v, at, x) => v.setFloat32(at, x),
  double: (v, at, x) => v.setFloat64(at, x),
};

/** A bare loop per type, written out so each is monomorphic (the floor). */
function floorEncoder(type, view) {
  switch (type) {
    case "byte": return (a) => { for (let i = 0; i < a.length; i++) view.setInt8(i, a[i]); };
    case "unsignedbyte": return (a) => { for (let i = 0; i < a.length; i++) view.setUint8(i, a[i]); };
    case "short": return (a) => { for (let i = 0, at = 0; i < a.length; i++, at += 2) view.setInt16(at, a[i]); };
    case "unsignedshort": return (a) => { for (let i = 0, at = 0; i < a.length; i++, at += 2) view.setUint16(at, a[i]); };
    case "int": return (a) => { for (let i = 0, at = 0; i < a.length; i++, at += 4) view.setInt32(at, a[i]); };
    case "unsignedint": return (a) => { for (let i = 0, at = 0; i < a.length; i++, at += 4) view.setUint32(at, a[i]); };
    case "float": return (a) => { for (let i = 0, at = 0; i < a.length; i++, at += 4) view.setFloat32(at, a[i]); };
    default: return (a) => { for (let i = 0, at = 0; i < a.length; i++, at += 8) view.setFloat64(at, a[i]); };
  }
}

function floorDecoder(type, view, n) {
  switch (type) {
    case "byte": return () => { const o = new Array(n); for (let i = 0; i < n; i++) o[i] = view.getInt8(i); return o; };
    case "unsignedbyte": return () => { const o = new Array(n); for (let i = 0; i < n; i++) o[i] = view.getUint8(i); return o; };
    case "short": return () => { const o = new Array(n); for (let i = 0; i < n; i++) o[i] = view.getInt16(i * 2); return o; };
    case "unsignedshort": return () => { const o = new Array(n); for (let i = 0; i < n; i++) o[i] = view.getUint16(i * 2); return o; };
    case "int": return () => { const o = new Array(n); for (let i = 0; i < n; i++) o[i] = view.getInt32(i * 4); return o; };
    case "unsignedint": return () => { const o = new Array(n); for (let i = 0; i < n; i++) o[i] = view.getUint32(i * 4); return o; };
    case "float": return () => { const o = new Array(n); for (let i = 0; i < n; i++) o[i] = view.getFloat32(i * 4); return o; };
    default: return () => { const o = new Array(n); for (let i = 0; i < n; i++) o[i] = view.getFloat64(i * 8); return o; };
  }
}

/** The objects each codec case works on, shared with the allocation child. */
export function codecCase(type, elements = ELEMENTS) {
  const info = typeInfo(type);
  const input = numericInput(elements);
  const encoder = new Encoder(info, nodeHost.textCodec());
  const queue = new SendQueue(65536, 0, 1 << 30); // where a send() is encoded
  const encode = () => (queue.stage(encoder, input, true), queue.staged(0));
  const decoder = new MessageDecoder(info, nodeHost.textCodec());
  const frame = encode().slice();
  const start = frame.length - elements * info.size;
  const floorView = new DataView(new ArrayBuffer(elements * info.size));
  SETTERS[type](floorView, 0, 0);
  const payloadView = new DataView(frame.buffer, start);
  return {
    info, input, frame, start,
    encode,
    floorEncode: floorEncoder(type, floorView).bind(null, input),
    decode: () => decoder.decode(frame, start, frame.length, false),
    floorDecode: floorDecoder(type, payloadView, elements),
  };
}

export function codecRows({ reps = 5, targetMs = 100, elements = ELEMENTS } = {}) {
  const rows = [];
  for (const type of NUMERIC_TYPES) {
    const c = codecCase(type, elements);
    const check = c.decode();
    const bytes = c.encode().length;
    const measure = (fn) => rate(fn, calibrate(fn, targetMs), reps);
    rows.push({
      name: `${type} ×${elements}`, type, elements, encodedBytes: bytes, decodedElements: Array.isArray(check) ? check.length : 1,
      encode: measure(c.encode), encodeFloor: measure(c.floorEncode),
      decode: measure(c.decode), decodeFloor: measure(c.floorDecode),
    });
  }
  return rows;
}

export const FRAME_SIZES = [16, 1024, 65536];
export const CHUNK_SIZES = [1, 1460, 65536];

/** A stream of `count` frames of `size`-byte payloads, about `total` bytes in all. */
export function frameStream(size, total) {
  const frame = new Uint8Array(HEADER_MAX + size);
  const one = frame.subarray(0, writeHeader(frame, 0, size) + size);
  const count = Math.max(1, Math.floor(total / one.length));
  const stream = new Uint8Array(one.length * count);
  for (let i = 0; i < count; i++) stream.set(one, i * one.length);
  return { stream, count };
}

/**
 * Hands bytes[start, end) to a FrameDecoder the way the connection does with each read: straight into
 * the decoder's target (a native copy, as the TCP's read(view) makes), then filled(n).
 * (FrameDecoder.push copies in a JavaScript loop: the connection does not use it.)
 */
export function deliver(decoder, bytes, start, end, sink) {
  while (start < end) {
    const room = decoder.room;
    const n = room < end - start ? room : end - start;
    decoder.target.set(bytes.subarray(start, start + n), decoder.targetStart);
    start += n;
    if (!decoder.filled(n, sink)) return false;
  }
  return true;
}

/** Feeds `stream` to a decoder in `chunk`-byte pieces; returns messages and payload bytes seen. */
export function feeder(stream, chunk) {
  const decoder = new FrameDecoder(new Uint8Array(65536), 1 << 24); // the Node host's receive buffer
  let messages = 0;
  let bytes = 0;
  const sink = (b, s, e) => {
    messages++;
    bytes += e - s;
    return true;
  };
  const feed = () => {
    for (let at = 0; at < stream.length; at += chunk) {
      const end = at + chunk < stream.length ? at + chunk : stream.length;
      deliver(decoder, stream, at, end, sink);
    }
  };
  return { feed, seen: () => ({ messages, bytes }), reset: () => { messages = 0; bytes = 0; } };
}

export function framingRows({ reps = 5, targetMs = 100, streamBytes = 1 << 20 } = {}) {
  const rows = [];
  for (const size of FRAME_SIZES) {
    const { stream, count } = frameStream(size, streamBytes);
    for (const chunk of CHUNK_SIZES) {
      const f = feeder(stream, chunk);
      f.feed();
      const seen = f.seen();
      const iterations = calibrate(f.feed, targetMs);
      const streams = [];
      for (let r = 0; r < reps; r++) streams.push(iterations / timeLoop(f.feed, iterations));
      const s = stats(streams);
      rows.push({
        name: `${size} B msgs, ${chunk} B chunks`, size, chunk, streamBytes: stream.length,
        messagesPerStream: count, seenMessages: seen.messages, seenBytes: seen.bytes,
        messagesPerSecond: stats(streams.map((x) => x * count)),
        megabytesPerSecond: stats(streams.map((x) => (x * stream.length) / 1e6)),
        spread: s.spread,
      });
    }
  }
  return rows;
}
