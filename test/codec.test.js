// The codec alone (docs/protocol.md "Types"): byte-exact fixtures, narrowing, all-or-nothing,
// and the raw decoder fed at every split.
import { expect } from "chai";
import { CodecError, Encoder, MessageDecoder, RawDecoder } from "../dist/modules/socket/codec.js";
import { SendQueue } from "../dist/modules/socket/queue.js";
import { typeInfo, TYPE_NAMES } from "../dist/modules/socket/types.js";
import { incompleteTail } from "../dist/modules/socket/utf8.js";
import { nodeHost } from "../dist/hosts/node/host.js";
import { headers, hex, numeric, seeded } from "./fixtures.js";

const text = nodeHost.textCodec();
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** encode(value, framed): the bytes of one send(), through the Encoder and the send queue (its only user). */
const enc = (type, capacity = 1024) => {
  const encoder = new Encoder(typeInfo(type), text);
  const queue = new SendQueue(capacity, 0, 1 << 30);
  return { encode: (value, framed) => (queue.stage(encoder, value, framed), queue.staged(0).slice()) };
};
const decodeMessage = (type, _text, bytes, start, end) => new MessageDecoder(type, text).decode(bytes, start, end, false);
const u8 = (a) => Uint8Array.from(a);
const same = (a, b) => expect(Object.is(a, b) || (a !== a && b !== b), `${a} vs ${b}`).to.equal(true);

describe("types and narrowing", () => {
  it("lists the accessor types, the unsignedint addition and the image formats", () => {
    expect(TYPE_NAMES).to.have.members([
      "byte", "short", "int", "float", "double", "number", "unsignedbyte", "unsignedshort",
      "string", "json", "image", "unsignedint", "bmp", "gif", "jpeg", "jpg", "png", "wbmp",
    ]);
    expect(typeInfo("int").size).to.equal(4);
    expect(typeInfo("number").size).to.equal(8);
    expect(typeInfo("nope")).to.equal(undefined);
  });

  for (const f of numeric) {
    it(`${f.type} ${Object.is(f.value, -0) ? "-0" : f.value} → ${hex(f.bytes)}`, () => {
      const t = typeInfo(f.type);
      const raw = enc(f.type).encode(f.value, false);
      expect(hex(raw)).to.equal(hex(f.bytes));
      same(decodeMessage(t, text, raw, 0, raw.length), f.back);
    });
  }

  it("narrows like Java over a sweep of values, through the encoder (seeded; beyond the int range too)", () => {
    const random = seeded(31);
    const t32 = new Int32Array(1), t16 = new Int16Array(1), t8 = new Int8Array(1);
    const values = [];
    for (let i = 0; i < 3000; i++) values.push((random(1e9) / 1e9 - 0.5) * 2 ** (random(40) + random(1e6) / 1e6));
    values.push(2 ** 31, 2 ** 31 + 0.5, -(2 ** 31) - 1, 2 ** 40, -(2 ** 53), 1e300, -1e300, Infinity, -Infinity, NaN);
    const java = (x) => (x !== x ? 0 : x >= 2147483647 ? 2147483647 : x <= -2147483648 ? -2147483648 : Math.trunc(x));
    const ints = decodeMessage(typeInfo("int"), text, enc("int", 1 << 16).encode(values, false), 0, values.length * 4);
    const shorts = decodeMessage(typeInfo("short"), text, enc("short", 1 << 16).encode(values, false), 0, values.length * 2);
    const bytes = decodeMessage(typeInfo("byte"), text, enc("byte", 1 << 16).encode(values, false), 0, values.length);
    values.forEach((x, i) => {
      const j = java(x); // (int); (short) and (byte) keep its low bits
      t32[0] = j; t16[0] = j; t8[0] = j;
      expect(ints[i], `int ${x}`).to.equal(t32[0]);
      expect(shorts[i], `short ${x}`).to.equal(t16[0]);
      expect(bytes[i], `byte ${x}`).to.equal(t8[0]);
    });
  });
});

describe("Encoder", () => {
  it("encodes an array element after element, in one range", () => {
    expect(hex(enc("short").encode([1, -1, 32768], false))).to.equal("00 01 ff ff 80 00");
    expect(hex(enc("int").encode(new Float64Array([1, 2]), false))).to.equal("00 00 00 01 00 00 00 02");
  });

  it("frames with the header at each boundary length", () => {
    for (const { length, header } of headers) {
      const bytes = enc("image", 1 << 20).encode(new Uint8Array(length).fill(7), true);
      expect(bytes.length).to.equal(header.length + length);
      expect(hex(bytes.subarray(0, header.length))).to.equal(hex(header));
      expect(bytes.subarray(header.length).every((b) => b === 7)).to.equal(true);
    }
  });

  it("frames payloads larger than the send buffer in a buffer of their own", () => {
    const e = enc("int", 8);
    const bytes = e.encode([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64], true);
    expect(hex(bytes.subarray(0, 5))).to.equal("ff 00 00 01 00");
    expect(new DataView(bytes.buffer, bytes.byteOffset).getInt32(5 + 63 * 4)).to.equal(64);
    const s = enc("string", 4).encode("€".repeat(100), true);
    expect(hex(s.subarray(0, 5))).to.equal("ff 00 00 01 2c"); // 300 bytes
  });

  it("sends strings as UTF-8, numbers as their decimal text, arrays concatenated", () => {
    expect(hex(enc("string").encode("é€😀", false))).to.equal("c3 a9 e2 82 ac f0 9f 98 80");
    expect(decoder.decode(enc("string").encode(1.5, false))).to.equal("1.5");
    expect(decoder.decode(enc("string").encode(["a", "b", 3], false))).to.equal("ab3");
    expect(hex(enc("string").encode("", true))).to.equal("00");
  });

  it("encodes texts around the send buffer's capacity exactly (fits, fits to the byte, cut short)", () => {
    const pieces = ["a", "é", "€", "😀"];
    for (let seed = 0; seed < 400; seed++) {
      let text = "";
      for (let k = seed; text.length < 12; k = (k * 7 + 3) % 97) text += pieces[k % 4];
      for (const capacity of [8, 10, 12, 16, 20]) {
        const e = enc("string", capacity);
        expect(hex(e.encode(text, false)), `${JSON.stringify(text)} in ${capacity}`).to.equal(hex(encoder.encode(text)));
      }
    }
  });

  it("sends json as the UTF-8 of JSON.stringify", () => {
    expect(decoder.decode(enc("json").encode({ a: [1, "é"] }, false))).to.equal('{"a":[1,"é"]}');
    expect(hex(enc("json").encode(null, true))).to.equal("04 6e 75 6c 6c");
  });

  it("sends images as their bytes, from ArrayBuffer or any view", () => {
    const png = u8([0x89, 0x50, 0x4e, 0x47]);
    expect(hex(enc("image").encode(png.buffer, true))).to.equal("04 89 50 4e 47");
    expect(hex(enc("image").encode(new DataView(png.buffer, 1, 2), false))).to.equal("50 4e");
  });

  it("sends the image formats' names only for bytes with that format's signature", () => {
    const signed = {
      png: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1], jpeg: [0xff, 0xd8, 0xff, 0xe0], jpg: [0xff, 0xd8, 0xff, 0xdb],
      gif: [...new TextEncoder().encode("GIF89a"), 1], bmp: [0x42, 0x4d, 9], wbmp: [0, 0, 8, 8],
    };
    for (const [type, bytes] of Object.entries(signed)) {
      expect(hex(enc(type).encode(u8(bytes), false)), type).to.equal(hex(bytes));
      expect(() => enc(type).encode(u8([1, 2, 3, 4, 5, 6, 7, 8, 9]), false), type).to.throw(CodecError, new RegExp(`as ${type}: they do not start with the ${type} signature`));
    }
    expect(hex(enc("gif").encode(new TextEncoder().encode("GIF87a"), false))).to.equal("47 49 46 38 37 61");
    expect(() => enc("png").encode(u8([0x89, 0x50]), false)).to.throw(CodecError, /png signature/);
  });

  it("refuses what cannot be converted, naming the type and the value's kind", () => {
    const cases = [
      ["int", { a: 1 }, /object as int/],
      ["double", "3", /string as double/],
      ["int", [1, "2"], /string as int \(element 1 of the array\)/],
      ["byte", null, /null as byte/],
      ["short", new ArrayBuffer(2), /ArrayBuffer as short/],
      ["string", { a: 1 }, /object as string/],
      ["string", ["a", {}], /object as string \(element 1/],
      ["image", "abc", /string as image/],
      ["image", [1, 2], /array as image/],
      ["int", [], /empty array as int: a numeric message holds at least one element/],
      ["double", new Float64Array(0), /empty array as double/],
      ["json", undefined, /undefined as json/],
      ["json", 10n, /bigint as json/],
    ];
    const cyclic = {}; cyclic.self = cyclic;
    cases.push(["json", cyclic, /object as json/]);
    for (const [type, value, pattern] of cases) {
      expect(() => enc(type).encode(value, true), type).to.throw(CodecError, pattern);
    }
  });

  it("leaves no trace of a failed encode: the next one is exact", () => {
    const e = enc("int");
    expect(() => e.encode([1, 2, "x"], true)).to.throw(CodecError);
    expect(hex(e.encode([9], true))).to.equal("04 00 00 00 09");
  });
});

describe("decodeMessage (framed payloads)", () => {
  it("gives a number for one element and an array for more", () => {
    const t = typeInfo("short");
    expect(decodeMessage(t, text, u8([0, 5]), 0, 2)).to.equal(5);
    expect(decodeMessage(t, text, u8([9, 0, 5, 0xff, 0xff]), 1, 5)).to.deep.equal([5, -1]);
  });

  it("refuses numeric payloads of zero or ragged length, naming type and length", () => {
    expect(() => decodeMessage(typeInfo("int"), text, u8([]), 0, 0)).to.throw(CodecError, /^Received an int message of 0 bytes: a numeric message holds at least one 4-byte element$/);
    expect(() => decodeMessage(typeInfo("int"), text, u8([1, 2, 3]), 0, 3)).to.throw(CodecError, /^Received an int message of 3 bytes: not a whole number of 4-byte elements$/);
    expect(() => decodeMessage(typeInfo("double"), text, u8([1]), 0, 1)).to.throw(CodecError, /^Received a double message of 1 bytes/);
  });

  it("parses json, and refuses invalid json", () => {
    const bytes = encoder.encode('{"x":[1,2]}');
    expect(decodeMessage(typeInfo("json"), text, bytes, 0, bytes.length)).to.deep.equal({ x: [1, 2] });
    const bad = encoder.encode("{nope");
    expect(() => decodeMessage(typeInfo("json"), text, bad, 0, bad.length)).to.throw(CodecError, /invalid JSON/);
  });

  it("gives images as an ArrayBuffer copy of exactly the payload", () => {
    const source = u8([1, 2, 3, 4, 5]);
    const out = decodeMessage(typeInfo("image"), text, source, 1, 4);
    expect(out).to.be.instanceOf(ArrayBuffer);
    expect(hex(new Uint8Array(out))).to.equal("02 03 04");
    source[1] = 99;
    expect(new Uint8Array(out)[0]).to.equal(2);
  });
});

/** Feeds `bytes` to a fresh RawDecoder cut at the given offsets; returns what it emitted. */
function rawDecode(type, bytes, cuts, batch = false) {
  const d = new RawDecoder(typeInfo(type), text, batch);
  const out = [];
  let start = 0;
  for (const end of [...cuts, bytes.length]) {
    // feed from a copy inside a bigger buffer, as the connection's receive buffer does
    const rx = new Uint8Array(64 + end - start);
    rx.set(bytes.subarray(start, end), 3);
    d.push(rx, 3, 3 + end - start, (v) => { out.push(v); return true; });
    start = end;
  }
  return out;
}

describe("RawDecoder", () => {
  it("keeps a numeric element split at every offset", () => {
    const values = [1.5, -2.25, 1e300, -0.125];
    const bytes = enc("double").encode(values, false).slice();
    for (let a = 0; a <= bytes.length; a++) {
      for (let b = a; b <= bytes.length; b++) {
        expect(rawDecode("double", bytes, [a, b])).to.deep.equal(values);
      }
    }
  });

  it("emits one number per element, or one array per arrival with emitBatchDataAsAvailable", () => {
    const bytes = u8([0, 1, 0, 2, 0, 3]);
    expect(rawDecode("short", bytes, [])).to.deep.equal([1, 2, 3]);
    expect(rawDecode("short", bytes, [], true)).to.deep.equal([[1, 2, 3]]);
    expect(rawDecode("short", bytes, [3], true)).to.deep.equal([[1], [2, 3]]);
    expect(rawDecode("short", bytes, [1], true)).to.deep.equal([[1, 2, 3]]);
    expect(rawDecode("short", bytes, [1, 2], true)).to.deep.equal([[1], [2, 3]]);
  });

  it("never corrupts a UTF-8 sequence split at any offset", () => {
    const sample = "aé€😀b\u{10FFFF}ü";
    const bytes = encoder.encode(sample);
    for (let a = 0; a <= bytes.length; a++) {
      for (let b = a; b <= bytes.length; b++) {
        const parts = rawDecode("string", bytes, [a, b]);
        expect(parts.join(""), `cut at ${a},${b}`).to.equal(sample);
        for (const p of parts) expect(p).to.not.include("\uFFFD");
      }
    }
  });

  it("decodes a string fed one byte at a time", () => {
    const sample = "😀€é".repeat(3);
    const bytes = encoder.encode(sample);
    const cuts = Array.from({ length: bytes.length - 1 }, (_, i) => i + 1);
    expect(rawDecode("string", bytes, cuts).join("")).to.equal(sample);
  });

  it("turns invalid UTF-8 into U+FFFD without holding it back", () => {
    expect(rawDecode("string", u8([0x61, 0xff, 0x62]), [2]).join("")).to.equal("a\uFFFDb");
  });

  it("gives each chunk's bytes for image", () => {
    const out = rawDecode("image", u8([1, 2, 3]), [1]);
    expect(out.map((b) => hex(new Uint8Array(b)))).to.deep.equal(["01", "02 03"]);
  });
});

describe("utf8", () => {
  it("measures like TextEncoder, lone surrogates included", () => {
    for (const s of ["", "abc", "é", "€", "😀", "\ud800", "a\udc00b", "\ud83d\ude00\ud83d"]) {
      expect(text.utf8Length(s), JSON.stringify(s)).to.equal(encoder.encode(s).length);
    }
  });

  it("finds an incomplete tail", () => {
    const euro = encoder.encode("€"); // e2 82 ac
    expect(incompleteTail(euro, 0, 1)).to.equal(1);
    expect(incompleteTail(euro, 0, 2)).to.equal(2);
    expect(incompleteTail(euro, 0, 3)).to.equal(0);
    expect(incompleteTail(u8([0x61]), 0, 1)).to.equal(0);
    expect(incompleteTail(u8([0xf0, 0x9f, 0x98]), 0, 3)).to.equal(3);
    expect(incompleteTail(u8([0xf0, 0x9f, 0x98]), 1, 3)).to.equal(0); // no lead in range: not ours to hold
  });
});
