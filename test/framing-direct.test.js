// FrameDecoder.bodyRoom / bodyFilled: the rest of a payload that spans chunks can be read straight
// into its own buffer (what the connection does), with the same messages as push() gives.
import { expect } from "chai";
import { FrameDecoder, writeHeaderBefore } from "../dist/modules/socket/framing.js";

function frame(payload) {
  const out = new Uint8Array(5 + payload.length);
  out.set(payload, 5);
  return out.subarray(writeHeaderBefore(out, 5, payload.length));
}

function concat(parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

const payload = (n, seed = 1) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff);

/**
 * Reads `stream` the way the connection does: at most `chunk` bytes a time into a receive buffer,
 * except while a body is being collected: then at most `chunk` bytes straight into bodyRoom().
 * Returns the messages as [payload bytes, own] and how many reads went straight into a body.
 */
function readDirect(stream, chunk, sink = () => true) {
  const d = new FrameDecoder(1 << 20);
  const rx = new Uint8Array(chunk);
  const out = [];
  let direct = 0;
  const collect = (bytes, s, e, own) => { out.push([bytes.slice(s, e), own, own ? bytes : null]); return sink(out.length); };
  let at = 0;
  while (at < stream.length) {
    const room = d.bodyRoom();
    const into = room ?? rx;
    const n = Math.min(into.length, chunk, stream.length - at);
    into.set(stream.subarray(at, at + n), 0);
    at += n;
    if (room) { direct++; if (!d.bodyFilled(n, collect)) break; }
    else if (!d.push(rx, 0, n, collect)) break;
  }
  return { out, direct, decoder: d, at };
}

describe("FrameDecoder: reading a spanning payload straight into its buffer", () => {
  it("bodyRoom() is null unless a payload spanning chunks is being collected", () => {
    const d = new FrameDecoder(1 << 20);
    expect(d.bodyRoom()).to.equal(null);
    const f = frame(payload(300));
    d.push(f, 0, 3, () => true); // inside the long header
    expect(d.bodyRoom()).to.equal(null);
    d.push(f, 3, 10, () => true); // header done, 5 payload bytes
    const room = d.bodyRoom();
    expect(room).to.be.instanceOf(Uint8Array);
    expect(room.length).to.equal(295);
    expect(d.pendingBytes).to.equal(10);
  });

  it("bodyFilled counts bytes put in bodyRoom() and hands the payload over, as its own buffer", () => {
    const d = new FrameDecoder(1 << 20);
    const p = payload(1000);
    const f = frame(p);
    const got = [];
    const sink = (bytes, s, e, own) => { got.push({ bytes, s, e, own }); return true; };
    d.push(f, 0, 105, sink); // 5-byte header + 100 bytes
    let room = d.bodyRoom();
    room.set(f.subarray(105, 505));
    expect(d.bodyFilled(400, sink)).to.equal(true);
    expect(got).to.have.length(0);
    expect(d.pendingBytes).to.equal(505);
    room = d.bodyRoom();
    expect(room.length).to.equal(500);
    room.set(f.subarray(505));
    expect(d.bodyFilled(500, sink)).to.equal(true);
    expect(got).to.have.length(1);
    expect(got[0].own).to.equal(true);
    expect(got[0].bytes.buffer).to.equal(room.buffer); // the bytes were read into it, not copied again
    expect([...got[0].bytes.subarray(got[0].s, got[0].e)]).to.deep.equal([...p]);
    expect(d.bodyRoom()).to.equal(null);
    expect(d.pendingBytes).to.equal(0);
  });

  it("bodyFilled returns false when the sink stops", () => {
    const d = new FrameDecoder(1 << 20);
    const f = frame(payload(600));
    d.push(f, 0, 10, () => true);
    d.bodyRoom().set(f.subarray(10));
    expect(d.bodyFilled(f.length - 10, () => false)).to.equal(false);
    expect(d.bodyRoom()).to.equal(null);
  });

  it("bodyFilled throws RangeError with no body under way or more bytes than its room", () => {
    const d = new FrameDecoder(1 << 20);
    expect(() => d.bodyFilled(1, () => true)).to.throw(RangeError);
    const f = frame(payload(300));
    d.push(f, 0, 50, () => true);
    expect(() => d.bodyFilled(256, () => true)).to.throw(RangeError);
    expect(() => d.bodyFilled(-1, () => true)).to.throw(RangeError);
    expect(d.bodyRoom().length).to.equal(255); // nothing counted by the failed calls
  });

  it("reset() drops the body: no room any more", () => {
    const d = new FrameDecoder(1 << 20);
    d.push(frame(payload(300)), 0, 20, () => true);
    expect(d.bodyRoom()).to.not.equal(null);
    d.reset();
    expect(d.bodyRoom()).to.equal(null);
    expect(d.pendingBytes).to.equal(0);
  });

  for (const chunk of [1, 2, 7, 64, 255, 1460, 4096, 65536]) {
    it(`same messages as push() alone, read ${chunk} bytes at a time`, () => {
      const payloads = [payload(0), payload(3, 2), payload(254, 3), payload(255, 4), payload(70000, 5), payload(1, 6), payload(5000, 7), payload(65536, 8)];
      const stream = concat(payloads.map(frame));
      const { out, direct, decoder } = readDirect(stream, chunk);
      expect(out.map(([b]) => [...b])).to.deep.equal(payloads.map((p) => [...p]));
      expect(decoder.pendingBytes).to.equal(0);
      expect(decoder.bodyRoom()).to.equal(null);
      expect(direct).to.be.greaterThan(0); // the 70000 and 65536-byte payloads span reads of any size here
      for (const [b, own, buffer] of out) if (own) expect(buffer.length).to.equal(b.length);
    });
  }

  it("stops where the sink stops, whether the last piece came by push or straight into a body", () => {
    const payloads = [payload(10), payload(3000, 2), payload(20, 3), payload(4000, 4)];
    const stream = concat(payloads.map(frame));
    const { out } = readDirect(stream, 1000, (n) => n < 2); // stop after the second (collected) one
    expect(out).to.have.length(2);
    expect([...out[1][0]]).to.deep.equal([...payloads[1]]);
    expect(out[1][1]).to.equal(true);
  });
});
