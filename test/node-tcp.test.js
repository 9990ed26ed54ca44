// Conformance tests for the Node host's ECMA-419 TCP (hosts/node/tcp.ts), adapted from
// Moddable's tests/modules/io/socket/tcp/*.js, over real loopback sockets on port 0.
// The far end is a plain node:net peer, so what arrives on the wire is checked directly.

import net from "node:net";
import { expect } from "chai";
import TCP from "../dist/hosts/node/tcp.js";

const address = "127.0.0.1";
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A node:net server on an ephemeral port; `accepted` resolves to the first connection. */
async function peer() {
  const server = net.createServer();
  const sockets = new Set();
  server.on("connection", (socket) => sockets.add(socket));
  const accepted = new Promise((resolve) => server.once("connection", resolve));
  await new Promise((resolve) => server.listen(0, address, resolve));
  const destroy = () => {
    server.close();
    for (const socket of sockets)
      socket.destroy();
  };
  return { server, port: server.address().port, accepted, destroy };
}

/** Everything a node socket receives until the other side closes. */
function collect(socket) {
  const chunks = [];
  socket.on("data", (chunk) => chunks.push(chunk));
  return new Promise((resolve) => socket.on("close", () => resolve(Buffer.concat(chunks))));
}

/** A port nothing listens on. */
async function closedPort() {
  const { server, port } = await peer();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Connects a TCP to a fresh peer and waits for the first onWritable. */
async function connected(extra = {}) {
  const p = await peer();
  let first;
  const writable = new Promise((resolve) => (first = resolve));
  const events = [];
  const tcp = new TCP({
    address, port: p.port, ...extra,
    onWritable(count) { events.push(["writable", count]); first(count); extra.onWritable?.call(this, count); },
    onReadable(count) { events.push(["readable", count]); extra.onReadable?.call(this, count); },
    onError() { events.push(["error"]); extra.onError?.call(this); },
  });
  const count = await writable;
  const socket = await p.accepted;
  return { tcp, socket, count, events, destroy() { tcp.close(); p.destroy(); } };
}

const pattern = (length, seed = 0) => Uint8Array.from({ length }, (_, i) => (i * 7 + seed) & 0xFF);

describe("Node TCP (ECMA-419)", function () {
  const cleanup = [];
  afterEach(() => {
    for (const item of cleanup.splice(0))
      item.destroy?.() ?? item.close?.(); // peers and connections: destroy(); TCP: close()
  });
  const track = (it) => { cleanup.push(it); return it; };

  describe("constructor", function () {
    it("validates options like Moddable", async function () {
      const port = 1; // never connected: every construction here throws
      expect(() => new TCP({ address, port, format: "INVALID FORMAT" })).to.throw(RangeError);
      expect(() => new TCP({ address: "localhost", port })).to.throw(Error, /invalid address/);
      expect(() => new TCP({ port: 80 })).to.throw(Error, /invalid address/);
      expect(() => new TCP({ address })).to.throw(Error, /invalid port/);
      expect(() => new TCP({ address, port: undefined })).to.throw(Error, /invalid port/);
      expect(() => new TCP({ address, port: -1 })).to.throw(RangeError);
      expect(() => new TCP({ address, port: 65536 })).to.throw(RangeError);
      expect(() => new TCP({ address, port: Symbol.match })).to.throw(TypeError);
      expect(() => new TCP({ address, port, onReadable: 3 })).to.throw(Error, /not a function/);
      expect(() => new TCP({ from: [] })).to.throw(SyntaxError);
      expect(() => new TCP({ from: {} })).to.throw(SyntaxError);
    });

    it("takes format buffer (default) or number", async function () {
      const port = await closedPort();
      for (const [format, expected] of [[undefined, "buffer"], ["buffer", "buffer"], ["number", "number"]]) {
        const t = new TCP({ address, port, format });
        expect(t.format).to.equal(expected);
        t.close();
      }
    });

    it("keeps target", async function () {
      const target = {};
      const t = new TCP({ address, port: await closedPort(), target });
      expect(t.target).to.equal(target);
      t.close();
    });
  });

  describe("connect and write", function () {
    it("reports connection with a first onWritable (default 65536), never during the constructor", async function () {
      const p = track(await peer());
      let constructing = true;
      let during = false;
      const writable = new Promise((resolve) => {
        const t = new TCP({
          address, port: p.port,
          onWritable(count) { during ||= constructing; resolve([this, count]); },
        });
        track(t);
      });
      constructing = false;
      const [self, count] = await writable;
      expect(during).to.equal(false);
      expect(count).to.equal(65536);
      expect(self.remoteAddress).to.equal(address);
      expect(self.remotePort).to.equal(p.port);
      expect(self.format).to.equal("buffer");
    });

    it("honours writeBufferSize, nodelay/noDelay and keepAlive", async function () {
      const c = track(await connected({ writeBufferSize: 1000, noDelay: true, keepAlive: true }));
      expect(c.count).to.equal(1000);
      c.tcp.close();
    });

    it("throws on write before connected", async function () {
      const p = track(await peer());
      const t = new TCP({ address, port: p.port, onWritable() {} });
      expect(() => t.write(Uint8Array.of(1))).to.throw(Error, /not ready/);
      t.close();
    });

    it("throws on writing more than writable, writing nothing; returns what is left", async function () {
      const c = track(await connected({ writeBufferSize: 4096 }));
      const received = collect(c.socket);
      expect(() => c.tcp.write(new ArrayBuffer(c.count + 1))).to.throw(Error, /would block/);
      expect(c.tcp.write(pattern(1000))).to.equal(c.count - 1000);
      expect(() => c.tcp.write(new ArrayBuffer(c.count - 999))).to.throw(Error, /would block/);
      c.tcp.format = "number";
      expect(c.tcp.write(65)).to.equal(c.count - 1001);
      c.tcp.format = "buffer";
      c.tcp.close();
      const bytes = await received;
      expect(bytes.length).to.equal(1001);
      expect([...bytes.subarray(0, 1000)]).to.deep.equal([...pattern(1000)]);
      expect(bytes[1000]).to.equal(65);
    });

    it("copies the bytes: changing the source after write() does not change what is sent", async function () {
      // a paused reader and a big prefix keep the bytes queued in node, not yet in the kernel
      const prefix = 16 * 1024 * 1024;
      const c = track(await connected({ writeBufferSize: prefix + 3000 }));
      c.socket.pause();
      c.tcp.write(new Uint8Array(prefix));
      const source = pattern(3000);
      c.tcp.write(source);
      source.fill(0xEE);
      const received = collect(c.socket);
      c.socket.resume();
      c.tcp.close();
      const bytes = await received;
      expect(bytes.length).to.equal(prefix + 3000);
      expect([...bytes.subarray(prefix)]).to.deep.equal([...pattern(3000)]);
    });

    it("accepts ArrayBuffer, typed arrays (with offsets) and DataView; rejects other values", async function () {
      const c = track(await connected());
      const received = collect(c.socket);
      const backing = Uint8Array.of(9, 1, 2, 3, 9);
      c.tcp.write(Uint8Array.of(0).buffer);
      c.tcp.write(backing.subarray(1, 4));
      c.tcp.write(new DataView(backing.buffer, 4, 1));
      c.tcp.write(new Uint16Array([0x0504]));
      expect(() => c.tcp.write(32)).to.throw(TypeError);
      expect(() => c.tcp.write("text")).to.throw(TypeError);
      expect(() => c.tcp.write(Symbol.match)).to.throw(TypeError);
      c.tcp.format = "number";
      expect(() => c.tcp.write(Symbol.match)).to.throw(TypeError);
      c.tcp.write(0x106); // one byte: 6
      c.tcp.close();
      expect([...(await received)]).to.deep.equal([0, 1, 2, 3, 9, 4, 5, 6]);
    });

    it("calls onWritable again when space frees, never from inside write()", async function () {
      let inside = false;
      let reentered = false;
      const counts = [];
      const c = track(await connected({ onWritable(count) { reentered ||= inside; counts.push(count); } }));
      inside = true;
      const left = c.tcp.write(pattern(5000));
      inside = false;
      expect(left).to.equal(c.count - 5000);
      await sleep(50);
      expect(reentered).to.equal(false);
      expect(counts.at(-1)).to.equal(65536); // space came back once node handed the bytes to the kernel
    });
  });

  describe("read", function () {
    it("read(), read(n), read(view) and number format behave like Moddable", async function () {
      const text = "HTTP/1.1 200 OK"; // 15 bytes
      const p = track(await peer());
      const done = new Promise((resolve, reject) => {
        const t = new TCP({
          address, port: p.port,
          onReadable(count) {
            if (count < text.length) return; // arrives again with the rest
            try {
              expect(count).to.equal(15);
              expect(() => this.read(Symbol.match)).to.throw(TypeError);
              expect(() => this.read(Math.sin)).to.throw(TypeError);
              expect(() => this.read(100)).to.throw(Error, /invalid/);
              expect(() => this.read(0)).to.throw(Error, /invalid/);
              expect(() => this.read(new Uint8Array(16))).to.throw(Error, /invalid/); // more than available
              const four = this.read(4);
              expect(four).to.be.instanceOf(ArrayBuffer);
              expect(Buffer.from(four).toString()).to.equal("HTTP");
              const all = new Uint8Array(12);
              const view = new Uint8Array(all.buffer, 4, 4);
              expect(this.read(view)).to.equal(4);
              expect(Buffer.from(all).toString("latin1")).to.equal("\0\0\0\0/1.1\0\0\0\0");
              this.format = "number";
              expect(this.read()).to.equal(32);
              this.format = "buffer";
              expect(() => (this.format = "string")).to.throw(RangeError);
              const rest = this.read();
              expect(Buffer.from(rest).toString()).to.equal("200 OK");
              expect(this.read()).to.equal(undefined);
              expect(this.read(new Uint8Array(1))).to.equal(undefined);
              expect(this.read(5)).to.equal(undefined);
              this.close();
              resolve();
            }
            catch (e) {
              reject(e);
            }
          },
        });
        expect(t.read(Uint8Array.of(1))).to.equal(undefined); // before connected
      });
      (await p.accepted).write(text);
      await done;
    });

    it("onReadable counts all unread bytes and fires again only for new bytes", async function () {
      const counts = [];
      const c = track(await connected({ onReadable(count) { counts.push(count); } }));
      c.socket.write("abc");
      await sleep(100);
      expect(counts).to.deep.equal([3]);
      await sleep(100);
      expect(counts).to.deep.equal([3]); // nothing new, no new call
      c.socket.write("de");
      await sleep(100);
      expect(counts).to.deep.equal([3, 5]);
      expect(Buffer.from(c.tcp.read()).toString()).to.equal("abcde");
      await sleep(50);
      expect(counts).to.deep.equal([3, 5]);
    });
  });

  describe("onError", function () {
    it("fires for a refused connection, without onWritable", async function () {
      const events = [];
      await new Promise((resolve) => {
        closedPort().then((port) => new TCP({
          address, port,
          onWritable() { events.push("writable"); },
          onError() { events.push("error"); expect(this).to.be.instanceOf(TCP); resolve(); },
        }));
      });
      await sleep(50);
      expect(events).to.deep.equal(["error"]);
    });

    it("fires for a remote close only once all buffered bytes were read, never inside read()", async function () {
      let inside = false;
      let reentered = false;
      const errors = [];
      const c = track(await connected({ onError() { reentered ||= inside; errors.push(1); } }));
      c.socket.end("bye");
      await sleep(150);
      expect(c.events.filter(([e]) => "readable" === e)).to.deep.equal([["readable", 3]]);
      expect(errors.length).to.equal(0); // "bye" not read yet
      inside = true;
      expect(c.tcp.read(2)).to.be.instanceOf(ArrayBuffer);
      inside = false;
      await sleep(50);
      expect(errors.length).to.equal(0); // one byte left
      inside = true;
      expect(Buffer.from(c.tcp.read()).toString()).to.equal("e");
      inside = false;
      await sleep(50);
      expect(errors.length).to.equal(1);
      expect(reentered).to.equal(false);
      // half-open: the peer's FIN ended our input only; what we write still reaches it, until close()
      const received = collect(c.socket);
      expect(c.tcp.write(Uint8Array.of(1, 2))).to.equal(65536 - 2);
      c.tcp.close();
      expect([...(await received)]).to.deep.equal([1, 2]);
    });

    it("after a reset, write() drops the bytes and returns 0 (like lwip)", async function () {
      const c = track(await connected());
      c.socket.resetAndDestroy();
      await sleep(150);
      expect(c.events.filter(([e]) => e === "error")).to.have.length(1);
      expect(c.tcp.write(Uint8Array.of(1))).to.equal(0);
      c.tcp.close();
    });

    it("fires for a reset, once", async function () {
      const c = track(await connected());
      c.socket.resetAndDestroy();
      await sleep(150);
      expect(c.events.filter(([e]) => "error" === e)).to.deep.equal([["error"]]);
    });
  });

  describe("close", function () {
    it("is idempotent; everything else throws SyntaxError afterwards; no callbacks after it", async function () {
      const c = track(await connected());
      const before = c.events.length;
      c.socket.write("data that arrives after close");
      c.tcp.close();
      c.tcp.close();
      expect(() => c.tcp.write(Uint8Array.of(1))).to.throw(SyntaxError);
      expect(() => c.tcp.read()).to.throw(SyntaxError);
      expect(() => c.tcp.remoteAddress).to.throw(SyntaxError);
      expect(() => c.tcp.remotePort).to.throw(SyntaxError);
      expect(() => c.tcp.format).to.throw(SyntaxError);
      expect(() => (c.tcp.format = "number")).to.throw(SyntaxError);
      c.socket.end();
      await sleep(150);
      expect(c.events.length).to.equal(before);
    });

    it("still delivers what write() accepted, then closes the connection", async function () {
      const c = track(await connected());
      const received = collect(c.socket);
      const data = pattern(60000, 3);
      expect(c.tcp.write(data)).to.equal(65536 - 60000);
      c.tcp.close();
      const bytes = await received; // resolves on the peer's "close": FIN arrived
      expect(bytes.length).to.equal(60000);
      expect(Buffer.compare(bytes, Buffer.from(data))).to.equal(0);
    });

    it("closing while connecting fires nothing", async function () {
      const p = track(await peer());
      const events = [];
      const t = new TCP({ address, port: p.port, onWritable() { events.push("w"); }, onError() { events.push("e"); } });
      t.close();
      await sleep(100);
      expect(events).to.deep.equal([]);
    });
  });

  describe("from", function () {
    it("takes over a connected socket: the original is detached, the new one gets onWritable", async function () {
      const c = track(await connected({ format: "number" }));
      const before = c.events.length;
      const writable = new Promise((resolve) => {
        const t = new TCP({ from: c.tcp, onWritable(count) { resolve([this, count]); } });
        expect(t.format).to.equal("buffer");
      });
      expect(() => new TCP({ from: c.tcp })).to.throw(SyntaxError);
      expect(() => c.tcp.read()).to.throw(SyntaxError);
      c.tcp.close();
      c.tcp.close();
      const [t, count] = await writable;
      expect(count).to.equal(65536);
      const received = collect(c.socket);
      t.write(Uint8Array.of(7, 8));
      c.socket.write("x");
      await sleep(50);
      t.close();
      expect([...(await received)]).to.deep.equal([7, 8]);
      expect(c.events.length).to.equal(before); // the original's callbacks never ran again
    });

    it("keeps bytes that arrived before the take-over and reports them", async function () {
      const c = track(await connected());
      c.socket.write("early");
      await sleep(100);
      const got = await new Promise((resolve) => {
        new TCP({ from: c.tcp, onReadable(count) { resolve([count, Buffer.from(this.read()).toString()]); this.close(); } });
      });
      expect(got).to.deep.equal([5, "early"]);
    });
  });

  describe("flow control", function () {
    it("sends 5 MB to a slow reader without exceeding writable; arrives intact and in order", async function () {
      this.timeout(30000);
      const total = 5 * 1024 * 1024;
      const data = pattern(total, 11);
      const p = track(await peer());
      let position = 0;
      let maxWritable = 0;
      let t;
      const sent = new Promise((resolve, reject) => {
        t = new TCP({
          address, port: p.port,
          onWritable(count) {
            try {
              maxWritable = Math.max(maxWritable, count);
              while ((count > 0) && (position < total)) {
                const use = Math.min(count, 1460, total - position);
                count = this.write(data.subarray(position, position + use)); // throws if over
                position += use;
              }
              if (position === total) { this.close(); resolve(); }
            }
            catch (e) { reject(e); }
          },
          onError() { reject(new Error("unexpected onError")); },
        });
      });
      const socket = await p.accepted;
      const received = collect(socket);
      // a slow reader: read in bursts with pauses, so the sender has to wait for space
      const slow = setInterval(() => { socket.isPaused() ? socket.resume() : socket.pause(); }, 5);
      await sent;
      const bytes = await received;
      clearInterval(slow);
      expect(maxWritable).to.equal(65536);
      expect(bytes.length).to.equal(total);
      expect(Buffer.compare(bytes, Buffer.from(data))).to.equal(0);
      void t;
    });

    it("bounds unread input: a peer sending 5 MB to a slow reader is paused, nothing lost", async function () {
      this.timeout(30000);
      const total = 5 * 1024 * 1024;
      const data = Buffer.from(pattern(total, 5));
      const chunks = [];
      let available = 0; // unread bytes, as last reported by onReadable minus what was read since
      let maxUnread = 0;
      let finished;
      const done = new Promise((resolve) => (finished = resolve));
      const c = track(await connected({
        onReadable(count) { available = count; maxUnread = Math.max(maxUnread, count); },
        onError() { finished(); },
      }));
      c.socket.end(data);
      // a slow reader: at most 8 KiB per timer tick, outside the callbacks
      const reader = setInterval(() => {
        const use = Math.min(8192, available);
        if (!use) return;
        chunks.push(Buffer.from(c.tcp.read(use)));
        available -= use;
      }, 1);
      await done;
      clearInterval(reader);
      const bytes = Buffer.concat(chunks);
      expect(bytes.length).to.equal(total);
      expect(Buffer.compare(bytes, data)).to.equal(0);
      expect(maxUnread).to.be.at.least(65536); // the reader really was slow
      expect(maxUnread).to.be.below(256 * 1024); // paused at 64 KiB, plus what was in flight
      c.tcp.close();
    });
  });
});
