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

// No string literal is evaluated per message or per element where it can be helped: in a module
// preloaded into flash (as Moddable preloads this one), XS copies a string literal into a new heap
// chunk each time it is evaluated. The modules that need one on such a path keep it as a constant.
// The element loops below test `isFiniteNumber(x)` first (a number, neither NaN nor ±Infinity: what
// nearly every element is), and reach the literal only for the others; V8 inlines this test
// (`typeof x !== NUMBER` with a constant made it box each double of a holey array, 3 times slower).
const isFiniteNumber = Number.isFinite;

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
 * Writes each element of `list` big-endian into bytes[start…] (`view` is a DataView of bytes'
 * buffer), as a Java `(type) x` cast gives it.
 * Returns the index of the first element that is not a number (what was written is then not
 * used), or -1. One loop per type with the switch outside it, and the narrowing written out in
 * each loop: a call per element (toJavaInt) costs XS more than the setter itself, and would box
 * each double in V8. The narrowing is only the clamp: a DataView setter converts a double in
 * range as Java's cast does (ToInt32, ToInt16, ToInt8, ToUint32 truncate toward zero, then keep the
 * low bits; NaN gives 0). Out of range is |x| ≥ 2^31 for (int), tested as x * x ≥ 2^62: one
 * comparison instead of two, and exact — the largest double below 2^31, 2^31 − 2^-22, squares to
 * 2^62 − 2^10 + 2^-44, which rounds to 2^62 − 2^10 — and ≥ 2^63 for (long). NaN fails every test
 * and reaches the setter. The setters are called without their littleEndian
 * argument (big-endian), `at` moves in a statement of its own, and single bytes are stored into
 * the Uint8Array itself (its conversion keeps the same low 8 bits as setInt8's): each is fewer XS
 * instructions than the alternative (measured under callgrind, as bench/xs.js counts).
 */
export function writeNumbers(view: DataView, bytes: Uint8Array, start: number, code: number, list: ArrayLike<unknown>): number {
  const n = list.length;
  let at = bytes.byteOffset + start; // in the view
  const finite = isFiniteNumber; // a local: fewer XS instructions per element than the module's constant
  let i: number; // declared here, not in each loop: a `let` in a loop is a new scope per iteration in XS
  let x: number;
  switch (code) {
    case T_DOUBLE:
      for (i = 0; i < n; i++) {
        x = list[i] as number; // checked on the next line, as in every loop here
        if (!finite(x) && typeof x !== "number") return i;
        view.setFloat64(at, x);
        at += 8;
      }
      return -1;
    case T_FLOAT:
      for (i = 0; i < n; i++) {
        x = list[i] as number;
        if (!finite(x) && typeof x !== "number") return i;
        view.setFloat32(at, x); // rounds to nearest, ties to even, as Java does
        at += 4;
      }
      return -1;
    case T_INT:
      for (i = 0; i < n; i++) {
        x = list[i] as number;
        if (!finite(x) && typeof x !== "number") return i;
        if (x * x >= 4611686018427387904) x = x > 0 ? 2147483647 : -2147483648; // |x| ≥ 2^31
        view.setInt32(at, x);
        at += 4;
      }
      return -1;
    case T_UINT: // the low 32 bits of (long): it clamps at ±2^63
      for (i = 0; i < n; i++) {
        x = list[i] as number;
        if (!finite(x) && typeof x !== "number") return i;
        if (x >= 9223372036854775807) x = 4294967295; // two comparisons: V8 runs x * x ≥ 2^126 slower here
        else if (x <= -9223372036854775807) x = 0;
        view.setUint32(at, x);
        at += 4;
      }
      return -1;
    case T_SHORT:
    case T_USHORT: // the low 16 bits of the (int) conversion
      for (i = 0; i < n; i++) {
        x = list[i] as number;
        if (!finite(x) && typeof x !== "number") return i;
        if (x * x >= 4611686018427387904) x = x > 0 ? 2147483647 : -2147483648;
        view.setInt16(at, x);
        at += 2;
      }
      return -1;
    default: // T_BYTE, T_UBYTE: the low 8 bits of the (int) conversion, as (byte)(short) gives
      for (i = 0; i < n; i++) {
        x = list[i] as number;
        if (!finite(x) && typeof x !== "number") return i;
        if (x * x >= 4611686018427387904) x = x > 0 ? 2147483647 : -2147483648;
        bytes[start + i] = x;
      }
      return -1;
  }
}

/**
 * Reads the elements of bytes[start, end) (a whole number of elements; `view` is a DataView of
 * bytes' buffer) into `out` from index `i` on and returns `out`. One loop per type, the switch
 * outside it; unsigned bytes are read from the Uint8Array itself (fewer XS instructions than a
 * DataView getter).
 */
export function readNumbers(view: DataView, bytes: Uint8Array, start: number, end: number, code: number, out: number[], i: number): number[] {
  let at: number; // declared here, not in each loop (see writeNumbers)
  const from = bytes.byteOffset + start; // in the view
  const to = bytes.byteOffset + end;
  switch (code) {
    case T_BYTE: for (at = from; at < to; at += 1) out[i++] = view.getInt8(at); break; // (a sign from a Uint8Array's byte costs XS more)
    case T_UBYTE: for (at = start; at < end; at += 1) out[i++] = bytes[at]!; break;
    case T_SHORT: for (at = from; at < to; at += 2) out[i++] = view.getInt16(at); break;
    case T_USHORT: for (at = from; at < to; at += 2) out[i++] = view.getUint16(at); break;
    case T_INT: for (at = from; at < to; at += 4) out[i++] = view.getInt32(at); break;
    case T_UINT: for (at = from; at < to; at += 4) out[i++] = view.getUint32(at); break;
    case T_FLOAT: for (at = from; at < to; at += 4) out[i++] = view.getFloat32(at); break;
    default: for (at = from; at < to; at += 8) out[i++] = view.getFloat64(at); break; // getters without littleEndian: big-endian
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
