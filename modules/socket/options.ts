// Options (docs/protocol.md): defaults copied into each instance, every value checked, unknown names refused.

import type { HostDefaults, ListenerConstructor, TCPConstructor } from "./host.js";
import { TYPE_NAMES } from "./types.js";

export interface CommonOptions {
  emitBatchDataAsAvailable: boolean;
  idleTimeout: number; // seconds, 0 = off
  keepAlive: boolean;
  maxMessageSize: number; // bytes, the largest framed message accepted (docs/protocol.md, "Framing")
  noDelay: boolean;
  rawBytes: boolean;
  receiveBufferSize: number; // bytes preallocated for reading
  sendBufferSize: number; // bytes preallocated for encoding
  receiveType: string;
  sendType: string;
  sslTls: boolean;
  trustedCACertPath: string;
  pfxKeyCertPath: string;
  pfxKeyCertPassword: string;
  maxUnsentMessages: number; // 0 = no limit
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

type Check = (value: unknown) => boolean;
const isBoolean: Check = (v) => typeof v === "boolean";
const isString: Check = (v) => typeof v === "string";
const isCount: Check = (v) => typeof v === "number" && Number.isInteger(v) && v >= 0;
const isSize: Check = (v) => typeof v === "number" && Number.isInteger(v) && v >= 1 && v <= 0x7fffffff;
const isDuration: Check = (v) => typeof v === "number" && v >= 0 && v < Infinity;
const isPort: Check = (v) => typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 65535;
const isType: Check = (v) => TYPE_NAMES.includes(v as string);
const isClass: Check = (v) => v === undefined || typeof v === "function";
const isClientAuth: Check = (v) => v === "none" || v === "request" || v === "required";

// What each check asks for, for the error message.
const WANTS = new Map<Check, string>([
  [isBoolean, "a boolean"],
  [isString, "a string"],
  [isCount, "an integer ≥ 0"],
  [isSize, "an integer from 1 to 2147483647"],
  [isDuration, "a finite number ≥ 0"],
  [isPort, "an integer from 0 to 65535"],
  [isType, `one of ${TYPE_NAMES.join(", ")}`],
  [isClass, "a class (constructor function)"],
  [isClientAuth, '"none", "request" or "required"'],
]);

const COMMON: Readonly<Record<keyof CommonOptions, Check>> = Object.freeze({
  emitBatchDataAsAvailable: isBoolean,
  idleTimeout: isDuration,
  keepAlive: isBoolean,
  maxMessageSize: isCount,
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
  maxUnsentMessages: isCount,
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
    tcp: undefined,
  };
}

function merge<T extends object>(owner: string, defaults: T, checks: Record<keyof T, Check>, given: unknown): T {
  if (given === undefined || given === null) return defaults;
  if (typeof given !== "object" || Array.isArray(given))
    throw new TypeError(`${owner} options must be an object, got ${Array.isArray(given) ? "array" : typeof given}`);
  const out = defaults as Record<string, unknown>;
  for (const name of Object.keys(given)) {
    const value = (given as Record<string, unknown>)[name];
    if (!Object.prototype.hasOwnProperty.call(checks, name))
      throw new RangeError(`${owner}: unknown option "${name}"`);
    if (value === undefined) continue; // stays at its default
    const check = checks[name as keyof T];
    if (!check(value))
      throw new TypeError(`${owner}: option "${name}" must be ${WANTS.get(check)}, got ${describe(value)}`);
    out[name] = value;
  }
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

export function checkPort(owner: string, port: unknown, allowZero: boolean): number {
  if (!isPort(port) || (!allowZero && port === 0))
    throw new RangeError(`${owner}: port must be an integer from ${allowZero ? 0 : 1} to 65535, got ${describe(port)}`);
  return port as number;
}
