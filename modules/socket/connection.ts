// The connection engine: one state machine for one connection, a client's or an accepted one.
// Connects (resolving the name, retrying), reads into the receive buffer and decodes, encodes each
// send() into the send queue and writes no more than the socket says is writable (backpressure,
// order kept), runs the connect, idle and close timers, and has one error path and an idempotent
// close. It is the EventEmitter of its own events, and the public SocketClient and Socket are its
// subclasses (so that send() and close() are the engine's own methods: no frame in between on a
// device's small stack, and one object per connection). Every event that a call of the user's
// causes is deferred to one timer, which close() never has to cancel: what it holds is what the
// contract says must still be delivered (errors of earlier calls, then "close").

import { CodecError, CodecScratch, Encoder, MessageDecoder, RawDecoder } from "./codec.js";
import { EventEmitter } from "./emitter.js";
import { FrameDecoder, FrameSizeError, HEADER_MAX } from "./framing.js";
import type { Host, SecureSettings, SecureTransport, TCPConstructor, TCPOptions, TCPSocket } from "./host.js";
import type { CommonOptions } from "./options.js";
import { QueueFullError, SendQueue } from "./queue.js";
import { typeInfo } from "./types.js";

export interface ConnectionSettings extends CommonOptions {
  connectTimeout: number; // ms, 0 = none
  discardMessagesBeforeOpen: boolean;
  reconnectAttempts: number;
  reconnectInterval: number; // ms
}

// States (numbers, not strings).
const NEW = 0; // a client before open()
const CONNECTING = 1; // resolving, connecting, or waiting to retry
const OPEN = 2;
const CLOSING = 3; // flushing what is queued, then closing
const CLOSED = 4; // closed, or failed to connect: final

// The literals of the per-message paths, as constants: in a preloaded XS module each evaluation
// of a string literal allocates (see types.ts).
const DATA = "data";
const DRAIN = "drain";
const NUMBER = "number";

const CLOSE_FLUSH_STALL = 10000; // ms without write progress before a close gives up flushing

/**
 * Whether `name` is a dotted IPv4 literal (four numbers 0–255, no leading zeros). Written out
 * rather than as a RegExp: on a device a RegExp would bring in XS's RegExp engine (~26 KB of flash).
 */
export function isIPv4(name: string): boolean {
  let parts = 0;
  let digits = 0;
  let value = 0;
  for (let i = 0; i <= name.length; i++) {
    const c = i < name.length ? name.charCodeAt(i) : 46; // a "." after the end closes the last part
    if (c === 46) {
      if (digits === 0 || ++parts > 4) return false;
      digits = value = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && value === 0) return false; // a leading zero
      value = value * 10 + (c - 48);
      if (++digits > 3 || value > 255) return false;
    } else {
      return false;
    }
  }
  return parts === 4;
}

interface Pending {
  event: string;
  message: string;
  code: string;
  count: number; // the same error this many times in a row
}

/**
 * The engine under SocketClient and Socket. What only they call is protected; what is public
 * here (send, close, bufferedAmount, closed) is their public API.
 */
export class Connection extends EventEmitter {
  #platform: Host;
  #settings: ConnectionSettings;
  #TCP: TCPConstructor | undefined;
  #state = NEW;
  #socket: TCPSocket | null = null;
  #writable = 0;
  #queue: SendQueue;
  #drainOwed = false; // something waited: "drain" is due when the queue empties
  #rx: Uint8Array;
  #readView: Uint8Array | null = null; // the view the last read went into, reused while the range is the same
  #encoder: Encoder;
  #decoder: MessageDecoder | RawDecoder; // framed: a MessageDecoder of what #frames splits; raw: a RawDecoder
  #frames: FrameDecoder | null = null;
  #badMessages = 0;
  #name = ""; // client: the host name to connect to
  #port = 0;
  #attempts = 0;
  #lookup = 0; // generation of the name lookup in flight: a stale answer is ignored
  #timer: unknown = undefined; // the state's one timer: connect or retry, idle, or close (flush stall)
  #notifyTimer: unknown = undefined;
  #pending: Pending[] | null = null; // events deferred to the notify timer
  #lastActivity = 0;
  #unreadAtOpen = 0; // bytes announced while still connecting
  #remoteAddress: string | undefined = undefined;
  #remotePort: number | undefined = undefined;

  constructor(platform: Host, settings: ConnectionSettings) {
    super();
    this.#platform = platform;
    this.#settings = settings;
    this.#TCP = settings.tcp ?? platform.TCP;
    // One buffer for the connection's memory: the send queue's ranges and ring, the receive buffer,
    // and in raw mode where a cut element is carried (one ArrayBuffer, and one DataView of it for
    // the codec). Framed, a long header fits the receive buffer; room for one more as well was
    // measured on a Pico: 1 KiB messages then took 19 % more cycles, collected in place, than read
    // straight into a buffer of their own.
    const raw = settings.rawBytes;
    const rxSize = raw ? settings.receiveBufferSize : Math.max(settings.receiveBufferSize, HEADER_MAX);
    const queueSize = SendQueue.bytes(settings.sendBufferSize, settings.maxUnsentMessages);
    const memory = new ArrayBuffer(queueSize + rxSize + (raw ? RawDecoder.CARRY_BYTES : 0));
    this.#queue = new SendQueue(settings.sendBufferSize, settings.maxUnsentMessages, settings.maxUnsentBytes, memory, 0);
    this.#rx = new Uint8Array(memory, queueSize, rxSize);
    const receiveType = typeInfo(settings.receiveType)!;
    const text = platform.textCodec();
    const scratch = new CodecScratch();
    this.#encoder = new Encoder(typeInfo(settings.sendType)!, text, scratch);
    if (raw) {
      this.#decoder = new RawDecoder(receiveType, text, settings.emitBatchDataAsAvailable, scratch, new Uint8Array(memory, queueSize + rxSize, RawDecoder.CARRY_BYTES));
    } else {
      this.#decoder = new MessageDecoder(receiveType, text, platform.numberArray, scratch);
      this.#frames = new FrameDecoder(this.#rx, settings.maxMessageSize);
    }
  }

  /** The peer's address and port: known once connecting (client) or from the start (accepted). */
  protected get peerAddress(): string | undefined {
    return this.#remoteAddress;
  }

  protected get peerPort(): number | undefined {
    return this.#remotePort;
  }

  /** Bytes sent but not yet written to the network. */
  get bufferedAmount(): number {
    return this.#queue.bytes;
  }

  /** Client: connect() was called (or close(): then it never will be). */
  protected get started(): boolean {
    return this.#state !== NEW;
  }

  /** close() was called, or the connection ended: nothing more is sent. */
  get closed(): boolean {
    return this.#state >= CLOSING;
  }

  /**
   * Before connect()/adopt(), for TLS: the host's secure TCP class is used from now on (unless
   * the options name one). Returns the host's TLS classes, or why there are none.
   */
  protected secure(settings: SecureSettings): SecureTransport | string {
    const tls = secureTransport(this.#platform, settings);
    if (typeof tls !== "string" && this.#settings.tcp === undefined) this.#TCP = tls.TCP;
    return tls;
  }

  /** Client: connects to `name` (an IP literal, "localhost" or a name to resolve), retrying as set. Only once. */
  protected connect(name: string, port: number): void {
    if (this.#state !== NEW) return;
    this.#state = CONNECTING;
    this.#name = name;
    this.#port = port;
    Connection.#attempt(this);
  }

  /** Server side: takes over an accepted socket; open at once. */
  protected adopt(from: TCPSocket, TCP?: TCPConstructor): void {
    this.#remoteAddress = from.remoteAddress;
    this.#remotePort = from.remotePort;
    if (this.#settings.tcp === undefined) this.#TCP = TCP ?? (from.constructor as TCPConstructor);
    this.#socket = Connection.#newSocket(this, { from });
    this.#state = OPEN;
    Connection.#startIdleTimer(this);
  }

  /** Returns whether the message was written or queued; if not, an "error" follows. */
  send(value: unknown): boolean {
    if (this.#state >= CLOSING) {
      Connection.#later(this, "error", `Socket is closed: cannot send ${this.#settings.sendType}`, "ECLOSED");
      return false;
    }
    const queue = this.#queue;
    let n: number;
    try {
      n = queue.stage(this.#encoder, value, !this.#settings.rawBytes);
    } catch (e) {
      if (!(e instanceof CodecError || e instanceof QueueFullError)) throw e;
      Connection.#later(this, "error", e.message, e.code);
      return false;
    }
    if (this.#state !== OPEN && this.#settings.discardMessagesBeforeOpen) return true; // checked, encoded, dropped
    if (n === 0) return true; // a raw send of no bytes ("", an empty image): nothing to write
    const direct = this.#state === OPEN && queue.length === 0 ? Math.min(n, this.#writable) : 0;
    if (direct < n && !queue.canWait(n - direct)) { // refused whole: no part of it is written
      Connection.#later(this, "error", queue.refusal(n - direct).message, "EQUEUEFULL");
      return false;
    }
    if (direct > 0) {
      Connection.#write(this, queue.staged(0, direct));
      if (this.#state !== OPEN) return false; // the write failed and closed us
      if (direct === n) return true;
    }
    queue.keep(direct);
    this.#drainOwed = true;
    return true;
  }

  /** Client, before connect(): gives up as a failed connect does, with an "error" and no "close". */
  protected giveUp(message: string, code: string): void {
    if (this.#state !== NEW) return;
    Connection.#stop(this);
    Connection.#later(this, "error", message, code);
  }

  /** An "error" about a call of the user's, deferred like the others. */
  protected deferError(message: string, code: string): void {
    Connection.#later(this, "error", message, code);
  }

  /** Flushes what is queued, then closes; "close" follows once. Before open it cancels. */
  close(): void {
    if (this.#state >= CLOSING) return;
    if (this.#state === OPEN && this.#queue.length > 0) {
      this.#state = CLOSING;
      Connection.#armCloseTimer(this);
      return;
    }
    Connection.#stop(this); // #finish(null, "") written out: often called from a listener, on a small stack
    Connection.#later(this, "close", "", "");
  }

  /** After "close" was emitted: the listeners are dropped (a Socket also leaves its server's list). */
  protected afterClose(): void {
    this.removeAllListeners();
  }

  /** Who this is, in reports: "SocketClient host:port", "Socket address:port". */
  protected label(): string {
    return "connection";
  }

  protected override unhandledError(error: unknown): void {
    this.#platform.report(`${this.label()} error: ${String(error)}`);
  }

  protected override listenerFailed(event: string, error: unknown): void {
    reportThrow(this.#platform, this.label(), event, error);
  }

  // --- connecting (client) ---

  static #attempt(self: Connection): void {
    const name = self.#name;
    if (isIPv4(name) || name.includes(":")) { // an IP literal (IPv6 where the host's TCP takes it)
      Connection.#connect(self, name);
      return;
    }
    if (name === "localhost") {
      Connection.#connect(self, "127.0.0.1");
      return;
    }
    const lookup = ++self.#lookup;
    self.#platform.resolve(name, (address, reason) => {
      if (lookup !== self.#lookup || self.#state !== CONNECTING) return; // closed meanwhile
      if (address) Connection.#connect(self, address);
      else Connection.#attemptFailed(self, `cannot resolve "${name}"${reason ? `: ${reason}` : ""}`);
    });
  }

  static #connect(self: Connection, address: string): void {
    self.#remoteAddress = address;
    self.#remotePort = self.#port;
    try {
      self.#socket = Connection.#newSocket(self, { address, port: self.#port });
    } catch (e) {
      Connection.#attemptFailed(self, (e as Error).message);
      return;
    }
    const ms = self.#settings.connectTimeout;
    if (ms > 0) {
      Connection.#setTimer(self, () => {
        self.#timer = undefined;
        Connection.#attemptFailed(self, `timed out after ${ms} ms`);
      }, ms);
    }
  }

  // One attempt failed: retry after reconnectInterval, or give up with an "error" and no "close".
  static #attemptFailed(self: Connection, reason: string): void {
    Connection.#clearTimer(self);
    Connection.#dropSocket(self);
    if (self.#attempts < self.#settings.reconnectAttempts) {
      self.#attempts++;
      Connection.#setTimer(self, () => {
        self.#timer = undefined;
        if (self.#state === CONNECTING) Connection.#attempt(self);
      }, self.#settings.reconnectInterval);
      return;
    }
    const tries = self.#attempts + 1;
    Connection.#stop(self);
    Connection.#later(self, "error", `Failed to connect to ${self.#name}:${self.#port} after ${tries} attempt${tries > 1 ? "s" : ""}: ${reason}`, "ECONNECT");
  }

  // --- socket callbacks ---

  static #newSocket(self: Connection, endpoint: { address: string; port: number } | { from: TCPSocket }): TCPSocket {
    const TCP = self.#TCP;
    if (TCP === undefined) throw new Error(`the ${self.#platform.name} host has no TCP: pass one as the option "tcp"`);
    const socket = new TCP({
      ...endpoint,
      nodelay: self.#settings.noDelay,
      noDelay: self.#settings.noDelay,
      keepalive: self.#settings.keepAlive,
      target: self,
      onReadable: Connection.#readable as TCPOptions["onReadable"],
      onWritable: Connection.#writableAgain as TCPOptions["onWritable"],
      onError: Connection.#failed as TCPOptions["onError"],
    }) as Targeted;
    if (socket.target !== self) socket.target = self; // a TCP class that does not keep `target`
    return socket;
  }

  // The socket callbacks, shared by every connection (a closure per socket and callback would cost
  // ~160 bytes of XS heap each). ECMA-419 calls them with `this` the socket, whose `target` is its
  // connection; one that is no longer the connection's (closed, replaced by a retry) is ignored.
  static #readable(this: Targeted, count: number): void {
    const conn = this.target!;
    if (conn.#socket === this) Connection.#onReadable(conn, count);
  }

  static #writableAgain(this: Targeted, count: number): void {
    const conn = this.target!;
    if (conn.#socket === this) Connection.#onWritable(conn, count);
  }

  static #failed(this: Targeted, failure?: unknown): void {
    const conn = this.target!;
    if (conn.#socket === this) Connection.#onError(conn, failure);
  }

  static #onWritable(self: Connection, count: number): void {
    self.#writable = count;
    if (self.#state === CONNECTING) {
      Connection.#clearTimer(self);
      self.#state = OPEN;
      Connection.#startIdleTimer(self);
      self.dispatch("open"); // "open" handlers run before the queue is flushed
      if (self.#state !== OPEN && self.#state !== CLOSING) return; // closed by a handler
      const unread = self.#unreadAtOpen;
      self.#unreadAtOpen = 0;
      if (unread > 0) Connection.#onReadable(self, unread); // onReadable will not fire again for these bytes
      if (self.#state !== OPEN && self.#state !== CLOSING) return; // closed by a handler
    }
    Connection.#flush(self);
  }

  // The read loop. Each value is emitted from here, and the helpers it calls have returned by
  // then: a "data" listener runs one call below this frame, which keeps few locals and one try
  // (a device's XS stack is 512 slots; each local is one, each try four).
  static #onReadable(self: Connection, count: number): void {
    if (self.#state !== OPEN) {
      Connection.#readWhileNotOpen(self, count);
      return;
    }
    Connection.#touch(self);
    const socket = self.#socket!;
    let value: unknown;
    try {
      while (count > 0 && self.#state === OPEN && self.#socket === socket) {
        const n = Connection.#readSome(self, socket, count);
        if (n <= 0) return;
        count -= n;
        while ((value = Connection.#nextValue(self)) !== undefined) {
          self.dispatch(DATA, value);
          if (self.#state !== OPEN) return;
        }
      }
    } catch (e) {
      if (e instanceof FrameSizeError) Connection.#finish(self, `${e.message}: closing the connection`, e.code);
      else if (e instanceof RangeError) Connection.#finish(self, `No memory for a message announced by the peer (${e.message}): closing the connection`, "ENOMEM");
      else Connection.#finish(self, `Receive failed: ${(e as Error).message}`, "EIO");
    }
  }

  static #readWhileNotOpen(self: Connection, count: number): void {
    if (self.#state === CONNECTING) self.#unreadAtOpen = count; // bytes before the first onWritable: read once open
    else Connection.#discard(self, self.#socket!, count); // closing: what arrives now is not delivered
  }

  // Reads what fits into the decoder's space and hands it over; returns the count (≤ 0: stop).
  static #readSome(self: Connection, socket: TCPSocket, count: number): number {
    const frames = self.#frames;
    const target = frames ? frames.target : self.#rx;
    const room = frames ? frames.room : target.length;
    let n: number;
    try {
      n = socket.read(Connection.#view(self, target, frames ? frames.targetStart : 0, room < count ? room : count)) ?? 0;
    } catch (e) {
      Connection.#finish(self, `Read failed: ${(e as Error).message}`, "EIO");
      return -1;
    }
    if (n <= 0) return n;
    if (frames) frames.filled(n);
    else (self.#decoder as RawDecoder).feed(self.#rx, 0, n);
    return n;
  }

  // The next value of what was read, or undefined. A message that does not decode is an "error"
  // (see #badMessage) and is skipped. Throws what the frame decoder throws.
  static #nextValue(self: Connection): unknown {
    const frames = self.#frames;
    if (frames === null) return (self.#decoder as RawDecoder).next();
    while (frames.next()) {
      try {
        return (self.#decoder as MessageDecoder).decode(frames.message, frames.start, frames.end, frames.own);
      } catch (e) {
        if (!(e instanceof CodecError)) throw e;
        Connection.#badMessage(self, e);
        if (self.#state !== OPEN) return undefined;
      }
    }
    return undefined;
  }

  // One bad message: an "error", and the connection stays up, unless there were too many.
  static #badMessage(self: Connection, e: CodecError): void {
    self.dispatch("error", e.message, e.code);
    const limit = self.#settings.maxBadMessages;
    if (limit > 0 && ++self.#badMessages >= limit && self.#state === OPEN)
      Connection.#finish(self, `Closing the connection: ${self.#badMessages} bad messages received (maxBadMessages is ${limit})`, "ETOOMANYBAD");
  }

  // Moddable reports a reset and a clean remote close alike, with no argument, after the data was
  // read; a host that knows the reason (Node) passes it, and then a failure is an "error" too.
  static #onError(self: Connection, failure?: unknown): void {
    if (self.#state === CONNECTING) {
      Connection.#attemptFailed(self, failure === undefined ? "connection refused or reset" : `connection failed: ${failureText(failure)}`);
      return;
    }
    const lost = self.#frames ? self.#frames.pendingBytes : (self.#decoder as RawDecoder).pendingBytes;
    const unsent = self.#queue.bytes;
    if (failure === undefined && unsent > 0 && lost === 0 && writesAfterPeerClose(self.#TCP)) {
      // The peer closed its side only: what is queued (replies to what it sent) still goes out.
      if (self.#state === OPEN) self.#state = CLOSING;
      Connection.#armCloseTimer(self);
      Connection.#flush(self);
      return;
    }
    const how = failure === undefined ? "Connection closed by the peer" : `Connection failed: ${failureText(failure)}`;
    let message: string | null = failure === undefined ? null : how;
    if (lost > 0) message = `${how}${failure === undefined ? "" : ","} with ${lost} bytes of an incomplete ${self.#frames ? "message" : "element"} lost`;
    else if (unsent > 0) message = `${how}${failure === undefined ? "" : ","} with ${unsent} bytes not sent`;
    Connection.#finish(self, message, "ECONNLOST");
  }

  // --- writing ---

  /** Writes as much of `bytes` as is writable; returns the count written (0 if the write failed: then closed). */
  static #write(self: Connection, bytes: Uint8Array): number {
    const n = bytes.length < self.#writable ? bytes.length : self.#writable;
    if (n === 0) return 0;
    try {
      const left = self.#socket!.write(n === bytes.length ? bytes : bytes.subarray(0, n));
      self.#writable = typeof left === NUMBER ? left as number : self.#writable - n; // Moddable returns what is left
    } catch (e) {
      Connection.#finish(self, `Write failed: ${(e as Error).message}`, "EIO");
      return 0;
    }
    Connection.#touch(self);
    return n;
  }

  // Writes what waits while writable; then "drain" if the queue emptied, or the close it waited for.
  static #flush(self: Connection): void {
    const queue = self.#queue;
    let chunk: Uint8Array | null;
    while ((chunk = queue.writable(self.#writable)) !== null) {
      const n = Connection.#write(self, chunk);
      if (self.#state === CLOSED) return;
      queue.consume(n);
      if (self.#state === CLOSING) Connection.#armCloseTimer(self); // progress: restart the stall timer
      if (n < chunk.length) break;
    }
    if (queue.length > 0) return;
    if (self.#state === CLOSING) {
      Connection.#finish(self, null, "");
    } else if (self.#drainOwed) {
      self.#drainOwed = false;
      self.dispatch(DRAIN);
    }
  }

  // --- closing ---

  // Stops every timer and the socket, and drops what waits; the state is final.
  static #stop(self: Connection): void {
    self.#state = CLOSED;
    self.#lookup++;
    Connection.#clearTimer(self);
    const socket = self.#socket; // #dropSocket() written out: a frame less under close()
    self.#socket = null;
    self.#writable = 0;
    if (socket) {
      try {
        socket.close();
      } catch {
        // already closed by the host: nothing left to release
      }
    }
    self.#queue.clear();
    if (self.#frames) self.#frames.reset();
    else (self.#decoder as RawDecoder).reset();
  }

  /** The one way out: everything stops; then the error (if any) and "close", deferred. */
  static #finish(self: Connection, error: string | null, code: string): void {
    if (self.#state === CLOSED) return;
    Connection.#stop(self);
    if (error !== null) Connection.#later(self, "error", error, code);
    Connection.#later(self, "close", "", "");
  }

  static #dropSocket(self: Connection): void {
    const socket = self.#socket;
    self.#socket = null;
    self.#writable = 0;
    if (socket) {
      try {
        socket.close();
      } catch {
        // already closed by the host: nothing left to release
      }
    }
  }

  static #discard(self: Connection, socket: TCPSocket, count: number): void {
    const rx = self.#rx;
    while (count > 0) {
      const n = socket.read(Connection.#view(self, rx, 0, count < rx.length ? count : rx.length)) ?? 0;
      if (n <= 0) return;
      count -= n;
    }
  }

  // A view of target[at, at + n) to read into: of the receive buffer, the one made last is kept
  // while the range is the same; of a large payload's buffer, it is not kept (it would hold that
  // buffer after it grew).
  static #view(self: Connection, target: Uint8Array, at: number, n: number): Uint8Array {
    if (target !== self.#rx) return at === 0 && n === target.length ? target : target.subarray(at, at + n);
    const last = self.#readView;
    if (last !== null && last.buffer === target.buffer && last.byteOffset === target.byteOffset + at && last.length === n) return last;
    return (self.#readView = at === 0 && n === target.length ? target : target.subarray(at, at + n));
  }

  static #armCloseTimer(self: Connection): void {
    Connection.#setTimer(self, () => {
      self.#timer = undefined;
      Connection.#finish(self, `Closed with ${self.#queue.bytes} bytes not sent: the peer read nothing for ${CLOSE_FLUSH_STALL / 1000} s`, "ECONNLOST");
    }, CLOSE_FLUSH_STALL);
  }

  // The state's timer, replacing the one of the state before. Each callback begins with
  // `this.#timer = undefined` (it has fired).
  static #setTimer(self: Connection, callback: () => void, ms: number): void {
    self.#platform.clearTimer(self.#timer);
    self.#timer = self.#platform.setTimer(callback, ms);
  }

  static #clearTimer(self: Connection): void {
    self.#platform.clearTimer(self.#timer);
    self.#timer = undefined;
  }

  // --- idle ---

  // A read or a write: the time of the last activity, which only the idle timer reads. Open, the
  // state's timer is the idle timer, so without one (idleTimeout 0) nothing is done per message.
  static #touch(self: Connection): void {
    if (self.#timer !== undefined) self.#lastActivity = self.#platform.now();
  }

  static #startIdleTimer(self: Connection): void {
    const ms = self.#settings.idleTimeout * 1000;
    if (ms <= 0) return;
    self.#lastActivity = self.#platform.now();
    const check = (): void => {
      self.#timer = undefined;
      if (self.#state !== OPEN) return;
      const quiet = self.#platform.now() - self.#lastActivity;
      if (quiet >= ms) Connection.#finish(self, null, ""); // idle → "close"
      else Connection.#setTimer(self, check, ms - quiet);
    };
    Connection.#setTimer(self, check, ms);
  }

  // --- deferred events ---

  /**
   * Defers an event to the one notify timer: events of calls the user made are never emitted from
   * inside those calls. Errors come out in order (the same error repeated in a row comes out once,
   * with the count), and "close" last, so that an error of a send() made before "close" still
   * reaches the listeners that "close" removes.
   */
  static #later(self: Connection, event: string, message: string, code: string): void {
    const pending = (self.#pending ??= []);
    const last = pending.length > 0 ? pending[pending.length - 1]! : null;
    if (last !== null && last.event === event && last.message === message && last.code === code) last.count++;
    else pending.push({ event, message, code, count: 1 });
    if (self.#notifyTimer === undefined) self.#notifyTimer = self.#platform.setTimer(() => Connection.#notify(self), 0);
  }

  static #notify(self: Connection): void {
    self.#notifyTimer = undefined;
    const pending = self.#pending ?? [];
    self.#pending = null;
    let close = false;
    for (const p of pending) {
      if (p.event === "close") close = true; // last, whatever was deferred after it
      else if (p.event === "error") self.dispatch("error", p.count > 1 ? `${p.message} (${p.count} times)` : p.message, p.code);
      else self.dispatch(p.event);
    }
    if (close) {
      self.dispatch("close");
      self.afterClose();
    }
  }
}

/** The host's TLS classes for these settings, or the reason there are none. */
export function secureTransport(host: Host, settings: SecureSettings): SecureTransport | string {
  if (!host.secure) return `TLS (sslTls) is not supported on the ${host.name} host`;
  try {
    return host.secure(settings);
  } catch (e) {
    return `TLS (sslTls): ${(e as Error).message}`;
  }
}

/** How a listener that threw is reported, by every class that emits. */
export function reportThrow(host: Host, who: string, event: string, error: unknown): void {
  host.report(`${who}: a "${event}" listener threw: ${error instanceof Error && error.stack ? error.stack : String(error)}`);
}

/** A socket made by a connection: its ECMA-419 `target` is that connection. */
type Targeted = TCPSocket & { target?: Connection };

function failureText(failure: unknown): string {
  return failure instanceof Error ? failure.message : String(failure);
}

// A TCP class may say that it still writes after the peer closed its side (the Node host's does).
function writesAfterPeerClose(TCP: TCPConstructor | undefined): boolean {
  return (TCP as { writesAfterPeerClose?: boolean } | undefined)?.writesAfterPeerClose === true;
}
