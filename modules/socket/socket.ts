// The public API (docs/protocol.md): SocketClient, SocketServer, Socket, supportedReceiveTypes(),
// supportedSendTypes(). The classes take their Host as the first constructor argument; each host
// binding (hosts/<name>/) exports subclasses with the host filled in.

import { EventEmitter } from "./emitter.js";
import { Connection, type ConnectionOwner } from "./connection.js";
import type { Host, ListenerSocket, SecureSettings, SecureTransport, TCPConstructor, TCPSocket } from "./host.js";
import { checkPort, clientOptions, serverOptions, type ClientOptions, type ServerOptions } from "./options.js";
import { TYPE_NAMES } from "./types.js";

export type { ClientOptions, ServerOptions } from "./options.js";

/** Every type this module can receive. */
export function supportedReceiveTypes(): string[] {
  return TYPE_NAMES.slice();
}

/** Every type this module can send. */
export function supportedSendTypes(): string[] {
  return TYPE_NAMES.slice();
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** The host's TLS classes for these settings, or the reason there are none. */
function secureTransport(host: Host, settings: SecureSettings): SecureTransport | string {
  if (!host.secure) return `TLS (sslTls) is not supported on the ${host.name} host`;
  try {
    return host.secure(settings);
  } catch (e) {
    return `TLS (sslTls): ${(e as Error).message}`;
  }
}

// Client states.
const NEW = 0;
const CONNECTING = 1; // resolving, connecting, or waiting to retry
const OPEN = 2;
const DONE = 3; // closed, or failed after the last attempt

/** A TCP client. Add listeners, then open(). Events: "open", "data", "close", "error". */
export class SocketClient extends EventEmitter {
  readonly port: number;
  readonly host: string;
  readonly options: Readonly<ClientOptions>;
  #env: Host;
  #conn: Connection;
  #state = NEW;
  #attempts = 0;
  #retryTimer: unknown = undefined;
  #resolving = 0; // generation of the name lookup in flight: a stale answer is ignored

  constructor(env: Host, port: number = 4000, host: string = "localhost", options: Partial<ClientOptions> = {}) {
    super();
    this.port = checkPort("SocketClient", port, false);
    if (typeof host !== "string" || host === "")
      throw new TypeError(`SocketClient: host must be a non-empty string, got ${host === "" ? '""' : typeof host}`);
    this.host = host;
    this.options = Object.freeze(clientOptions(env.defaults, options));
    this.#env = env;
    this.#conn = new Connection(env, this.options, this.#owner());
  }

  /** Connects (after listeners are added). Retries per reconnectAttempts / reconnectInterval. */
  open(): void {
    if (this.#state !== NEW) {
      this.#defer(() => this.emit("error", "SocketClient.open(): already opened; make a new SocketClient to connect again"));
      return;
    }
    if (this.options.sslTls) {
      const o = this.options;
      const tls = secureTransport(this.#env, {
        role: "client", serverName: this.host, trustAll: o.trustAll, trustedCACertPath: o.trustedCACertPath,
        pfxKeyCertPath: o.pfxKeyCertPath, pfxKeyCertPassword: o.pfxKeyCertPassword, clientAuth: "none",
      });
      if (typeof tls === "string") {
        this.#state = DONE;
        this.#defer(() => this.emit("error", tls));
        return;
      }
      this.#conn.useTransport(tls.TCP);
    }
    this.#state = CONNECTING;
    this.#attempt();
  }

  send(data: unknown): void {
    this.#conn.send(data);
  }

  /** Flushes what is queued, closes, emits "close" once, then removes every listener. */
  close(): void {
    if (this.#state === DONE) return;
    this.#env.clearTimer(this.#retryTimer);
    this.#retryTimer = undefined;
    this.#resolving++;
    this.#state = DONE;
    this.#conn.close();
  }

  /** Bytes of sent data not yet written to the network. */
  get bufferedAmount(): number {
    return this.#conn.bufferedAmount;
  }

  protected override unhandledError(error: unknown): void {
    this.#env.report(`SocketClient ${this.host}:${this.port} error: ${String(error)}`);
  }

  #attempt(): void {
    const name = this.host;
    if (IPV4.test(name) || name.includes(":")) { // an IP literal (IPv6 where the host's TCP takes it)
      this.#conn.connect(name, this.port);
      return;
    }
    if (name === "localhost") {
      this.#conn.connect("127.0.0.1", this.port);
      return;
    }
    const generation = ++this.#resolving;
    this.#env.resolve(name, (address, reason) => {
      if (generation !== this.#resolving || this.#state !== CONNECTING) return; // closed meanwhile
      if (address) this.#conn.connect(address, this.port);
      else this.#failed(`cannot resolve "${name}"${reason ? `: ${reason}` : ""}`);
    });
  }

  #failed(reason: string): void {
    if (this.#state !== CONNECTING) return;
    if (this.#attempts < this.options.reconnectAttempts) {
      this.#attempts++;
      this.#retryTimer = this.#env.setTimer(() => {
        this.#retryTimer = undefined;
        if (this.#state === CONNECTING) this.#attempt();
      }, this.options.reconnectInterval);
      return;
    }
    this.#state = DONE; // docs/protocol.md, "Life cycle": "error" and no "close"
    const tries = this.#attempts + 1;
    this.emit("error", `Failed to connect to ${this.host}:${this.port} after ${tries} attempt${tries > 1 ? "s" : ""}: ${reason}`);
  }

  #owner(): ConnectionOwner {
    return {
      connected: () => {
        this.#state = OPEN;
        this.emit("open");
      },
      connectFailed: (reason) => this.#failed(reason),
      data: (value) => this.emit("data", value),
      error: (message) => this.emit("error", message),
      closed: () => {
        this.#state = DONE;
        this.emit("close");
        this.removeAllListeners();
      },
    };
  }

  #defer(callback: () => void): void {
    this.#env.setTimer(callback, 0);
  }
}

/** One accepted connection, made by a SocketServer. Events: "data", "close", "error". */
export class Socket extends EventEmitter {
  #env: Host;
  #conn: Connection;
  #closed = false;

  /** @internal Made by SocketServer. */
  constructor(env: Host, options: ServerOptions, from: TCPSocket, TCP: TCPConstructor | undefined, onClosed: (socket: Socket) => void) {
    super();
    this.#env = env;
    const settings = { ...options, discardMessagesBeforeOpen: false, connectTimeout: 0 };
    this.#conn = new Connection(env, settings, {
      connected: () => {},
      connectFailed: () => {},
      data: (value) => this.emit("data", value),
      error: (message) => this.emit("error", message),
      closed: () => {
        this.#closed = true;
        onClosed(this);
        this.emit("close");
        this.removeAllListeners();
      },
    });
    this.#conn.adopt(from, TCP);
  }

  send(data: unknown): void {
    this.#conn.send(data);
  }

  /** Flushes what is queued, closes, emits "close" once, then removes every listener. */
  close(): void {
    this.#conn.close();
  }

  remoteHost(): string {
    return this.#conn.remoteAddress ?? "";
  }

  remotePort(): number {
    return this.#conn.remotePort ?? 0;
  }

  get bufferedAmount(): number {
    return this.#conn.bufferedAmount;
  }

  get closed(): boolean {
    return this.#closed;
  }

  protected override unhandledError(error: unknown): void {
    this.#env.report(`Socket ${this.remoteHost()}:${this.remotePort()} error: ${String(error)}`);
  }
}

/** A TCP server. Add listeners, then start(). Events: "listening", "connection", "error". */
export class SocketServer extends EventEmitter {
  readonly options: Readonly<ServerOptions>;
  #env: Host;
  #listener: ListenerSocket | null = null;
  #sockets = new Set<Socket>();
  #generation = 0; // a "listening" deferred from an earlier start() is dropped after stop()
  #TCP: TCPConstructor | undefined = undefined; // the TLS class accepted sockets are taken over with

  constructor(env: Host, options: Partial<ServerOptions> = {}) {
    super();
    this.options = Object.freeze(serverOptions(env.defaults, options));
    this.#env = env;
  }

  /** The bound port once listening (useful with port 0), else 0. */
  get port(): number {
    return this.#listener?.port ?? 0;
  }

  start(): void {
    const generation = ++this.#generation;
    const later = (event: string, arg: unknown): void => {
      this.#env.setTimer(() => {
        if (generation === this.#generation) this.emit(event, arg);
      }, 0);
    };
    if (this.#listener) {
      later("error", `SocketServer.start(): already listening on port ${this.#listener.port}`);
      return;
    }
    let Listener = this.options.listener ?? this.#env.Listener;
    if (this.options.sslTls) {
      const o = this.options;
      const tls = secureTransport(this.#env, {
        role: "server", serverName: "", trustAll: false, trustedCACertPath: o.trustedCACertPath,
        pfxKeyCertPath: o.pfxKeyCertPath, pfxKeyCertPassword: o.pfxKeyCertPassword, clientAuth: o.clientAuth,
      });
      if (typeof tls === "string" || !tls.Listener) {
        later("error", typeof tls === "string" ? tls : `TLS (sslTls): the ${this.#env.name} host has no TLS server`);
        return;
      }
      this.#TCP = tls.TCP;
      if (!this.options.listener) Listener = tls.Listener;
    }
    const self = this;
    const { port, hostInterface } = this.options;
    let listener: ListenerSocket;
    try {
      listener = new Listener({
        port,
        address: hostInterface,
        onReadable(count: number) {
          if (self.#listener === listener) self.#accept(count);
        },
        onError() {
          if (self.#listener !== listener) return;
          self.#listener = null;
          self.emit("error", `SocketServer failed to listen on port ${port}`);
        },
      });
    } catch (e) {
      later("error", `SocketServer failed to listen on port ${port}: ${(e as Error).message}`);
      return;
    }
    this.#listener = listener;
    later("listening", listener.port);
  }

  /** Closes every open Socket (each emits "close"), then stops listening. */
  stop(): void {
    this.#generation++;
    for (const socket of this.#sockets) socket.close();
    const listener = this.#listener;
    this.#listener = null;
    listener?.close();
  }

  protected override unhandledError(error: unknown): void {
    this.#env.report(`SocketServer error: ${String(error)}`);
  }

  #accept(count: number): void {
    for (let i = 0; i < count && this.#listener; i++) {
      const from = this.#listener.read();
      if (!from) return;
      let socket: Socket;
      try {
        socket = new Socket(this.#env, this.options, from, this.#TCP, (s) => this.#sockets.delete(s));
      } catch (e) {
        this.emit("error", `SocketServer could not accept a connection: ${(e as Error).message}`);
        continue;
      }
      this.#sockets.add(socket);
      this.emit("connection", socket);
    }
  }
}
