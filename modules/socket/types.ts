// The data types (docs/protocol.md "Types"): their sizes on the wire, Java's primitive narrowing
// conversion (JLS §5.1.3), and the one place where each numeric type is read and written.

export const KIND_NUMBER = 0;
export const KIND_STRING = 1;
export const KIND_JSON = 2;
export const KIND_IMAGE = 3;

// Numeric codes: one switch outside each hot loop instead of a lookup per element.
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
  /** Image formats: the bytes an encoded image of this format starts with (checked on send). */
  readonly magic: readonly (readonly number[])[] | null;
}

function info(name: string, kind: number, code: number, size: number, magic: number[][] | null = null): TypeInfo {
  return Object.freeze({ name, kind, code, size, magic: magic && Object.freeze(magic.map((m) => Object.freeze(m))) });
}

// Cape Code's image type names. Each is sent as the encoded bytes, which must start with the
// format's signature; WBMP (type 0) has only its two zero header bytes to check.
const JPEG = [[0xff, 0xd8, 0xff]];
const IMAGE_FORMATS = [
  info("bmp", KIND_IMAGE, T_NONE, 1, [[0x42, 0x4d]]), // "BM"
  info("gif", KIND_IMAGE, T_NONE, 1, [[0x47, 0x49, 0x46, 0x38, 0x37, 0x61], [0x47, 0x49, 0x46, 0x38, 0x39, 0x61]]), // GIF87a, GIF89a
  info("jpeg", KIND_IMAGE, T_NONE, 1, JPEG),
  info("jpg", KIND_IMAGE, T_NONE, 1, JPEG),
  info("png", KIND_IMAGE, T_NONE, 1, [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]]),
  info("wbmp", KIND_IMAGE, T_NONE, 1, [[0x00, 0x00]]),
];

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
  info("unsignedint", KIND_NUMBER, T_UINT, 4), // an addition: the low 32 bits of Java's (long)
  info("unsignedshort", KIND_NUMBER, T_USHORT, 2),
  ...IMAGE_FORMATS,
].sort((a, b) => (a.name < b.name ? -1 : 1)));

/** Every type name this module sends and receives, sorted. */
export const TYPE_NAMES: readonly string[] = Object.freeze(TYPES.map((t) => t.name));

export function typeInfo(name: unknown): TypeInfo | undefined {
  for (const t of TYPES) if (t.name === name) return t;
  return undefined;
}

/** "an int", "a string": the type's name with its article, for messages. */
export function aType(type: TypeInfo): string {
  return `${"aeiou".includes(type.name[0]!) ? "an" : "a"} ${type.name}`; // no RegExp: see isIPv4()
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

/** The low 32 bits of Java's (long) of a double, as an unsigned number. */
export function toJavaUint(x: number): number {
  if (x !== x) return 0;
  if (x >= LONG_LIMIT) return 0xffffffff;
  if (x <= -LONG_LIMIT) return 0;
  return x >>> 0; // ToUint32: truncate, then modulo 2^32 — exact for |x| < 2^63
}

/**
 * Writes each element of `list` big-endian from `at` on, as a Java `(type) x` cast gives it; the
 * DataView setters keep the low bits. Returns the index of the first element that is not a number
 * (what was written is then not used), or -1. One loop per type with the switch outside it: a call
 * per element would box each double. `+x` (x is a number already) keeps V8 from boxing elements of
 * a holey array on their way into toJavaInt.
 */
export function writeNumbers(view: DataView, at: number, code: number, list: ArrayLike<unknown>): number {
  const n = list.length;
  let i = 0;
  switch (code) {
    case T_DOUBLE:
      for (; i < n; i++, at += 8) {
        const x = list[i];
        if (typeof x !== "number") return i;
        view.setFloat64(at, x, false);
      }
      return -1;
    case T_FLOAT:
      for (; i < n; i++, at += 4) {
        const x = list[i];
        if (typeof x !== "number") return i;
        view.setFloat32(at, x, false); // rounds to nearest, ties to even, as Java does
      }
      return -1;
    case T_INT:
      for (; i < n; i++, at += 4) {
        const x = list[i];
        if (typeof x !== "number") return i;
        view.setInt32(at, toJavaInt(+x), false);
      }
      return -1;
    case T_UINT:
      for (; i < n; i++, at += 4) {
        const x = list[i];
        if (typeof x !== "number") return i;
        view.setUint32(at, toJavaUint(+x), false);
      }
      return -1;
    case T_SHORT:
    case T_USHORT: // the low 16 bits of the (int) conversion
      for (; i < n; i++, at += 2) {
        const x = list[i];
        if (typeof x !== "number") return i;
        view.setInt16(at, toJavaInt(+x), false);
      }
      return -1;
    default: // T_BYTE, T_UBYTE: the low 8 bits of the (int) conversion, as (byte)(short) gives
      for (; i < n; i++, at += 1) {
        const x = list[i];
        if (typeof x !== "number") return i;
        view.setInt8(at, toJavaInt(+x));
      }
      return -1;
  }
}

/**
 * Reads the elements of view[from, to) (a whole number of elements) into `out` from index `i` on
 * and returns `out`. One loop per type, the switch outside it.
 */
export function readNumbers(view: DataView, from: number, to: number, code: number, out: number[], i: number): number[] {
  switch (code) {
    case T_BYTE: for (let at = from; at < to; at += 1) out[i++] = view.getInt8(at); break;
    case T_UBYTE: for (let at = from; at < to; at += 1) out[i++] = view.getUint8(at); break;
    case T_SHORT: for (let at = from; at < to; at += 2) out[i++] = view.getInt16(at, false); break;
    case T_USHORT: for (let at = from; at < to; at += 2) out[i++] = view.getUint16(at, false); break;
    case T_INT: for (let at = from; at < to; at += 4) out[i++] = view.getInt32(at, false); break;
    case T_UINT: for (let at = from; at < to; at += 4) out[i++] = view.getUint32(at, false); break;
    case T_FLOAT: for (let at = from; at < to; at += 4) out[i++] = view.getFloat32(at, false); break;
    default: for (let at = from; at < to; at += 8) out[i++] = view.getFloat64(at, false); break;
  }
  return out;
}

/** A short description of a value's kind for error messages: "string", "object", "array"… */
export function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (value instanceof ArrayBuffer) return "ArrayBuffer";
  if (ArrayBuffer.isView(value)) return value.constructor.name;
  return typeof value;
}
