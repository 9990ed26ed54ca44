// A simulated ECMA-419 network: TCP (embedded:io/socket/tcp) and Listener
// (embedded:io/socket/listener) with the observable behaviour of Moddable's native classes
// (Moddable's modules/io/socket/*/tcp.c and its conformance tests): the first onWritable means connected; write() throws when over the
// writable count and returns what is left; read() / read(n) / read(view) (a view longer than
// what is readable throws); onReadable(count of ALL unread bytes) only when new bytes arrive;
// onError() with no argument for a refused connect, a reset or a remote close, only once the
// bytes received before it were read; close() immediate and final; `from` take-over.
// Callbacks always come from the world's event queue, never from inside a method.
// Faults (reset, lost listener, black-holed port) are driven by World methods below.

import { current } from "./current.js";
import type { World } from "./world.js";

type Bytes = Uint8Array;

interface Sink {
  readable(count: number): void;
  writable(count: number): void;
  error(): void;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** One end of a simulated connection. */
export class Endpoint {
  readonly world: World;
  readonly name: string;
  peer: Endpoint | null = null;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
  sink: Sink | null = null; // the TCP object's callbacks, null while nobody owns this end
  connected = false;
  inbox: Bytes[] = []; // received, unread
  inboxOffset = 0; // bytes of inbox[0] already read
  unread = 0;
  outbox: Bytes[] = []; // written, not yet delivered to the peer
  outBytes = 0;
  pumping = false;
  closed = false; // closed here (or reset): nothing more happens on this end
  shut = false; // half-closed here (shutdownSocket): FIN after the outbox, reading goes on
  finQueued = false; // closed here: the peer hears of it after the outbox is delivered
  remoteGone = false; // FIN or RST received
  peerReads = false; // the FIN came from a half-close: the peer still reads what is in flight
  errorDue = false; // onError owed once the inbox is drained
  errorSent = false;
  resetAfter = -1; // fault: reset this end after this many more bytes are delivered to it
  received = 0;

  constructor(world: World, name: string, localPort: number, remoteAddress: string, remotePort: number) {
    this.world = world;
    this.name = name;
    this.localPort = localPort;
    this.remoteAddress = remoteAddress;
    this.remotePort = remotePort;
  }

  get writable(): number {
    const n = this.world.config.sendBuffer - this.outBytes;
    return n > 0 ? n : 0;
  }

  write(bytes: Bytes): void {
    if (this.remoteGone) return; // the peer is gone: the bytes go nowhere (the error is on its way)
    this.outbox.push(bytes);
    this.outBytes += bytes.length;
    this.pump();
  }

  /** Removes `n` (≤ unread) bytes from the front of the inbox into `dest` (or drops them). */
  take(n: number, dest: Bytes | null): void {
    let at = 0;
    while (at < n) {
      const head = this.inbox[0]!;
      const k = Math.min(head.length - this.inboxOffset, n - at);
      if (dest) dest.set(head.subarray(this.inboxOffset, this.inboxOffset + k), at);
      at += k;
      this.inboxOffset += k;
      if (this.inboxOffset === head.length) {
        this.inbox.shift();
        this.inboxOffset = 0;
      }
    }
    this.unread -= n;
    if (this.peer && n > 0) this.peer.pump(); // the window opened: a stalled sender goes on
    if (this.unread === 0 && this.errorDue) this.#scheduleError();
  }

  /** Moves the next segment toward the peer, one at a time so that order is kept. */
  pump(): void {
    if (this.pumping) return;
    const peer = this.peer;
    const world = this.world;
    if (!peer || !peer.connected) return; // nothing moves before the handshake completes
    if (this.outBytes === 0) {
      if (this.finQueued) {
        this.finQueued = false;
        this.pumping = true;
        world.at(world.latency(), () => {
          this.pumping = false;
          world.trace(`${this.name} FIN`);
          peer.remoteClosed(this.shut);
        });
      }
      return;
    }
    const window = world.config.receiveWindow - peer.unread;
    if (window <= 0) return; // slow reader: resumes when the peer reads (take)
    const size = Math.min(world.int(world.config.chunk[0], world.config.chunk[1]), this.outBytes, window);
    this.pumping = true;
    world.at(world.latency(), () => {
      this.pumping = false;
      if (this.peer !== peer || this.outBytes === 0) return; // reset meanwhile
      const segment = new Uint8Array(size);
      let at = 0;
      while (at < size) {
        const head = this.outbox[0]!;
        const k = Math.min(head.length, size - at);
        segment.set(head.subarray(0, k), at);
        at += k;
        if (k === head.length) this.outbox.shift();
        else this.outbox[0] = head.subarray(k);
      }
      this.outBytes -= size;
      world.trace(`${this.name} -> ${size}`);
      peer.deliver(segment);
      if (!this.closed && this.sink && !this.remoteGone) this.sink.writable(this.writable); // acknowledged: room again
      this.pump();
    });
  }

  deliver(segment: Bytes): void {
    if (this.closed) { // data for a closed socket: the sender is reset
      this.peer?.reset("data after close");
      return;
    }
    this.inbox.push(segment);
    this.unread += segment.length;
    this.received += segment.length;
    this.sink?.readable(this.unread);
    if (this.resetAfter >= 0) {
      this.resetAfter -= segment.length;
      if (this.resetAfter <= 0) { // fault: the connection is reset, both ends hear of it
        this.resetAfter = -1;
        const peer = this.peer;
        this.reset("fault");
        if (peer) this.world.at(this.world.latency(), () => peer.reset("fault"));
      }
    }
  }

  /** FIN from the peer; `stillReads`: a half-close, so what was written before still goes out. */
  remoteClosed(stillReads = false): void {
    if (this.closed || this.remoteGone) return;
    this.remoteGone = true;
    this.peerReads = stillReads;
    if (!stillReads) {
      this.outbox = [];
      this.outBytes = 0;
    }
    this.errorDue = true;
    if (this.unread === 0) this.#scheduleError();
  }

  /** RST from the peer: what was in flight toward us is lost. */
  reset(why: string): void {
    if (this.closed || this.remoteGone) return;
    this.world.trace(`${this.name} RST (${why})`);
    this.remoteClosed();
  }

  /** Resets this end (fault injection or an application's abort): the peer hears RST. */
  abort(): void {
    if (this.closed) return;
    this.closed = true;
    this.sink = null;
    this.outbox = [];
    this.outBytes = 0;
    this.world.registry.sockets.delete(this);
    const peer = this.peer;
    if (peer) this.world.at(this.world.latency(), () => peer.reset("peer reset"));
  }

  /** A half-close: what was written is still delivered, then the peer hears FIN; this end still reads. */
  shutdown(): void {
    if (this.closed || this.shut) return;
    this.shut = true;
    if (this.remoteGone) return;
    this.finQueued = true;
    this.pump();
  }

  /** close(): what was written is still delivered, then the peer hears FIN. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.sink = null;
    this.world.registry.sockets.delete(this);
    if (this.remoteGone && !this.peerReads) return;
    this.finQueued = true; // after what is in flight, as a socket's close does
    this.pump();
  }

  #scheduleError(): void {
    if (this.errorSent) return;
    this.errorSent = true;
    this.world.at(0, () => {
      this.world.trace(`${this.name} onError`);
      if (!this.closed) this.sink?.error();
    });
  }
}

function toBytes(data: unknown): Bytes {
  if (data instanceof ArrayBuffer) return new Uint8Array(data.slice(0));
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  throw new TypeError("write: ArrayBuffer or ArrayBufferView expected");
}

type Callback = ((this: TCP, ...args: number[]) => void) | undefined;

function callback(options: Record<string, unknown>, name: string): Callback {
  const value = options[name];
  if (value === undefined) return undefined;
  if (typeof value !== "function") throw new TypeError(`${name} must be a function`);
  return value as Callback;
}

const handles = new WeakMap<object, Endpoint | null>(); // TCP object → its endpoint (null: closed)
const ACCEPTED = Symbol("accepted"); // option key only this file uses: a Listener's new connection

/** embedded:io/socket/tcp, simulated. */
export class TCP {
  #ep: Endpoint | null = null;
  #format = "buffer";
  #onReadable: Callback;
  #onWritable: Callback;
  #onError: Callback;
  target: unknown;

  constructor(options: Record<string, unknown>) {
    if (options === null || typeof options !== "object") throw new TypeError("options required");
    this.#onReadable = callback(options, "onReadable");
    this.#onWritable = callback(options, "onWritable");
    this.#onError = callback(options, "onError");
    if (options.format !== undefined) this.format = options.format as string;
    if ("target" in options) this.target = options.target;
    if (ACCEPTED in options) { // from Listener.read(): connected, no callbacks until taken over
      const ep = options[ACCEPTED as unknown as string] as Endpoint;
      this.#ep = ep;
      this.#adopt(ep);
      return;
    }
    if ("from" in options) {
      const from = options.from as object;
      const ep = from !== null && typeof from === "object" ? handles.get(from) : undefined;
      if (!ep) throw new SyntaxError("invalid from");
      handles.set(from, null); // the original is detached: unusable, silent
      this.#ep = ep;
      this.#adopt(ep);
      ep.world.trace(`${ep.name} taken over`);
      ep.world.at(0, () => { // like a fresh connection: writable, and what arrived already
        if (this.#ep !== ep || ep.closed) return;
        if (!ep.remoteGone) this.#call(this.#onWritable, ep.writable);
        if (this.#ep === ep && ep.unread > 0) this.#call(this.#onReadable, ep.unread);
      });
      return;
    }
    const address = options.address;
    if (typeof address !== "string" || !IPV4.test(address)) throw new Error("invalid address"); // no names: Moddable's TCP takes IPv4 literals only
    const port = options.port;
    if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError("invalid port");
    const world = current();
    const ep = new Endpoint(world, `c${world.nextPort}`, world.nextPort++, address, port);
    this.#ep = ep;
    this.#adopt(ep);
    world.registry.sockets.add(ep);
    world.trace(`${ep.name} connect ${address}:${port}`);
    connect(world, ep, address, port);
  }

  get format(): string {
    return this.#format;
  }

  set format(value: string) {
    if (value !== "buffer" && value !== "number") throw new RangeError("invalid format");
    this.#format = value;
  }

  get remoteAddress(): string | undefined {
    return this.#live().remoteAddress;
  }

  get remotePort(): number | undefined {
    return this.#live().remotePort;
  }

  read(arg?: unknown): ArrayBuffer | number | undefined {
    const ep = this.#live();
    if (this.#format === "number") {
      if (ep.unread === 0) return undefined;
      const one = new Uint8Array(1);
      ep.take(1, one);
      return one[0];
    }
    if (arg === undefined) {
      if (ep.unread === 0) return undefined;
      const all = new Uint8Array(ep.unread);
      ep.take(all.length, all);
      return all.buffer;
    }
    if (ArrayBuffer.isView(arg)) {
      const n = arg.byteLength;
      if (n > ep.unread) throw new Error(`invalid read of ${n} bytes (${ep.unread} available)`);
      ep.take(n, new Uint8Array(arg.buffer, arg.byteOffset, n));
      return n;
    }
    const n = Math.trunc(Number(arg)) || 0;
    if (n < 0 || n > ep.unread) throw new Error(`invalid read of ${n} bytes (${ep.unread} available)`);
    const out = new Uint8Array(n);
    ep.take(n, out);
    return out.buffer;
  }

  write(data: unknown): number {
    const ep = this.#live();
    if (!ep.connected) throw new Error("not ready");
    if (ep.shut) throw new Error("shut down for writing");
    const bytes = this.#format === "number" ? new Uint8Array([Number(data) & 0xff]) : toBytes(data);
    if (bytes.length > ep.writable) throw new Error("would block");
    ep.write(bytes);
    return ep.writable;
  }

  close(): void {
    const ep = this.#ep;
    if (!ep) return;
    this.#ep = null;
    handles.set(this, null);
    ep.world.trace(`${ep.name} close`);
    ep.close();
  }

  #live(): Endpoint {
    const ep = this.#ep;
    if (!ep || handles.get(this) !== ep) throw new SyntaxError("closed");
    return ep;
  }

  #adopt(ep: Endpoint): void {
    handles.set(this, ep);
    ep.sink = {
      readable: (count) => this.#call(this.#onReadable, count),
      writable: (count) => this.#call(this.#onWritable, count),
      error: () => {
        if (this.#ep !== ep) return;
        this.#call(this.#onError);
      },
    };
  }

  #call(fn: Callback, ...args: number[]): void {
    if (fn && this.#ep && handles.get(this) === this.#ep) fn.call(this, ...args);
  }
}

interface ListenerState {
  world: World;
  port: number;
  pending: TCP[];
  onReadable: ((this: Listener, count: number) => void) | undefined;
  onError: ((this: Listener) => void) | undefined;
  closed: boolean;
  self: Listener;
}

function connect(world: World, client: Endpoint, address: string, port: number): void {
  world.at(world.latency(), () => {
    if (client.closed) return;
    if (world.blackholes.has(port)) {
      world.trace(`${client.name} SYN dropped`);
      return; // never answers: only a connect timeout ends this
    }
    const state = world.registry.listeners.get(port) as ListenerState | undefined;
    if (!state || state.closed) {
      world.trace(`${client.name} refused`);
      client.remoteClosed(); // onError, with nothing to read first
      return;
    }
    const server = new Endpoint(world, `s${port}.${client.localPort}`, port, address === "127.0.0.1" ? "127.0.0.1" : "10.0.0.2", client.localPort);
    server.peer = client;
    client.peer = server;
    server.connected = true;
    world.registry.sockets.add(server);
    const resetAfter = world.resetServerAfter.get(port);
    if (resetAfter !== undefined) server.resetAfter = resetAfter;
    state.pending.push(new TCP({ [ACCEPTED]: server } as unknown as Record<string, unknown>));
    world.trace(`${server.name} accepted, ${state.pending.length} pending`);
    world.at(0, () => {
      if (!state.closed && state.pending.length > 0) state.onReadable?.call(state.self, state.pending.length);
    });
    world.at(world.latency(), () => { // SYN-ACK back at the client
      if (client.closed) return;
      client.connected = true;
      world.trace(`${client.name} connected`);
      client.sink?.writable(client.writable);
      server.pump(); // what the server wrote meanwhile
      client.pump();
    });
  });
}

/** embedded:io/socket/listener, simulated. Binds every interface, like Moddable's. */
export class Listener {
  constructor(options: Record<string, unknown>) {
    if (options === null || typeof options !== "object") throw new TypeError("options required");
    const world = current();
    const given = options.port === undefined ? 0 : options.port;
    if (typeof given !== "number" || !Number.isInteger(given) || given < 0 || given > 65535) throw new RangeError("invalid port");
    const port = given === 0 ? world.nextPort++ : given;
    if (world.registry.listeners.has(port)) throw new Error("port in use");
    const onReadable = options.onReadable;
    const onError = options.onError;
    if (onReadable !== undefined && typeof onReadable !== "function") throw new TypeError("onReadable must be a function");
    const state: ListenerState = {
      world,
      port,
      pending: [],
      onReadable: onReadable as ListenerState["onReadable"],
      onError: typeof onError === "function" ? (onError as ListenerState["onError"]) : undefined,
      closed: false,
      self: this,
    };
    listeners.set(this, state);
    world.registry.listeners.set(port, state);
    world.trace(`listen ${port}`);
  }

  get port(): number {
    return this.#state().port;
  }

  read(): TCP | undefined {
    return this.#state().pending.shift();
  }

  close(): void {
    const state = listeners.get(this);
    if (!state || state.closed) return;
    state.closed = true;
    for (const tcp of state.pending) tcp.close(); // never taken: the peers are told
    state.pending = [];
    if (state.world.registry.listeners.get(state.port) === state) state.world.registry.listeners.delete(state.port);
    state.world.trace(`unlisten ${state.port}`);
  }

  #state(): ListenerState {
    const state = listeners.get(this);
    if (!state || state.closed) throw new SyntaxError("closed");
    return state;
  }
}

const listeners = new WeakMap<object, ListenerState>();

/** Fault: the listener on `port` is lost (the interface went down): it stops accepting, onError. */
export function loseListener(world: World, port: number): void {
  const state = world.registry.listeners.get(port) as ListenerState | undefined;
  if (!state) return;
  world.registry.listeners.delete(port);
  state.closed = true;
  world.trace(`listener ${port} lost`);
  world.at(0, () => state.onError?.call(state.self));
}

/** Fault: resets the connection of a TCP object (the peer hears RST), as a crashed peer would. */
/** Half-closes a socket (for the scenarios' peers; ECMA-419 has no half-close): see Endpoint.shutdown. */
export function shutdownSocket(tcp: object): void {
  const ep = handles.get(tcp);
  if (!ep) return;
  ep.world.trace(`${ep.name} shutdown`);
  ep.shutdown();
}

export function abortSocket(tcp: object): void {
  const ep = handles.get(tcp);
  if (!ep) return;
  handles.set(tcp, null);
  ep.world.trace(`${ep.name} abort`);
  ep.abort();
}
