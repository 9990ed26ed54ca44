// Declarations of the module "socket" as Moddable apps import it (mapped by ../manifest.json, which
// replaces the SDK's typings/socket.d.ts with this file). The API is SPEC §2; option defaults on a
// device are in examples/moddable/README.md. The legacy types at the end keep the SDK's own
// declarations that import from "socket" (http.d.ts, websocket.d.ts, securesocket.d.ts) compiling.

/** Names accepted by receiveType / sendType (supportedReceiveTypes() lists them at run time). */
export type DataType =
  | "byte"
  | "double"
  | "float"
  | "image"
  | "int"
  | "json"
  | "number"
  | "short"
  | "string"
  | "unsignedbyte"
  | "unsignedint"
  | "unsignedshort";

/** An ECMA-419 TCP class (embedded:io/socket/tcp or one with the same contract, e.g. TLS). */
export type TCPClass = new (options: Record<string, any>) => object;
/** An ECMA-419 listener class (embedded:io/socket/listener or one with the same contract). */
export type ListenerClass = new (options: Record<string, any>) => object;

export interface CommonOptions {
  /** Raw numeric data: one "data" array per arrival instead of one "data" per element. */
  emitBatchDataAsAvailable?: boolean;
  /** Seconds without traffic before the connection is closed; 0 = never. */
  idleTimeout?: number;
  keepAlive?: boolean;
  /** Largest framed message accepted (rawBytes false), in bytes. Device default 16384. */
  maxMessageSize?: number;
  noDelay?: boolean;
  /** true (default): bytes as they come, no framing. false: one length-prefixed frame per send(). */
  rawBytes?: boolean;
  /** Bytes preallocated for reading. Device default 1460. */
  receiveBufferSize?: number;
  /** Bytes preallocated for encoding. Device default 1460. */
  sendBufferSize?: number;
  receiveType?: DataType;
  sendType?: DataType;
  /** TLS. Client only on a device; a server with sslTls emits "error". */
  sslTls?: boolean;
  trustedCACertPath?: string;
  pfxKeyCertPath?: string;
  pfxKeyCertPassword?: string;
  /** Sends queued before "open" or behind backpressure; 0 = no limit. Default 100. */
  maxUnsentMessages?: number;
  /** A TCP class to use instead of embedded:io/socket/tcp. */
  tcp?: TCPClass;
}

export interface ClientOptions extends CommonOptions {
  /** ms. Default 6000. */
  connectTimeout?: number;
  discardMessagesBeforeOpen?: boolean;
  /** Retries after a failed attempt. Default 10. */
  reconnectAttempts?: number;
  /** ms between attempts. Default 1000. */
  reconnectInterval?: number;
  trustAll?: boolean;
}

export interface ServerOptions extends CommonOptions {
  clientAuth?: "none" | "request" | "required";
  /** Not honoured on a device: Moddable's listener binds every interface. */
  hostInterface?: string;
  /** Default 4000; 0 picks a free port, reported by "listening". */
  port?: number;
  /** A listener class to use instead of embedded:io/socket/listener. */
  listener?: ListenerClass;
}

/** What "data" carries: a string, parsed JSON, a number, an array of numbers, or image bytes. */
export type Data = any;

type Callback = (...args: any[]) => void;

export class EventEmitter {
  on(event: string, listener: Callback): this;
  addListener(event: string, listener: Callback): this;
  once(event: string, listener: Callback): this;
  off(event: string, listener: Callback): this;
  removeListener(event: string, listener: Callback): this;
  removeAllListeners(event?: string): this;
  listenerCount(event: string): number;
  listeners(event: string): Callback[];
  emit(event: string, ...args: any[]): boolean;
}

/** A TCP client. Add listeners, then open(). */
export class SocketClient extends EventEmitter {
  /** Defaults: port 4000, host "localhost". host: an IPv4 literal or a name to resolve. */
  constructor(port?: number, host?: string, options?: ClientOptions);
  readonly port: number;
  readonly host: string;
  readonly options: Readonly<Required<ClientOptions>>;
  /** Bytes queued and not yet written. */
  readonly bufferedAmount: number;
  open(): void;
  send(data: Data): void;
  close(): void;
  on(event: "open" | "close", listener: () => void): this;
  on(event: "data", listener: (data: Data) => void): this;
  on(event: "error", listener: (message: string) => void): this;
  on(event: string, listener: Callback): this;
  once(event: "open" | "close", listener: () => void): this;
  once(event: "data", listener: (data: Data) => void): this;
  once(event: "error", listener: (message: string) => void): this;
  once(event: string, listener: Callback): this;
}

/** A TCP server. Add listeners, then start(). */
export class SocketServer extends EventEmitter {
  constructor(options?: ServerOptions);
  readonly options: Readonly<Required<ServerOptions>>;
  /** The bound port once listening, else 0. */
  readonly port: number;
  start(): void;
  /** Closes every open Socket (each emits "close"), then stops listening. */
  stop(): void;
  on(event: "listening", listener: (port: number) => void): this;
  on(event: "connection", listener: (socket: Socket) => void): this;
  on(event: "error", listener: (message: string) => void): this;
  on(event: string, listener: Callback): this;
  once(event: "listening", listener: (port: number) => void): this;
  once(event: "connection", listener: (socket: Socket) => void): this;
  once(event: "error", listener: (message: string) => void): this;
  once(event: string, listener: Callback): this;
}

/**
 * One accepted connection, made by SocketServer (never constructed by an app). `x instanceof Socket`
 * holds for it. At run time `Socket` is also the legacy native socket class, with its constants,
 * for the SDK modules that import it (see examples/moddable/README.md).
 */
export class Socket extends EventEmitter {
  protected constructor();
  readonly bufferedAmount: number;
  readonly closed: boolean;
  send(data: Data): void;
  close(): void;
  remoteHost(): string;
  remotePort(): number;
  on(event: "close", listener: () => void): this;
  on(event: "data", listener: (data: Data) => void): this;
  on(event: "error", listener: (message: string) => void): this;
  on(event: string, listener: Callback): this;
  once(event: "close", listener: () => void): this;
  once(event: "data", listener: (data: Data) => void): this;
  once(event: "error", listener: (message: string) => void): this;
  once(event: string, listener: Callback): this;
  // The legacy callback messages, kept on the class (Socket.readable …).
  static readonly connected: 1;
  static readonly readable: 2;
  static readonly writable: 3;
  static readonly error: -2;
  static readonly disconnected: -1;
}

export function supportedReceiveTypes(): DataType[];
export function supportedSendTypes(): DataType[];

// Legacy "socket" types (the SDK's modules/network/socket), for code written against them.
export type TCPSocketOptions = {
  kind?: "TCP";
  host?: string;
  address?: string;
  port?: number;
  noDelay?: boolean;
  keepalive?: { idle: number; interval: number; count: number };
};
export type ListenerOptions = { port?: number; address?: string };
/** The legacy native listener. */
export class Listener {
  constructor(options: ListenerOptions);
  close(): void;
  callback: (this: Listener) => void;
}
declare const legacy: { readonly Socket: typeof Socket; readonly Listener: typeof Listener };
export default legacy;
