// The frame format alone (docs/protocol.md "Framing"): exact headers, any chunking, the size
// limit, and memory that grows only with the bytes that arrive.
import { expect } from "chai";
import { FrameDecoder, FrameSizeError, headerLength, writeHeader } from "../dist/modules/socket/framing.js";
import { frame, headers, hex, seeded } from "./fixtures.js";

function concat(parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

/** Feeds `stream` cut at `cuts` into a decoder over a receive buffer of `rx` bytes; returns the payloads emitted, as hex. */
function decode(stream, cuts, { max = 1 << 20, rx = 64 } = {}) {
  const d = new FrameDecoder(new Uint8Array(rx), max);
  const out = [];
  let start = 0;
  for (const end of [...cuts, stream.length]) {
    d.push(stream, start, end, (bytes, s, e) => { out.push(hex(bytes.subarray(s, e))); return true; });
    start = end;
  }
  expect(d.pendingBytes).to.equal(0);
  return out;
}

const payload = (n, seed = 1) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff);

describe("frame headers", () => {
  for (const { length, header } of headers) {
    it(`payload of ${length} bytes → ${hex(header)}`, () => {
      const bytes = new Uint8Array(5);
      expect(writeHeader(bytes, 0, length)).to.equal(header.length);
      expect(hex(bytes.subarray(0, header.length))).to.equal(hex(header));
      expect(headerLength(length)).to.equal(header.length);
    });
  }

  it("decodes each boundary length from a single chunk", () => {
    for (const { length } of headers) {
      const p = payload(length);
      expect(decode(frame(p), [])).to.deep.equal([hex(p)]);
    }
  });
});

describe("FrameDecoder", () => {
  const messages = [payload(0), payload(1, 3), payload(254, 5), payload(255, 9), payload(300, 11), payload(3, 13)];
  const stream = concat(messages.map(frame));
  const expected = messages.map(hex);

  it("emits each message once, fed one byte at a time", () => {
    const cuts = Array.from({ length: stream.length - 1 }, (_, i) => i + 1);
    expect(decode(stream, cuts)).to.deep.equal(expected);
  });

  it("emits each message once, split at every offset", () => {
    for (let a = 1; a < stream.length; a++) expect(decode(stream, [a]), `cut at ${a}`).to.deep.equal(expected);
  });

  it("emits each message once, split at every pair of offsets around the headers", () => {
    // every cut within 3 bytes of a header's start or end, in pairs: the cases a header split can hit
    const near = new Set();
    let at = 0;
    for (const m of messages) {
      const h = headerLength(m.length);
      for (const edge of [at, at + h]) for (let d = -3; d <= 3; d++) if (edge + d > 0 && edge + d < stream.length) near.add(edge + d);
      at += h + m.length;
    }
    const cuts = [...near].sort((a, b) => a - b);
    for (const a of cuts) for (const b of cuts) if (b > a) expect(decode(stream, [a, b]), `cut at ${a},${b}`).to.deep.equal(expected);
  });

  it("emits many messages from one chunk, in order", () => {
    const many = Array.from({ length: 500 }, (_, i) => payload(i % 300, i));
    expect(decode(concat(many.map(frame)), [], { rx: 4096 })).to.deep.equal(many.map(hex));
  });

  it("survives random chunking of a long stream, over small and large receive buffers (seeded)", () => {
    const random = seeded(7);
    const many = Array.from({ length: 200 }, (_, i) => payload((i * 37) % 700, i));
    const all = concat(many.map(frame));
    for (let round = 0; round < 20; round++) {
      const cuts = [];
      for (let at = 0; at < all.length; at += 1 + random(400)) if (at) cuts.push(at);
      expect(decode(all, cuts, { rx: [5, 16, 64, 1024][round % 4] }), `round ${round}`).to.deep.equal(many.map(hex));
    }
  });

  it("collects a message that fits the receive buffer in the receive buffer itself (nothing allocated)", () => {
    const rx = new Uint8Array(32);
    const d = new FrameDecoder(rx, 1000);
    const f = concat([frame(payload(20)), frame(payload(10, 2))]);
    const seen = [];
    d.push(f, 0, 7, () => true);
    d.push(f, 7, f.length, (bytes, s, e, own) => { seen.push([bytes.buffer === rx.buffer, own, hex(bytes.subarray(s, e))]); return true; });
    expect(seen).to.deep.equal([[true, false, hex(payload(20))], [true, false, hex(payload(10, 2))]]);
  });

  it("reads a large payload into its own buffer, which grows with what arrives, and hands it over as its own", () => {
    const d = new FrameDecoder(new Uint8Array(16), 1 << 20);
    const f = frame(payload(1000));
    d.push(f, 0, 16, () => true);
    expect(d.target.length).to.equal(22); // 11 bytes of payload are here: a buffer of max(2 × 11, 16)
    expect(d.pendingBytes).to.equal(16);
    let got = null;
    for (let at = 16; at < f.length;) {
      const n = Math.min(d.room, f.length - at);
      d.target.set(f.subarray(at, at + n), d.targetStart); // straight into the payload's buffer
      at += n;
      d.filled(n, (bytes, s, e, own) => { got = { bytes, s, e, own }; return true; });
    }
    expect(got.own).to.equal(true);
    expect(got.bytes.length).to.equal(1000);
    expect(hex(got.bytes)).to.equal(hex(payload(1000)));
    expect(d.target.length).to.equal(16); // back to the receive buffer
  });

  it("commits no more than a receive buffer for a header alone, whatever it announces", () => {
    const d = new FrameDecoder(new Uint8Array(1024), 64 * 1024 * 1024);
    const header = Uint8Array.of(0xff, 0x03, 0xff, 0xff, 0xff, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10); // 64 MiB - 1, then 10 bytes
    d.push(header, 0, header.length, () => true);
    expect(d.target.length).to.be.at.most(1024);
    expect(d.pendingBytes).to.equal(15);
  });

  it("filled() refuses more bytes than there is room for", () => {
    const d = new FrameDecoder(new Uint8Array(8), 100);
    expect(() => d.filled(9, () => true)).to.throw(RangeError, /room for 8/);
  });

  it("reports the bytes of a message cut short", () => {
    const d = new FrameDecoder(new Uint8Array(64), 1000);
    const f = frame(payload(300));
    d.push(f, 0, 3, () => true);
    expect(d.pendingBytes).to.equal(3); // 0xff and two length bytes
    d.push(f, 3, 100, () => true);
    expect(d.pendingBytes).to.equal(100);
    d.reset();
    expect(d.pendingBytes).to.equal(0);
  });

  it("stops when the sink says so; the decoder is consistent for what follows", () => {
    const d = new FrameDecoder(new Uint8Array(64), 100);
    const three = concat([frame(payload(2)), frame(payload(3)), frame(payload(4))]);
    const seen = [];
    expect(d.push(three, 0, three.length, (b, s, e) => { seen.push(e - s); return e - s !== 3; })).to.equal(false);
    expect(seen).to.deep.equal([2, 3]);
    expect(d.pendingBytes).to.equal(5); // the third message, still in the buffer
  });

  it("refuses a header over maxMessageSize before allocating, and stays failed", () => {
    const d = new FrameDecoder(new Uint8Array(64), 1000);
    const huge = Uint8Array.from([0xff, 0x7f, 0xff, 0xff, 0xff]); // 2^31-1 announced
    let called = false;
    expect(() => d.push(huge, 0, 5, () => { called = true; return true; })).to.throw(FrameSizeError, /2147483647 bytes/);
    expect(called).to.equal(false);
    expect(() => d.push(Uint8Array.of(1, 0), 0, 2, () => true)).to.throw(FrameSizeError);
  });

  it("refuses a length beyond a Java int (negative in Cape Code)", () => {
    const d = new FrameDecoder(new Uint8Array(64), Number.MAX_SAFE_INTEGER);
    expect(() => d.push(Uint8Array.of(0xff, 0x80, 0, 0, 0), 0, 5, () => true)).to.throw(FrameSizeError);
  });

  it("accepts a message exactly at the limit, refuses one byte more", () => {
    expect(decode(frame(payload(10)), [], { max: 10 })).to.deep.equal([hex(payload(10))]);
    expect(() => decode(frame(payload(11)), [], { max: 10 })).to.throw(FrameSizeError, /11 bytes/);
  });
});
