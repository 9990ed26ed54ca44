// Message framing (docs/protocol.md "Framing"): a length header, then the payload. A length
// n < 255 takes one byte, n; any other takes 0xFF and n as a 4-byte big-endian integer (a Java
// int). This file is the whole frame format: the header writer and the decoder.

export const SHORT_LIMIT = 255; // lengths from here on take the long header
export const HEADER_MAX = 5;
const LONG_MARK = 0xff;
const INT_MAX = 0x7fffffff; // Cape Code's length is a Java int

export function headerLength(n: number): number {
  return n < SHORT_LIMIT ? 1 : HEADER_MAX;
}

/** Writes the header of an n-byte payload at bytes[at]; returns its length. */
export function writeHeader(bytes: Uint8Array, at: number, n: number): number {
  if (n < SHORT_LIMIT) {
    bytes[at] = n;
    return 1;
  }
  bytes[at] = LONG_MARK;
  bytes[at + 1] = n >>> 24;
  bytes[at + 2] = (n >>> 16) & 0xff;
  bytes[at + 3] = (n >>> 8) & 0xff;
  bytes[at + 4] = n & 0xff;
  return HEADER_MAX;
}

/** A header announced a message larger than the receiver allows (or not a valid length). */
export class FrameSizeError extends Error {
  readonly code = "EMSGSIZE";
  constructor(readonly length: number, readonly limit: number) {
    super(`Message of ${length} bytes announced, more than maxMessageSize (${limit})`);
  }
}

/**
 * Called with each complete payload, bytes[start, end); valid only during the call, unless `own`:
 * then `bytes` is a buffer of exactly this payload, made for it, that the sink may keep.
 * Return false to stop.
 */
export type MessageSink = (bytes: Uint8Array, start: number, end: number, own: boolean) => boolean;

// Decoder states (numbers, not strings).
const FRAMES = 0; // headers and payloads that fit the receive buffer, collected there
const BODY = 1; // collecting a payload larger than the receive buffer in a buffer of its own
const FAILED = 2; // a bad header was seen; nothing more is accepted

/**
 * Splits a byte stream into messages, whatever the chunking. The bytes go into the decoder's own
 * space: read `room` bytes (or fewer) into `target` at `targetStart`, call filled(n), then take
 * the messages they completed with next() until it returns false. (The caller pulls: the decoder
 * never calls out, so nothing of it is on the stack while a message is handled.)
 *
 * A message that fits the receive buffer is handed over where it lies; the unfinished one at the
 * end of a read is moved to the start of the buffer and completed by the next reads, so that
 * nothing is allocated for it. A larger payload, once its header was checked against
 * `maxMessageSize`, is collected in a buffer of its own that grows with the bytes that arrive
 * (doubling, up to the announced size): a header alone commits no more than a receive buffer.
 */
export class FrameDecoder {
  readonly maxMessageSize: number;
  /** After next() returned true: the message is message[start, end); valid until the next call,
   * unless `own` (then `message` is a buffer of exactly this payload, made for it, to keep). */
  message: Uint8Array;
  start = 0;
  end = 0;
  own = false;
  #rx: Uint8Array;
  #state = FRAMES;
  #head = 0; // in #rx: where the first byte not yet decoded is
  #tail = 0; // in #rx: the end of the bytes read
  #length = 0; // BODY: the payload's announced length; FAILED: the bad length
  #body: Uint8Array | null = null;
  #filled = 0; // BODY: bytes of #body received

  constructor(receiveBuffer: Uint8Array, maxMessageSize: number) {
    this.#rx = receiveBuffer;
    this.message = receiveBuffer;
    this.maxMessageSize = maxMessageSize;
  }

  /** Where the next bytes go: target[targetStart, targetStart + room). */
  get target(): Uint8Array {
    return this.#state === BODY ? this.#body! : this.#rx;
  }

  get targetStart(): number {
    return this.#state === BODY ? this.#filled : this.#tail;
  }

  get room(): number {
    return this.#state === BODY ? this.#body!.length - this.#filled : this.#rx.length - this.#tail;
  }

  /** Bytes of an unfinished message held so far (header included): what a close now would lose. */
  get pendingBytes(): number {
    switch (this.#state) {
      case FRAMES: return this.#tail - this.#head;
      case BODY: return headerLength(this.#length) + this.#filled;
      default: return 0;
    }
  }

  /**
   * `n` bytes were put at target[targetStart]. Take the messages they complete with next(); or
   * pass `sink`, and each is handed to it (then the result is false if the sink stopped it).
   * Throws FrameSizeError after a header over the limit.
   */
  filled(n: number, sink?: MessageSink): boolean {
    if (n < 0 || n > this.room) throw new RangeError(`filled(${n}): there is room for ${this.room} bytes`);
    if (this.#state === FRAMES) this.#tail += n;
    else if (this.#state === BODY) this.#filled += n;
    else throw new FrameSizeError(this.#length, this.maxMessageSize);
    if (sink === undefined) return true;
    while (this.next()) if (!sink(this.message, this.start, this.end, this.own)) return false;
    return true;
  }

  /**
   * The next complete message: true, and it is in message[start, end) (see `own`); false when the
   * bytes so far complete none. Throws FrameSizeError on a header over the limit, and RangeError
   * when a buffer for a large payload cannot be allocated.
   */
  next(): boolean {
    this.message = this.#rx; // a large payload handed over before is not held here any longer
    if (this.#state === BODY) {
      const body = this.#body!;
      if (this.#filled < this.#length) {
        if (this.#filled === body.length) FrameDecoder.#grow(this);
        return false;
      }
      this.#body = null;
      this.#state = FRAMES;
      return FrameDecoder.#found(this, body, 0, body.length, true);
    }
    if (this.#state === FAILED) return false;
    const rx = this.#rx;
    const head = this.#head;
    const available = this.#tail - head;
    if (available === 0) {
      this.#head = this.#tail = 0;
      return false;
    }
    const long = rx[head] === LONG_MARK;
    const header = long ? HEADER_MAX : 1;
    if (available < header) return FrameDecoder.#keep(this);
    const n = long ? ((rx[head + 1]! * 256 + rx[head + 2]!) * 256 + rx[head + 3]!) * 256 + rx[head + 4]! : rx[head]!;
    if (n > this.maxMessageSize || n > INT_MAX) {
      this.#state = FAILED;
      this.#length = n;
      throw new FrameSizeError(n, this.maxMessageSize);
    }
    if (available >= header + n) {
      const start = head + header;
      this.#head = start + n;
      return FrameDecoder.#found(this, rx, start, start + n, false);
    }
    if (header + n <= rx.length) return FrameDecoder.#keep(this);
    FrameDecoder.#collect(this, n, head + header);
    return false;
  }

  /** Copies bytes[start, end) in and decodes them (for callers that already hold the bytes). */
  push(bytes: Uint8Array, start: number, end: number, sink: MessageSink): boolean {
    while (start < end) {
      const n = Math.min(this.room, end - start);
      const target = this.target;
      const at = this.targetStart;
      for (let i = 0; i < n; i++) target[at + i] = bytes[start + i]!;
      start += n;
      if (!this.filled(n, sink)) return false;
    }
    return true;
  }

  /** Drops any partial message (after an error or a close). */
  reset(): void {
    this.#state = FRAMES;
    this.#head = this.#tail = 0;
    this.#body = null;
    this.#filled = 0;
    this.#length = 0;
    this.message = this.#rx;
  }

  static #found(self: FrameDecoder, message: Uint8Array, start: number, end: number, own: boolean): boolean {
    self.message = message;
    self.start = start;
    self.end = end;
    self.own = own;
    return true;
  }

  // The unfinished message at #head fits the receive buffer: move it to its start. No message yet.
  static #keep(self: FrameDecoder): boolean {
    const head = self.#head;
    if (head > 0) {
      const rx = self.#rx;
      const tail = self.#tail;
      if (tail - head > 32) rx.copyWithin(0, head, tail);
      else for (let i = head; i < tail; i++) rx[i - head] = rx[i]!; // a header or a few bytes: no native call
      self.#tail = tail - head;
      self.#head = 0;
    }
    return false;
  }

  // A payload of n bytes, larger than the receive buffer, begins at #rx[from].
  static #collect(self: FrameDecoder, n: number, from: number): void {
    const have = self.#tail - from;
    const body = new Uint8Array(Math.min(n, Math.max(2 * have, self.#rx.length)));
    body.set(self.#rx.subarray(from, self.#tail));
    self.#head = self.#tail = 0;
    self.#body = body;
    self.#filled = have;
    self.#length = n;
    self.#state = BODY;
  }

  static #grow(self: FrameDecoder): void {
    const body = self.#body!;
    const next = new Uint8Array(Math.min(self.#length, body.length * 2));
    next.set(body);
    self.#body = next;
  }
}
