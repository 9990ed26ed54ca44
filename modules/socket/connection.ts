// The connection engine: one ECMA-419 TCP socket at a time. Reads into a preallocated buffer and
// decodes; encodes each send() once and writes no more than the socket says is writable, keeping
// the rest in a bounded queue (backpressure, order kept); the idle and connect timers; one error
// path; an idempotent close. It reports to its owner (the public class), which emits the events.

import { CodecError, decodeMessage, Encoder, RawDecoder, viewOf } from "./codec.js";
import { FrameDecoder, FrameSizeError } from "./framing.js";
import type { Host, TCPConstructor, TCPSocket } from "./host.js";
import type { CommonOptions } from "./options.js";
import { typeInfo, type TypeInfo } from "./types.js";

export interface ConnectionOwner {
  connected(): void; // first writable: emit "open"
  connectFailed(reason: string): void; // before "open": the owner may retry
  data(value: unknown): void;
  error(message: string): void;
  closed(): void; // emit "close" (once)
}

export interface ConnectionSettings extends CommonOptions {
  discardMessagesBeforeOpen: boolean;
  connectTimeout: number;
}

// States (numbers, not strings: a cheaper compare on XS).
const IDLE = 0; // no socket: before connect, between attempts
const CONNECTING = 1; // socket made, waiting for its first onWritable
const OPEN = 2;
const CLOSING = 3; // close() asked; flushing what is queued
const CLOSED = 4;

const CLOSE_FLUSH_STALL = 10000; // ms without write progress before close() gives up flushing

export class Connection {
  #host: Host;
  #owner: ConnectionOwner;
  #settings: ConnectionSettings;
  #TCP: TCPConstructor;
  #state = IDLE;
  #socket: TCPSocket | null = null;
  #writable = 0;
  #queue: Uint8Array[] = []; // encoded messages not (fully) written, in order
  #queueOffset = 0; // bytes of #queue[0] already written
  #queued = 0; // bytes in #queue not yet written: bufferedAmount, kept as a count (it is read per send)
  #rx: Uint8Array; // the receive buffer, receiveBufferSize bytes
  #encoder: Encoder;
  #receiveType: TypeInfo;
  #frames: FrameDecoder | null;
  #raw: RawDecoder | null;
  #connectTimer: unknown = undefined;
  #idleTimer: unknown = undefined;
  #closeTimer: unknown = undefined;
  #lastActivity = 0;
  #unreadAtOpen = 0; // bytes announced while still connecting
  #errors: string[] = []; // deferred error messages, see #notify()
  #closePending = false;
  #notifyTimer: unknown = undefined;
  #remoteAddress: string | undefined = undefined;
  #remotePort: number | undefined = undefined;

  constructor(host: Host, settings: ConnectionSettings, owner: ConnectionOwner) {
    this.#host = host;
    this.#owner = owner;
    this.#settings = settings;
    this.#TCP = settings.tcp ?? host.TCP;
    this.#rx = new Uint8Array(settings.receiveBufferSize);
    this.#encoder = new Encoder(typeInfo(settings.sendType)!, host, settings.sendBufferSize);
    this.#receiveType = typeInfo(settings.receiveType)!;
    this.#frames = settings.rawBytes ? null : new FrameDecoder(settings.maxMessageSize);
    this.#raw = settings.rawBytes ? new RawDecoder(this.#receiveType, host, settings.emitBatchDataAsAvailable) : null;
  }

  get remoteAddress(): string | undefined {
    return this.#remoteAddress;
  }

  get remotePort(): number | undefined {
    return this.#remotePort;
  }

  /** Bytes waiting to be written. */
  get bufferedAmount(): number {
    return this.#queued;
  }

  /** The TCP class to connect or adopt with, unless the options name one (TLS: see Host.secure). */
  useTransport(TCP: TCPConstructor): void {
    if (this.#settings.tcp === undefined) this.#TCP = TCP;
  }

  /** Starts one connection attempt (client). The owner hears connected() or connectFailed(). */
  connect(address: string, port: number): void {
    if (this.#state !== IDLE) return;
    this.#state = CONNECTING;
    this.#remoteAddress = address;
    this.#remotePort = port;
    try {
      this.#socket = this.#open({ address, port });
    } catch (e) {
      this.#state = IDLE;
      this.#defer(() => this.#owner.connectFailed((e as Error).message));
      return;
    }
    if (this.#settings.connectTimeout > 0) {
      this.#connectTimer = this.#host.setTimer(() => {
        this.#connectTimer = undefined;
        this.#attemptFailed(`timed out after ${this.#settings.connectTimeout} ms`);
      }, this.#settings.connectTimeout);
    }
  }

  /** Takes over an accepted socket (server side): open at once. */
  adopt(from: TCPSocket, TCP?: TCPConstructor): void {
    this.#remoteAddress = from.remoteAddress;
    this.#remotePort = from.remotePort;
    this.#TCP = this.#settings.tcp ?? TCP ?? (from.constructor as TCPConstructor);
    this.#socket = this.#open({ from });
    this.#state = OPEN;
    this.#startIdleTimer();
  }

  send(value: unknown): void {
    if (this.#state >= CLOSING) {
      this.#deferError(`Socket is closed: cannot send ${this.#settings.sendType}`);
      return;
    }
    const discarding = this.#state !== OPEN && this.#settings.discardMessagesBeforeOpen;
    // A message that can only be queued is encoded where it will wait (see Encoder): no copy.
    const limit = this.#settings.maxUnsentMessages;
    const queueing = !discarding && (this.#state !== OPEN || this.#queue.length > 0 || this.#writable === 0) && !(limit > 0 && this.#queue.length >= limit);
    let bytes: Uint8Array;
    try {
      bytes = this.#encoder.encode(value, !this.#settings.rawBytes, queueing);
    } catch (e) {
      if (!(e instanceof CodecError)) throw e;
      this.#deferError(e.message);
      return;
    }
    if (discarding) return;
    if (this.#state === OPEN && this.#queue.length === 0) {
      const written = this.#write(bytes);
      if (written === bytes.length) return;
      if (this.#state !== OPEN) return; // the write failed and closed us
      bytes = bytes.subarray(written);
    }
    if (limit > 0 && this.#queue.length >= limit) {
      this.#deferError(`Too many unsent messages (maxUnsentMessages is ${limit}): message not sent`);
      return;
    }
    this.#queue.push(queueing ? bytes : bytes.slice()); // else a copy: the encoder reuses its scratch, the caller its buffer
    this.#queued += bytes.length;
  }

  /** Flushes what is queued, then closes; "close" follows once. Before open it cancels. */
  close(): void {
    if (this.#state >= CLOSING) return;
    if (this.#state === OPEN && this.#queue.length > 0) {
      this.#state = CLOSING;
      this.#armCloseTimer();
      return;
    }
    this.#finish(null);
  }

  // --- socket callbacks ---

  #open(endpoint: { address: string; port: number } | { from: TCPSocket }): TCPSocket {
    const self = this;
    let socket: TCPSocket | null = null;
    // Callbacks are ignored once this socket is no longer ours (closed, replaced by a retry).
    socket = new this.#TCP({
      ...endpoint,
      nodelay: this.#settings.noDelay,
      noDelay: this.#settings.noDelay,
      keepalive: this.#settings.keepAlive,
      onReadable(count: number) {
        if (self.#socket === socket) self.#onReadable(count);
      },
      onWritable(count: number) {
        if (self.#socket === socket) self.#onWritable(count);
      },
      onError(failure?: unknown) {
        if (self.#socket === socket) self.#onError(failure);
      },
    });
    return socket;
  }

  #onWritable(count: number): void {
    this.#writable = count;
    if (this.#state === CONNECTING) {
      this.#host.clearTimer(this.#connectTimer);
      this.#connectTimer = undefined;
      this.#state = OPEN;
      this.#startIdleTimer();
      this.#owner.connected(); // "open" handlers run before the queue is flushed (docs/protocol.md)
      if (this.#state !== OPEN && this.#state !== CLOSING) return; // closed by a handler
      const unread = this.#unreadAtOpen;
      this.#unreadAtOpen = 0;
      if (unread > 0) this.#onReadable(unread); // onReadable will not fire again for these bytes
      if (this.#state !== OPEN && this.#state !== CLOSING) return; // closed by a handler
    }
    if (this.#flush() && this.#state === CLOSING && this.#queue.length === 0) this.#finish(null);
  }

  #onReadable(count: number): void {
    const socket = this.#socket!;
    if (this.#state === CONNECTING) { // bytes before the first onWritable: read them once open
      this.#unreadAtOpen = count;
      return;
    }
    if (this.#state !== OPEN) { // closing: what arrives now is not delivered
      this.#discard(socket, count);
      return;
    }
    this.#touch();
    const rx = this.#rx;
    let remaining = count;
    while (remaining > 0 && this.#state === OPEN && this.#socket === socket) {
      // The rest of a payload that spans reads, if a receive buffer's worth or more, is read
      // straight into its own buffer (no copy, fewer reads).
      const frames = this.#frames;
      const room = frames ? frames.bodyRoom() : null;
      const body = room !== null && room.length >= rx.length ? room : null;
      const into = body ?? rx;
      const view = remaining >= into.length ? into : into.subarray(0, remaining);
      let n: number;
      try {
        n = socket.read(view) ?? 0;
      } catch (e) {
        this.#finish(`Read failed: ${(e as Error).message}`);
        return;
      }
      if (n <= 0) break;
      remaining -= n;
      try {
        if (body) frames!.bodyFilled(n, this.#onMessage);
        else if (frames) frames.push(rx, 0, n, this.#onMessage);
        else this.#raw!.push(rx, 0, n, this.#onValue);
      } catch (e) {
        if (!(e instanceof FrameSizeError)) throw e;
        this.#finish(`${e.message}: closing the connection`);
        return;
      }
    }
  }

  #onMessage = (bytes: Uint8Array, start: number, end: number, own: boolean): boolean => {
    let value: unknown;
    try {
      value = decodeMessage(this.#receiveType, this.#host, bytes, start, end, own);
    } catch (e) {
      if (!(e instanceof CodecError)) throw e;
      this.#owner.error(e.message); // one bad message; the connection stays up (docs/protocol.md, "Errors")
      return this.#state === OPEN;
    }
    this.#owner.data(value);
    return this.#state === OPEN;
  };

  #onValue = (value: unknown): boolean => {
    this.#owner.data(value);
    return this.#state === OPEN;
  };

  // Moddable reports a reset and a clean remote close alike, with no argument, after the data was
  // read; a host that knows the reason (Node) passes it, and then a failure is an "error" too.
  #onError(failure?: unknown): void {
    const reason = failure === undefined ? "" : `: ${failure instanceof Error ? failure.message : String(failure)}`;
    if (this.#state === CONNECTING) {
      this.#attemptFailed(reason ? `connection failed${reason}` : "connection refused or reset");
      return;
    }
    const lost = this.#frames ? this.#frames.pendingBytes : this.#raw!.pendingBytes;
    const unsent = this.bufferedAmount;
    const how = reason ? `Connection failed${reason},` : "Connection closed by the peer";
    let message: string | null = reason ? `Connection failed${reason}` : null;
    if (lost > 0) message = `${how} with ${lost} bytes of an incomplete ${this.#frames ? "message" : "element"} lost`;
    else if (unsent > 0) message = `${how} with ${unsent} bytes not sent`;
    this.#finish(message);
  }

  // --- writing ---

  /** Writes as much of `bytes` as is writable; returns the count written. */
  #write(bytes: Uint8Array): number {
    const n = bytes.length < this.#writable ? bytes.length : this.#writable;
    if (n === 0) return 0;
    try {
      const left = this.#socket!.write(n === bytes.length ? bytes : bytes.subarray(0, n));
      this.#writable = typeof left === "number" ? left : this.#writable - n; // Moddable returns what is left
    } catch (e) {
      this.#finish(`Write failed: ${(e as Error).message}`);
      return 0;
    }
    this.#touch();
    return n;
  }

  /**
   * Writes queued messages while writable; returns false if the socket failed. Messages that lie
   * end to end in one buffer (encoded in place, see Encoder) go out in one write.
   */
  #flush(): boolean {
    const queue = this.#queue;
    while (queue.length > 0 && this.#writable > 0) {
      const first = queue[0]!;
      const start = first.byteOffset + this.#queueOffset;
      let end = first.byteOffset + first.length;
      for (let i = 1; i < queue.length && end - start < this.#writable; i++) {
        const next = queue[i]!;
        if (next.buffer !== first.buffer || next.byteOffset !== end) break;
        end += next.length;
      }
      const whole = start === first.byteOffset && end === first.byteOffset + first.length;
      const chunk = whole ? first : viewOf(first, start, end - start);
      const n = this.#write(chunk);
      if (this.#state === CLOSED) return false;
      this.#queued -= n;
      let left = this.#queueOffset + n; // bytes written from the start of queue[0]
      while (queue.length > 0 && left >= queue[0]!.length) {
        const message = queue.shift()!;
        left -= message.length;
        this.#encoder.done(message); // the socket copied it: its room in the scratch is free
      }
      this.#queueOffset = left;
      if (queue.length === 0) this.#encoder.release(); // the socket copied every kept message
      if (this.#state === CLOSING) this.#armCloseTimer(); // progress: restart the stall timer
    }
    return true;
  }

  // --- closing ---

  // A failed attempt before open: close this socket; the owner decides whether to retry.
  #attemptFailed(reason: string): void {
    this.#host.clearTimer(this.#connectTimer);
    this.#connectTimer = undefined;
    this.#dropSocket();
    this.#state = IDLE;
    this.#owner.connectFailed(reason);
  }

  /** Stops everything; nothing fires after this but the owner's error (if any) and close. */
  #finish(error: string | null): void {
    if (this.#state === CLOSED) return;
    this.#state = CLOSED;
    this.#host.clearTimer(this.#connectTimer);
    this.#host.clearTimer(this.#idleTimer);
    this.#host.clearTimer(this.#closeTimer);
    this.#connectTimer = this.#idleTimer = this.#closeTimer = undefined;
    this.#dropSocket();
    this.#queue = [];
    this.#encoder.release();
    this.#queueOffset = 0;
    this.#queued = 0;
    this.#frames?.reset();
    this.#raw?.reset();
    if (error !== null) this.#errors.push(error);
    this.#closePending = true;
    this.#scheduleNotify(); // deferred: close() may be running inside a user's handler (no re-entry)
  }

  #dropSocket(): void {
    const socket = this.#socket;
    this.#socket = null;
    this.#writable = 0;
    if (socket) {
      try {
        socket.close();
      } catch {
        // already closed by the host: nothing left to release
      }
    }
  }

  #discard(socket: TCPSocket, count: number): void {
    const rx = this.#rx;
    while (count > 0) {
      const n = socket.read(count >= rx.length ? rx : rx.subarray(0, count)) ?? 0;
      if (n <= 0) return;
      count -= n;
    }
  }

  #armCloseTimer(): void {
    this.#host.clearTimer(this.#closeTimer);
    this.#closeTimer = this.#host.setTimer(() => {
      this.#closeTimer = undefined;
      this.#finish(`Closed with ${this.bufferedAmount} bytes not sent: the peer read nothing for ${CLOSE_FLUSH_STALL / 1000} s`);
    }, CLOSE_FLUSH_STALL);
  }

  // --- idle ---

  #touch(): void {
    this.#lastActivity = this.#host.now();
  }

  #startIdleTimer(): void {
    const ms = this.#settings.idleTimeout * 1000;
    if (ms <= 0) return;
    this.#touch();
    const check = (): void => {
      this.#idleTimer = undefined;
      if (this.#state !== OPEN) return;
      const quiet = this.#host.now() - this.#lastActivity;
      if (quiet >= ms) this.#finish(null); // docs/protocol.md, "Life cycle": idle → "close"
      else this.#idleTimer = this.#host.setTimer(check, ms - quiet);
    };
    this.#idleTimer = this.#host.setTimer(check, ms);
  }

  // --- deferral ---

  #defer(callback: () => void): void {
    this.#host.setTimer(callback, 0);
  }

  #deferError(message: string): void {
    this.#errors.push(message);
    this.#scheduleNotify();
  }

  #scheduleNotify(): void {
    if (this.#notifyTimer === undefined) this.#notifyTimer = this.#host.setTimer(() => this.#notify(), 0);
  }

  // Errors of calls the user made, in order, and "close" always last: an error from a send()
  // made before "close" still reaches the listeners that "close" is about to remove.
  #notify(): void {
    this.#notifyTimer = undefined;
    while (this.#errors.length > 0) this.#owner.error(this.#errors.shift()!);
    if (this.#closePending) {
      this.#closePending = false;
      this.#owner.closed();
    }
  }
}
