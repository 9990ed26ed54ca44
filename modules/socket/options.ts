// The options (README "Options"): defaults copied into each instance, every value checked,
// unknown names refused. A value of the wrong JavaScript type is a TypeError; one of the right
// type that is not allowed (out of range, an unknown type name, an unknown option) a RangeError.
// Sizes are integers ≥ 1; for the count limits (maxUnsentMessages, maxBadMessages) 0 means "no limit".

import type { HostDefaults, ListenerConstructor, TCPConstructor } from "./host.js";
import { TYPE_NAMES } from "./types.js";

export interface CommonOptions {
  emitBatchDataAsAvailable: boolean;
  idleTimeout: number; // seconds, 0 = off
  keepAlive: boolean;
  maxMessageSize: number; // bytes, the largest framed message accepted
  maxBadMessages: number; // bad messages received before the connection is closed; 0 = no limit
  noDelay: boolean;
  rawBytes: boolean;
  receiveBufferSize: number; // bytes preallocated for reading
  sendBufferSize: number; // bytes preallocated for encoding and for what waits to be written
  receiveType: string;
  sendType: string;
  sslTls: boolean;
  trustedCACertPath: string;
  pfxKeyCertPath: string;
  pfxKeyCertPassword: string;
  maxUnsentMessages: number; // messages waiting to be written; 0 = no limit
  maxUnsentBytes: number; // bytes waiting to be written
  tcp: TCPConstructor | undefined; // a TCP class to use instead of the host's (TLS, a simulation)
}

export interface ClientOptions extends CommonOptions {
  connectTimeout: number; // ms
  discardMessagesBeforeOpen: boolean;
  reconnectAttempts: number;
  reconnectInterval: number; // ms
  trustAll: boolean;
}

export interface ServerOptions extends CommonOptions {
  clientAuth: "none" | "request" | "required";
  hostInterface: string;
  port: number;
  listener: ListenerConstructor | undefined;
}

/** A check: the JavaScript type the value must have, and what of that type is allowed. */
interface Check {
  readonly type: "boolean" | "string" | "number" | "function";
  readonly allowed: (v: never) => boolean;
  readonly wants: string;
}
const check = <T>(type: Check["type"], allowed: (v: T) => boolean, wants: string): Check => Object.freeze({ type, allowed, wants });
const isBoolean = check("boolean", () => true, "a boolean");
const isString = check("string", () => true, "a string");
const isCount = check("number", (v: number) => Number.isInteger(v) && v >= 0, "an integer ≥ 0");
const isLimit = check("number", (v: number) => Number.isInteger(v) && v >= 0, "an integer ≥ 0 (0: no limit)");
const isSize = check("number", (v: number) => Number.isInteger(v) && v >= 1 && v <= 0x7fffffff, "an integer from 1 to 2147483647");
const isDuration = check("number", (v: number) => v >= 0 && v < Infinity, "a finite number ≥ 0");
const isPort = check("number", (v: number) => Number.isInteger(v) && v >= 0 && v <= 65535, "an integer from 0 to 65535");
const isType = check("string", (v: string) => TYPE_NAMES.includes(v), `one of ${TYPE_NAMES.join(", ")}`);
const isClass = check("function", () => true, "a class (constructor function)");
const isClientAuth = check("string", (v: string) => v === "none" || v === "request" || v === "required", '"none", "request" or "required"');

const COMMON: Readonly<Record<keyof CommonOptions, Check>> = Object.freeze({
  emitBatchDataAsAvailable: isBoolean,
  idleTimeout: isDuration,
  keepAlive: isBoolean,
  maxMessageSize: isSize,
  maxBadMessages: isLimit,
  noDelay: isBoolean,
  rawBytes: isBoolean,
  receiveBufferSize: isSize,
  sendBufferSize: isSize,
  receiveType: isType,
  sendType: isType,
  sslTls: isBoolean,
  trustedCACertPath: isString,
  pfxKeyCertPath: isString,
  pfxKeyCertPassword: isString,
  maxUnsentMessages: isLimit,
  maxUnsentBytes: isSize,
  tcp: isClass,
});

const CLIENT: Readonly<Record<keyof ClientOptions, Check>> = Object.freeze({
  ...COMMON,
  connectTimeout: isDuration,
  discardMessagesBeforeOpen: isBoolean,
  reconnectAttempts: isCount,
  reconnectInterval: isDuration,
  trustAll: isBoolean,
});

const SERVER: Readonly<Record<keyof ServerOptions, Check>> = Object.freeze({
  ...COMMON,
  clientAuth: isClientAuth,
  hostInterface: isString,
  port: isPort,
  listener: isClass,
});

function commonDefaults(host: HostDefaults): CommonOptions {
  return {
    emitBatchDataAsAvailable: false,
    idleTimeout: 0,
    keepAlive: true,
    maxMessageSize: host.maxMessageSize,
    maxBadMessages: 10,
    noDelay: true,
    rawBytes: true,
    receiveBufferSize: host.receiveBufferSize,
    sendBufferSize: host.sendBufferSize,
    receiveType: "string",
    sendType: "string",
    sslTls: false,
    trustedCACertPath: "",
    pfxKeyCertPath: "",
    pfxKeyCertPassword: "",
    maxUnsentMessages: 100,
    maxUnsentBytes: host.maxUnsentBytes,
    tcp: undefined,
  };
}

// Checks each option given and hands it to `put` (refusing unknown names; an undefined value
// stays at its default).
function checkGiven(owner: string, checks: Record<string, Check>, given: unknown, put: (name: string, value: unknown) => void): void {
  if (given === undefined || given === null) return;
  if (typeof given !== "object" || Array.isArray(given))
    throw new TypeError(`${owner} options must be an object, got ${Array.isArray(given) ? "array" : typeof given}`);
  for (const name of Object.keys(given)) {
    const value = (given as Record<string, unknown>)[name];
    if (!Object.prototype.hasOwnProperty.call(checks, name))
      throw new RangeError(`${owner}: unknown option "${name}"`);
    if (value === undefined) continue; // stays at its default
    const rule = checks[name]!;
    if (typeof value !== rule.type || !rule.allowed(value as never)) {
      const Kind = typeof value !== rule.type ? TypeError : RangeError;
      throw new Kind(`${owner}: option "${name}" must be ${rule.wants}, got ${describe(value)}`);
    }
    put(name, value);
  }
}

function merge<T extends object>(owner: string, defaults: T, checks: Record<keyof T, Check>, given: unknown): T {
  checkGiven(owner, checks, given, (name, value) => {
    (defaults as Record<string, unknown>)[name] = value;
  });
  return defaults;
}

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return value === null ? "null" : typeof value;
}

export function clientOptions(host: HostDefaults, given: unknown): ClientOptions {
  const defaults: ClientOptions = {
    ...commonDefaults(host),
    connectTimeout: 6000,
    discardMessagesBeforeOpen: false,
    reconnectAttempts: 10,
    reconnectInterval: 1000,
    trustAll: false,
  };
  return merge("SocketClient", defaults, CLIENT, given);
}

/**
 * A client's options over `defaults` (clientOptions(host, undefined), frozen, shared by the clients
 * of a host): a frozen object that has the options given as its own properties and inherits the
 * others from `defaults` — one copy of every option per client would be ~450 bytes of a device's
 * heap. With nothing given it is `defaults` itself.
 */
export function clientOptionsOver(defaults: Readonly<ClientOptions>, given: unknown): Readonly<ClientOptions> {
  let own: ClientOptions | null = null;
  checkGiven("SocketClient", CLIENT, given, (name, value) => {
    // defined, not assigned: `defaults` is frozen, and assigning over an inherited read-only property throws
    Object.defineProperty((own ??= Object.create(defaults) as ClientOptions), name, { value, enumerable: true });
  });
  return own === null ? defaults : Object.freeze(own);
}

export function serverOptions(host: HostDefaults, given: unknown): ServerOptions {
  const defaults: ServerOptions = {
    ...commonDefaults(host),
    clientAuth: "none",
    hostInterface: "0.0.0.0",
    port: 4000,
    listener: undefined,
  };
  return merge("SocketServer", defaults, SERVER, given);
}

/** A client's port: a TypeError for a non-number, a RangeError for a number that is no port (as for the options). */
export function checkPort(owner: string, port: unknown): number {
  if (typeof port !== "number") throw new TypeError(`${owner}: port must be a number, got ${describe(port)}`);
  if (!isPort.allowed(port as never) || port === 0) throw new RangeError(`${owner}: port must be an integer from 1 to 65535, got ${describe(port)}`);
  return port;
}
