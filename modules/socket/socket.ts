// The public API: SocketClient, SocketServer, Socket, supportedReceiveTypes(),
// supportedSendTypes(). The classes take their Host as the first constructor argument; bind.ts
// makes the classes a host binding exports, with the host filled in.

import { Connection, reportThrow, secureTransport, type ConnectionSettings } from "./connection.js";
import { EventEmitter } from "./emitter.js";
import type { Host, ListenerSocket, TCPConstructor, TCPSocket } from "./host.js";
import { checkPort, clientOptions, clientOptionsOver, serverOptions, type ClientOptions, type ServerOptions } from "./options.js";
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

/** A TCP client. Add listeners, then open(). Events: "open", "data", "drain", "close", "error". */
export class SocketClient extends Connection {
  readonly port: number;
  readonly host: string;
  readonly options: Readonly<ClientOptions>;

  /** `defaults`: clientOptions(platform.defaults, undefined), frozen, made once by the binding (see clientOptionsOver). */
  constructor(platform: Host, port: number = 4000, host: string = "localhost", options: Partial<ClientOptions> = {}, defaults?: Readonly<ClientOptions>) {
    checkPort("SocketClient", port);
    if (typeof host !== "string") throw new TypeError(`SocketClient: host must be a string, got ${typeof host}`);
    if (host === "") throw new RangeError('SocketClient: host must be a non-empty string, got ""');
    const settings = defaults ? clientOptionsOver(defaults, options) : Object.freeze(clientOptions(platform.defaults, options));
    if (!settings.sslTls && settings.tcp === undefined && platform.TCP === undefined)
      throw new TypeError(`SocketClient: the ${platform.name} host has no TCP: pass a TCP class as the option "tcp"`);
    super(platform, settings);
    this.port = port;
    this.host = host;
    this.options = settings;
  }

  /** Connects (after listeners are added). Retries per reconnectAttempts / reconnectInterval. */
  open(): void {
    if (this.started) {
      this.deferError(this.closed
        ? "SocketClient.open(): this client was closed; make a new SocketClient to connect again"
        : "SocketClient.open(): already opened", "EUSAGE");
      return;
    }
    const o = this.options;
    if (o.sslTls) {
      const tls = this.secure({
        role: "client", serverName: this.host, trustAll: o.trustAll, trustedCACertPath: o.trustedCACertPath,
        pfxKeyCertPath: o.pfxKeyCertPath, pfxKeyCertPassword: o.pfxKeyCertPassword, clientAuth: "none",
      });
      if (typeof tls === "string") {
        this.giveUp(tls, "ETLS"); // as a failed connect: "error", no "close"
        return;
      }
    }
    this.connect(this.host, this.port);
  }

  protected override label(): string {
    return `SocketClient ${this.host}:${this.port}`;
  }
}

/** One accepted connection, made by a SocketServer. Events: "data", "drain", "close", "error". */
export class Socket extends Connection {
  #server: Set<Socket>; // the server's open Sockets, which this one leaves once closed (a set, not a closure: ~96 B less on XS)

  /** @internal Made by SocketServer. */
  constructor(platform: Host, settings: ConnectionSettings, from: TCPSocket, TCP: TCPConstructor | undefined, server: Set<Socket>) {
    super(platform, settings);
    this.#server = server;
    this.adopt(from, TCP);
  }

  remoteHost(): string {
    return this.peerAddress ?? "";
  }

  remotePort(): number {
    return this.peerPort ?? 0;
  }

  protected override afterClose(): void {
    this.#server.delete(this);
    super.afterClose();
  }

  protected override label(): string {
    return `Socket ${this.remoteHost()}:${this.remotePort()}`;
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
      SocketServer.#later(this, "error", `SocketServer.start(): already listening on port ${this.#listener.port}`, "EUSAGE");
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
        SocketServer.#later(this, "error", typeof tls === "string" ? tls : `TLS (sslTls): the ${this.#platform.name} host has no TLS server`, "ETLS");
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
          if (self.#listener === listener) SocketServer.#accept(self, count);
        },
        onError() {
          if (self.#listener !== listener) return;
          self.#listener = null;
          self.emit("error", `SocketServer failed to listen on port ${port}`, "ELISTEN");
        },
      });
    } catch (e) {
      SocketServer.#later(this, "error", `SocketServer failed to listen on port ${port}: ${(e as Error).message}`, "ELISTEN");
      return;
    }
    this.#listener = listener;
    SocketServer.#later(this, "listening", listener.port, "");
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

  static #later(self: SocketServer, event: string, arg: unknown, code: string): void {
    self.#pending.push([event, arg, code]);
    if (self.#notifyTimer !== undefined) return;
    self.#notifyTimer = self.#platform.setTimer(() => {
      self.#notifyTimer = undefined;
      const pending = self.#pending;
      self.#pending = [];
      for (const [e, a, c] of pending) {
        if (e === "error") self.emit(e, a, c);
        else self.emit(e, a);
      }
    }, 0);
  }

  static #accept(self: SocketServer, count: number): void {
    for (let i = 0; i < count && self.#listener; i++) {
      const from = self.#listener.read();
      if (!from) return;
      let socket: Socket;
      try {
        socket = new Socket(self.#platform, self.#settings, from, self.#TCP, self.#sockets);
      } catch (e) {
        try {
          from.close();
        } catch {
          // already closed
        }
        self.emit("error", `SocketServer could not accept a connection: ${(e as Error).message}`, "EACCEPT");
        continue;
      }
      self.#sockets.add(socket);
      self.emit("connection", socket);
    }
  }
}
