// The codec (docs/protocol.md "Types"): values to payload bytes and back, through a DataView,
// big-endian. Pure: it knows nothing of sockets, frames or queues; UTF-8 comes from the host.

import {
  aType, KIND_IMAGE, KIND_JSON, KIND_NUMBER, KIND_STRING, kindOf, readNumbers, T_BYTE, T_SHORT, T_UBYTE,
  T_USHORT, writeNumbers, type TypeInfo,
} from "./types.js";
import { incompleteTail, utf16Units } from "./utf8.js";

// Literals of the per-message paths as constants: on XS each evaluation of a literal allocates
// (see types.ts).
const NUMBER = "number";
const STRING = "string";

/** UTF-8, from the host: one per connection (it may keep a TextEncoder and a TextDecoder). */
export interface TextCodec {
  /** UTF-8 of `text` into dest[at, end); returns the bytes written (it stops before a character that does not fit). */
  encodeUTF8Into(text: string, dest: Uint8Array, at: number, end: number): number;
  /** Decodes complete UTF-8 in bytes[start, end) (invalid sequences become U+FFFD). */
  decodeUTF8(bytes: Uint8Array, start: number, end: number): string;
  /** The bytes `text` takes in UTF-8 (a lone surrogate: 3, as U+FFFD). */
  utf8Length(text: string): number;
}

/** Data that cannot be sent or received as the configured type; nothing was written or emitted. */
export class CodecError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

/**
 * What the encoder and the decoder of one connection share (one of each per connection, on a
 * device): a DataView over the whole buffer of the Uint8Array asked about, kept while the buffer
 * is the same (the connection's memory holds the receive buffer and the send ring, so one view
 * serves both: made once, not per message; a message in a buffer of its own gets a new one), and
 * a one-element list through which a single number is written or read (nothing allocated).
 * Each use is over before the call that made it returns, so sharing them is safe.
 */
export class CodecScratch {
  readonly one: number[] = [0];
  #buffer: ArrayBufferLike | null = null;
  #view: DataView | null = null;

  of(bytes: Uint8Array): DataView {
    const buffer = bytes.buffer;
    if (buffer !== this.#buffer) {
      this.#view = new DataView(buffer);
      this.#buffer = buffer;
    }
    return this.#view!;
  }
}

function notConvertible(value: unknown, type: TypeInfo, detail = ""): CodecError {
  return new CodecError("EINVALIDDATA", `Cannot send ${kindOf(value)} as ${type.name}${detail}`);
}

/**
 * Turns each send() value into its payload bytes. Two steps, so that the caller can place the
 * payload (and a frame header before it) where it will be written from:
 *   measure(value) checks the value and returns its payload length, or -1 when only encoding
 *     tells (text: its UTF-8 length);
 *   write(dest, at, end) writes the value measured last into dest[at, end) and returns its length,
 *     or -1 if it did not fit; then `needed` is its exact length (write again with room for it).
 * Throws CodecError when the value cannot be converted; nothing of it is used then (all-or-nothing).
 */
export class Encoder {
  readonly type: TypeInfo;
  /** After write() returned -1: the payload's length in bytes, or for a text a lower bound (see exact). */
  needed = 0;
  /** Whether `needed` is the exact length (a text is measured only once a guess did not fit). */
  exact = true;
  #text: TextCodec;
  #value: unknown = undefined; // what measure() accepted: an array-like, bytes or a text
  #textLength = -1; // the UTF-8 length of the text in #value, once measured
  #scratch: CodecScratch;

  constructor(type: TypeInfo, text: TextCodec, scratch: CodecScratch = new CodecScratch()) {
    this.type = type;
    this.#text = text;
    this.#scratch = scratch;
  }

  measure(value: unknown): number {
    const type = this.type;
    switch (type.kind) {
      case KIND_NUMBER: {
        if (typeof value === NUMBER) {
          const one = this.#scratch.one; // written from in write(), before anything else uses it
          one[0] = value as number;
          this.#value = one;
          return type.size;
        }
        if (!Array.isArray(value) && !(ArrayBuffer.isView(value) && !(value instanceof DataView)))
          throw notConvertible(value, type);
        const n = (value as ArrayLike<unknown>).length;
        if (n === 0) throw new CodecError("EINVALIDDATA", `Cannot send an empty array as ${type.name}: a numeric message holds at least one element`);
        this.#value = value;
        return n * type.size;
      }
      case KIND_STRING:
        this.#value = Encoder.#asText(this, value);
        this.#textLength = -1;
        return -1;
      case KIND_JSON:
        this.#value = Encoder.#asJSON(this, value);
        this.#textLength = -1;
        return -1;
      default: {
        const bytes = Encoder.#asBytes(this, value);
        this.#value = bytes;
        return bytes.length;
      }
    }
  }

  write(dest: Uint8Array, at: number, end: number): number {
    const type = this.type;
    const value = this.#value;
    switch (type.kind) {
      case KIND_NUMBER: {
        const n = (value as ArrayLike<unknown>).length * type.size;
        if (at + n > end) return Encoder.#tooSmall(this, n);
        const bad = writeNumbers(this.#scratch.of(dest), dest, at, type.code, value as ArrayLike<unknown>);
        if (bad >= 0) throw notConvertible((value as ArrayLike<unknown>)[bad], type, ` (element ${bad} of the array)`);
        return n;
      }
      case KIND_IMAGE: {
        const bytes = value as Uint8Array;
        if (at + bytes.length > end) return Encoder.#tooSmall(this, bytes.length);
        dest.set(bytes, at);
        return bytes.length;
      }
      default:
        return Encoder.#writeText(this, value as string, dest, at, end);
    }
  }

  static #tooSmall(self: Encoder, n: number, exact = true): number {
    self.needed = n;
    self.exact = exact;
    return -1;
  }

  // 3 bytes per UTF-16 unit is the most UTF-8 takes. With no more units than free bytes the text
  // may fit: encode it; it did unless fewer than 4 bytes (one character) were left over and the
  // bytes stand for fewer units than the text has. A text that was not tried says it needs at least
  // as many bytes as it has units (not exact); one that was tried and did not fit is measured.
  static #writeText(self: Encoder, text: string, dest: Uint8Array, at: number, end: number): number {
    const space = end - at; // may be negative: then it does not fit
    const units = text.length; // once: in XS, a string's length is counted over its UTF-8 each time
    if (units <= space) {
      const n = self.#text.encodeUTF8Into(text, dest, at, end);
      if (units * 3 <= space || space - n >= 4 || utf16Units(dest, at, at + n) === units) return n;
      if (self.#textLength < 0) self.#textLength = self.#text.utf8Length(text); // not a loop over the text here: indexing a string is O(n) in XS
    }
    return self.#textLength >= 0 ? Encoder.#tooSmall(self, self.#textLength) : Encoder.#tooSmall(self, units, false);
  }

  static #asText(self: Encoder, value: unknown): string {
    if (typeof value === STRING) return value as string;
    if (typeof value === NUMBER) return String(value); // its decimal text
    if (Array.isArray(value)) {
      let text = "";
      for (let i = 0; i < value.length; i++) {
        const part = value[i];
        if (typeof part === STRING || typeof part === NUMBER) text += part as string;
        else throw notConvertible(part, self.type, ` (element ${i} of the array)`);
      }
      return text;
    }
    throw notConvertible(value, self.type);
  }

  static #asJSON(self: Encoder, value: unknown): string {
    let text: string | undefined;
    try {
      text = JSON.stringify(value);
    } catch (e) {
      throw notConvertible(value, self.type, ` (${(e as Error).message})`);
    }
    if (text === undefined) throw notConvertible(value, self.type);
    return text;
  }

  static #asBytes(self: Encoder, value: unknown): Uint8Array {
    let bytes: Uint8Array;
    if (value instanceof Uint8Array) bytes = value; // as it is: no view made per send
    else if (value instanceof ArrayBuffer) bytes = new Uint8Array(value);
    else if (ArrayBuffer.isView(value)) bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    else throw notConvertible(value, self.type);
    const magic = self.type.magic;
    if (magic !== null && !magic.some((m) => startsWith(bytes, m)))
      throw new CodecError("EINVALIDDATA", `Cannot send ${bytes.length} bytes as ${self.type.name}: they do not start with the ${self.type.name} signature`);
    return bytes;
  }
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

/**
 * Decodes whole messages (framed, docs/protocol.md "Framing"): a number for one numeric element,
 * an array for more, a string, a parsed JSON value, or an image's bytes as an ArrayBuffer.
 * Throws CodecError for a numeric payload that is empty or not a whole number of elements, and
 * for invalid JSON.
 */
export class MessageDecoder {
  readonly type: TypeInfo;
  #text: TextCodec;
  #numbers: (n: number, small: boolean) => number[];
  #scratch: CodecScratch;

  /**
   * `numbers(n, small)`: the array n decoded elements are written into, from index 0 (the host's
   * numberArray: what is fast differs between engines). By default an empty one.
   */
  constructor(type: TypeInfo, text: TextCodec, numbers: (n: number, small: boolean) => number[] = emptyArray, scratch: CodecScratch = new CodecScratch()) {
    this.type = type;
    this.#text = text;
    this.#numbers = numbers;
    this.#scratch = scratch;
  }

  /** `own`: `bytes` is a buffer of exactly this payload, made for it: an image is returned without a copy. */
  decode(bytes: Uint8Array, start: number, end: number, own: boolean): unknown {
    const type = this.type;
    const n = end - start;
    switch (type.kind) {
      case KIND_NUMBER: {
        const size = type.size;
        if (n === 0 || n % size !== 0) {
          const why = n === 0 ? `a numeric message holds at least one ${size}-byte element` : `not a whole number of ${size}-byte elements`;
          throw new CodecError("EBADLENGTH", `Received ${aType(type)} message of ${n} bytes: ${why}`);
        }
        const view = this.#scratch.of(bytes);
        if (n === size) return readNumbers(view, bytes, start, end, type.code, this.#scratch.one, 0)[0];
        const code = type.code;
        const small = code === T_BYTE || code === T_UBYTE || code === T_SHORT || code === T_USHORT;
        return readNumbers(view, bytes, start, end, code, this.#numbers(n / size, small), 0);
      }
      case KIND_STRING: return this.#text.decodeUTF8(bytes, start, end);
      case KIND_JSON: {
        const source = this.#text.decodeUTF8(bytes, start, end);
        try {
          return JSON.parse(source);
        } catch {
          throw new CodecError("EBADJSON", `Received invalid JSON (${n} bytes): ${source.length > 40 ? source.slice(0, 40) + "…" : source}`);
        }
      }
      default: return own && start === 0 && end === bytes.byteLength ? bytes.buffer as ArrayBuffer : copyBytes(bytes, start, end);
    }
  }
}

const emptyArray = (): number[] => [];

function copyBytes(bytes: Uint8Array, start: number, end: number): ArrayBuffer {
  return bytes.slice(start, end).buffer as ArrayBuffer; // a copy of exactly these bytes
}

/** Called with each value decoded from a stream; returns false to stop decoding. */
export type ValueSink = (value: unknown) => boolean;

/**
 * Decodes an unframed stream (docs/protocol.md "Raw mode"): feed() it a chunk, then take the
 * values with next() until it returns undefined (the caller pulls: nothing of the decoder is on
 * the stack while a value is handled). Bytes of a numeric element or of a UTF-8 sequence cut by
 * the chunking are carried (at most 7) to the next chunk, so nothing is lost or corrupted.
 */
export class RawDecoder {
  /** The bytes a carry takes: an element cut by the chunking (≤ 7 bytes) and the rest of it. */
  static readonly CARRY_BYTES = 8;
  readonly type: TypeInfo;
  readonly batch: boolean;
  #text: TextCodec;
  #carry: Uint8Array; // carried bytes followed by the bytes that complete them
  #carried = 0;
  #scratch: CodecScratch;
  #bytes: Uint8Array | null = null; // the chunk being decoded: #bytes[#at, #end)
  #at = 0;
  #end = 0;

  /** `carry`: CARRY_BYTES where carried bytes are kept (best in the buffer `scratch` views already). */
  constructor(type: TypeInfo, text: TextCodec, batch: boolean, scratch: CodecScratch = new CodecScratch(), carry: Uint8Array = new Uint8Array(RawDecoder.CARRY_BYTES)) {
    this.type = type;
    this.#text = text;
    this.batch = batch;
    this.#scratch = scratch;
    this.#carry = carry;
  }

  /** Bytes held back, waiting for the rest of their element or character. */
  get pendingBytes(): number {
    return this.#carried;
  }

  /** The next chunk to decode, bytes[start, end): valid until next() returns undefined. */
  feed(bytes: Uint8Array, start: number, end: number): void {
    this.#bytes = bytes;
    this.#at = start;
    this.#end = end;
  }

  /** The next value decoded from the chunk fed, or undefined when it holds no more. */
  next(): unknown {
    const bytes = this.#bytes;
    if (bytes === null) return undefined;
    switch (this.type.kind) {
      case KIND_NUMBER: return RawDecoder.#number(this, bytes);
      case KIND_IMAGE: {
        this.#bytes = null;
        return this.#at < this.#end ? copyBytes(bytes, this.#at, this.#end) : undefined;
      }
      default: return RawDecoder.#string(this, bytes);
    }
  }

  /** feed(), then each value to `sink`; returns false if the sink stopped it. */
  push(bytes: Uint8Array, start: number, end: number, sink: ValueSink): boolean {
    this.feed(bytes, start, end);
    let value: unknown;
    while ((value = this.next()) !== undefined) if (!sink(value)) return false;
    return true;
  }

  // One element (or, batched, every whole element left) of the chunk; the rest is carried.
  static #number(self: RawDecoder, bytes: Uint8Array): number | number[] | undefined {
    const { size, code } = self.type;
    let i = self.#at;
    const end = self.#end;
    let first: number | undefined;
    if (self.#carried > 0) { // complete the element begun in an earlier chunk
      const take = Math.min(size - self.#carried, end - i);
      for (let k = 0; k < take; k++) self.#carry[self.#carried + k] = bytes[i + k]!;
      self.#carried += take;
      self.#at = i += take;
      if (self.#carried < size) {
        self.#bytes = null;
        return undefined;
      }
      self.#carried = 0;
      const carry = self.#carry;
      first = readNumbers(self.#scratch.of(carry), carry, 0, size, code, self.#scratch.one, 0)[0]!;
      if (!self.batch) return first;
    }
    const whole = i + Math.floor((end - i) / size) * size;
    let value: number | number[] | undefined = first;
    if (self.batch) {
      const batch: number[] = first === undefined ? [] : [first];
      if (whole > i) readNumbers(self.#scratch.of(bytes), bytes, i, whole, code, batch, batch.length);
      value = batch.length > 0 ? batch : undefined;
      i = whole;
    } else if (whole > i) {
      self.#at = i + size;
      return readNumbers(self.#scratch.of(bytes), bytes, i, i + size, code, self.#scratch.one, 0)[0];
    }
    for (let k = i; k < end; k++) self.#carry[k - i] = bytes[k]!; // the start of an element: carried
    self.#carried += end - i;
    self.#bytes = null;
    return value;
  }

  // All of the chunk at once: its text, with a character cut at either end completed or carried.
  static #string(self: RawDecoder, bytes: Uint8Array): string | undefined {
    self.#bytes = null;
    const end = self.#end;
    let i = self.#at;
    if (i === end) return undefined;
    let prefix: string | null = null; // (not "": a literal, see NUMBER)
    if (self.#carried > 0) { // finish the character begun in an earlier chunk
      const have = self.#carried;
      const take = Math.min(4 - have, end - i);
      for (let k = 0; k < take; k++) self.#carry[have + k] = bytes[i + k]!;
      const held = incompleteTail(self.#carry, 0, have + take);
      if (held === have + take) { // still incomplete
        self.#carried = held;
        return undefined;
      }
      const used = have + take - held; // bytes of the carry decoded now
      prefix = self.#text.decodeUTF8(self.#carry, 0, used);
      i += used - have;
      self.#carried = 0;
    }
    const tail = incompleteTail(bytes, i, end);
    if (tail > 0) {
      for (let k = 0; k < tail; k++) self.#carry[k] = bytes[end - tail + k]!;
      self.#carried = tail;
    }
    const rest = end - tail > i ? self.#text.decodeUTF8(bytes, i, end - tail) : null;
    const text = prefix === null ? rest : rest === null ? prefix : prefix + rest;
    return text !== null && text.length > 0 ? text : undefined;
  }

  reset(): void {
    this.#carried = 0;
    this.#bytes = null;
  }
}
