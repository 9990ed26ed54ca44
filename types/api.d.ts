// The public API of accessor-socket, declared once. Both entry points re-export it:
// types/node.d.ts (the npm package, `import … from "accessor-socket"`) and types/socket.d.ts (the
// module "socket" of a Moddable app). What the types mean on the wire: docs/protocol.md.
//
// The classes are generic in their receive and send types, inferred from the options:
//   new SocketClient(port, host, { receiveType: "int" })  → "data" gives number | number[]
//   new SocketClient(port, host)                          → "data" gives string (the default type)

// ---------------------------------------------------------------------------------------------
// Data types

/** Types sent and received as big-endian numbers (sizes in docs/protocol.md). */
export type NumericType =
  | "byte"
  | "double"
  | "float"
  | "int"
  | "number"
  | "short"
  | "unsignedbyte"
  | "unsignedint"
  | "unsignedshort";

/** Types whose payload is the bytes of an encoded image. */
export type ImageType = "bmp" | "gif" | "image" | "jpeg" | "jpg" | "png" | "wbmp";

/** Every name accepted by `receiveType` / `sendType`. */
export type DataType = NumericType | ImageType | "json" | "string";

/** The typed arrays a numeric type can send (each element is converted as a number). */
export type NumericArray =
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array;

/**
 * What "data" gives for a receive type. Numeric: a number for a one-element message (or one
 * element of a raw stream), an array otherwise. Images: an ArrayBuffer. string: a string (a whole
 * message, or a chunk of a raw stream). json: the parsed value — or, with `rawBytes: true`, text
 * chunks — hence `unknown`.
 */
export type ReceivedData<T extends DataType> = T extends NumericType
  ? number | number[]
  : T extends ImageType
    ? ArrayBuffer
    : T extends "string"
      ? string
      : unknown;

/**
 * What `send()` takes for a send type. Numeric: a number, an array of numbers or a typed array.
 * Images: the bytes, as an ArrayBuffer or a view on one. string: a string, a number (its decimal
 * text) or an array of strings and numbers (concatenated). json: anything JSON.stringify accepts.
 */
export type SendData<T extends DataType> = T extends NumericType
  ? number | readonly number[] | NumericArray
  : T extends ImageType
    ? ArrayBuffer | ArrayBufferView
    : T extends "string"
      ? string | number | readonly (string | number)[]
      : unknown;

// ---------------------------------------------------------------------------------------------
// Errors

/** The second argument of every "error" listener (docs/protocol.md, "Errors"). */
export type ErrorCode =
  | "EACCEPT" // a connection could not be accepted
  | "EBADJSON" // a received json message did not parse; the connection stays up
  | "EBADLENGTH" // a received numeric message is empty or not a whole number of elements
  | "ECLOSED" // send() after close
  | "ECONNECT" // could not connect after every attempt (no "close" follows)
  | "ECONNLOST" // closed or failed with bytes lost or not sent
  | "EINVALIDDATA" // send(): the value cannot be converted to the send type; nothing was written
  | "EIO" // a read or write failed
  | "ELISTEN" // the server could not listen (e.g. the port is in use)
  | "EMSGSIZE" // a frame header announced more than maxMessageSize; the connection is closed
  | "ENOMEM" // no memory for an incoming frame; the connection is closed
  | "EQUEUEFULL" // maxUnsentMessages or maxUnsentBytes exceeded; that message was not queued
  | "ETLS" // TLS failed (handshake, certificate, settings)
  | "ETOOMANYBAD" // maxBadMessages bad messages received; the connection is closed
  | "EUSAGE"; // a call out of order: open() or start() twice, TLS where the host has none

// ---------------------------------------------------------------------------------------------
// Events

/** Event name → the arguments its listeners get. */
export type EventMap = { [event: string]: unknown[] };

/** The EventMap of an emitter with no declared events: any name, any arguments. */
export type AnyEvents = { [event: string]: any[] };

/** A listener of event `K` of map `E`. */
export type EventListener<E extends EventMap, K extends keyof E> = (...args: E[K]) => void;

/**
 * Node's EventEmitter semantics: listeners run in the order added, emit() works on a snapshot,
 * once() listeners are removed before they run. Event names and listener arguments are checked
 * against `E`. On SocketClient, SocketServer and Socket, an "error" with no listener and an
 * exception thrown by a listener are reported on the host's console, never thrown into the
 * network code; a plain EventEmitter throws them, as Node's does.
 */
export declare class EventEmitter<E extends EventMap = AnyEvents> {
  on<K extends keyof E & string>(event: K, listener: EventListener<E, K>): this;
  addListener<K extends keyof E & string>(event: K, listener: EventListener<E, K>): this;
  once<K extends keyof E & string>(event: K, listener: EventListener<E, K>): this;
  /** Removes the most recently added registration of `listener`. */
  off<K extends keyof E & string>(event: K, listener: EventListener<E, K>): this;
  removeListener<K extends keyof E & string>(event: K, listener: EventListener<E, K>): this;
  removeAllListeners(event?: keyof E & string): this;
  listenerCount(event: keyof E & string): number;
  listeners<K extends keyof E & string>(event: K): EventListener<E, K>[];
  /** Calls the listeners of `event`; returns whether there were any. */
  emit<K extends keyof E & string>(event: K, ...args: E[K]): boolean;
}

/** Events of a SocketClient. */
export type ClientEvents<R extends DataType = DataType> = {
  /** Connected; sends queued before it are written after its listeners ran. */
  open: [];
  /** One message (framed), or what arrived (raw). */
  data: [data: ReceivedData<R>];
  /** The outgoing queue became empty after having held data. */
  drain: [];
  /** Closed (once); every listener is removed after it. */
  close: [];
  error: [message: string, code: ErrorCode];
};

/** Events of a Socket (a connection accepted by a SocketServer). */
export type SocketEvents<R extends DataType = DataType> = {
  data: [data: ReceivedData<R>];
  drain: [];
  close: [];
  error: [message: string, code: ErrorCode];
};

/** Events of a SocketServer. */
export type ServerEvents<R extends DataType = DataType, S extends DataType = DataType> = {
  /** Listening, on this port (the one picked, with `port: 0`). */
  listening: [port: number];
  connection: [socket: Socket<R, S>];
  error: [message: string, code: ErrorCode];
};

// ---------------------------------------------------------------------------------------------
// Options

/** An ECMA-419 TCP class (embedded:io/socket/tcp, or one with its contract: TLS, a simulation). */
export type TCPClass = new (options: Record<string, any>) => object;
/** An ECMA-419 listener class (embedded:io/socket/listener, or one with its contract). */
export type ListenerClass = new (options: Record<string, any>) => object;

/**
 * Options of both sides. Every one is optional; `undefined` means the default. An unknown name or
 * a value out of range throws a RangeError, a value of the wrong type a TypeError. Sizes are
 * integers ≥ 1; the count limits take 0 for "no limit". Defaults per host: docs/protocol.md.
 */
export interface CommonOptions<R extends DataType = DataType, S extends DataType = DataType> {
  /** Raw numeric data: one "data" array per arrival instead of one "data" per element. Default false. */
  emitBatchDataAsAvailable?: boolean | undefined;
  /** Seconds without traffic either way before the connection is closed; 0 (default) = never. */
  idleTimeout?: number | undefined;
  /** TCP keep-alive. Default true. */
  keepAlive?: boolean | undefined;
  /** Bad messages received (EBADLENGTH, EBADJSON) before the connection is closed; 0 = no limit. Default 10. */
  maxBadMessages?: number | undefined;
  /** Largest framed message accepted, bytes. Default 4096 on a device, 16 MiB on Node. */
  maxMessageSize?: number | undefined;
  /** Bytes of sends waiting to be written; beyond → "error" EQUEUEFULL. Default 1024 on a device, 16 MiB on Node. */
  maxUnsentBytes?: number | undefined;
  /** Sends waiting to be written (before "open" or behind backpressure); 0 = no limit. Default 100. */
  maxUnsentMessages?: number | undefined;
  /** Disable Nagle's algorithm. Default true. */
  noDelay?: boolean | undefined;
  /** true (default): bytes as they come, no framing. false: one length-prefixed message per send(). */
  rawBytes?: boolean | undefined;
  /** Bytes preallocated for reading. Default 1024 on a device, 65536 on Node. */
  receiveBufferSize?: number | undefined;
  /** Bytes preallocated for encoding and for what waits to be written. Default 1024 on a device, 65536 on Node. */
  sendBufferSize?: number | undefined;
  /** How received bytes are decoded. Default "string". */
  receiveType?: R | undefined;
  /** How sent values are encoded. Default "string". */
  sendType?: S | undefined;
  /** TLS (docs/tls.md). Default false. */
  sslTls?: boolean | undefined;
  /** PEM file of the certificate authorities to verify the peer against. */
  trustedCACertPath?: string | undefined;
  /** PKCS#12 (PFX) file with this side's key and certificate. */
  pfxKeyCertPath?: string | undefined;
  pfxKeyCertPassword?: string | undefined;
  /** An ECMA-419 TCP class to use instead of the host's. */
  tcp?: TCPClass | undefined;
}

export interface ClientOptions<R extends DataType = DataType, S extends DataType = DataType>
  extends CommonOptions<R, S> {
  /** ms for one connection attempt. Default 6000. */
  connectTimeout?: number | undefined;
  /** Drop sends made before "open" instead of queueing them. Default false. */
  discardMessagesBeforeOpen?: boolean | undefined;
  /** Attempts after a failed one. Default 10. */
  reconnectAttempts?: number | undefined;
  /** ms between attempts. Default 1000. */
  reconnectInterval?: number | undefined;
  /** TLS: accept any server certificate. Default false. */
  trustAll?: boolean | undefined;
}

export interface ServerOptions<R extends DataType = DataType, S extends DataType = DataType>
  extends CommonOptions<R, S> {
  /** TLS: ask clients for a certificate ("request") or insist on one ("required"). Default "none". */
  clientAuth?: "none" | "request" | "required" | undefined;
  /** The address to listen on. Default "0.0.0.0" (ignored on a device: it listens on every interface). */
  hostInterface?: string | undefined;
  /** Default 4000; 0 picks a free port, given by "listening" and `server.port`. */
  port?: number | undefined;
  /** An ECMA-419 listener class to use instead of the host's. */
  listener?: ListenerClass | undefined;
}

/** The resolved options of an instance (`options`): every value present, defaults filled in. */
export type Resolved<T> = {
  readonly [K in keyof T]-?: K extends "tcp" | "listener" ? Exclude<T[K], undefined> | undefined : Exclude<T[K], undefined>;
};

// ---------------------------------------------------------------------------------------------
// The classes

/** A TCP client. Add listeners, then open(). */
export interface SocketClient<R extends DataType = DataType, S extends DataType = DataType>
  extends EventEmitter<ClientEvents<R>> {
  readonly port: number;
  readonly host: string;
  readonly options: Resolved<ClientOptions<R, S>>;
  /** Bytes sent but not yet written to the network. */
  readonly bufferedAmount: number;
  /** true once closed (by close(), the peer, a failure or the last failed attempt). */
  readonly closed: boolean;
  /** Connects (after the listeners are added); retries per reconnectAttempts / reconnectInterval. */
  open(): void;
  /**
   * Sends one value (one message when framed). true: written or queued. false: refused (closed,
   * not convertible, queue full); an "error" follows.
   */
  send(data: SendData<S>): boolean;
  /** Writes what is queued, closes, emits "close" once, then removes every listener. */
  close(): void;
}

export interface SocketClientConstructor {
  /**
   * `port` default 4000, `host` default "localhost" (an IPv4 literal or a name to resolve).
   * The receive and send types are taken from `options` ("string" when not given).
   */
  new <R extends DataType = "string", S extends DataType = "string">(
    port?: number,
    host?: string,
    options?: ClientOptions<R, S>,
  ): SocketClient<R, S>;
  readonly prototype: SocketClient;
}
export declare const SocketClient: SocketClientConstructor;

/** One accepted connection, made by a SocketServer and given by its "connection" event. */
export interface Socket<R extends DataType = DataType, S extends DataType = DataType>
  extends EventEmitter<SocketEvents<R>> {
  /** Bytes sent but not yet written to the network. */
  readonly bufferedAmount: number;
  readonly closed: boolean;
  /** As SocketClient.send(). */
  send(data: SendData<S>): boolean;
  /** Writes what is queued, closes, emits "close" once, then removes every listener. */
  close(): void;
  remoteHost(): string;
  remotePort(): number;
}

/** Only SocketServer makes Sockets: there is no public constructor; `x instanceof Socket` works. */
export interface SocketConstructor {
  readonly prototype: Socket;
  [Symbol.hasInstance](value: unknown): value is Socket;
}
export declare const Socket: SocketConstructor;

/** A TCP server. Add listeners, then start(). */
export interface SocketServer<R extends DataType = DataType, S extends DataType = DataType>
  extends EventEmitter<ServerEvents<R, S>> {
  readonly options: Resolved<ServerOptions<R, S>>;
  /** The bound port once listening, else 0. */
  readonly port: number;
  /** Listens; "listening" follows (after start() returns), or "error". */
  start(): void;
  /** Closes every open Socket (each emits "close"), then stops listening. */
  stop(): void;
}

export interface SocketServerConstructor {
  /** The receive and send types of its Sockets are taken from `options` ("string" when not given). */
  new <R extends DataType = "string", S extends DataType = "string">(options?: ServerOptions<R, S>): SocketServer<R, S>;
  readonly prototype: SocketServer;
}
export declare const SocketServer: SocketServerConstructor;

/** Every type this host can receive. */
export declare function supportedReceiveTypes(): DataType[];
/** Every type this host can send. */
export declare function supportedSendTypes(): DataType[];
