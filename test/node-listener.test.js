// Conformance tests for the Node host's ECMA-419 Listener (hosts/node/listener.ts), adapted
// from Moddable's tests/modules/io/socket/listener/*.js (and the tcp tests that use one),
// over real loopback sockets on port 0.

import net from "node:net";
import { expect } from "chai";
import Listener from "../dist/hosts/node/listener.js";
import TCP from "../dist/hosts/node/tcp.js";

const address = "127.0.0.1";
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A plain node:net client; `received` resolves with everything it received. */
function client(port, send) {
  const socket = net.connect({ host: address, port });
  const chunks = [];
  socket.on("data", (chunk) => chunks.push(chunk));
  socket.on("error", () => {});
  if (send !== undefined)
    socket.on("connect", () => socket.write(send));
  socket.received = new Promise((resolve) => socket.on("close", () => resolve(Buffer.concat(chunks))));
  return socket;
}

describe("Node Listener (ECMA-419)", function () {
  const cleanup = [];
  afterEach(() => {
    for (const item of cleanup.splice(0))
      item.destroy?.() ?? item.close?.();
  });
  const track = (it) => { cleanup.push(it); return it; };

  it("validates options like Moddable", function () {
    expect(() => new Listener({ port: undefined })).to.throw(Error, /invalid port/);
    expect(() => new Listener({ port: -1 })).to.throw(RangeError);
    expect(() => new Listener({ port: 65536 })).to.throw(RangeError);
    expect(() => new Listener({ port: Symbol.match })).to.throw(TypeError);
    expect(() => new Listener({ format: "buffer" })).to.throw(RangeError);
    expect(() => new Listener({ onReadable: "no" })).to.throw(Error, /not a function/);
    expect(() => new Listener({ address: "localhost" })).to.throw(Error, /invalid address/);
  });

  it("binds an ephemeral port that .port reports right after construction", function () {
    for (const options of [{ port: 0 }, { port: "0" }, {}, { port: 0, address }]) {
      const l = new Listener(options);
      expect(l.port).to.be.a("number");
      expect(l.port).to.be.within(1, 65535);
      l.close();
    }
  });

  it("has format socket/tcp, keeps target, and read() is undefined when nothing is pending", function () {
    const target = {};
    const l = track(new Listener({ port: 0, target }));
    expect(l.target).to.equal(target);
    expect(l.format).to.equal("socket/tcp");
    expect(() => (l.format = "123")).to.throw(RangeError);
    l.format = "socket/tcp";
    expect(l.read()).to.equal(undefined);
  });

  it("throws from the constructor when the port is in use", async function () {
    const l = track(new Listener({ port: 0 }));
    expect(() => new Listener({ port: l.port })).to.throw(Error, /^address in use: (0\.0\.0\.0|127\.0\.0\.1) port \d+$/);
    const server = net.createServer();
    await new Promise((resolve) => server.listen(0, address, resolve));
    track(server);
    expect(() => new Listener({ port: server.address().port, address })).to.throw(Error, /^address in use: (0\.0\.0\.0|127\.0\.0\.1) port \d+$/);
    await sleep(20); // the deferred node "error" must be swallowed, not crash the process
  });

  it("counts all pending connections; fires only for new ones; read() returns TCP instances", async function () {
    const counts = [];
    let self;
    const l = track(new Listener({ port: 0, onReadable(count) { self = this; counts.push(count); } }));
    for (let i = 0; i < 3; i++) {
      track(client(l.port));
      await sleep(50);
    }
    await sleep(100);
    expect(self).to.equal(l);
    expect(counts).to.deep.equal([1, 2, 3]); // nothing read: each new one adds to the count
    await sleep(100);
    expect(counts).to.deep.equal([1, 2, 3]);
    for (let i = 0; i < 3; i++) {
      const tcp = l.read();
      expect(tcp).to.be.instanceOf(TCP);
      expect(tcp.remoteAddress).to.equal(address);
      expect(tcp.remotePort).to.be.within(1, 65535);
      expect(tcp.format).to.equal("buffer");
      tcp.close();
    }
    expect(l.read()).to.equal(undefined);
  });

  it("never calls onReadable from inside the constructor or read()", async function () {
    let inside = true;
    let reentered = false;
    const l = track(new Listener({ port: 0, onReadable() { reentered ||= inside; } }));
    inside = false;
    track(client(l.port));
    track(client(l.port));
    await sleep(100);
    inside = true;
    l.read().close();
    inside = false;
    await sleep(50);
    expect(reentered).to.equal(false);
  });

  it("take-over with from: bytes sent before it are kept and reported with onReadable", async function () {
    const l = track(new Listener({ port: 0 }));
    const peer = track(client(l.port, "hello before accept"));
    await sleep(150); // the bytes arrive while the connection is pending
    const raw = l.read();
    const events = [];
    const echoed = new Promise((resolve) => {
      new TCP({
        from: raw,
        onWritable(count) { events.push(["writable", count]); },
        onReadable(count) {
          events.push(["readable", count]);
          const bytes = this.read();
          this.write(bytes);
          this.close();
          resolve();
        },
      });
    });
    expect(() => raw.read()).to.throw(SyntaxError); // detached
    await echoed;
    expect(events).to.deep.equal([["readable", 19]]); // like lwip: readable first; closed in it, so no onWritable
    expect((await peer.received).toString()).to.equal("hello before accept");
  });

  it("a taken-over socket writes on its first onWritable and closes; the client reads, then gets onError", async function () {
    const l = track(new Listener({
      port: 0,
      onReadable() {
        new TCP({
          from: this.read(),
          onWritable() { this.write(Uint8Array.of(1, 2, 3, 4)); this.close(); },
        });
      },
    }));
    const result = await new Promise((resolve) => {
      const received = [];
      new TCP({
        address, port: l.port,
        onReadable() { received.push(...new Uint8Array(this.read())); },
        onError() { this.close(); resolve(received); },
      });
    });
    expect(result).to.deep.equal([1, 2, 3, 4]);
  });

  it("take-over of a take-over, then close: the client gets its response and onError", async function () {
    // Moddable's tcp/close-immediate.js
    const l = track(new Listener({
      port: 0,
      onReadable() {
        const http = new TCP({
          from: this.read(),
          onReadable(count) {
            this.read(count);
            this.write(Buffer.from("HTTP Response"));
            new TCP({ from: http }).close();
          },
        });
      },
    }));
    const result = await new Promise((resolve) => {
      let sent = false;
      let text = "";
      new TCP({
        address, port: l.port,
        onWritable() { if (!sent) { sent = true; this.write(Buffer.from("HTTP Request")); } },
        onReadable(count) { text += Buffer.from(this.read(count)).toString(); },
        onError() { this.close(); resolve(text); },
      });
    });
    expect(result).to.equal("HTTP Response");
  });

  it("close() stops listening, closes pending connections, is idempotent; then methods throw", async function () {
    const calls = [];
    const l = new Listener({ port: 0, onReadable(count) { calls.push(count); } });
    const port = l.port;
    const pending = client(port);
    await sleep(100);
    expect(calls).to.deep.equal([1]);
    l.close();
    l.close();
    expect(() => l.read()).to.throw(SyntaxError);
    expect(() => l.port).to.throw(SyntaxError);
    expect(() => l.format).to.throw(SyntaxError);
    await pending.received; // the unaccepted connection was closed by the listener
    const refused = await new Promise((resolve) => {
      new TCP({ address, port, onWritable: () => resolve(false), onError: () => resolve(true) });
    });
    expect(refused).to.equal(true);
    await sleep(50);
    expect(calls).to.deep.equal([1]); // no callback after close
  });

  it("close() inside onReadable stops further callbacks", async function () {
    const counts = [];
    const l = new Listener({ port: 0, onReadable(count) { counts.push(count); this.close(); } });
    track(client(l.port));
    await sleep(100);
    expect(counts).to.deep.equal([1]);
    expect(() => l.read()).to.throw(SyntaxError);
  });
});
