// The send queue alone: messages encoded in place in one preallocated ring, written in order,
// bounded in messages and bytes. No socket: the test plays the writer.
import { expect } from "chai";
import { Encoder, CodecError } from "../dist/modules/socket/codec.js";
import { QueueFullError, SendQueue } from "../dist/modules/socket/queue.js";
import { typeInfo } from "../dist/modules/socket/types.js";
import { frame, seeded } from "./fixtures.js";
import { nodeHost } from "../dist/hosts/node/host.js";

const text = nodeHost.textCodec();
const utf8 = (s) => [...new TextEncoder().encode(s)];

/** Stages `value` and writes up to `writable` bytes of it at once, as the connection does; keeps the rest. */
function send(q, encoder, value, framed, writable, out) {
  const n = q.stage(encoder, value, framed);
  const direct = q.length === 0 ? Math.min(n, writable) : 0;
  out.push(...q.staged(0).subarray(0, direct));
  if (direct < n) q.keep(direct);
  return direct;
}

function drain(q, writable, out) {
  let chunk;
  let written = 0;
  while (written < writable && (chunk = q.writable(writable - written))) {
    out.push(...chunk);
    q.consume(chunk.length);
    written += chunk.length;
  }
  return written;
}

describe("SendQueue (the outgoing ring)", () => {
  it("encodes a message that fits into the ring itself, at its start when nothing waits", () => {
    const q = new SendQueue(64, 10, 1000);
    const n = q.stage(new Encoder(typeInfo("int"), text), [1, 2], true);
    expect(n).to.equal(9);
    const view = q.staged(0);
    expect([...view]).to.deep.equal([8, 0, 0, 0, 1, 0, 0, 0, 2]);
    expect(view.byteOffset).to.equal(12 * 10); // the ring's start: after the list of waiting ranges (10 slots of 12 bytes)
    const again = q.stage(new Encoder(typeInfo("int"), text), [3, 4], true);
    expect(again).to.equal(9);
    expect(q.staged(0)).to.equal(view); // the same range: the same view object, nothing allocated
    expect(q.staged(0).buffer).to.equal(view.buffer);
  });

  it("a text takes the short header when it is short, the long one otherwise, with no gap", () => {
    const q = new SendQueue(1024, 10, 10000);
    const e = new Encoder(typeInfo("string"), text);
    q.stage(e, "héllo", true);
    expect([...q.staged(0)]).to.deep.equal([...frame(utf8("héllo"))]);
    const long = "é".repeat(200); // 400 bytes: the long header
    q.stage(e, long, true);
    expect([...q.staged(0)]).to.deep.equal([...frame(utf8(long))]);
  });

  it("queued messages lie end to end in the ring and go out in one write", () => {
    const q = new SendQueue(256, 10, 10000);
    const e = new Encoder(typeInfo("unsignedbyte"), text);
    const out = [];
    send(q, e, [1, 2, 3], true, 0, out);
    send(q, e, [4, 5], true, 0, out);
    send(q, e, "x".length, true, 0, out);
    expect(q.length).to.equal(3);
    expect(q.bytes).to.equal(4 + 3 + 2);
    const chunk = q.writable(100);
    expect([...chunk]).to.deep.equal([3, 1, 2, 3, 2, 4, 5, 1, 1]);
    q.consume(5); // into the second message
    expect(q.length).to.equal(2);
    expect([...q.writable(100)]).to.deep.equal([4, 5, 1, 1]);
  });

  it("with its list of ranges full, a message that follows the last range in the ring joins it; order, bytes and counts kept", () => {
    const q = new SendQueue(256, 100, 10000); // 8 slots in its list at first, 100 messages may wait
    const e = new Encoder(typeInfo("int"), text);
    const out = [];
    for (let i = 0; i < 30; i++) send(q, e, i, true, 0, out); // nothing writable: all 30 wait
    expect(q.length).to.equal(30);
    expect(q.bytes).to.equal(150);
    expect(q.slots).to.equal(8); // the list did not grow: messages 8 to 29 joined the last range
    // written 7 bytes at a time: the joined range counts its messages until all of it is written
    let last = q.length;
    while (q.length > 0) {
      drain(q, 7, out);
      expect(q.length).to.be.at.most(last);
      expect(q.length).to.be.at.least(Math.ceil(q.bytes / 5));
      last = q.length;
    }
    expect(out).to.deep.equal(Array.from({ length: 30 }, (_, i) => [...frame([0, 0, 0, i])]).flat());
    // and again, five times, with more messages waiting than the list has slots
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 40; i++) send(q, e, 1000 + i, true, 0, out);
      expect(q.length).to.equal(40);
      expect(q.slots).to.equal(8);
      drain(q, 1 << 20, out);
      expect(q.length).to.equal(0);
      expect(q.bytes).to.equal(0);
    }
    const tail = out.slice(150);
    expect(tail).to.deep.equal(Array.from({ length: 5 }, () => Array.from({ length: 40 }, (_, i) => [...frame([0, 0, (1000 + i) >> 8, (1000 + i) & 255])])).flat(2));
  });

  it("refuses past maxUnsentMessages and past maxUnsentBytes, naming the bound; nothing of the message waits", () => {
    const q = new SendQueue(100, 2, 1000);
    const e = new Encoder(typeInfo("byte"), text);
    q.stage(e, [1], false); q.keep(0);
    q.stage(e, [2], false); q.keep(0);
    q.stage(e, [3], false);
    expect(() => q.keep(0)).to.throw(QueueFullError, /maxUnsentMessages is 2/);
    expect(q.length).to.equal(2);
    const b = new SendQueue(100, 0, 10);
    b.stage(e, new Array(8).fill(1), false); b.keep(0);
    b.stage(e, [1, 2, 3], false);
    expect(() => b.keep(0)).to.throw(QueueFullError, /8 waiting, 3 more would pass maxUnsentBytes \(10\)/);
    expect(b.bytes).to.equal(8);
  });

  it("a message larger than the free part of the ring gets a buffer of its own, and the order is kept", () => {
    const q = new SendQueue(16, 0, 1000);
    const e = new Encoder(typeInfo("unsignedbyte"), text);
    const out = [];
    const big = Array.from({ length: 40 }, (_, i) => i);
    send(q, e, [9], true, 0, out);
    send(q, e, big, true, 0, out);
    expect(q.staged(0).buffer).not.to.equal(q.writable(1).buffer); // its own buffer
    send(q, e, [7], true, 0, out);
    drain(q, 1000, out);
    expect(out).to.deep.equal([...frame([9]), ...frame(big), ...frame([7])]);
  });

  it("a text too large for the ring is encoded into a buffer of its own, once measured if its guess was short", () => {
    const q = new SendQueue(16, 0, 1000);
    const e = new Encoder(typeInfo("string"), text);
    for (const value of ["a".repeat(40), "é".repeat(40), "😀".repeat(100), "x".repeat(254) + "é"]) {
      q.stage(e, value, true);
      expect([...q.staged(0)], value.slice(0, 8)).to.deep.equal([...frame(utf8(value))]);
      q.stage(e, value, false);
      expect([...q.staged(0)]).to.deep.equal(utf8(value));
    }
  });

  it("a text that takes a buffer of its own is refused only if its real size would pass maxUnsentBytes", () => {
    const q = new SendQueue(1024, 0, 1024);
    const bytes = new Encoder(typeInfo("image"), text);
    const e = new Encoder(typeInfo("string"), text);
    const out = [];
    send(q, bytes, new Uint8Array(40), false, 0, out); // ring [0, 40)
    send(q, bytes, new Uint8Array(977), false, 0, out); // ring [40, 1017)
    drain(q, 40, out); // the first is written: 977 wait, no free part of the ring takes 47 bytes
    expect(q.bytes).to.equal(977);
    send(q, e, "j".repeat(46), true, 0, out); // 47 bytes framed: exactly up to the limit
    expect(q.bytes).to.equal(1024);
    expect(() => send(q, e, "k", true, 0, out)).to.throw(QueueFullError, /maxUnsentBytes/);
    drain(q, 2000, out);
    expect(out.slice(-47)).to.deep.equal([...frame(utf8("j".repeat(46)))]);
  });

  it("a raw message of no bytes never waits (nothing to write), so it cannot stall what follows", () => {
    const q = new SendQueue(16, 0, 1000);
    const e = new Encoder(typeInfo("string"), text);
    const out = [];
    send(q, e, "x".repeat(40), false, 0, out); // waits in a buffer of its own
    send(q, e, "", false, 0, out);
    expect(q.length).to.equal(1);
    send(q, e, "y", false, 0, out);
    drain(q, 1000, out);
    expect(out).to.deep.equal(utf8("x".repeat(40) + "y"));
  });

  it("a value that cannot be converted throws CodecError and leaves the queue as it was", () => {
    const q = new SendQueue(64, 10, 1000);
    const e = new Encoder(typeInfo("int"), text);
    const out = [];
    send(q, e, [1], true, 0, out);
    expect(() => q.stage(e, [1, "2"], true)).to.throw(CodecError, /element 1/);
    expect(() => q.stage(e, [], true)).to.throw(CodecError, /empty array as int/);
    expect(q.length).to.equal(1);
    drain(q, 100, out);
    expect(out).to.deep.equal([...frame([0, 0, 0, 1])]);
  });

  for (const type of ["unsignedbyte", "string"]) {
    it(`random sends and writable grants: every byte in order, and the ring wraps (${type}, seeded)`, () => {
      const random = seeded(type.length);
      const e = new Encoder(typeInfo(type), text);
      let wrapped = 0;
      for (let round = 0; round < 300; round++) {
        const framed = round % 2 === 1;
        const q = new SendQueue(50 + random(400), 0, 1 << 30);
        const out = [];
        const expected = [];
        let writable = random(50);
        for (let step = 0; step < 60; step++) {
          if (random(3) === 0) {
            writable = random(500);
            writable -= drain(q, writable, out);
          } else {
            const length = random(300);
            const value = type === "string"
              ? Array.from({ length }, () => "aé€😀"[random(4)]).join("")
              : Array.from({ length: length + 1 }, () => random(256));
            const payload = type === "string" ? utf8(value) : value;
            expected.push(...(framed ? frame(payload) : payload));
            const before = q.writable(1 << 30);
            writable -= send(q, e, value, framed, writable, out);
            const staged = q.staged(0);
            if (before && staged.buffer === before.buffer && staged.byteOffset < before.byteOffset) wrapped++;
          }
        }
        drain(q, 1 << 30, out);
        expect(out.length, `round ${round}`).to.equal(expected.length);
        expect(out, `round ${round}`).to.deep.equal(expected);
        expect(q.bytes).to.equal(0);
      }
      expect(wrapped, "messages placed before older ones (the ring wrapped)").to.be.greaterThan(10);
    });
  }

  it("random sends and partial writes with the list joining ranges: every byte in order, counts and bounds kept", () => {
    for (let seed = 1; seed <= 40; seed++) {
      const random = seeded(seed);
      const maxMessages = [64, 100, 0][seed % 3];
      const capacity = [32, 100, 300][random(3)];
      const maxBytes = capacity * (1 + random(3));
      const q = new SendQueue(capacity, maxMessages, maxBytes);
      const e = new Encoder(typeInfo("unsignedbyte"), text);
      const out = [];
      const expected = [];
      const ends = []; // where each accepted message ends in the stream
      for (let step = 0; step < 400; step++) {
        if (random(3) > 0) {
          const value = Array.from({ length: 1 + (random(8) === 0 ? random(2 * capacity) : random(6)) }, () => random(256));
          let n;
          try {
            n = q.stage(e, value, true);
          } catch (err) {
            if (!(err instanceof QueueFullError)) throw err;
            continue; // a buffer of its own that could not wait: refused whole
          }
          const direct = q.length === 0 ? Math.min(n, random(2) * n) : 0;
          if (direct < n && !q.canWait(n - direct)) continue; // refused whole, as send() does
          out.push(...q.staged(0).subarray(0, direct));
          if (direct < n) q.keep(direct);
          expected.push(...frame(value));
          ends.push(expected.length);
        } else {
          drain(q, 1 + random(40), out);
        }
        const waiting = ends.filter((end) => end > out.length).length; // messages not wholly written
        expect(q.bytes, `seed ${seed} step ${step}`).to.equal(expected.length - out.length);
        expect(q.length, `seed ${seed} step ${step}`).to.be.at.least(waiting);
        if (maxMessages > 0) expect(q.length).to.be.at.most(maxMessages);
        expect(q.length === 0).to.equal(q.bytes === 0);
      }
      drain(q, 1 << 30, out);
      expect(out, `seed ${seed}`).to.deep.equal(expected);
      expect(q.length).to.equal(0);
    }
  });
});
