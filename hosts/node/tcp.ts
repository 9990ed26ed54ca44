/*
 * ECMA-419 TCP socket (`embedded:io/socket/tcp`) for Node.js over node:net, behaving like
 * Moddable's native one (modules/io/socket/lwip/tcp.c, lin/tcp.c; documentation/io/io.md).
 *
 * - Callbacks get the socket as `this` and are always delivered from a setImmediate task,
 *   never from inside the constructor or a method (like Moddable's posted messages).
 * - Writable space is emulated: a bounded send buffer of `writeBufferSize` bytes (Node
 *   extension, default 65536). writable = size − bytes accepted by write() that node:net has
 *   not yet handed to the kernel (their socket.write callbacks have not run). Moddable's
 *   ESP32 offers the lwIP send buffer (8192) and its Linux simulator 1536 bytes per poll.
 * - Incoming bytes are buffered; reading from the kernel pauses above 64 KiB unread.
 * - onError() covers a failed connect, a reset and a clean remote close (FIN), and is held
 *   back until every buffered byte has been read. At most once. Node extension: for a failure
 *   (refused, reset) it gets the Error as its argument; for a clean close, none (Moddable
 *   passes none ever, so code must not depend on it).
 * - Half-open: a peer's FIN ends the input only (node's allowHalfOpen). After the clean-close
 *   onError(), write() still sends and onWritable still reports space, until close() (or until
 *   the peer resets or the socket fails: then writes are dropped, like lwip). So a peer that
 *   sends its request and half-closes (`nc -N`, socket.end()) still gets the replies.
 * - close() is final for the caller but graceful on the wire: bytes accepted by write()
 *   are flushed, then FIN, then the socket is destroyed (as closing an fd does on Moddable).
 * - A method or getter called on anything but a live TCP (a foreign receiver, after close()
 *   or a take-over) throws SyntaxError, as XS's host-object check does.
 * - Errors thrown match Moddable's constructors: Error for invalid values ("would block",
 *   "not ready", bad address), RangeError for ranges and formats, TypeError for values of
 *   the wrong type, SyntaxError for any use after close() or after a `from` take-over.
 */

import net from "node:net";
import {
  closedError, toAddress, toBytes, toCallback, toFormat, checkFormat, toPort, plainAddress,
} from "./io-common.js";

const kReadable = 1;
const kWritable = 2;
const kError = 4;

const DEFAULT_WRITE_BUFFER_SIZE = 65536; // emulated send buffer, bytes
const READ_HIGH_WATER = 65536; // stop reading from the kernel above this many unread bytes
const CLOSE_LINGER_MS = 2000; // after FIN, how long to wait for the peer's FIN before destroying

const FORMATS = ["buffer", "number"] as const;
type Format = (typeof FORMATS)[number];

const kAdopt = Symbol("adopt node socket");
const kRefused = Symbol("a connection the Listener had to refuse");

type Callback = (this: TCP, ...args: any[]) => void;

export interface TCPOptions {
  /** IP literal of the peer (IPv6 is a Node extension). Host names throw. */
  address?: string;
  port?: number;
  /** Disable Nagle. Moddable reads `nodelay`; the spec spells it `noDelay`. Both work. */
  nodelay?: boolean;
  noDelay?: boolean;
  /** Node extension: TCP keep-alive. */
  keepalive?: boolean;
  keepAlive?: boolean;
  format?: "buffer" | "number";
  /** Take over an existing TCP (e.g. from Listener.read()); it becomes unusable. Anything else: SyntaxError. */
  from?: object;
  /** Node extension: size of the emulated send buffer (default 65536). */
  writeBufferSize?: number;
  onReadable?: (this: TCP, count: number) => void;
  onWritable?: (this: TCP, count: number) => void;
  onError?: (this: TCP, failure?: Error) => void; // the argument is a Node extension; Moddable passes none
  target?: unknown;
}

/** A node socket and the state that moves with it when another TCP takes it over. */
class Connection {
  readonly socket: net.Socket;
  notify: ((bits: number) => void) | undefined; // the owning TCP's trigger
  capacity = DEFAULT_WRITE_BUFFER_SIZE;
  unsent = 0; // bytes accepted by write() whose socket.write callback has not run
  ring: Buffer | undefined = undefined; // the emulated send buffer: copies of what write() accepted, until node has written them
  ringHead = 0; // where the next copy goes in ring
  ringUsed = 0; // bytes of ring that node has not written yet (they end at ringHead)
  chunks: Buffer[] = [];
  offset = 0; // read position in chunks[0]
  readable = 0; // unread bytes in chunks
  connected: boolean;
  ended = false; // no more input: failed to connect, reset, remote FIN, or closed
  broken = false; // no more output either: failed, reset, or closed by node (a FIN alone leaves output open)
  errorDelivered = false;
  failure: Error | undefined = undefined; // why the connection ended, when it failed (reset, refused)
  closed = false;
  corked = false; // socket.cork() done for this tick, uncork() queued
  remoteAddress: string | undefined;
  remotePort: number | undefined;

  constructor(socket: net.Socket, connected: boolean) {
    this.socket = socket;
    this.connected = connected;
    if (connected)
      this.#learnPeer();
    socket.on("connect", () => {
      this.connected = true;
      this.#learnPeer();
      this.notify?.(kWritable);
    });
    socket.on("data", (chunk: Buffer) => {
      if (this.closed)
        return; // draining after close(): discard
      this.chunks.push(chunk);
      this.readable += chunk.length;
      if (this.readable >= READ_HIGH_WATER)
        socket.pause(); // bound memory; resumed by take()
      this.notify?.(kReadable);
    });
    // "error" must always have a listener or node throws; "close" covers a destroy without either.
    // "end" is the peer's FIN: input ends, output stays open (allowHalfOpen).
    socket.on("end", () => this.#gone(undefined, false));
    socket.on("error", (error) => this.#gone(error, true));
    socket.on("close", () => this.#gone(undefined, true));
  }

  get writable(): number {
    return this.capacity - this.unsent;
  }

  /**
   * Hand a copy of bytes to node:net; the space comes back when node passes it to the kernel.
   * The copy goes into a ring of `capacity` bytes allocated once (node writes views of it, and
   * callbacks come back in order, so the oldest bytes are always freed first); a copy of its own
   * only if the ring cannot take it (capacity changed by a take-over while bytes were in flight).
   */
  send(bytes: Uint8Array): void {
    if (!this.corked) { // writes made in one tick go to the kernel together, in one writev
      this.corked = true;
      this.socket.cork();
      process.nextTick(uncork, this);
    }
    if ((this.ring === undefined || this.ring.length !== this.capacity) && !this.ringUsed) {
      this.ring = Buffer.allocUnsafeSlow(this.capacity);
      this.ringHead = 0;
    }
    const ring = this.ring!;
    const length = bytes.length;
    if (length > ring.length - this.ringUsed) {
      this.#write(Buffer.from(bytes), false); // copies: the caller may reuse its buffer at once
      return;
    }
    const first = Math.min(length, ring.length - this.ringHead); // up to the end of the ring, the rest from its start
    ring.set(first === length ? bytes : bytes.subarray(0, first), this.ringHead);
    this.#write(ring.subarray(this.ringHead, this.ringHead + first), true);
    this.ringHead = (this.ringHead + first) % ring.length;
    if (first < length) {
      ring.set(bytes.subarray(first), 0);
      this.#write(ring.subarray(0, length - first), true);
      this.ringHead = length - first;
    }
  }

  #write(copy: Buffer, inRing: boolean): void {
    const length = copy.length;
    this.unsent += length;
    if (inRing)
      this.ringUsed += length;
    this.socket.write(copy, () => {
      this.unsent -= length;
      if (inRing)
        this.ringUsed -= length;
      this.notify?.(kWritable);
    });
  }

  /** Remove count (≤ readable) bytes from the front of the input, into `into` or a new ArrayBuffer. */
  take(count: number, into?: Uint8Array): ArrayBuffer | undefined {
    const result = into ? undefined : new ArrayBuffer(count);
    const out = into ?? new Uint8Array(result!);
    let position = 0;
    while (position < count) {
      const chunk = this.chunks[0];
      const use = Math.min(count - position, chunk.length - this.offset);
      out.set(chunk.subarray(this.offset, this.offset + use), position);
      position += use;
      this.offset += use;
      if (this.offset === chunk.length) {
        this.chunks.shift();
        this.offset = 0;
      }
    }
    this.readable -= count;
    if ((this.readable < READ_HIGH_WATER) && this.socket.isPaused())
      this.socket.resume();
    if (this.ended && !this.readable)
      this.notify?.(kError); // the remote close was held back until everything was read
    return result;
  }

  /** close(): flush what write() accepted, send FIN, then destroy. */
  shutdown(): void {
    this.closed = true;
    this.notify = undefined;
    this.chunks = [];
    this.readable = 0;
    const socket = this.socket;
    if (socket.destroyed)
      return;
    if (!this.connected) {
      socket.destroy();
      return;
    }
    socket.resume(); // keep draining input: unread input at destroy would make the kernel send a reset
    // after our FIN, wait at most CLOSE_LINGER_MS for the peer's; the timer goes with the socket, so a
    // closed connection (and its buffers) is not held for that long
    const linger = () => {
      this.ring = undefined; // every byte was handed to the kernel
      const timer = setTimeout(() => socket.destroy(), CLOSE_LINGER_MS).unref();
      socket.once("close", () => clearTimeout(timer));
    };
    if (socket.writableFinished)
      linger();
    else {
      socket.once("finish", linger);
      if (!socket.writableEnded)
        socket.end();
    }
  }

  #learnPeer(): void {
    this.remoteAddress = plainAddress(this.socket.remoteAddress) ?? this.remoteAddress;
    this.remotePort = this.socket.remotePort ?? this.remotePort;
  }

  #gone(failure: Error | undefined, broken: boolean): void {
    if (broken && !this.broken) {
      this.broken = true;
      this.notify?.(kWritable); // nothing more to report as writable; lets #deliver() settle
    }
    if (this.ended)
      return;
    this.ended = true;
    this.failure = failure;
    if (!this.readable)
      this.notify?.(kError);
  }
}

function uncork(conn: Connection): void {
  conn.corked = false;
  conn.socket.uncork();
}

export class TCP {
  /**
   * Read by the core (modules/socket/connection.ts): after a clean remote close (onError() with
   * no argument) this TCP still writes, so what is queued is flushed before closing. True for
   * sockets made here and by the Listener (allowHalfOpen); a socket handed to tcpFromSocket()
   * without allowHalfOpen drops writes after the peer's FIN (they return 0).
   */
  static readonly writesAfterPeerClose = true;

  #conn: Connection | undefined; // undefined once closed or taken over
  #format: Format = "buffer";
  #onReadable: Callback | undefined;
  #onWritable: Callback | undefined;
  #onError: Callback | undefined;
  #refusal: Error | undefined; // set on what refusedTCP() makes: taking it over throws this
  #triggered = 0;
  #immediate: NodeJS.Immediate | undefined;
  #reported = 0; // writable count the user last learned (onWritable argument or write() result)
  declare target: unknown;

  constructor(options: TCPOptions) {
    if ((options === null) || (typeof options !== "object"))
      throw new TypeError("options required");
    const o = options as Record<string | symbol, unknown>;

    if (o[kRefused] instanceof Error) { // see refusedTCP()
      this.#refusal = o[kRefused];
      return;
    }
    const adopt = o[kAdopt];
    if (adopt instanceof net.Socket) { // an accepted socket, for Listener.read()
      this.#own(new Connection(adopt, true));
      return;
    }

    // same order of checks as Moddable's constructor
    this.#format = toFormat(o, "buffer", FORMATS);
    this.#onReadable = toCallback(o, "onReadable") as Callback | undefined;
    this.#onWritable = toCallback(o, "onWritable") as Callback | undefined;
    this.#onError = toCallback(o, "onError") as Callback | undefined;
    const noDelay = ("nodelay" in o) ? o.nodelay : o.noDelay;
    const keepAlive = ("keepalive" in o) ? o.keepalive : o.keepAlive;
    let capacity: number | undefined;
    if (o.writeBufferSize !== undefined) {
      capacity = Number(o.writeBufferSize);
      if (!Number.isInteger(capacity) || (capacity < 1))
        throw new RangeError("invalid writeBufferSize");
    }

    let conn: Connection;
    let triggered = 0;
    if ("from" in o) {
      const from = o.from;
      if ((typeof from === "object") && (from !== null) && (#refusal in from) && from.#refusal)
        throw new Error(from.#refusal.message); // a connection the Listener refused: say why
      if ((typeof from !== "object") || (from === null) || !(#conn in from) || !from.#conn)
        throw new SyntaxError("invalid from"); // like XS: not a live TCP host object
      conn = from.#conn;
      from.#detach(); // the original becomes unusable; its callbacks never run again
      // like lwip: report what is already there to the new owner
      if (conn.connected && !conn.broken)
        triggered |= kWritable;
      if (conn.readable)
        triggered |= kReadable;
      if (conn.ended)
        triggered |= kError;
    }
    else {
      const address = toAddress(o.address);
      const port = toPort(o.port);
      conn = new Connection(new net.Socket({ allowHalfOpen: true }), false);
      conn.remoteAddress = address;
      conn.remotePort = port;
      conn.socket.connect({ host: address, port });
    }
    if (capacity !== undefined)
      conn.capacity = capacity;
    if (noDelay !== undefined)
      conn.socket.setNoDelay(Boolean(noDelay)); // node applies it once connected
    if (keepAlive !== undefined)
      conn.socket.setKeepAlive(Boolean(keepAlive));
    if ("target" in o)
      this.target = o.target;
    this.#own(conn);
    if (triggered)
      this.#trigger(triggered);
  }

  /** Stop all callbacks and close. Bytes already accepted by write() still reach the peer. */
  close(): void {
    if ((typeof this !== "object") || (this === null) || !(#conn in this))
      throw new SyntaxError("TCP: not a TCP"); // like XS's host-object check
    const conn = this.#conn;
    if (!conn)
      return; // a second close (or close after a take-over) is harmless
    this.#detach();
    conn.shutdown();
  }

  /**
   * read() → all unread bytes as an ArrayBuffer; read(n) → exactly n bytes;
   * read(view) → fills the whole view and returns its byteLength. n or the view's size must
   * be 1..available, else Error (as in Moddable). undefined when nothing is unread.
   * In "number" format read() returns one byte.
   */
  read(): ArrayBuffer | number | undefined;
  read(count: number): ArrayBuffer | undefined;
  read(view: ArrayBuffer | ArrayBufferView): number | undefined;
  read(arg?: unknown): ArrayBuffer | number | undefined {
    const conn = TCP.#live(this);
    if (this.#format === "number") {
      if (!conn.readable)
        return undefined;
      return new Uint8Array(conn.take(1)!)[0];
    }
    if (arguments.length === 0)
      return conn.readable ? conn.take(conn.readable) : undefined;
    // The argument is checked before looking at what is available, so a bad one always throws:
    // an object must be a buffer of bytes (ArrayBuffer, Uint8Array, Int8Array, DataView…; a
    // Uint16Array or a function is a TypeError, as in XS), anything else a count (a Symbol is a TypeError).
    if (((typeof arg === "object") && (arg !== null)) || (typeof arg === "function")) {
      const bytes = toByteView(arg);
      if (!conn.readable)
        return undefined;
      checkCount(bytes.byteLength, conn.readable);
      conn.take(bytes.byteLength, bytes);
      return bytes.byteLength;
    }
    const count = Math.trunc(Number(arg)) || 0;
    if (!conn.readable)
      return undefined;
    checkCount(count, conn.readable);
    return conn.take(count);
  }

  /**
   * Send a copy of the bytes (ArrayBuffer, typed array, DataView; in "number" format one
   * byte). Throws if not yet connected or if more than the writable count; returns the
   * writable count left. After the peer has gone the bytes are dropped (returns 0), like lwip.
   */
  write(data: ArrayBuffer | ArrayBufferView | number): number {
    const conn = TCP.#live(this);
    if (!conn.connected)
      throw new Error("not ready");
    const bytes = (this.#format === "number") ? Uint8Array.of(Number(data) & 0xFF) : (data instanceof Uint8Array) ? data : toBytes(data);
    if (conn.broken || !conn.socket.writable)
      return this.#reported = 0; // the connection failed or is gone: dropped, like lwip
    if (bytes.byteLength > conn.writable)
      throw new Error("would block");
    if (bytes.byteLength)
      conn.send(bytes);
    return this.#reported = conn.writable;
  }

  get remoteAddress(): string | undefined {
    return TCP.#live(this).remoteAddress;
  }

  get remotePort(): number | undefined {
    return TCP.#live(this).remotePort;
  }

  get format(): Format {
    TCP.#live(this);
    return this.#format;
  }

  set format(value: Format) {
    TCP.#live(this);
    this.#format = checkFormat(value, FORMATS);
  }

  // Static, so that it runs for a foreign receiver too (an instance method would be a TypeError first).
  static #live(self: unknown): Connection {
    if ((typeof self !== "object") || (self === null) || !(#conn in self))
      throw new SyntaxError("TCP: not a TCP"); // a foreign receiver, like XS's host-object check
    if (!self.#conn)
      throw self.#refusal ? new Error(self.#refusal.message) : closedError("TCP"); // refused: say why
    return self.#conn;
  }

  #own(conn: Connection): void {
    this.#conn = conn;
    conn.notify = (bits) => this.#trigger(bits);
  }

  #detach(): void {
    this.#conn = undefined;
    this.#onReadable = this.#onWritable = this.#onError = undefined;
    this.#triggered = 0;
    if (this.#immediate) {
      clearImmediate(this.#immediate);
      this.#immediate = undefined;
    }
  }

  /** Coalesce events into one deferred delivery, so no callback runs inside a method. */
  #trigger(bits: number): void {
    this.#triggered |= bits;
    this.#immediate ??= setImmediate(() => this.#deliver());
  }

  #deliver(): void {
    this.#immediate = undefined;
    const bits = this.#triggered;
    this.#triggered = 0;
    const conn = this.#conn;
    if (!conn)
      return;
    // onReadable: only for new bytes (or bytes found at take-over), with the total unread
    if ((bits & kReadable) && conn.readable && this.#onReadable) {
      this.#onReadable.call(this, conn.readable);
      if (this.#conn !== conn)
        return; // closed or taken over in the callback
    }
    if (conn.ended) {
      // held back while bytes remain unread
      if (!conn.readable && !conn.errorDelivered && this.#onError) {
        conn.errorDelivered = true;
        this.#onError.call(this, conn.failure); // Node extension: the reason, when there was a failure
        if (this.#conn !== conn)
          return; // closed in the callback
      }
      if (conn.broken || !conn.connected)
        return;
      // a clean remote close (FIN): the output is still open, so space is still reported
    }
    // onWritable: first one means connected; later ones only when space grew
    if ((bits & kWritable) && conn.connected && this.#onWritable) {
      const writable = conn.writable;
      if (writable > this.#reported) {
        this.#reported = writable;
        this.#onWritable.call(this, writable);
      }
    }
  }
}

/** A read() target: the bytes of an ArrayBuffer, a DataView or a typed array of 1-byte elements; else TypeError. */
function toByteView(value: unknown): Uint8Array {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView) && ((value as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT !== 1))
    throw new TypeError("invalid buffer: elements wider than a byte");
  return toBytes(value);
}

function checkCount(count: number, available: number): void {
  if ((count <= 0) || (count > available))
    throw new Error(`invalid read of ${count} bytes (${available} available)`);
}

/**
 * Wrap a connected node socket (e.g. from net.Server) as a TCP with no callbacks, the way
 * Moddable's Listener.read() returns one. It buffers input until taken over with `from`.
 */
export function tcpFromSocket(socket: net.Socket): TCP {
  return new TCP({ [kAdopt]: socket } as TCPOptions);
}

/**
 * What the Listener's read() returns for a connection it had to refuse (see listener.ts, "drop"):
 * a TCP that is already closed (close() is harmless) whose take-over with `from`, and any other
 * method or getter, throws an Error with `reason`, so that the code taking connections over learns
 * of the refusal where it would otherwise have got the connection.
 */
export function refusedTCP(reason: Error): TCP {
  return new TCP({ [kRefused]: reason } as TCPOptions);
}

export default TCP;
