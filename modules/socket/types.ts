// The data types (docs/protocol.md) and Java's primitive narrowing conversion (JLS §5.1.3).

export const KIND_NUMBER = 0;
export const KIND_STRING = 1;
export const KIND_JSON = 2;
export const KIND_IMAGE = 3;

// Numeric codes: one switch in the hot loops instead of a lookup per element.
export const T_BYTE = 0;
export const T_SHORT = 1;
export const T_INT = 2;
export const T_FLOAT = 3;
export const T_DOUBLE = 4;
export const T_UBYTE = 5;
export const T_USHORT = 6;
export const T_UINT = 7;
export const T_NONE = -1;

export interface TypeInfo {
  readonly name: string;
  readonly kind: number;
  readonly code: number; // T_* for numbers, T_NONE otherwise
  readonly size: number; // bytes per element on the wire; 1 for byte streams
}

function info(name: string, kind: number, code: number, size: number): TypeInfo {
  return Object.freeze({ name, kind, code, size });
}

const TYPES: readonly TypeInfo[] = Object.freeze([
  info("byte", KIND_NUMBER, T_BYTE, 1),
  info("double", KIND_NUMBER, T_DOUBLE, 8),
  info("float", KIND_NUMBER, T_FLOAT, 4),
  info("image", KIND_IMAGE, T_NONE, 1),
  info("int", KIND_NUMBER, T_INT, 4),
  info("json", KIND_JSON, T_NONE, 1),
  info("number", KIND_NUMBER, T_DOUBLE, 8), // number = double
  info("short", KIND_NUMBER, T_SHORT, 2),
  info("string", KIND_STRING, T_NONE, 1),
  info("unsignedbyte", KIND_NUMBER, T_UBYTE, 1),
  info("unsignedint", KIND_NUMBER, T_UINT, 4), // an addition to Cape Code's types
  info("unsignedshort", KIND_NUMBER, T_USHORT, 2),
]);

/** Every type name this module sends and receives, sorted. */
export const TYPE_NAMES: readonly string[] = Object.freeze(TYPES.map((t) => t.name));

export function typeInfo(name: unknown): TypeInfo | undefined {
  for (const t of TYPES) if (t.name === name) return t;
  return undefined;
}

const INT_MAX = 2147483647;
const INT_MIN = -2147483648;
const LONG_LIMIT = 9223372036854775807; // 2^63 as a double: (long) clamps at or beyond it

/** Java's (int) of a double: NaN → 0, round toward zero, clamp to the int range. */
export function toJavaInt(x: number): number {
  if (x !== x) return 0;
  if (x >= INT_MAX) return INT_MAX;
  if (x <= INT_MIN) return INT_MIN;
  return x | 0; // in range: ToInt32 truncates toward zero
}

/** The value a Java `(type) x` cast gives for a double x, as the receiver will read it back. */
export function narrow(code: number, x: number): number {
  switch (code) {
    case T_BYTE: return (toJavaInt(x) << 24) >> 24;
    case T_SHORT: return (toJavaInt(x) << 16) >> 16;
    case T_INT: return toJavaInt(x);
    case T_FLOAT: return Math.fround(x);
    case T_UBYTE: return toJavaInt(x) & 0xff; // low 8 bits of the (short) conversion
    case T_USHORT: return toJavaInt(x) & 0xffff; // low 16 bits of the (int) conversion
    case T_UINT: return toJavaUint(x);
    default: return x;
  }
}

/** The low 32 bits of Java's (long) of a double, as an unsigned number. */
export function toJavaUint(x: number): number {
  if (x !== x) return 0;
  if (x >= LONG_LIMIT) return 0xffffffff;
  if (x <= -LONG_LIMIT) return 0;
  return x >>> 0; // ToUint32: truncate, then modulo 2^32 — exact for |x| < 2^63
}

/** Writes one element big-endian (docs/protocol.md). The DataView setters do the low-bit truncation. */
export function writeElement(view: DataView, at: number, code: number, x: number): void {
  switch (code) {
    case T_BYTE:
    case T_UBYTE: view.setInt8(at, toJavaInt(x)); return;
    case T_SHORT:
    case T_USHORT: view.setInt16(at, toJavaInt(x), false); return;
    case T_INT: view.setInt32(at, toJavaInt(x), false); return;
    case T_UINT: view.setUint32(at, toJavaUint(x), false); return;
    case T_FLOAT: view.setFloat32(at, x, false); return; // rounds to nearest, ties to even, as Java does
    default: view.setFloat64(at, x, false);
  }
}

export function readElement(view: DataView, at: number, code: number): number {
  switch (code) {
    case T_BYTE: return view.getInt8(at);
    case T_UBYTE: return view.getUint8(at);
    case T_SHORT: return view.getInt16(at, false);
    case T_USHORT: return view.getUint16(at, false);
    case T_INT: return view.getInt32(at, false);
    case T_UINT: return view.getUint32(at, false);
    case T_FLOAT: return view.getFloat32(at, false);
    default: return view.getFloat64(at, false);
  }
}

/** A short description of a value's kind for error messages: "string", "object", "array", "NaN"… */
export function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (value instanceof ArrayBuffer) return "ArrayBuffer";
  if (ArrayBuffer.isView(value)) return value.constructor.name;
  return typeof value;
}
