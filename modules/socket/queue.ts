// The outgoing queue: where each send() is encoded, and where what the socket cannot take yet
// waits, in order. One ring buffer, preallocated at sendBufferSize (+ room for a header and one
// UTF-8 character): a message is encoded into its free part, written from there, and what is not
// written stays there. Only a message larger than the free part gets a buffer of its own. The
// bytes waiting are bounded by maxUnsentBytes, the messages by maxUnsentMessages.

import type { Encoder } from "./codec.js";
import { HEADER_MAX, headerLength, writeHeader } from "./framing.js";

// Room past the capacity for one more UTF-8 character: encodeInto stops early only when fewer
// than 4 bytes remain, so a text that fills the buffer is known whole without counting it.
const UTF8_SLACK = 4;

// The ranges' slots made at first: as many as messages may wait, up to 63; else 8, doubled as needed.
function slotsFor(maxMessages: number): number {
  return maxMessages > 0 && maxMessages < 64 ? maxMessages : 8;
}

/** The message cannot wait: the queue is at one of its bounds. */
export class QueueFullError extends Error {
  readonly code = "EQUEUEFULL";
}

/**
 * Messages waiting, as ranges [start, end) of a buffer, in a circular list of preallocated slots;
 * ranges of the ring that lie end to end go out in one write.
 */
export class SendQueue {
  readonly maxMessages: number; // 0: no limit
  readonly maxBytes: number;
  #ring: Uint8Array;
  #ringHead = 0; // start of the oldest ring bytes waiting
  #ringTail = 0; // end of the newest
  #wrapped = false; // the newest ring bytes lie before the oldest
  #ringUsed = 0; // ranges waiting in the ring
  // the circular list of waiting ranges: slot i holds start, end and the count of messages at 3i,
  // 3i + 1, 3i + 2 (one message each, unless the list was full: then a message that follows the
  // last range end to end in the ring joins it, and the list does not grow); a range is in the ring
  // unless #own (made with the first message that has a buffer of its own) names its buffer
  #slots: number;
  #ranges: Int32Array;
  #own: (Uint8Array | null)[] | null = null;
  #first = 0;
  #used = 0; // slots in use
  #count = 0; // messages waiting
  #bytes = 0; // bytes waiting: bufferedAmount
  // the message staged last (encoded, not yet written or queued)
  #staged: Uint8Array;
  #stagedStart = 0;
  #stagedEnd = 0;
  #view: Uint8Array | null = null; // the view writable() returned last, reused while the range is the same

  /**
   * `memory`, from byte `at` (a multiple of 4) on: where the ranges and the ring are, bytes(capacity,
   * maxMessages) of it (a connection keeps them in one buffer with its receive buffer); by default
   * a buffer of their own.
   */
  constructor(capacity: number, maxMessages: number, maxBytes: number, memory?: ArrayBuffer, at = 0) {
    this.maxMessages = maxMessages;
    this.maxBytes = maxBytes;
    const slots = (this.#slots = slotsFor(maxMessages));
    memory ??= new ArrayBuffer(SendQueue.bytes(capacity, maxMessages));
    this.#ranges = new Int32Array(memory, at, 3 * slots);
    this.#ring = new Uint8Array(memory, at + 12 * slots, HEADER_MAX + capacity + UTF8_SLACK);
    this.#staged = this.#ring;
  }

  /** The bytes of memory a queue of this capacity takes: its ring, and 12 per slot of its ranges. */
  static bytes(capacity: number, maxMessages: number): number {
    return 12 * slotsFor(maxMessages) + HEADER_MAX + capacity + UTF8_SLACK;
  }

  /** Bytes waiting to be written. */
  get bytes(): number {
    return this.#bytes;
  }

  /** The slots of the list of waiting ranges (it grows only when a message cannot join the last range). */
  get slots(): number {
    return this.#slots;
  }

  /** Messages (or their rests) waiting. (Messages that joined one range count until all of it is written.) */
  get length(): number {
    return this.#count;
  }

  /**
   * Encodes `value` (with its frame header when `framed`) where it will be written from. Throws
   * CodecError when the value cannot be converted, QueueFullError when it would have to wait and
   * cannot (see canWait). The result is the staged range: see staged().
   */
  stage(encoder: Encoder, value: unknown, framed: boolean): number {
    let known = encoder.measure(value); // the payload's length, or -1 for a text (known once encoded)
    const ring = this.#ring;
    // Where to encode: the free part of the ring (all of it; or what lies between the newest and
    // the oldest bytes; or, before it wraps, the part after the newest bytes and, failing that,
    // the part before the oldest); failing that, a buffer of its own. One loop, no helper: this
    // runs inside a "data" listener that answers, on a device's small stack.
    let buffer = ring;
    let at = 0;
    let end = ring.length;
    let front = false; // tried the part before the oldest bytes
    if (this.#ringUsed > 0) {
      at = this.#ringTail;
      end = this.#wrapped ? this.#ringHead : ring.length;
    }
    for (;;) {
      const header = framed ? (known < 0 ? HEADER_MAX : headerLength(known)) : 0;
      let n = encoder.write(buffer, at + header, end); // -1 (and `needed` set) also when not even the header fits
      if (n >= 0) {
        if (framed) {
          if (header > headerLength(n)) buffer.copyWithin(at + 1, at + HEADER_MAX, at + HEADER_MAX + n); // a text that takes the short header
          n += writeHeader(buffer, at, n);
        }
        this.#staged = buffer;
        this.#stagedStart = at;
        this.#stagedEnd = at + n;
        return n;
      }
      known = encoder.exact ? encoder.needed : -1;
      if (buffer === ring && !front && this.#ringUsed > 0 && !this.#wrapped && this.#ringHead > 0) {
        front = true;
        at = 0;
        end = this.#ringHead;
        continue;
      }
      // Too large for the free part of the ring: a buffer of its own (twice at most: a text's
      // first size is a lower bound, its second exact).
      const least = (framed ? headerLength(encoder.needed) : 0) + encoder.needed; // ≤ what it takes
      if (this.#count > 0 && !this.canWait(least)) throw this.refusal(least);
      buffer = new Uint8Array(least + (framed && !encoder.exact ? HEADER_MAX - 1 : 0) + UTF8_SLACK);
      at = 0;
      end = buffer.length;
    }
  }

  /** A view of the staged message from byte `from` of it on, all of it or `n` bytes (what to write). */
  staged(from: number, n: number = this.#stagedEnd - this.#stagedStart - from): Uint8Array {
    return SendQueue.#viewOf(this, this.#staged, this.#stagedStart + from, this.#stagedStart + from + n);
  }

  /** Whether `n` more bytes in one more message stay within the bounds. */
  canWait(n: number): boolean {
    return (this.maxMessages === 0 || this.#count < this.maxMessages) && this.#bytes + n <= this.maxBytes;
  }

  /** Queues the staged message from byte `from` of it on (the rest of it, after a partial write). Throws QueueFullError. */
  keep(from: number): void {
    const start = this.#stagedStart + from;
    const end = this.#stagedEnd;
    if (start === end) return; // nothing to write (a raw send of no bytes): nothing waits
    if (!this.canWait(end - start)) throw this.refusal(end - start);
    const buffer = this.#staged;
    const ranges = this.#ranges;
    if (buffer === this.#ring) {
      if (this.#used === this.#slots) { // full: join the last range if this follows it in the ring
        const last = (this.#first + this.#used - 1) % this.#slots;
        if (SendQueue.#bufferOf(this, last) === buffer && ranges[3 * last + 1] === start) {
          ranges[3 * last + 1] = end;
          ranges[3 * last + 2]!++;
          this.#ringTail = end;
          this.#count++;
          this.#bytes += end - start;
          return;
        }
      }
      if (this.#ringUsed === 0) this.#ringHead = start;
      else if (start < this.#ringHead) this.#wrapped = true;
      this.#ringTail = end;
      this.#ringUsed++;
    }
    if (this.#used === this.#slots) SendQueue.#growSlots(this);
    const slot = (this.#first + this.#used) % this.#slots;
    if (buffer !== this.#ring) (this.#own ??= new Array<Uint8Array | null>(this.#slots).fill(null))[slot] = buffer;
    this.#ranges[3 * slot] = start;
    this.#ranges[3 * slot + 1] = end;
    this.#ranges[3 * slot + 2] = 1;
    this.#used++;
    this.#count++;
    this.#bytes += end - start;
  }

  /**
   * What to write next: the first range waiting, joined with the ranges that follow it end to end
   * in the same buffer, up to `max` bytes. Null when nothing waits.
   */
  writable(max: number): Uint8Array | null {
    if (this.#used === 0 || max <= 0) return null;
    const ranges = this.#ranges;
    let slot = this.#first;
    const buffer = SendQueue.#bufferOf(this, slot);
    const start = ranges[3 * slot]!;
    let end = ranges[3 * slot + 1]!;
    for (let i = 1; i < this.#used && end - start < max; i++) {
      slot = (slot + 1) % this.#slots;
      if (SendQueue.#bufferOf(this, slot) !== buffer || ranges[3 * slot] !== end) break;
      end = ranges[3 * slot + 1]!;
    }
    return SendQueue.#viewOf(this, buffer, start, Math.min(end, start + max));
  }

  /** `n` bytes from the front were written: drops what is done. */
  consume(n: number): void {
    this.#bytes -= n;
    const ranges = this.#ranges;
    while (n > 0) {
      const slot = this.#first;
      const left = ranges[3 * slot + 1]! - ranges[3 * slot]!;
      const own = this.#own === null ? null : this.#own[slot]!;
      if (n < left) {
        ranges[3 * slot] += n;
        if (own === null) this.#ringHead = ranges[3 * slot]!;
        return;
      }
      n -= left;
      const inRing = own === null;
      if (!inRing) this.#own![slot] = null; // drop the reference to a buffer of its own
      this.#first = (slot + 1) % this.#slots;
      this.#used--;
      this.#count -= ranges[3 * slot + 2]!;
      if (inRing) SendQueue.#ringDone(this);
    }
  }

  /** Drops everything waiting. */
  clear(): void {
    this.#own?.fill(null);
    this.#first = this.#used = this.#count = this.#bytes = 0;
    this.#ringUsed = this.#ringHead = this.#ringTail = 0;
    this.#wrapped = false;
    this.#staged = this.#ring;
    this.#view = null;
  }

  // A range of the ring is done: the oldest ring bytes now start at the next ring range.
  static #ringDone(self: SendQueue): void {
    if (--self.#ringUsed === 0) {
      self.#ringHead = self.#ringTail = 0;
      self.#wrapped = false;
      return;
    }
    for (let i = 0, slot = self.#first; i < self.#used; i++, slot = (slot + 1) % self.#slots) {
      if (SendQueue.#bufferOf(self, slot) !== self.#ring) continue;
      const start = self.#ranges[3 * slot]!;
      if (start < self.#ringHead) self.#wrapped = false; // the oldest bytes are now those at the front
      self.#ringHead = start;
      return;
    }
  }

  static #growSlots(self: SendQueue): void {
    const slots = self.#slots;
    const ranges = new Int32Array(6 * slots);
    const own = self.#own === null ? null : new Array<Uint8Array | null>(2 * slots).fill(null);
    for (let i = 0; i < self.#used; i++) {
      const slot = (self.#first + i) % slots;
      ranges[3 * i] = self.#ranges[3 * slot]!;
      ranges[3 * i + 1] = self.#ranges[3 * slot + 1]!;
      ranges[3 * i + 2] = self.#ranges[3 * slot + 2]!;
      if (own !== null) own[i] = self.#own![slot]!;
    }
    self.#ranges = ranges;
    self.#own = own;
    self.#slots = 2 * slots;
    self.#first = 0;
  }

  static #bufferOf(self: SendQueue, slot: number): Uint8Array {
    return self.#own === null ? self.#ring : self.#own[slot] ?? self.#ring;
  }

  /** The error for a message of `n` bytes that cannot wait, naming the bound it would pass. */
  refusal(n: number): QueueFullError {
    if (this.maxMessages > 0 && this.#count >= this.maxMessages)
      return new QueueFullError(`Too many unsent messages (maxUnsentMessages is ${this.maxMessages}): message not sent`);
    return new QueueFullError(`Too many unsent bytes: ${this.#bytes} waiting, ${n} more would pass maxUnsentBytes (${this.maxBytes}): message not sent`);
  }

  static #viewOf(self: SendQueue, buffer: Uint8Array, start: number, end: number): Uint8Array {
    const last = self.#view;
    if (last !== null && last.buffer === buffer.buffer && last.byteOffset === buffer.byteOffset + start && last.length === end - start) return last;
    return (self.#view = buffer.subarray(start, end));
  }
}
