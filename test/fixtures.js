// Byte-level fixtures, written out by hand from the rules, not computed by the code
// under test. Each: the type, the value sent, the payload bytes on the wire, the value read back.

export const numeric = [
  // docs/protocol.md narrowing examples
  { type: "byte", value: 128, bytes: [0x80], back: -128 },
  { type: "byte", value: 256, bytes: [0x00], back: 0 },
  { type: "int", value: 3e9, bytes: [0x7f, 0xff, 0xff, 0xff], back: 2147483647 },
  { type: "unsignedshort", value: -1, bytes: [0xff, 0xff], back: 65535 },
  { type: "unsignedshort", value: 65536, bytes: [0x00, 0x00], back: 0 },
  { type: "int", value: NaN, bytes: [0, 0, 0, 0], back: 0 },
  // round toward zero, then clamp, then keep the low bits
  { type: "byte", value: -1.9, bytes: [0xff], back: -1 },
  { type: "byte", value: 127.9, bytes: [0x7f], back: 127 },
  { type: "byte", value: -129, bytes: [0x7f], back: 127 },
  { type: "byte", value: 1e10, bytes: [0xff], back: -1 }, // (int) clamps to 0x7fffffff, low 8 bits 0xff
  { type: "byte", value: Infinity, bytes: [0xff], back: -1 },
  { type: "byte", value: -Infinity, bytes: [0x00], back: 0 }, // 0x80000000: low 8 bits 0
  { type: "short", value: 32768, bytes: [0x80, 0x00], back: -32768 },
  { type: "short", value: -32769, bytes: [0x7f, 0xff], back: 32767 },
  { type: "short", value: 1e10, bytes: [0xff, 0xff], back: -1 },
  { type: "short", value: NaN, bytes: [0, 0], back: 0 },
  { type: "int", value: -3e9, bytes: [0x80, 0, 0, 0], back: -2147483648 },
  { type: "int", value: Infinity, bytes: [0x7f, 0xff, 0xff, 0xff], back: 2147483647 },
  { type: "int", value: -Infinity, bytes: [0x80, 0, 0, 0], back: -2147483648 },
  { type: "int", value: -0, bytes: [0, 0, 0, 0], back: 0 },
  { type: "int", value: 1, bytes: [0, 0, 0, 1], back: 1 },
  { type: "int", value: -2.5, bytes: [0xff, 0xff, 0xff, 0xfe], back: -2 },
  { type: "int", value: 2147483647.9, bytes: [0x7f, 0xff, 0xff, 0xff], back: 2147483647 },
  { type: "unsignedbyte", value: 255, bytes: [0xff], back: 255 },
  { type: "unsignedbyte", value: -1, bytes: [0xff], back: 255 },
  { type: "unsignedbyte", value: 300, bytes: [0x2c], back: 44 },
  { type: "unsignedbyte", value: NaN, bytes: [0x00], back: 0 },
  { type: "unsignedshort", value: 70000.7, bytes: [0x11, 0x70], back: 4464 },
  { type: "unsignedshort", value: 3e9, bytes: [0xff, 0xff], back: 65535 }, // (int) → 0x7fffffff
  { type: "unsignedint", value: -1, bytes: [0xff, 0xff, 0xff, 0xff], back: 4294967295 },
  { type: "unsignedint", value: 4294967296, bytes: [0, 0, 0, 0], back: 0 },
  { type: "unsignedint", value: 3e9, bytes: [0xb2, 0xd0, 0x5e, 0x00], back: 3e9 },
  { type: "unsignedint", value: Infinity, bytes: [0xff, 0xff, 0xff, 0xff], back: 4294967295 }, // (long) MAX
  { type: "unsignedint", value: NaN, bytes: [0, 0, 0, 0], back: 0 },
  // floating point: IEEE 754 big-endian
  { type: "float", value: 1, bytes: [0x3f, 0x80, 0, 0], back: 1 },
  { type: "float", value: 0.1, bytes: [0x3d, 0xcc, 0xcc, 0xcd], back: 0.10000000149011612 },
  { type: "float", value: -0, bytes: [0x80, 0, 0, 0], back: -0 },
  { type: "float", value: Infinity, bytes: [0x7f, 0x80, 0, 0], back: Infinity },
  { type: "float", value: 1e40, bytes: [0x7f, 0x80, 0, 0], back: Infinity }, // beyond float range
  { type: "float", value: NaN, bytes: [0x7f, 0xc0, 0, 0], back: NaN },
  { type: "double", value: 1, bytes: [0x3f, 0xf0, 0, 0, 0, 0, 0, 0], back: 1 },
  { type: "double", value: -2.5, bytes: [0xc0, 0x04, 0, 0, 0, 0, 0, 0], back: -2.5 },
  { type: "double", value: -0, bytes: [0x80, 0, 0, 0, 0, 0, 0, 0], back: -0 },
  { type: "double", value: -Infinity, bytes: [0xff, 0xf0, 0, 0, 0, 0, 0, 0], back: -Infinity },
  { type: "double", value: NaN, bytes: [0x7f, 0xf8, 0, 0, 0, 0, 0, 0], back: NaN },
  { type: "number", value: 0.1, bytes: [0x3f, 0xb9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a], back: 0.1 },
];

/** Frame headers by payload length. */
export const headers = [
  { length: 0, header: [0x00] },
  { length: 1, header: [0x01] },
  { length: 254, header: [0xfe] },
  { length: 255, header: [0xff, 0x00, 0x00, 0x00, 0xff] },
  { length: 256, header: [0xff, 0x00, 0x00, 0x01, 0x00] },
  { length: 65535, header: [0xff, 0x00, 0x00, 0xff, 0xff] },
  { length: 65536, header: [0xff, 0x00, 0x01, 0x00, 0x00] },
  { length: 1000000, header: [0xff, 0x00, 0x0f, 0x42, 0x40] },
];

export function hex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");
}

/** A framed message: header then payload (a Uint8Array). One definition for every test. */
export { frame } from "./scenarios/util.js";

/** A seeded generator: random(n) gives an integer in [0, n). Tests that shuffle use it, so a failure repeats. */
export function seeded(seed) {
  let s = seed >>> 0 || 1;
  return (n) => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return Math.floor((s / 2 ** 32) * n);
  };
}
