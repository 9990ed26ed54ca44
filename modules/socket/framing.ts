// Message framing (docs/protocol.md, "Framing"): a length header, then the payload.
// n < 255 → one byte n; otherwise 0xFF and n as a 4-byte big-endian integer (a Java int).

export const SHORT_LIMIT = 255; // lengths from here on take the long header
export const HEADER_MAX = 5;
const LONG_MARK = 0xff;
const INT_MAX = 0x7fffffff; // Cape Code's length is a Java int

export function headerLength(n: number): number {
  return n < SHORT_LIMIT ? 1 : HEADER_MAX;
}

/** Writes the header of an n-byte payload so that it ends at `end`; returns where it starts. */
export function writeHeaderBefore(bytes: Uint8Array, end: number, n: number): number {
  if (n < SHORT_LIMIT) {
    bytes[end - 1] = n;
    return end - 1;
  }
  const at = end - HEADER_MAX;
  bytes[at] = LONG_MARK;
  bytes[at + 1] = n >>> 24;
  bytes[at + 2] = (n >>> 16) & 0xff;
  bytes[at + 3] = (n >>> 8) & 0xff;
  bytes[at + 4] = n & 0xff;
  return at;
}

/** Copies src[start, end) to dest at `at`; a short range byte by byte (no subarray view to allocate). */
function copyRange(dest: Uint8Array, at: number, src: Uint8Array, start: number, end: number): void {
  if (end - start < 64) {
    while (start < end) dest[at++] = src[start++]!;
  } else {
    dest.set(src.subarray(start, end), at);
  }
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

// Decoder states (numbers, not strings: a cheaper compare on XS).
const LENGTH = 0; // waiting for the first header byte
const LONG_LENGTH = 1; // reading the 4 bytes after 0xFF
const BODY = 2; // collecting a payload that spans chunks
const FAILED = 3; // a bad header was seen; nothing more is accepted

/**
 * Splits a byte stream into messages, whatever the chunking. A payload wholly inside one chunk
 * is handed over in place (no copy); one that spans chunks is collected into a buffer of exactly
 * its size, allocated only once its header has been checked against `maxMessageSize`.
 */
export class FrameDecoder {
  #state = LENGTH;
  #headerBytes = 0; // long-header bytes still to read
  #length = 0;
  #body: Uint8Array | null = null;
  #filled = 0;
  readonly maxMessageSize: number;

  constructor(maxMessageSize: number) {
    this.maxMessageSize = maxMessageSize;
  }

  /** Bytes of an unfinished message held so far (header included): what a close now would lose. */
  get pendingBytes(): number {
    switch (this.#state) {
      case LONG_LENGTH: return HEADER_MAX - this.#headerBytes;
      case BODY: return headerLength(this.#length) + this.#filled;
      default: return 0;
    }
  }

  /** Feeds bytes[start, end). Throws FrameSizeError on a header over the limit. Returns false if the sink stopped it. */
  push(bytes: Uint8Array, start: number, end: number, sink: MessageSink): boolean {
    let i = start;
    while (i < end) {
      switch (this.#state) {
        case LENGTH: {
          const b = bytes[i++]!;
          if (b === LONG_MARK) {
            this.#state = LONG_LENGTH;
            this.#headerBytes = 4;
            this.#length = 0;
            continue;
          }
          i = this.#begin(b, bytes, i, end, sink);
          if (i < 0) return false;
          continue;
        }
        case LONG_LENGTH: {
          this.#length = this.#length * 256 + bytes[i++]!;
          if (--this.#headerBytes > 0) continue;
          i = this.#begin(this.#length, bytes, i, end, sink);
          if (i < 0) return false;
          continue;
        }
        case BODY: {
          const body = this.#body!;
          const take = Math.min(end - i, body.length - this.#filled);
          copyRange(body, this.#filled, bytes, i, i + take);
          this.#filled += take;
          i += take;
          if (this.#filled === body.length && !this.#deliver(sink)) return false;
          continue;
        }
        default:
          throw new FrameSizeError(this.#length, this.maxMessageSize);
      }
    }
    return true;
  }

  /**
   * While a payload that spans chunks is being collected: the part of its buffer not filled yet,
   * so that the next bytes can be read straight into it (then call bodyFilled); else null.
   */
  bodyRoom(): Uint8Array | null {
    return this.#state === BODY ? this.#body!.subarray(this.#filled) : null;
  }

  /** `n` bytes were put at the start of bodyRoom(); hands the payload over once complete. Returns false if the sink stopped it. */
  bodyFilled(n: number, sink: MessageSink): boolean {
    const body = this.#body;
    if (this.#state !== BODY || body === null || n < 0 || this.#filled + n > body.length)
      throw new RangeError(`bodyFilled(${n}): no payload being collected has room for that many bytes`);
    this.#filled += n;
    return this.#filled < body.length || this.#deliver(sink);
  }

  // The body is complete: hand it over as its own buffer, and wait for the next header.
  #deliver(sink: MessageSink): boolean {
    const body = this.#body!;
    this.#body = null;
    this.#state = LENGTH;
    return sink(body, 0, body.length, true);
  }

  /** Drops any partial message (after an error or a close). */
  reset(): void {
    this.#state = LENGTH;
    this.#body = null;
    this.#filled = 0;
    this.#length = 0;
  }

  // A header for n bytes is complete and the payload starts at bytes[i]: hand it over in place if
  // it is all here, else start collecting it. Returns where to go on, or -1 if the sink stopped.
  #begin(n: number, bytes: Uint8Array, i: number, end: number, sink: MessageSink): number {
    if (n > this.maxMessageSize || n > INT_MAX) {
      this.#state = FAILED;
      this.#length = n;
      throw new FrameSizeError(n, this.maxMessageSize);
    }
    this.#length = n;
    if (end - i >= n) {
      this.#state = LENGTH;
      return sink(bytes, i, i + n, false) ? i + n : -1;
    }
    const body = new Uint8Array(n);
    copyRange(body, 0, bytes, i, end);
    this.#body = body;
    this.#filled = end - i;
    this.#state = BODY;
    return end;
  }
}
