// The framing decoder alone (SPEC §5): any chunking, exact headers, the size limit.
import { expect } from "chai";
import { FrameDecoder, FrameSizeError, headerLength, writeHeaderBefore } from "../dist/modules/socket/framing.js";
import { headers, hex } from "./fixtures.js";

function frame(payload) {
  const out = new Uint8Array(5 + payload.length);
  out.set(payload, 5);
  const start = writeHeaderBefore(out, 5, payload.length);
  return out.subarray(start);
}

function concat(parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

/** Feeds `stream` cut at `cuts`; returns the payloads emitted, as hex. */
function decode(stream, cuts, max = 1 << 20) {
  const d = new FrameDecoder(max);
  const out = [];
  let start = 0;
  for (const end of [...cuts, stream.length]) {
    const chunk = stream.slice(start, end); // a fresh buffer, as a socket read gives
    d.push(chunk, 0, chunk.length, (bytes, s, e) => { out.push(hex(bytes.subarray(s, e))); return true; });
    start = end;
  }
  expect(d.pendingBytes).to.equal(0);
  return out;
}

const payload = (n, seed = 1) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff);

describe("frame headers (SPEC §5)", () => {
  for (const { length, header } of headers) {
    it(`payload of ${length} bytes → ${hex(header)}`, () => {
      const bytes = new Uint8Array(5);
      const start = writeHeaderBefore(bytes, 5, length);
      expect(hex(bytes.subarray(start))).to.equal(hex(header));
      expect(headerLength(length)).to.equal(header.length);
    });
  }

  it("decodes each boundary length from a single chunk", () => {
    for (const { length } of headers) {
      const p = payload(length);
      const got = decode(frame(p), []);
      expect(got.length).to.equal(1);
      expect(got[0]).to.equal(hex(p));
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

  it("emits each message once, split at every pair of offsets (around the headers)", () => {
    const small = concat([payload(2), payload(255, 4), payload(1)].map(frame));
    const want = [hex(payload(2)), hex(payload(255, 4)), hex(payload(1))];
    for (let a = 0; a <= small.length; a++)
      for (let b = a; b <= small.length; b++) expect(decode(small, [a, b])).to.deep.equal(want);
  });

  it("emits many messages from one chunk, in order", () => {
    const many = Array.from({ length: 500 }, (_, i) => payload(i % 300, i));
    expect(decode(concat(many.map(frame)), [])).to.deep.equal(many.map(hex));
  });

  it("survives random chunking of a long stream", () => {
    const many = Array.from({ length: 200 }, (_, i) => payload((i * 37) % 700, i));
    const all = concat(many.map(frame));
    for (let round = 0; round < 20; round++) {
      const cuts = [];
      for (let at = 0; at < all.length; at += 1 + Math.floor(Math.random() * 400)) if (at) cuts.push(at);
      expect(decode(all, cuts)).to.deep.equal(many.map(hex));
    }
  });

  it("reports the bytes of a message cut short", () => {
    const d = new FrameDecoder(1000);
    const f = frame(payload(300));
    d.push(f, 0, 3, () => true);
    expect(d.pendingBytes).to.equal(3); // 0xff and two length bytes
    d.push(f, 3, 100, () => true);
    expect(d.pendingBytes).to.equal(100);
    d.reset();
    expect(d.pendingBytes).to.equal(0);
  });

  it("stops when the sink says so, and goes on from there", () => {
    const d = new FrameDecoder(100);
    const two = concat([frame(payload(2)), frame(payload(3))]);
    const seen = [];
    expect(d.push(two, 0, two.length, (b, s, e) => { seen.push(e - s); return false; })).to.equal(false);
    expect(seen).to.deep.equal([2]);
  });

  it("refuses a header over maxMessageSize before allocating, and stays failed", () => {
    const d = new FrameDecoder(1000);
    const huge = Uint8Array.from([0xff, 0x7f, 0xff, 0xff, 0xff]); // 2^31-1 announced
    let called = false;
    expect(() => d.push(huge, 0, 5, () => { called = true; return true; })).to.throw(FrameSizeError, /2147483647 bytes/);
    expect(called).to.equal(false);
    expect(() => d.push(Uint8Array.of(1, 0), 0, 2, () => true)).to.throw(FrameSizeError);
  });

  it("refuses a length beyond a Java int (negative in Cape Code)", () => {
    const d = new FrameDecoder(Number.MAX_SAFE_INTEGER);
    expect(() => d.push(Uint8Array.of(0xff, 0x80, 0, 0, 0), 0, 5, () => true)).to.throw(FrameSizeError);
  });

  it("accepts a message exactly at the limit, refuses one byte more", () => {
    expect(decode(frame(payload(10)), [], 10)).to.deep.equal([hex(payload(10))]);
    expect(() => decode(frame(payload(11)), [], 10)).to.throw(FrameSizeError, /11 bytes/);
  });
});
