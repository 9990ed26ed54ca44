// Failures over real loopback: connection refused and retries, connectTimeout,
// idleTimeout, a peer closing mid-message or resetting, oversize frame headers, bad received data,
// bad options (constructor errors naming the option) and bad data to send (all-or-nothing).

import { expect } from "chai";
import net from "node:net";
import {
  Tracker, pair, startServer, connectClient, rawServer, rawConnect, record, waitFor, delay, once,
  bytesOf, receiveBytes, frame, LOOPBACK,
} from "./api-helpers.js";
import { SocketClient, SocketServer } from "../dist/hosts/node/index.js";
import TCP from "../dist/hosts/node/tcp.js";

const EVENTS = ["open", "data", "close", "error"];

/** A port nothing listens on (bound, then released). */
async function closedPort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, LOOPBACK, resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A TCP class that counts its constructions and otherwise is the host's. */
function countingTCP() {
  const made = [];
  class CountingTCP extends TCP {
    constructor(options) {
      super(options);
      made.push(performance.now());
    }
  }
  CountingTCP.made = made;
  return CountingTCP;
}

/** A TCP class whose connection never completes: no callback is ever called. */
function neverConnectingTCP() {
  const made = [];
  class NeverConnects {
    constructor(options) {
      this.options = options;
      this.closed = false;
      made.push(this);
    }
    read() { return undefined; }
    write() { throw new Error("not ready"); }
    close() { this.closed = true; }
  }
  NeverConnects.made = made;
  return NeverConnects;
}

describe("api: failures", function () {
  const t = new Tracker();
  afterEach(() => t.cleanup());

  describe("connecting", function () {
    it('refused, reconnectAttempts 2, reconnectInterval 50 → 3 attempts, then exactly one "error" "Failed to connect…", no "close"', async function () {
      const port = await closedPort();
      const Counting = countingTCP();
      const client = t.add(new SocketClient(port, LOOPBACK, { reconnectAttempts: 2, reconnectInterval: 50, tcp: Counting }));
      const log = record(client, EVENTS);
      const started = performance.now();
      client.open();
      await waitFor(() => log.of("error").length >= 1, 1500, '"error"');
      const elapsed = performance.now() - started;
      await delay(200); // nothing more may follow
      expect(log.names()).to.deep.equal(["error"]);
      const message = log[0].args[0];
      expect(message).to.be.a("string");
      expect(message.startsWith("Failed to connect"), message).to.equal(true);
      expect(Counting.made).to.have.length(3);
      expect(elapsed).to.be.at.least(95); // two waits of 50 ms between the three attempts
      expect(Counting.made[1] - Counting.made[0]).to.be.at.least(45);
      expect(Counting.made[2] - Counting.made[1]).to.be.at.least(45);
    });

    it("the failure message gives the reason", async function () {
      const port = await closedPort();
      const client = t.add(new SocketClient(port, LOOPBACK, { reconnectAttempts: 0 }));
      const log = record(client, EVENTS);
      client.open();
      await waitFor(() => log.length >= 1);
      const message = log[0].args[0];
      expect(message).to.match(/^Failed to connect/);
      expect(message.length, message).to.be.greaterThan("Failed to connect".length + 5);
      expect(message).to.match(/refused|reset|ECONNREFUSED/i);
    });

    it("reconnectAttempts 0 → a single attempt", async function () {
      const port = await closedPort();
      const Counting = countingTCP();
      const client = t.add(new SocketClient(port, LOOPBACK, { reconnectAttempts: 0, reconnectInterval: 10, tcp: Counting }));
      const log = record(client, EVENTS);
      client.open();
      await waitFor(() => log.length >= 1);
      await delay(80);
      expect(Counting.made).to.have.length(1);
      expect(log.names()).to.deep.equal(["error"]);
    });

    it('a retry that finds the server listening → "open" (and no "error")', async function () {
      const port = await closedPort();
      const client = t.add(new SocketClient(port, LOOPBACK, { reconnectAttempts: 10, reconnectInterval: 40 }));
      const log = record(client, EVENTS);
      client.open();
      await delay(60); // one or two attempts refused
      const server = t.add(new SocketServer({ port, hostInterface: LOOPBACK }));
      server.start();
      await waitFor(() => log.of("open").length === 1, 1500, '"open"');
      expect(log.names()).to.deep.equal(["open"]);
    });

    it("close() while waiting to retry stops the retries (\"close\" once, no \"error\")", async function () {
      const port = await closedPort();
      const Counting = countingTCP();
      const client = t.add(new SocketClient(port, LOOPBACK, { reconnectAttempts: 5, reconnectInterval: 50, tcp: Counting }));
      const log = record(client, EVENTS);
      client.open();
      await delay(20);
      client.close();
      await delay(200);
      expect(log.names()).to.deep.equal(["close"]);
      expect(Counting.made).to.have.length(1);
    });

    it('connectTimeout: a connection that never completes → "Failed to connect… timed out…"', async function () {
      const Never = neverConnectingTCP();
      const client = t.add(new SocketClient(4000, LOOPBACK, { connectTimeout: 100, reconnectAttempts: 1, reconnectInterval: 20, tcp: Never }));
      const log = record(client, EVENTS);
      const started = performance.now();
      client.open();
      await waitFor(() => log.length >= 1, 1500, '"error"');
      const elapsed = performance.now() - started;
      await delay(50);
      expect(log.names()).to.deep.equal(["error"]);
      expect(log[0].args[0]).to.match(/^Failed to connect/).and.match(/timed out/i);
      expect(Never.made).to.have.length(2); // the first attempt and one retry
      expect(Never.made.every((s) => s.closed), "each timed-out socket is closed").to.equal(true);
      expect(elapsed).to.be.at.least(210); // 100 + 20 + 100
      expect(Never.made[0].options.address).to.equal(LOOPBACK);
      expect(Never.made[0].options.port).to.equal(4000);
    });
  });

  describe("idleTimeout", function () {
    it("client: an idle connection is closed after idleTimeout seconds (\"close\", no \"error\")", async function () {
      const { port, nextSocket } = await startServer(t);
      const client = t.add(new SocketClient(port, LOOPBACK, { idleTimeout: 0.2, reconnectAttempts: 0 }));
      const log = record(client, EVENTS);
      client.open();
      const socket = await nextSocket(0);
      await waitFor(() => log.of("open").length === 1);
      const opened = log[0].at;
      await waitFor(() => log.of("close").length === 1, 1500, '"close"');
      const idle = log.of("close")[0].at - opened;
      expect(idle).to.be.within(180, 700);
      expect(log.names()).to.deep.equal(["open", "close"]);
      await waitFor(() => socket.log.of("close").length === 1, 1500, "the server Socket closing too");
    });

    it("server: an idle accepted Socket is closed", async function () {
      const { port, nextSocket } = await startServer(t, { idleTimeout: 0.2 });
      const started = performance.now();
      const peer = await rawConnect(t, port);
      const socket = await nextSocket(0);
      await waitFor(() => socket.log.of("close").length === 1, 1500, '"close"');
      expect(performance.now() - started).to.be.at.least(180);
      await new Promise((resolve) => (peer.readableEnded || peer.destroyed ? resolve() : peer.once("close", resolve)));
    });

    it("traffic either way postpones it", async function () {
      const { port, nextSocket } = await startServer(t);
      const client = t.add(new SocketClient(port, LOOPBACK, { idleTimeout: 0.2, reconnectAttempts: 0 }));
      const log = record(client, EVENTS);
      client.open();
      const socket = await nextSocket(0);
      await waitFor(() => log.of("open").length === 1);
      // 500 ms of traffic every 80 ms: incoming, then outgoing
      for (let i = 0; i < 3; i++) {
        await delay(80);
        socket.send("in");
      }
      for (let i = 0; i < 3; i++) {
        await delay(80);
        client.send("out");
      }
      const lastTraffic = performance.now();
      expect(log.of("close"), "closed while traffic was flowing").to.have.length(0);
      await waitFor(() => log.of("close").length === 1, 1500, '"close"');
      expect(log.of("close")[0].at - lastTraffic).to.be.at.least(150);
    });
  });

  describe("the peer closing or failing", function () {
    it('mid-frame: complete messages first, then "error" saying how many bytes were lost, then "close"', async function () {
      const peerServer = await rawServer(t);
      const client = await connectClient(t, peerServer.port, { rawBytes: false });
      const log = record(client, EVENTS);
      const peer = await peerServer.nextPeer(0);
      const header = Buffer.from("ff00000100", "hex"); // 256 bytes announced
      peer.end(Buffer.concat([frame(Buffer.from("whole")), header, Buffer.alloc(100, 0x41)]));
      await waitFor(() => log.of("close").length === 1, 1500, '"close"');
      await delay(20);
      expect(log.names()).to.deep.equal(["data", "error", "close"]);
      expect(log.values()).to.deep.equal(["whole"]);
      const message = log.of("error")[0].args[0];
      expect(message).to.match(/\b(100|105)\b/); // the payload bytes, or with the header
      expect(message).to.match(/lost|incomplete/i);
    });

    it("mid-header (3 of the 5 header bytes): \"error\" then \"close\"", async function () {
      const peerServer = await rawServer(t);
      const client = await connectClient(t, peerServer.port, { rawBytes: false });
      const log = record(client, EVENTS);
      const peer = await peerServer.nextPeer(0);
      peer.end(Buffer.from("ff0000", "hex"));
      await waitFor(() => log.of("close").length === 1, 1500, '"close"');
      expect(log.names()).to.deep.equal(["error", "close"]);
      expect(log[0].args[0]).to.match(/\b3\b/);
    });

    it('a reset after open (a connection failure): "error" before "close"', async function () {
      const peerServer = await rawServer(t);
      const client = await connectClient(t, peerServer.port, { rawBytes: false });
      const log = record(client, EVENTS);
      const peer = await peerServer.nextPeer(0);
      peer.write(frame(Buffer.from("before the reset")));
      await waitFor(() => log.of("data").length === 1);
      peer.resetAndDestroy(); // RST, not FIN
      await waitFor(() => log.of("close").length === 1, 1500, '"close"');
      await delay(20);
      expect(log.names()).to.deep.equal(["data", "error", "close"]);
    });

    it("raw numeric stream: whole elements are emitted before \"close\"", async function () {
      const peerServer = await rawServer(t);
      const client = await connectClient(t, peerServer.port, { rawBytes: true, receiveType: "int" });
      const log = record(client, EVENTS);
      const peer = await peerServer.nextPeer(0);
      peer.end(Buffer.from("0000002a000000", "hex")); // one int and 3 bytes of another
      await waitFor(() => log.of("close").length === 1, 1500, '"close"');
      expect(log.values()).to.deep.equal([42]);
      expect(log.names().at(-1)).to.equal("close");
    });
  });

  describe("oversize frame headers (maxMessageSize)", function () {
    it('a header announcing 2^31-1 bytes with maxMessageSize 1000 → "error", then "close"; nothing huge allocated', async function () {
      const { port, nextSocket } = await startServer(t, { rawBytes: false, maxMessageSize: 1000 });
      const peer = await rawConnect(t, port);
      const socket = await nextSocket(0);
      const before = process.memoryUsage().arrayBuffers;
      peer.write(Buffer.concat([Buffer.from("ff7fffffff", "hex"), Buffer.alloc(100, 1)]));
      await waitFor(() => socket.log.of("close").length === 1, 1500, '"close"');
      const after = process.memoryUsage().arrayBuffers;
      expect(socket.log.names()).to.deep.equal(["error", "close"]);
      expect(socket.log[0].args[0]).to.include("2147483647");
      expect(after - before).to.be.below(16 * 1024 * 1024);
      await new Promise((resolve) => (peer.readableEnded || peer.destroyed ? resolve() : peer.once("close", resolve)));
    });

    it("the default limit (64 MiB on Node) refuses a 2^31-1 header too", async function () {
      const { port, nextSocket } = await startServer(t, { rawBytes: false });
      const peer = await rawConnect(t, port);
      const socket = await nextSocket(0);
      const before = process.memoryUsage().arrayBuffers;
      peer.write(Buffer.from("ff7fffffff00", "hex"));
      await waitFor(() => socket.log.of("close").length === 1, 1500, '"close"');
      expect(process.memoryUsage().arrayBuffers - before).to.be.below(16 * 1024 * 1024);
      expect(socket.log.names()).to.deep.equal(["error", "close"]);
    });

    it("a header of maxMessageSize bytes is accepted, one more is refused (client side)", async function () {
      const peerServer = await rawServer(t);
      const client = await connectClient(t, peerServer.port, { rawBytes: false, receiveType: "image", maxMessageSize: 300 });
      const log = record(client, EVENTS);
      const peer = await peerServer.nextPeer(0);
      peer.write(frame(Buffer.alloc(300, 7)));
      await waitFor(() => log.of("data").length === 1);
      expect(log.values()[0].byteLength).to.equal(300);
      peer.write(Buffer.from("ff0000012d", "hex")); // 301 announced
      await waitFor(() => log.of("close").length === 1, 1500, '"close"');
      expect(log.names()).to.deep.equal(["data", "error", "close"]);
      expect(log.of("error")[0].args[0]).to.include("301");
    });
  });

  describe("bad data received: one \"error\", the connection keeps working", function () {
    it('invalid JSON → "error", then the next message arrives', async function () {
      const { port, nextSocket } = await startServer(t, { rawBytes: false, receiveType: "json" });
      const peer = await rawConnect(t, port);
      const socket = await nextSocket(0);
      peer.write(Buffer.concat([frame(Buffer.from("{bad json")), frame(Buffer.from('{"ok":[1,2]}'))]));
      await waitFor(() => socket.log.of("data").length === 1);
      await delay(20);
      expect(socket.log.names()).to.deep.equal(["error", "data"]);
      expect(socket.log.of("error")[0].args[0]).to.match(/JSON/);
      expect(socket.log.values()).to.deep.equal([{ ok: [1, 2] }]);
      // and it still sends
      socket.send("reply");
      await receiveBytes(peer, 6);
      expect(bytesOf(peer).toString("hex")).to.equal(frame(Buffer.from("reply")).toString("hex"));
    });

    for (const [type, payload, length] of [["int", "010203", 3], ["double", "0102030405060708ff", 9], ["short", "", 0]]) {
      it(`a framed ${type} message of ${length} bytes → "error" naming ${type} and ${length}, the next message arrives`, async function () {
        const { port, nextSocket } = await startServer(t, { rawBytes: false, receiveType: type });
        const peer = await rawConnect(t, port);
        const socket = await nextSocket(0);
        const good = { int: "00000007", double: "401c000000000000", short: "0007" }[type];
        peer.write(Buffer.concat([frame(Buffer.from(payload, "hex")), frame(Buffer.from(good, "hex"))]));
        await waitFor(() => socket.log.of("data").length === 1);
        await delay(20);
        expect(socket.log.names()).to.deep.equal(["error", "data"]);
        const message = socket.log.of("error")[0].args[0];
        expect(message).to.include(type);
        expect(message).to.match(new RegExp(`\\b${length}\\b`));
        expect(socket.log.values()).to.deep.equal([7]);
      });
    }
  });

  describe("bad options: the constructor throws an Error naming the option", function () {
    const CLIENT_CASES = [
      ["unknown name", { colour: "red" }, "colour"],
      ["server-only option on a client", { hostInterface: "127.0.0.1" }, "hostInterface"],
      ["rawBytes not a boolean", { rawBytes: "false" }, "rawBytes"],
      ["keepAlive not a boolean", { keepAlive: 1 }, "keepAlive"],
      ["noDelay not a boolean", { noDelay: "yes" }, "noDelay"],
      ["discardMessagesBeforeOpen not a boolean", { discardMessagesBeforeOpen: 0 }, "discardMessagesBeforeOpen"],
      ["emitBatchDataAsAvailable not a boolean", { emitBatchDataAsAvailable: "true" }, "emitBatchDataAsAvailable"],
      ["sslTls not a boolean", { sslTls: "no" }, "sslTls"],
      ["trustAll not a boolean", { trustAll: 1 }, "trustAll"],
      ["connectTimeout a string", { connectTimeout: "100" }, "connectTimeout"],
      ["connectTimeout negative", { connectTimeout: -1 }, "connectTimeout"],
      ["connectTimeout NaN", { connectTimeout: NaN }, "connectTimeout"],
      ["idleTimeout negative", { idleTimeout: -0.5 }, "idleTimeout"],
      ["idleTimeout a string", { idleTimeout: "1" }, "idleTimeout"],
      ["reconnectAttempts negative", { reconnectAttempts: -1 }, "reconnectAttempts"],
      ["reconnectAttempts fractional", { reconnectAttempts: 1.5 }, "reconnectAttempts"],
      ["reconnectInterval negative", { reconnectInterval: -10 }, "reconnectInterval"],
      ["maxUnsentMessages negative", { maxUnsentMessages: -1 }, "maxUnsentMessages"],
      ["receiveBufferSize 0", { receiveBufferSize: 0 }, "receiveBufferSize"],
      ["sendBufferSize a string", { sendBufferSize: "1024" }, "sendBufferSize"],
      ["maxMessageSize negative", { maxMessageSize: -1 }, "maxMessageSize"],
      ["receiveType unknown", { receiveType: "blob" }, "receiveType"],
      ["receiveType wrong case", { receiveType: "Int" }, "receiveType"],
      ["sendType not a string", { sendType: 4 }, "sendType"],
      ["trustedCACertPath not a string", { trustedCACertPath: 1 }, "trustedCACertPath"],
      ["pfxKeyCertPassword not a string", { pfxKeyCertPassword: {} }, "pfxKeyCertPassword"],
      ["tcp not a class", { tcp: "net" }, "tcp"],
    ];
    for (const [what, options, name] of CLIENT_CASES) {
      it(`SocketClient: ${what}`, function () {
        let error;
        try {
          t.add(new SocketClient(4000, "127.0.0.1", options));
        } catch (e) {
          error = e;
        }
        expect(error, "no error thrown").to.be.an.instanceOf(Error);
        expect(error.message).to.include(name);
      });
    }

    const SERVER_CASES = [
      ["unknown name", { prot: 1 }, "prot"],
      ["client-only option on a server", { connectTimeout: 10 }, "connectTimeout"],
      ["port negative", { port: -1 }, "port"],
      ["port too large", { port: 65536 }, "port"],
      ["port a string", { port: "4000" }, "port"],
      ["port fractional", { port: 1.5 }, "port"],
      ["hostInterface not a string", { hostInterface: 127 }, "hostInterface"],
      ["clientAuth unknown", { clientAuth: "maybe" }, "clientAuth"],
      ["idleTimeout negative", { idleTimeout: -1 }, "idleTimeout"],
      ["receiveType unknown", { receiveType: "jpegg" }, "receiveType"],
      ["rawBytes not a boolean", { rawBytes: null }, "rawBytes"],
      ["listener not a class", { listener: 5 }, "listener"],
    ];
    for (const [what, options, name] of SERVER_CASES) {
      it(`SocketServer: ${what}`, function () {
        let error;
        try {
          t.add(new SocketServer(options));
        } catch (e) {
          error = e;
        }
        expect(error, "no error thrown").to.be.an.instanceOf(Error);
        expect(error.message).to.include(name);
      });
    }

    for (const [what, args] of [
      ["port 0", [0]], ["port 70000", [70000]], ["port -1", [-1]], ["port a string", ["4000"]], ["port NaN", [NaN]],
    ]) {
      it(`SocketClient: bad port (${what}) throws naming the port`, function () {
        expect(() => t.add(new SocketClient(...args))).to.throw(Error, /port/);
      });
    }

    it("SocketClient: an empty or non-string host throws naming the host", function () {
      expect(() => t.add(new SocketClient(4000, ""))).to.throw(Error, /host/);
      expect(() => t.add(new SocketClient(4000, 127001))).to.throw(Error, /host/);
    });

    it("options that are not an object throw", function () {
      expect(() => t.add(new SocketClient(4000, "localhost", "rawBytes"))).to.throw(Error, /options/);
      expect(() => t.add(new SocketServer(42))).to.throw(Error, /options/);
    });

    it("defaults are the documented ones and copied per instance (one instance cannot change another's)", function () {
      const a = t.add(new SocketClient());
      const b = t.add(new SocketClient(4001, "localhost", { rawBytes: false, idleTimeout: 3 }));
      expect(a.options).to.include({
        connectTimeout: 6000, idleTimeout: 0, discardMessagesBeforeOpen: false, emitBatchDataAsAvailable: false,
        keepAlive: true, maxUnsentMessages: 100, noDelay: true, rawBytes: true, receiveType: "string",
        sendType: "string", reconnectAttempts: 10, reconnectInterval: 1000, sslTls: false, trustAll: false,
        trustedCACertPath: "", pfxKeyCertPath: "", pfxKeyCertPassword: "",
        receiveBufferSize: 65536, sendBufferSize: 65536, maxMessageSize: 16 * 1024 * 1024,
        maxUnsentBytes: 16 * 1024 * 1024, maxBadMessages: 10,
      });
      expect(b.options.rawBytes).to.equal(false);
      expect(a.options).not.to.equal(b.options);
      try { a.options.rawBytes = false; } catch { /* frozen: fine */ }
      const c = t.add(new SocketClient());
      expect(c.options.rawBytes).to.equal(true);
      const s = t.add(new SocketServer());
      expect(s.options).to.include({
        clientAuth: "none", emitBatchDataAsAvailable: false, hostInterface: "0.0.0.0", idleTimeout: 0,
        keepAlive: true, noDelay: true, port: 4000, rawBytes: true, receiveType: "string", sendType: "string",
        sslTls: false, pfxKeyCertPath: "", pfxKeyCertPassword: "", trustedCACertPath: "",
      });
    });

    it("the options object given is not modified", function () {
      const given = { rawBytes: false };
      t.add(new SocketClient(4000, "localhost", given));
      expect(given).to.deep.equal({ rawBytes: false });
    });
  });

  describe("bad data to send: \"error\" naming type and kind, nothing written, the connection keeps working", function () {
    const cyclic = { name: "loop" };
    cyclic.self = cyclic;
    // [sendType, value, kind named in the message, a good value, its bytes (rawBytes true)]
    const CASES = [
      ["int", { a: 1 }, "object", 7, "00000007"],
      ["int", [1, "2", 3], "string", [1, 2], "0000000100000002"],
      ["int", [1, { n: 2 }, 3], "object", 5, "00000005"],
      ["int", null, "null", 5, "00000005"],
      ["short", true, "boolean", 5, "0005"],
      ["byte", undefined, "undefined", 5, "05"],
      ["double", "12.5", "string", 1, "3ff0000000000000"],
      ["double", [1.5, 2.5, "x"], "string", 1, "3ff0000000000000"],
      ["float", { length: 2, 0: 1, 1: 2 }, "object", 1, "3f800000"],
      ["unsignedbyte", "ff", "string", 255, "ff"],
      ["image", { width: 1 }, "object", new Uint8Array([1, 2, 3]), "010203"],
      ["image", "PNG", "string", new Uint8Array([4]), "04"],
      ["image", 42, "number", new Uint8Array([4]), "04"],
      ["image", [1, 2, 3], "array", new Uint8Array([4]), "04"],
      ["json", undefined, "undefined", { ok: 1 }, Buffer.from('{"ok":1}').toString("hex")],
      ["json", cyclic, "object", [1], Buffer.from("[1]").toString("hex")],
      ["json", () => 1, "function", "s", Buffer.from('"s"').toString("hex")],
      ["json", 10n, "bigint", 10, Buffer.from("10").toString("hex")],
    ];

    for (const rawBytes of [true, false]) {
      for (const [type, bad, kind, good, goodHex] of CASES) {
        it(`${type} ← ${kind}${Array.isArray(bad) ? " in an array" : ""}, rawBytes ${rawBytes}`, async function () {
          const peerServer = await rawServer(t);
          const client = await connectClient(t, peerServer.port, { sendType: type, rawBytes });
          const log = record(client, EVENTS);
          const peer = await peerServer.nextPeer(0);
          expect(() => client.send(bad)).not.to.throw();
          await waitFor(() => log.of("error").length >= 1, 1500, '"error"');
          await delay(30);
          expect(bytesOf(peer).length, "bytes written for the bad send").to.equal(0);
          const message = log.of("error")[0].args[0];
          expect(message).to.be.a("string");
          expect(message).to.include(type);
          expect(message).to.include(kind);
          client.send(good);
          const goodBytes = Buffer.from(goodHex, "hex");
          const expected = rawBytes ? goodBytes : frame(goodBytes);
          await receiveBytes(peer, expected.length);
          await delay(20);
          expect(bytesOf(peer).toString("hex")).to.equal(expected.toString("hex"));
          expect(log.names()).to.deep.equal(["error"]);
        });
      }
    }

    it("a bad send between good ones: the good ones arrive, in order, the bad one not at all (framed, module to module)", async function () {
      const { client, socket } = await pair(t, { rawBytes: false, receiveType: "int" }, { rawBytes: false, sendType: "int" });
      const log = record(client, EVENTS);
      const data = record(socket, ["data", "error"]);
      client.send([1, 2]);
      client.send([3, "four", 5]);
      client.send(6);
      await waitFor(() => data.of("data").length >= 2);
      await delay(30);
      expect(data.values()).to.deep.equal([[1, 2], 6]);
      expect(log.names()).to.deep.equal(["error"]);
      expect(data.of("error")).to.deep.equal([]);
    });
  });
});
