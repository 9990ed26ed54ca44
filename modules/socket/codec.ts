// The codec (docs/protocol.md): values to bytes and back, through a DataView, big-endian. Pure: it knows
// nothing of sockets; UTF-8 comes from the host's text functions.

import { HEADER_MAX, writeHeaderBefore } from "./framing.js";
import {
  KIND_IMAGE, KIND_JSON, KIND_NUMBER, KIND_STRING, kindOf, readElement, writeElement, type TypeInfo,
  T_BYTE, T_DOUBLE, T_FLOAT, T_INT, T_SHORT, T_UBYTE, T_UINT, T_USHORT, toJavaInt, toJavaUint,
} from "./types.js";
import { incompleteTail, utf16Units, utf8Length } from "./utf8.js";

export interface TextCodec {
  encodeUTF8Into(text: string, dest: Uint8Array): number;
  decodeUTF8(bytes: Uint8Array): string;
}

// Room past the capacity for one more UTF-8 character: encodeInto stops early only when fewer than
// 4 bytes remain, so a text of up to `capacity` bytes is known whole without counting it.
const UTF8_SLACK = 4;

/** Data that cannot be sent or received as the configured type; nothing was written or emitted. */
export class CodecError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

function notConvertible(value: unknown, type: TypeInfo, detail = ""): CodecError {
  return new CodecError("EINVALIDDATA", `Cannot send ${kindOf(value)} as ${type.name}${detail}`);
}

/**
 * Encodes each send() into one contiguous byte range: the payload, preceded by its frame header
 * when framed. The range lives in a scratch buffer preallocated at `capacity` bytes and reused
 * (valid until the next encode); only a message larger than that gets a buffer of its own.
 * encode(value, framed, true) returns a range the caller may keep (a message to queue): it stays
 * in the scratch, and later encodes go after it, until done() has been called for every kept range
 * of the scratch, or release() for all of them; then the scratch is free from its start again.
 * When it is full of kept messages, encoding goes on in the previous scratch if all of its kept
 * ranges are done, else in a new one. So queued messages are encoded in place, with no copy and,
 * in steady state, no allocation; at most two scratches are held (release() drops the second).
 * Validation happens as it writes, and nothing is returned on failure: all-or-nothing (docs/protocol.md).
 */
export class Encoder {
  readonly type: TypeInfo;
  #text: TextCodec;
  #scratch: Uint8Array;
  #view: DataView;
  #last: Uint8Array | null = null; // the view #finish() returned last, on the scratch
  #base = 0; // scratch bytes before this are kept messages; encodes start here
  #kept = 0; // kept ranges on #scratch not done yet
  #previous: Uint8Array | null = null; // the scratch before this one, while kept ranges may be on it
  #previousKept = 0;
  #keep = false; // the encode under way returns a range the caller keeps

  constructor(type: TypeInfo, text: TextCodec, capacity: number) {
    this.type = type;
    this.#text = text;
    this.#scratch = new Uint8Array(HEADER_MAX + capacity + UTF8_SLACK);
    this.#view = new DataView(this.#scratch.buffer);
  }

  /** Throws CodecError when `value` cannot be converted. `keep`: see the class comment. */
  encode(value: unknown, framed: boolean, keep = false): Uint8Array {
    this.#keep = keep;
    switch (this.type.kind) {
      case KIND_NUMBER: return this.#numbers(value, framed);
      case KIND_STRING: return this.#string(this.#asText(value), framed);
      case KIND_JSON: return this.#string(this.#asJSON(value), framed);
      default: return this.#image(value, framed);
    }
  }

  /** A range returned with `keep` is no longer in use (any other range is ignored). */
  done(range: Uint8Array): void {
    if (range.buffer === this.#scratch.buffer) {
      if (--this.#kept === 0) this.#base = 0;
    } else if (this.#previous !== null && range.buffer === this.#previous.buffer) {
      this.#previousKept--;
    }
  }

  /** No range returned with `keep` is in use any more. */
  release(): void {
    this.#base = 0;
    this.#kept = 0;
    this.#previous = null;
    this.#previousKept = 0;
  }

  // Space for a payload of `n` bytes at #base + HEADER_MAX: the scratch if it fits, another
  // scratch if this one is taken by kept messages, else a buffer of its own.
  #room(n: number): Uint8Array {
    const scratch = this.#scratch;
    if (this.#base + HEADER_MAX + n <= scratch.length) return scratch;
    if (HEADER_MAX + n > scratch.length) return new Uint8Array(HEADER_MAX + n);
    const next = this.#previous !== null && this.#previousKept === 0 ? this.#previous : new Uint8Array(scratch.length);
    this.#previous = scratch;
    this.#previousKept = this.#kept;
    this.#scratch = next;
    this.#view = new DataView(next.buffer);
    this.#last = null;
    this.#base = 0;
    this.#kept = 0;
    return next;
  }

  // Where the payload goes in `bytes` (from #room).
  #at(bytes: Uint8Array): number {
    return bytes === this.#scratch ? this.#base + HEADER_MAX : HEADER_MAX;
  }

  // The range as a view; on the scratch, the view of the last encode is reused when the range is
  // the same (messages of one size): no allocation per send.
  #finish(bytes: Uint8Array, n: number, framed: boolean): Uint8Array {
    const at = this.#at(bytes);
    const end = at + n;
    const start = framed ? writeHeaderBefore(bytes, at, n) : at;
    if (bytes !== this.#scratch) return bytes.subarray(start, end);
    if (this.#keep) {
      this.#base = end;
      this.#kept++;
      return bytes.subarray(start, end);
    }
    const last = this.#last;
    if (last !== null && last.byteOffset === start && last.length === end - start) return last;
    return (this.#last = bytes.subarray(start, end));
  }

  #numbers(value: unknown, framed: boolean): Uint8Array {
    const { code, size } = this.type;
    if (typeof value === "number") {
      const bytes = this.#room(size);
      const view = bytes === this.#scratch ? this.#view : new DataView(bytes.buffer);
      writeElement(view, this.#at(bytes), code, value);
      return this.#finish(bytes, size, framed);
    }
    if (!Array.isArray(value) && !(ArrayBuffer.isView(value) && !(value instanceof DataView)))
      throw notConvertible(value, this.type);
    const list = value as ArrayLike<unknown>;
    const n = list.length * size;
    const bytes = this.#room(n);
    const view = bytes === this.#scratch ? this.#view : new DataView(bytes.buffer);
    const bad = writeElements(view, this.#at(bytes), code, list);
    if (bad >= 0) throw notConvertible(list[bad], this.type, ` (element ${bad} of the array)`);
    return this.#finish(bytes, n, framed);
  }

  #asText(value: unknown): string {
    if (typeof value === "string") return value;
    if (typeof value === "number") return String(value); // docs/protocol.md: its decimal text
    if (Array.isArray(value)) {
      let text = "";
      for (let i = 0; i < value.length; i++) {
        const part = value[i];
        if (typeof part === "string" || typeof part === "number") text += part;
        else throw notConvertible(part, this.type, ` (element ${i} of the array)`);
      }
      return text;
    }
    throw notConvertible(value, this.type);
  }

  #asJSON(value: unknown): string {
    let text: string | undefined;
    try {
      text = JSON.stringify(value);
    } catch (e) {
      throw notConvertible(value, this.type, ` (${(e as Error).message})`);
    }
    if (text === undefined) throw notConvertible(value, this.type);
    return text;
  }

  #string(text: string, framed: boolean): Uint8Array {
    // 3 bytes per UTF-16 unit is the most UTF-8 can take; under that bound it fits the scratch.
    // Over it, but with no more units than free bytes, it may fit: encode, and it did unless
    // fewer than 4 bytes (one character) were left over and the bytes hold fewer units than the
    // text. Only a text that does not fit is measured exactly (a loop over it in JavaScript).
    if (HEADER_MAX + text.length <= this.#scratch.length) {
      const scratch = this.#room(text.length); // this scratch, or a new one if kept messages fill it
      const at = this.#at(scratch);
      const space = scratch.length - at;
      const n = this.#text.encodeUTF8Into(text, scratch.subarray(at));
      if (text.length * 3 <= space || space - n >= 4 || utf16Units(scratch, at, at + n) === text.length)
        return this.#finish(scratch, n, framed);
    }
    const bytes = this.#room(utf8Length(text));
    const n = this.#text.encodeUTF8Into(text, bytes.subarray(this.#at(bytes)));
    return this.#finish(bytes, n, framed);
  }

  #image(value: unknown, framed: boolean): Uint8Array {
    let source: Uint8Array;
    if (value instanceof ArrayBuffer) source = new Uint8Array(value);
    else if (ArrayBuffer.isView(value)) source = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    else throw notConvertible(value, this.type);
    if (!framed && !this.#keep) return source; // written as it is; the connection copies what it must queue
    const bytes = this.#room(source.length);
    bytes.set(source, this.#at(bytes));
    return this.#finish(bytes, source.length, framed);
  }
}

/**
 * Writes every element of `list` from `at` on, as writeElement() would; returns the index of the
 * first element that is not a number (the bytes written so far are not used), or -1. One loop per
 * type, the switch outside it: a call per element would box each double (16 bytes per element).
 * `+x` (x is a number already) keeps V8 from boxing elements of a holey array (`new Array(n)`)
 * on their way into toJavaInt: 16 kB less per 1000-element send.
 */
function writeElements(view: DataView, at: number, code: number, list: ArrayLike<unknown>): number {
  const n = list.length;
  let i = 0;
  switch (code) {
    case T_DOUBLE:
      for (; i < n; i++, at += 8) {
        const x = list[i];
        if (typeof x !== "number") return i;
        view.setFloat64(at, x, false);
      }
      return -1;
    case T_FLOAT:
      for (; i < n; i++, at += 4) {
        const x = list[i];
        if (typeof x !== "number") return i;
        view.setFloat32(at, x, false);
      }
      return -1;
    case T_INT:
      for (; i < n; i++, at += 4) {
        const x = list[i];
        if (typeof x !== "number") return i;
        view.setInt32(at, toJavaInt(+x), false);
      }
      return -1;
    case T_UINT:
      for (; i < n; i++, at += 4) {
        const x = list[i];
        if (typeof x !== "number") return i;
        view.setUint32(at, toJavaUint(+x), false);
      }
      return -1;
    case T_SHORT:
    case T_USHORT:
      for (; i < n; i++, at += 2) {
        const x = list[i];
        if (typeof x !== "number") return i;
        view.setInt16(at, toJavaInt(+x), false);
      }
      return -1;
    default: // T_BYTE, T_UBYTE
      for (; i < n; i++, at += 1) {
        const x = list[i];
        if (typeof x !== "number") return i;
        view.setInt8(at, toJavaInt(+x));
      }
      return -1;
  }
}

/**
 * Stores the elements of view[0, n) (n a whole number of elements) in `out` from index `i` on and
 * returns it. One loop per type, the switch outside it. A new array is made with
 * `new Array(count).fill(0)`: filling a `new Array(count)` that has holes costs XS about 20 times
 * more per element (bench/xs.js), and appending to `[]` costs V8 2.5 times more.
 */
function readElements(view: DataView, n: number, code: number, out: number[], i: number): number[] {
  switch (code) {
    case T_BYTE: for (let at = 0; at < n; at += 1) out[i++] = view.getInt8(at); break;
    case T_UBYTE: for (let at = 0; at < n; at += 1) out[i++] = view.getUint8(at); break;
    case T_SHORT: for (let at = 0; at < n; at += 2) out[i++] = view.getInt16(at, false); break;
    case T_USHORT: for (let at = 0; at < n; at += 2) out[i++] = view.getUint16(at, false); break;
    case T_INT: for (let at = 0; at < n; at += 4) out[i++] = view.getInt32(at, false); break;
    case T_UINT: for (let at = 0; at < n; at += 4) out[i++] = view.getUint32(at, false); break;
    case T_FLOAT: for (let at = 0; at < n; at += 4) out[i++] = view.getFloat32(at, false); break;
    default: for (let at = 0; at < n; at += 8) out[i++] = view.getFloat64(at, false); break;
  }
  return out;
}

/**
 * Decodes one framed message (docs/protocol.md). Throws CodecError for a bad numeric length or bad JSON.
 * `own`: bytes is exactly this payload's own buffer (see MessageSink): an image is returned without a copy.
 */
export function decodeMessage(type: TypeInfo, text: TextCodec, bytes: Uint8Array, start: number, end: number, own = false): unknown {
  const n = end - start;
  switch (type.kind) {
    case KIND_NUMBER: {
      const size = type.size;
      if (n === 0 || n % size !== 0)
        throw new CodecError("EBADLENGTH", `Received a ${type.name} message of ${n} bytes, not a whole number of ${size}-byte elements`);
      const view = new DataView(bytes.buffer, bytes.byteOffset + start, n);
      if (n === size) return readElement(view, 0, type.code);
      // filled with a number of the elements' kind (a small integer, or not), so that V8 does not
      // convert the whole array to doubles once more on the first store
      const code = type.code;
      const fill = code === T_BYTE || code === T_UBYTE || code === T_SHORT || code === T_USHORT ? 0 : 0.5;
      return readElements(view, n, code, new Array<number>(n / size).fill(fill), 0);
    }
    case KIND_STRING: return text.decodeUTF8(bytes.subarray(start, end));
    case KIND_JSON: {
      const source = text.decodeUTF8(bytes.subarray(start, end));
      try {
        return JSON.parse(source);
      } catch {
        throw new CodecError("EBADJSON", `Received invalid JSON (${n} bytes): ${source.length > 40 ? source.slice(0, 40) + "…" : source}`);
      }
    }
    default: return own ? bytes.buffer as ArrayBuffer : copyBytes(bytes, start, end);
  }
}

function copyBytes(bytes: Uint8Array, start: number, end: number): ArrayBuffer {
  return bytes.slice(start, end).buffer as ArrayBuffer; // a copy of exactly these bytes
}

/** A view (no copy, no allocation of bytes) of `length` bytes of the buffer under `bytes`, from byte `start` of that buffer. */
export function viewOf(bytes: Uint8Array, start: number, length: number): Uint8Array {
  return new Uint8Array(bytes.buffer, start, length);
}

export type ValueSink = (value: unknown) => boolean;

/**
 * Decodes an unframed stream (docs/protocol.md). Bytes of a numeric element or of a UTF-8 sequence cut by
 * the chunking are carried (at most 7) to the next chunk, so nothing is lost or corrupted.
 */
export class RawDecoder {
  readonly type: TypeInfo;
  readonly batch: boolean;
  #text: TextCodec;
  #carry = new Uint8Array(16); // carried bytes (≤ 7) followed by the bytes that complete them
  #carryView = new DataView(this.#carry.buffer);
  #carried = 0;

  constructor(type: TypeInfo, text: TextCodec, batch: boolean) {
    this.type = type;
    this.#text = text;
    this.batch = batch;
  }

  /** Bytes held back, waiting for the rest of their element or character. */
  get pendingBytes(): number {
    return this.#carried;
  }

  /** Decodes bytes[start, end) and emits through `sink`; returns false if the sink stopped it. */
  push(bytes: Uint8Array, start: number, end: number, sink: ValueSink): boolean {
    if (start === end) return true;
    switch (this.type.kind) {
      case KIND_NUMBER: return this.#numbers(bytes, start, end, sink);
      case KIND_IMAGE: return sink(copyBytes(bytes, start, end));
      default: return this.#string(bytes, start, end, sink);
    }
  }

  #numbers(bytes: Uint8Array, start: number, end: number, sink: ValueSink): boolean {
    const { size, code } = this.type;
    const batch: number[] | null = this.batch ? [] : null;
    let i = start;
    if (this.#carried > 0) { // complete the element begun in an earlier chunk
      const take = Math.min(size - this.#carried, end - i);
      this.#carry.set(bytes.subarray(i, i + take), this.#carried);
      this.#carried += take;
      i += take;
      if (this.#carried < size) return true;
      this.#carried = 0;
      const x = readElement(this.#carryView, 0, code);
      if (batch) batch.push(x);
      else if (!sink(x)) return false;
    }
    const whole = i + Math.floor((end - i) / size) * size;
    if (batch) {
      if (whole > i) readElements(new DataView(bytes.buffer, bytes.byteOffset + i, whole - i), whole - i, code, batch, batch.length);
    } else {
      const view = new DataView(bytes.buffer, bytes.byteOffset, end);
      for (; i < whole; i += size) if (!sink(readElement(view, i, code))) return false;
    }
    if (whole < end) {
      this.#carry.set(bytes.subarray(whole, end), 0);
      this.#carried = end - whole;
    }
    return batch && batch.length > 0 ? sink(batch) : true;
  }

  #string(bytes: Uint8Array, start: number, end: number, sink: ValueSink): boolean {
    let prefix = "";
    let i = start;
    if (this.#carried > 0) { // finish the character begun in an earlier chunk
      const have = this.#carried;
      const take = Math.min(4 - have, end - i);
      this.#carry.set(bytes.subarray(i, i + take), have);
      const held = incompleteTail(this.#carry, 0, have + take);
      if (held === have + take) { // still incomplete
        this.#carried = held;
        return true;
      }
      const used = have + take - held; // bytes of the carry decoded now
      prefix = this.#text.decodeUTF8(this.#carry.subarray(0, used));
      i += used - have;
      this.#carried = 0;
    }
    const tail = incompleteTail(bytes, i, end);
    if (tail > 0) {
      this.#carry.set(bytes.subarray(end - tail, end), 0);
      this.#carried = tail;
    }
    const text = prefix + (end - tail > i ? this.#text.decodeUTF8(bytes.subarray(i, end - tail)) : "");
    return text.length > 0 ? sink(text) : true;
  }

  reset(): void {
    this.#carried = 0;
  }
}
