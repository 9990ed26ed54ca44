// An in-memory ECMA-419 network for a device without one (plain Raspberry Pi Pico): a TCP class and
// a Listener class that talk to each other inside the VM, with the contract Moddable's own TCP
// socket has (embedded:io/socket/tcp, .../listener):
//
// - the first onWritable(count) means "connected"; write() before it throws;
// - write(bytes) throws, writing nothing, when given more than the writable count; it returns the
//   count left. The writable count of one end is `window` minus the bytes the other end has
//   received and not read yet: a slow reader holds the writer back (backpressure);
// - read() → an ArrayBuffer of everything readable, or undefined; read(n) → n bytes (throws when
//   fewer are readable); read(view) fills the whole view (throws when it is longer than what is
//   readable) and returns its length;
// - onReadable(count) carries every unread byte and fires again only when new bytes arrive;
// - close() is immediate and final; the other end gets onError() once it has read what was sent;
// - a connect to a port nobody listens on gets onError();
// - every callback is deferred with Timer.set(cb, 0), never called from inside a method.
//
// createLoopback() makes one such network; its classes are handed to SocketClient / SocketServer
// through their `tcp` / `listener` options. State lives in the network, not in module scope (a
// preloaded module's scope is frozen).

import Timer from "timer";

type Bytes = ArrayBuffer | ArrayBufferView;

export interface LoopbackTCPOptions {
  address?: string;
  port?: number;
  from?: LoopbackTCP;
  format?: string;
  onReadable?: (this: LoopbackTCP, count: number) => void;
  onWritable?: (this: LoopbackTCP, count: number) => void;
  onError?: (this: LoopbackTCP) => void;
  [other: string]: unknown;
}

export interface LoopbackListenerOptions {
  port?: number;
  onReadable?: (this: LoopbackListener, count: number) => void;
  [other: string]: unknown;
}

export interface LoopbackTCP {
  read(what?: number | ArrayBufferView): ArrayBuffer | number | undefined;
  write(data: Bytes): number;
  close(): void;
  readonly remoteAddress: string | undefined;
  readonly remotePort: number | undefined;
}

export interface LoopbackListener {
  read(): LoopbackTCP | undefined;
  close(): void;
  readonly port: number;
}

export interface Loopback {
  TCP: new (options: LoopbackTCPOptions) => LoopbackTCP;
  Listener: new (options: LoopbackListenerOptions) => LoopbackListener;
  /** Counters for the tests: bytes and writes through the network, connections made, and the most
   * bytes one end ever held unread (never more than the window). */
  readonly stats: { bytes: number; writes: number; connections: number; maxUnread: number };
}

/** One end of a connection: what it has received and not read, and its callbacks. */
class End {
  chunks: Uint8Array[] = [];
  first = 0; // bytes of chunks[0] already read
  unread = 0;
  peer: End | null = null;
  connected = false; // onWritable was delivered once
  closed = false; // this end called close()
  peerClosed = false;
  errorSent = false;
  readableDue = false; // new bytes since the last onReadable
  notifyScheduled = false;
  writableDue = false;
  owner: object | null = null; // the TCP object that owns this end now (null while a listener holds it)
  onReadable: ((count: number) => void) | undefined = undefined;
  onWritable: ((count: number) => void) | undefined = undefined;
  onError: (() => void) | undefined = undefined;
  readonly window: number;
  readonly port: number;
  readonly remotePort: number;

  constructor(window: number, port: number, remotePort: number) {
    this.window = window;
    this.port = port;
    this.remotePort = remotePort;
  }

  writable(): number {
    const peer = this.peer;
    if (!peer || peer.closed) return 0;
    return this.window - peer.unread;
  }

  // Delivers what is due, later: readable, writable, error (error only once all bytes were read).
  schedule(): void {
    if (this.notifyScheduled) return;
    this.notifyScheduled = true;
    Timer.set(() => this.notify(), 0);
  }

  notify(): void {
    this.notifyScheduled = false;
    if (this.closed || this.owner === null) return;
    const owner = this.owner;
    if (this.writableDue) {
      this.writableDue = false;
      this.connected = true;
      const count = this.writable();
      if (!this.peerClosed) this.onWritable?.call(owner, count);
    }
    if (this.closed || owner !== this.owner) return;
    if (this.readableDue && this.unread > 0) {
      this.readableDue = false;
      this.onReadable?.call(owner, this.unread);
    }
    if (this.closed || owner !== this.owner) return;
    if (this.peerClosed && this.unread === 0 && !this.errorSent) {
      this.errorSent = true;
      this.onError?.call(owner);
    }
  }

  take(into: Uint8Array, n: number): void {
    let at = 0;
    while (at < n) {
      const chunk = this.chunks[0]!;
      const left = chunk.length - this.first;
      const step = Math.min(left, n - at);
      into.set(chunk.subarray(this.first, this.first + step), at);
      at += step;
      this.first += step;
      if (this.first === chunk.length) {
        this.chunks.shift();
        this.first = 0;
      }
    }
    this.unread -= n;
    const peer = this.peer;
    if (peer && !peer.closed) { // the writer has room again
      peer.writableDue = true;
      peer.schedule();
    }
    if (this.peerClosed && this.unread === 0) this.schedule(); // now the close can be reported
  }
}

export function createLoopback(window = 1460): Loopback {
  const listeners = new Map<number, { pending: End[]; listener: object; onReadable: ((count: number) => void) | undefined; scheduled: boolean }>();
  let nextPort = 49152;
  const stats = { bytes: 0, writes: 0, connections: 0, maxUnread: 0 };

  function bytesOf(data: Bytes): Uint8Array {
    if (data instanceof ArrayBuffer) return new Uint8Array(data);
    if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    throw new TypeError("loopback TCP: write() takes an ArrayBuffer or a view");
  }

  const ends = new WeakMap<object, End>(); // TCP object → its end (a detached or closed one has none)
  function live(socket: object): End {
    const end = ends.get(socket);
    if (end === undefined || end.closed) throw new Error("loopback TCP: closed");
    return end;
  }

  class TCP implements LoopbackTCP {
    constructor(options: LoopbackTCPOptions) {
      if (options.format !== undefined && options.format !== "buffer") throw new RangeError(`loopback TCP: format "${options.format}"`);
      const from = options.from;
      let end: End;
      if (from !== undefined) {
        const taken = ends.get(from);
        if (taken === undefined || taken.closed) throw new TypeError("loopback TCP: from must be an open loopback TCP");
        ends.delete(from); // the original is detached
        end = taken;
      } else {
        if (typeof options.port !== "number") throw new TypeError("loopback TCP: no port");
        const clientPort = nextPort++;
        end = new End(window, clientPort, options.port);
        const entry = listeners.get(options.port);
        if (entry === undefined) {
          end.peerClosed = true; // nobody listens: refused
        } else {
          const server = new End(window, options.port, clientPort);
          server.peer = end;
          end.peer = server;
          entry.pending.push(server);
          stats.connections++;
          if (!entry.scheduled) {
            entry.scheduled = true;
            Timer.set(() => {
              entry.scheduled = false;
              if (listeners.get(options.port!) === entry && entry.pending.length > 0)
                entry.onReadable?.call(entry.listener, entry.pending.length);
            }, 0);
          }
        }
      }
      ends.set(this, end);
      end.owner = this;
      end.onReadable = options.onReadable as ((count: number) => void) | undefined;
      end.onWritable = options.onWritable as ((count: number) => void) | undefined;
      end.onError = options.onError as (() => void) | undefined;
      end.writableDue = !end.peerClosed || end.unread > 0;
      end.readableDue = end.unread > 0;
      end.schedule();
    }

    get remoteAddress(): string | undefined {
      return ends.has(this) ? "127.0.0.1" : undefined;
    }

    get remotePort(): number | undefined {
      return ends.get(this)?.remotePort;
    }

    read(what?: number | ArrayBufferView): ArrayBuffer | number | undefined {
      const end = live(this);
      if (what === undefined) {
        if (end.unread === 0) return undefined;
        const out = new Uint8Array(end.unread);
        end.take(out, out.length);
        return out.buffer;
      }
      if (typeof what === "number") {
        if (what > end.unread) throw new RangeError(`loopback TCP: read(${what}) with ${end.unread} readable`);
        const out = new Uint8Array(what);
        end.take(out, what);
        return out.buffer;
      }
      const view = new Uint8Array(what.buffer, what.byteOffset, what.byteLength);
      if (view.length > end.unread) throw new RangeError(`loopback TCP: read into ${view.length} bytes with ${end.unread} readable`);
      end.take(view, view.length);
      return view.length;
    }

    write(data: Bytes): number {
      const end = live(this);
      if (!end.connected) throw new Error("loopback TCP: write() before connected");
      const peer = end.peer;
      if (peer === null || end.peerClosed || peer.closed) throw new Error("loopback TCP: not connected");
      const bytes = bytesOf(data);
      const room = end.writable();
      if (bytes.length > room) throw new RangeError(`loopback TCP: write of ${bytes.length} bytes with ${room} writable`);
      if (bytes.length > 0) {
        peer.chunks.push(bytes.slice()); // the caller may reuse its buffer at once
        peer.unread += bytes.length;
        if (peer.unread > stats.maxUnread) stats.maxUnread = peer.unread;
        peer.readableDue = true;
        peer.schedule();
      }
      stats.bytes += bytes.length;
      stats.writes++;
      return room - bytes.length;
    }

    close(): void {
      const end = ends.get(this);
      if (end === undefined || end.closed) return;
      end.closed = true;
      end.chunks = [];
      end.unread = 0;
      const peer = end.peer;
      if (peer !== null && !peer.closed) {
        peer.peerClosed = true;
        peer.schedule();
      }
    }
  }

  class Listener implements LoopbackListener {
    #port: number;
    #closed = false;

    constructor(options: LoopbackListenerOptions) {
      let port = options.port ?? 0;
      if (port === 0) port = nextPort++;
      if (listeners.has(port)) throw new Error(`loopback Listener: port ${port} in use`);
      this.#port = port;
      listeners.set(port, { pending: [], listener: this, onReadable: options.onReadable as ((count: number) => void) | undefined, scheduled: false });
    }

    get port(): number {
      return this.#port;
    }

    read(): LoopbackTCP | undefined {
      if (this.#closed) throw new Error("loopback Listener: closed");
      const end = listeners.get(this.#port)!.pending.shift();
      if (end === undefined) return undefined;
      // A connected socket with no callbacks, to be taken over with new TCP({ from }).
      const socket = Object.create(TCP.prototype) as TCP;
      ends.set(socket, end);
      return socket;
    }

    close(): void {
      if (this.#closed) return;
      this.#closed = true;
      const entry = listeners.get(this.#port);
      listeners.delete(this.#port);
      for (const end of entry?.pending ?? []) { // refused: their clients get onError
        end.closed = true;
        const peer = end.peer;
        if (peer) {
          peer.peerClosed = true;
          peer.schedule();
        }
      }
    }
  }

  return { TCP, Listener, stats };
}
