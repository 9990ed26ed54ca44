/*
 * Helpers shared by the Node host's ECMA-419 TCP and Listener classes.
 *
 * They reproduce how Moddable's native IO classes validate their arguments
 * (modules/io/common/builtinCommon.c), including the error constructors its
 * conformance tests check: a plain Error for "invalid" values, RangeError for
 * out-of-range ports and unknown formats, TypeError for values that cannot be
 * converted (a Symbol port, a non-buffer to write), and SyntaxError for a call
 * on a closed or detached instance (XS's "invalid host object" check).
 */

import net from "node:net";

/** Thrown for any method called on a closed (or, for TCP, taken-over) instance, like XS. */
export function closedError(what: string): SyntaxError {
  return new SyntaxError(`${what}: closed`);
}

/**
 * Port option as Moddable reads it: undefined is an Error, a Symbol a TypeError
 * (ToNumber throws), anything else is converted to an integer ("0" is fine) and must
 * be 0..65535 (RangeError otherwise).
 */
export function toPort(value: unknown): number {
  if (value === undefined)
    throw new Error("invalid port");
  const n = Math.trunc(Number(value)) || 0; // Number(Symbol) throws TypeError; NaN → 0 like ToInteger
  if ((n < 0) || (n > 65535))
    throw new RangeError("invalid port");
  return n;
}

/**
 * An IP literal, or an Error like Moddable's inet_aton check. Host names are not
 * resolved: ECMA-419 sockets take addresses, resolving is the DNS module's job.
 * IPv6 literals are a Node-only extension (Moddable accepts IPv4 only).
 */
export function toAddress(value: unknown): string {
  if (typeof value !== "string" || net.isIP(value) === 0)
    throw new Error(`invalid address: ${String(value)}`);
  return value;
}

/** A callback option: undefined/null means none; anything else must be callable. */
export function toCallback(options: Record<string, unknown>, name: string): Function | undefined {
  const value = options[name];
  if ((value === undefined) || (value === null))
    return undefined;
  if (typeof value !== "function")
    throw new Error(`${name}: not a function`);
  return value;
}

/** The `format` option: a falsy value means the default; otherwise it must be one of `allowed`. */
export function toFormat<T extends string>(options: Record<string, unknown>, fallback: T, allowed: readonly T[]): T {
  const value = options.format;
  if (!value)
    return fallback;
  return checkFormat(value, allowed);
}

export function checkFormat<T extends string>(value: unknown, allowed: readonly T[]): T {
  const format = String(value); // a Symbol throws TypeError here, as in XS
  if (!(allowed as readonly string[]).includes(format))
    throw new RangeError(`unimplemented format: ${format}`);
  return format as T;
}

/**
 * The bytes of an ArrayBuffer, typed array or DataView, as a Uint8Array sharing its memory.
 * Anything else is a TypeError, as in XS. (XS also rejects typed arrays whose elements are
 * wider than a byte; the Node host accepts them and uses their bytes.)
 */
export function toBytes(value: unknown): Uint8Array {
  if (value instanceof ArrayBuffer)
    return new Uint8Array(value);
  if (ArrayBuffer.isView(value))
    return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  throw new TypeError("invalid buffer");
}

/** Node reports IPv4 peers of a dual-stack socket as "::ffff:a.b.c.d"; Moddable shows "a.b.c.d". */
export function plainAddress(address: string | undefined): string | undefined {
  if (address?.startsWith("::ffff:") && (net.isIP(address.slice(7)) === 4))
    return address.slice(7);
  return address;
}
