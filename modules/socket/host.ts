// What the module needs from the platform it runs on, handed in as a value (no module-level state):
// the ECMA-419 TCP and Listener classes, timers, a clock, UTF-8, name resolution and a console.
// Each hosts/<name>/ binding builds one Host and exports the public classes bound to it.

import type { TextCodec } from "./codec.js";

/** Bytes as ECMA-419 IO accepts them. */
export type BufferLike = ArrayBuffer | ArrayBufferView;

/** An ECMA-419 TCP socket instance (embedded:io/socket/tcp), as far as this module uses it. */
export interface TCPSocket {
  /**
   * read(view) fills exactly view.byteLength bytes and returns that count. Moddable throws when
   * the view is longer than what is readable: size it from the onReadable count.
   */
  read(view: ArrayBufferView): number | undefined;
  /** Throws when more than the writable count is written. Moddable returns the remaining writable count. */
  write(data: BufferLike): number | void;
  close(): void;
  readonly remoteAddress?: string | undefined;
  readonly remotePort?: number | undefined;
}

export interface TCPOptions {
  address?: string;
  port?: number;
  from?: TCPSocket;
  nodelay?: boolean; // Moddable spells it in lower case
  noDelay?: boolean; // ECMA-419 spells it in camel case: pass both
  keepalive?: boolean; // honoured by the Node host; Moddable ignores it
  /** ECMA-419: kept as the instance's `target` (the connection finds itself through it). */
  target?: unknown;
  onReadable?: (this: TCPSocket, count: number) => void;
  onWritable?: (this: TCPSocket, count: number) => void;
  /** Failed connect, reset or remote close. Moddable passes no argument; a host may pass the reason. */
  onError?: (this: TCPSocket, failure?: unknown) => void;
}
export type TCPConstructor = new (options: TCPOptions) => TCPSocket;

/** An ECMA-419 listener (embedded:io/socket/listener). */
export interface ListenerSocket {
  read(): TCPSocket | undefined;
  close(): void;
  readonly port: number;
}
export interface ListenerOptions {
  port: number;
  address?: string; // honoured by the Node host; Moddable binds every interface
  onReadable?: (this: ListenerSocket, count: number) => void;
  onError?: (this: ListenerSocket) => void; // Node host: a listen failure found after construction
}
export type ListenerConstructor = new (options: ListenerOptions) => ListenerSocket;

/** The sizes a host picks as defaults (documented per host in the README). */
export interface HostDefaults {
  readonly receiveBufferSize: number;
  readonly sendBufferSize: number;
  readonly maxMessageSize: number;
  readonly maxUnsentBytes: number;
}

/** What a host needs to set up TLS for one client or server (the accessor option names). */
export interface SecureSettings {
  readonly role: "client" | "server";
  /** Client: the name the server's certificate must match (the `host` given to SocketClient). */
  readonly serverName: string;
  readonly trustAll: boolean;
  readonly trustedCACertPath: string;
  readonly pfxKeyCertPath: string;
  readonly pfxKeyCertPassword: string;
  /** Server: whether and how clients are asked for a certificate. */
  readonly clientAuth: "none" | "request" | "required";
}

/** ECMA-419-style classes that speak TLS; a server also gets the Listener that accepts them. */
export interface SecureTransport {
  readonly TCP: TCPConstructor;
  readonly Listener?: ListenerConstructor;
}

export interface Host {
  readonly name: string;
  /** Undefined where the platform has no TCP: then the options must name one. */
  readonly TCP: TCPConstructor | undefined;
  readonly Listener: ListenerConstructor | undefined;
  setTimer(callback: () => void, ms: number): unknown;
  clearTimer(timer: unknown): void;
  now(): number;
  /** Resolves a host name to an IPv4 literal; calls back asynchronously, once. */
  resolve(name: string, callback: (address: string | undefined, reason?: string) => void): void;
  /** A UTF-8 codec for one connection. */
  textCodec(): TextCodec;
  /** Where an "error" nobody listens to goes (console / trace), instead of a throw. */
  report(message: string): void;
  readonly defaults: HostDefaults;
  /**
   * TLS classes for `sslTls: true`, configured from the settings. Throws an Error whose message
   * says why when the host cannot do that role or the settings are wrong (a missing file, a bad
   * password). Absent: the host has no TLS at all.
   */
  secure?(settings: SecureSettings): SecureTransport;
}
