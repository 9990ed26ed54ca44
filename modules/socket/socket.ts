// The public API: SocketClient, SocketServer, Socket, supportedReceiveTypes(),
// supportedSendTypes(). The classes take their Host as the first constructor argument; bind.ts
// makes the classes a host binding exports, with the host filled in.

import { Connection, type ConnectionSettings } from "./connection.js";
import { EventEmitter } from "./emitter.js";
import type { Host, ListenerSocket, SecureSettings, SecureTransport, TCPConstructor, TCPSocket } from "./host.js";
import { checkPort, clientOptions, serverOptions, type ClientOptions, type ServerOptions } from "./options.js";
import { TYPE_NAMES } from "./types.js";

export type { ClientOptions, ServerOptions } from "./options.js";

/** Every type this module can receive. */
export function supportedReceiveTypes(): string[] {
  return TYPE_NAMES.slice();
}

/** Every type this module can send (image formats are checked by their signature). */
export function supportedSendTypes(): string[] {
  return TYPE_NAMES.slice();
}

/** The host's TLS classes for these settings, or the reason there are none. */
function secureTransport(host: Host, settings: SecureSettings): SecureTransport | string {
  if (!host.secure) return `TLS (sslTls) is not supported on the ${host.name} host`;
  try {
    return host.secure(settings);
  } catch (e) {
    return `TLS (sslTls): ${(e as Error).message}`;
  }
}

// What every connection-backed class reports through its host.
function reportThrow(host: Host, who: string, event: string, error: unknown): void {
  host.report(`${who}: a "${event}" listener threw: ${error instanceof Error && error.stack ? error.stack : String(error)}`);
}

/** A TCP client. Add listeners, then open(). Events: "open", "data", "drain", "close", "error". */
export class SocketClient extends EventEmitter {
  readonly port: number;
  readonly host: string;
  readonly options: Readonly<ClientOptions>;
  #platform: Host;
  #conn: Connection;

  constructor(platform: Host, port: number = 4000, host: string = "localhost", options: Partial<ClientOptions> = {}) {
    super();
    this.port = checkPort("SocketClient", port);
    if (typeof host !== "string") throw new TypeError(`SocketClient: host must be a string, got ${typeof host}`);
    if (host === "") throw new RangeError('SocketClient: host must be a non-empty string, got ""');
    this.host = host;
    this.options = Object.freeze(clientOptions(platform.defaults, options));
    if (!this.options.sslTls && this.options.tcp === undefined && platform.TCP === undefined)
      throw new TypeError(`SocketClient: the ${platform.name} host has no TCP: pass a TCP class as the option "tcp"`);
    this.#platform = platform;
    this.#conn = new Connection(platform, this.options, this, () => this.removeAllListeners());
  }

  /** Connects (after listeners are added). Retries per reconnectAttempts / reconnectInterval. */
  open(): void {
    const conn = this.#conn;
    if (conn.started) {
      conn.deferError(conn.closed
        ? "SocketClient.open(): this client was closed; make a new SocketClient to connect again"
        : "SocketClient.open(): already opened", "EUSAGE");
      return;
    }
    if (this.options.sslTls) {
      const o = this.options;
      const tls = secureTransport(this.#platform, {
        role: "client", serverName: this.host, trustAll: o.trustAll, trustedCACertPath: o.trustedCACertPath,
        pfxKeyCertPath: o.pfxKeyCertPath, pfxKeyCertPassword: o.pfxKeyCertPassword, clientAuth: "none",
      });
      if (typeof tls === "string") {
        conn.giveUp(tls, "ETLS"); // as a failed connect: "error", no "close"
        return;
      }
      conn.useTransport(tls.TCP);
    }
    conn.open(this.host, this.port);
  }

  /** Returns whether the message was written or queued; if not, an "error" follows. */
  send(data: unknown): boolean {
    return this.#conn.send(data);
  }

  /** Flushes what is queued, closes, emits "close" once, then removes every listener. */
  close(): void {
    this.#conn.close();
  }

  /** Bytes of sent data not yet written to the network. */
  get bufferedAmount(): number {
    return this.#conn.bufferedAmount;
  }

  /** close() was called or the connection ended: send() refuses from now on. */
  get closed(): boolean {
    return this.#conn.closed;
  }

  protected override unhandledError(error: unknown): void {
    this.#platform.report(`SocketClient ${this.host}:${this.port} error: ${String(error)}`);
  }

  protected override listenerFailed(event: string, error: unknown): void {
    reportThrow(this.#platform, `SocketClient ${this.host}:${this.port}`, event, error);
  }
}

/** One accepted connection, made by a SocketServer. Events: "data", "drain", "close", "error". */
export class Socket extends EventEmitter {
  #platform: Host;
  #conn: Connection;

  /** @internal Made by SocketServer. */
  constructor(platform: Host, settings: ConnectionSettings, from: TCPSocket, TCP: TCPConstructor | undefined, onClosed: (socket: Socket) => void) {
    super();
    this.#platform = platform;
    this.#conn = new Connection(platform, settings, this, () => {
      onClosed(this);
      this.removeAllListeners();
    });
    this.#conn.adopt(from, TCP);
  }

  /** Returns whether the message was written or queued; if not, an "error" follows. */
  send(data: unknown): boolean {
    return this.#conn.send(data);
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
    return this.#conn.closed;
  }

  protected override unhandledError(error: unknown): void {
    this.#platform.report(`Socket ${this.remoteHost()}:${this.remotePort()} error: ${String(error)}`);
  }

  protected override listenerFailed(event: string, error: unknown): void {
    reportThrow(this.#platform, `Socket ${this.remoteHost()}:${this.remotePort()}`, event, error);
  }
}

/** A TCP server. Add listeners, then start(). Events: "listening", "connection", "error". */
export class SocketServer extends EventEmitter {
  readonly options: Readonly<ServerOptions>;
  #platform: Host;
  #settings: ConnectionSettings;
  #listener: ListenerSocket | null = null;
  #sockets = new Set<Socket>();
  #TCP: TCPConstructor | undefined = undefined; // the TLS class accepted sockets are taken over with
  #notifyTimer: unknown = undefined;
  #pending: [string, unknown, string][] = []; // events deferred from start(): "listening" or "error"

  constructor(platform: Host, options: Partial<ServerOptions> = {}) {
    super();
    this.options = Object.freeze(serverOptions(platform.defaults, options));
    if (!this.options.sslTls && this.options.listener === undefined && platform.Listener === undefined)
      throw new TypeError(`SocketServer: the ${platform.name} host has no TCP listener: pass a Listener class as the option "listener"`);
    this.#platform = platform;
    this.#settings = Object.freeze({
      ...this.options, discardMessagesBeforeOpen: false, connectTimeout: 0, reconnectAttempts: 0, reconnectInterval: 0,
    });
  }

  /** The bound port once listening (useful with port 0), else 0. */
  get port(): number {
    return this.#listener?.port ?? 0;
  }

  start(): void {
    if (this.#listener) {
      this.#later("error", `SocketServer.start(): already listening on port ${this.#listener.port}`, "EUSAGE");
      return;
    }
    let Listener = this.options.listener ?? this.#platform.Listener;
    if (this.options.sslTls) {
      const o = this.options;
      const tls = secureTransport(this.#platform, {
        role: "server", serverName: "", trustAll: false, trustedCACertPath: o.trustedCACertPath,
        pfxKeyCertPath: o.pfxKeyCertPath, pfxKeyCertPassword: o.pfxKeyCertPassword, clientAuth: o.clientAuth,
      });
      if (typeof tls === "string" || !tls.Listener) {
        this.#later("error", typeof tls === "string" ? tls : `TLS (sslTls): the ${this.#platform.name} host has no TLS server`, "ETLS");
        return;
      }
      this.#TCP = tls.TCP;
      if (!this.options.listener) Listener = tls.Listener;
    }
    const self = this;
    const { port, hostInterface } = this.options;
    let listener: ListenerSocket;
    try {
      listener = new Listener!({
        port,
        address: hostInterface,
        onReadable(count: number) {
          if (self.#listener === listener) self.#accept(count);
        },
        onError() {
          if (self.#listener !== listener) return;
          self.#listener = null;
          self.emit("error", `SocketServer failed to listen on port ${port}`, "ELISTEN");
        },
      });
    } catch (e) {
      this.#later("error", `SocketServer failed to listen on port ${port}: ${(e as Error).message}`, "ELISTEN");
      return;
    }
    this.#listener = listener;
    this.#later("listening", listener.port, "");
  }

  /** Closes every open Socket (each emits "close"), then stops listening. */
  stop(): void {
    this.#platform.clearTimer(this.#notifyTimer); // a "listening" not delivered yet is no longer true
    this.#notifyTimer = undefined;
    this.#pending = [];
    for (const socket of this.#sockets) socket.close();
    const listener = this.#listener;
    this.#listener = null;
    listener?.close();
  }

  protected override unhandledError(error: unknown): void {
    this.#platform.report(`SocketServer error: ${String(error)}`);
  }

  protected override listenerFailed(event: string, error: unknown): void {
    reportThrow(this.#platform, "SocketServer", event, error);
  }

  #later(event: string, arg: unknown, code: string): void {
    this.#pending.push([event, arg, code]);
    if (this.#notifyTimer !== undefined) return;
    this.#notifyTimer = this.#platform.setTimer(() => {
      this.#notifyTimer = undefined;
      const pending = this.#pending;
      this.#pending = [];
      for (const [e, a, c] of pending) {
        if (e === "error") this.emit(e, a, c);
        else this.emit(e, a);
      }
    }, 0);
  }

  #accept(count: number): void {
    for (let i = 0; i < count && this.#listener; i++) {
      const from = this.#listener.read();
      if (!from) return;
      let socket: Socket;
      try {
        socket = new Socket(this.#platform, this.#settings, from, this.#TCP, (s) => this.#sockets.delete(s));
      } catch (e) {
        try {
          from.close();
        } catch {
          // already closed
        }
        this.emit("error", `SocketServer could not accept a connection: ${(e as Error).message}`, "EACCEPT");
        continue;
      }
      this.#sockets.add(socket);
      this.emit("connection", socket);
    }
  }
}
