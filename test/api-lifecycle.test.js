// docs/protocol.md and §7 over real loopback: open/close order, "close" exactly once and listeners removed,
// queueing before "open", discardMessagesBeforeOpen, maxUnsentMessages, server start/stop, port 0,
// port in use, remoteHost()/remotePort(), and "error" with no listener.

import { expect } from "chai";
import net from "node:net";
import {
  Tracker, pair, startServer, connectClient, rawServer, rawConnect, record, waitFor, delay, once,
  bytesOf, receiveBytes, captureConsoleError, LOOPBACK,
} from "./api-helpers.js";
import { SocketClient, SocketServer, EventEmitter } from "../dist/hosts/node/index.js";

const EVENTS = ["open", "data", "close", "error"];

describe("api: life cycle", function () {
  const t = new Tracker();
  afterEach(() => t.cleanup());

  describe("classes", function () {
    it("SocketClient, SocketServer and their Sockets are EventEmitters with the defaults", async function () {
      const client = t.add(new SocketClient());
      expect(client).to.be.an.instanceOf(EventEmitter);
      expect(client.port).to.equal(4000);
      expect(client.host).to.equal("localhost");
      const { socket } = await pair(t);
      expect(socket).to.be.an.instanceOf(EventEmitter);
      for (const m of ["send", "close", "remoteHost", "remotePort", "on", "once", "off", "emit", "listenerCount"])
        expect(socket[m], m).to.be.a("function");
    });
  });

  describe("client open / data / close", function () {
    it("events come in order: open, data…, close — and the server Socket sees data then close", async function () {
      const { port, nextSocket } = await startServer(t, { rawBytes: false });
      const client = t.add(new SocketClient(port, LOOPBACK, { rawBytes: false }));
      const clientLog = record(client, EVENTS);
      client.open();
      const socket = await nextSocket(0);
      const serverLog = record(socket, EVENTS);
      await waitFor(() => clientLog.of("open").length === 1);
      socket.send("from server");
      await waitFor(() => clientLog.of("data").length === 1);
      client.send("from client");
      await waitFor(() => serverLog.of("data").length === 1);
      client.close();
      await waitFor(() => clientLog.of("close").length === 1 && serverLog.of("close").length === 1);
      await delay(30);
      expect(clientLog.names()).to.deep.equal(["open", "data", "close"]);
      expect(clientLog.values()).to.deep.equal(["from server"]);
      expect(serverLog.names()).to.deep.equal(["data", "close"]);
      expect(serverLog.values()).to.deep.equal(["from client"]);
    });

    it('host "localhost" (the default) connects over loopback', async function () {
      const { port, nextSocket } = await startServer(t, { rawBytes: false });
      const client = t.add(new SocketClient(port, undefined, { rawBytes: false, reconnectAttempts: 0 }));
      expect(client.host).to.equal("localhost");
      const opened = once(client, "open");
      client.open();
      await opened;
      const socket = await nextSocket(0);
      client.send("via localhost");
      await waitFor(() => socket.log.of("data").length === 1);
      expect(socket.log.values()).to.deep.equal(["via localhost"]);
    });

    it('"open" is emitted asynchronously, after open() returns', async function () {
      const { port } = await startServer(t);
      const client = t.add(new SocketClient(port, LOOPBACK));
      const log = record(client, EVENTS);
      client.open();
      expect(log.names()).to.deep.equal([]);
      await waitFor(() => log.of("open").length === 1);
    });

    it('"close" is emitted exactly once, then every listener is removed (listenerCount 0)', async function () {
      const { client, socket } = await pair(t);
      let closes = 0;
      client.on("close", () => closes++);
      client.on("data", () => {});
      client.on("error", () => {});
      client.on("open", () => {});
      let socketCloses = 0;
      socket.on("close", () => socketCloses++);
      socket.on("data", () => {});
      socket.on("error", () => {});
      client.close();
      client.close(); // a second close() in the same turn
      await waitFor(() => closes === 1 && socketCloses === 1);
      await delay(50);
      expect(closes).to.equal(1);
      expect(socketCloses).to.equal(1);
      for (const event of EVENTS) {
        expect(client.listenerCount(event), `client ${event}`).to.equal(0);
        expect(socket.listenerCount(event), `socket ${event}`).to.equal(0);
      }
    });

    it("a second close() after \"close\" does nothing (no event, no throw)", async function () {
      const { client } = await pair(t);
      const closed = once(client, "close");
      client.close();
      await closed;
      const log = record(client, EVENTS);
      expect(() => client.close()).not.to.throw();
      await delay(50);
      expect(log).to.deep.equal([]);
    });

    it("Socket.close() (server side): Socket and client each emit \"close\" once", async function () {
      const { client, socket } = await pair(t);
      const clientLog = record(client, EVENTS);
      const socketLog = record(socket, EVENTS);
      socket.close();
      socket.close();
      await waitFor(() => clientLog.of("close").length === 1 && socketLog.of("close").length === 1);
      await delay(50);
      expect(clientLog.names()).to.deep.equal(["close"]);
      expect(socketLog.names()).to.deep.equal(["close"]);
      expect(socket.listenerCount("close")).to.equal(0);
    });

    it('send() after close → "error" mentioning closed, nothing thrown, nothing written', async function () {
      const peerServer = await rawServer(t);
      const client = await connectClient(t, peerServer.port);
      const peer = await peerServer.nextPeer(0);
      const closed = once(client, "close");
      client.close();
      // before "close" is emitted: already closed for send()
      const early = [];
      client.on("error", (m) => early.push(m));
      expect(() => client.send("too early")).not.to.throw();
      await closed;
      const late = [];
      client.on("error", (m) => late.push(m)); // the old listeners were removed by "close"
      expect(() => client.send("too late")).not.to.throw();
      await waitFor(() => late.length >= 1);
      await delay(30);
      for (const m of early.concat(late)) {
        expect(m).to.be.a("string");
        expect(m).to.match(/closed/i);
      }
      expect(bytesOf(peer).toString()).not.to.include("too");
    });

    it('send() between close() and "close" → the "error" reaches the listener registered at the time', async function () {
      // The send happened while the listener was in place: the user must hear about it, not the console.
      const { client } = await pair(t);
      const errors = [];
      let closes = 0;
      client.on("error", (m) => errors.push(m));
      client.on("close", () => closes++);
      client.close();
      const messages = await captureConsoleError(async () => {
        expect(() => client.send("after close()")).not.to.throw();
        await delay(50);
      });
      expect(closes).to.equal(1);
      expect(errors, `the error went to console.error instead: ${JSON.stringify(messages)}`).to.have.length(1);
      expect(errors[0]).to.match(/closed/i);
    });

    it('send() on a closed server Socket → "error" mentioning closed, nothing thrown', async function () {
      const { socket } = await pair(t);
      const closed = once(socket, "close");
      socket.close();
      await closed;
      const errors = [];
      socket.on("error", (m) => errors.push(m));
      expect(() => socket.send("x")).not.to.throw();
      await waitFor(() => errors.length === 1);
      expect(errors[0]).to.match(/closed/i);
    });

    it('close() before open: no "open", "close" once, the server sees no data', async function () {
      const { port, sockets } = await startServer(t);
      const client = t.add(new SocketClient(port, LOOPBACK));
      const log = record(client, EVENTS);
      client.open();
      client.send("must not arrive");
      client.close();
      await waitFor(() => log.of("close").length === 1);
      await delay(100);
      expect(log.names()).to.deep.equal(["close"]);
      const received = sockets.flatMap((s) => s.log.values());
      expect(received).to.deep.equal([]);
    });

    it('close() before open() was ever called emits "close" once and never connects', async function () {
      const peerServer = await rawServer(t);
      const client = t.add(new SocketClient(peerServer.port, LOOPBACK));
      const log = record(client, EVENTS);
      client.close();
      client.close();
      await delay(60);
      expect(log.names()).to.deep.equal(["close"]);
      expect(peerServer.peers).to.have.length(0);
    });

    it('open() twice → "error", the first connection is unaffected', async function () {
      const { client, socket } = await pair(t, { rawBytes: false }, { rawBytes: false });
      const errors = [];
      client.on("error", (m) => errors.push(m));
      client.open();
      await waitFor(() => errors.length === 1);
      const data = record(socket, ["data"]);
      client.send("still open");
      await waitFor(() => data.length === 1);
      expect(data.values()).to.deep.equal(["still open"]);
    });

    it("the peer closing: data already received is emitted first, then \"close\" (no error)", async function () {
      const peerServer = await rawServer(t);
      const client = t.add(new SocketClient(peerServer.port, LOOPBACK, { rawBytes: false, reconnectAttempts: 0 }));
      const log = record(client, EVENTS);
      client.open();
      const peer = await peerServer.nextPeer(0);
      await waitFor(() => log.of("open").length === 1);
      peer.end(Buffer.concat([Buffer.from([3]), Buffer.from("abc"), Buffer.from([2]), Buffer.from("de")]));
      await waitFor(() => log.of("close").length === 1);
      await delay(30);
      expect(log.names()).to.deep.equal(["open", "data", "data", "close"]);
      expect(log.values()).to.deep.equal(["abc", "de"]);
    });

    it("close() flushes pending data first (1 MiB queued, then close: all of it arrives)", async function () {
      const peerServer = await rawServer(t);
      const client = await connectClient(t, peerServer.port, { sendType: "image" });
      const peer = await peerServer.nextPeer(0);
      const payload = Buffer.alloc(1 << 20);
      for (let i = 0; i < payload.length; i++) payload[i] = (i * 31) & 0xff;
      client.send(payload);
      expect(client.bufferedAmount, "more than the TCP said was writable must be queued").to.be.greaterThan(0);
      const closed = once(client, "close", 5000);
      client.close();
      await closed;
      await waitFor(() => bytesOf(peer).length >= payload.length, 3000, "the whole payload");
      await new Promise((resolve) => (peer.readableEnded ? resolve() : peer.once("end", resolve)));
      expect(bytesOf(peer).equals(payload)).to.equal(true);
    });
  });

  describe("queueing before open", function () {
    it('sends before "open" are delivered in order after the "open" handlers ran; a send in the handler comes after them', async function () {
      const { port, nextSocket } = await startServer(t, { rawBytes: false });
      const client = t.add(new SocketClient(port, LOOPBACK, { rawBytes: false, reconnectAttempts: 0 }));
      let queuedAtOpen = -1;
      client.on("open", () => {
        queuedAtOpen = client.bufferedAmount; // not yet written: the handlers run first
        client.send("3 (from the open handler)");
      });
      client.send("1");
      client.send("2");
      const queuedBefore = client.bufferedAmount;
      client.open();
      const socket = await nextSocket(0);
      const log = socket.log;
      await waitFor(() => log.of("data").length >= 3);
      await delay(30);
      expect(log.values()).to.deep.equal(["1", "2", "3 (from the open handler)"]);
      expect(queuedBefore).to.equal(4); // two 1-byte frames
      expect(queuedAtOpen).to.equal(4);
    });

    it("discardMessagesBeforeOpen: sends before open are dropped, sends after are delivered", async function () {
      const { port, nextSocket } = await startServer(t, { rawBytes: false });
      const client = t.add(new SocketClient(port, LOOPBACK, { rawBytes: false, discardMessagesBeforeOpen: true, reconnectAttempts: 0 }));
      const errors = [];
      client.on("error", (m) => errors.push(m));
      client.on("open", () => client.send("after"));
      client.send("before 1");
      client.send("before 2");
      expect(client.bufferedAmount).to.equal(0);
      client.open();
      const socket = await nextSocket(0);
      const log = socket.log;
      await waitFor(() => log.of("data").length >= 1);
      await delay(50);
      expect(log.values()).to.deep.equal(["after"]);
      expect(errors).to.deep.equal([]);
    });

    it('maxUnsentMessages exceeded → "error"; that message is not delivered, the others are, in order', async function () {
      const { port, nextSocket } = await startServer(t, { rawBytes: false });
      const client = t.add(new SocketClient(port, LOOPBACK, { rawBytes: false, maxUnsentMessages: 3, reconnectAttempts: 0 }));
      const log = record(client, EVENTS);
      client.send("a");
      client.send("b");
      client.send("c");
      client.send("d (one too many)");
      client.open();
      const socket = await nextSocket(0);
      const data = socket.log;
      await waitFor(() => log.of("open").length === 1);
      client.send("e");
      await waitFor(() => data.of("data").length >= 4);
      await delay(50);
      expect(data.values()).to.deep.equal(["a", "b", "c", "e"]);
      expect(log.of("error")).to.have.length(1);
      expect(log.of("error")[0].args[0]).to.be.a("string").and.match(/maxUnsentMessages|unsent/i);
    });

    it("maxUnsentMessages 0 means no limit (1000 queued before open all arrive)", async function () {
      const { port, nextSocket } = await startServer(t, { rawBytes: false, receiveType: "int" });
      const client = t.add(new SocketClient(port, LOOPBACK, { rawBytes: false, sendType: "int", maxUnsentMessages: 0, reconnectAttempts: 0 }));
      const errors = record(client, ["error"]);
      for (let i = 0; i < 1000; i++) client.send(i);
      client.open();
      const socket = await nextSocket(0);
      const data = socket.log;
      await waitFor(() => data.of("data").length >= 1000);
      expect(data.values()).to.deep.equal(Array.from({ length: 1000 }, (_, i) => i));
      expect(errors).to.deep.equal([]);
    });
  });

  describe("server", function () {
    it('port 0: "listening" gives the real port, asynchronously after start(); server.port agrees', async function () {
      const server = t.add(new SocketServer({ port: 0, hostInterface: LOOPBACK }));
      const log = record(server, ["listening", "error"]);
      server.start();
      expect(log).to.deep.equal([]); // not from inside start()
      await waitFor(() => log.length === 1);
      const port = log[0].args[0];
      expect(log[0].event).to.equal("listening");
      expect(port).to.be.a("number").within(1, 65535);
      expect(server.port).to.equal(port);
      const peer = await rawConnect(t, port); // something really listens there
      expect(peer.remotePort).to.equal(port);
    });

    it("each accepted connection → one Socket in \"connection\"", async function () {
      const { port, sockets } = await startServer(t);
      await rawConnect(t, port);
      await rawConnect(t, port);
      await rawConnect(t, port);
      await waitFor(() => sockets.length === 3);
      await delay(30);
      expect(sockets).to.have.length(3);
      expect(new Set(sockets).size).to.equal(3);
    });

    it('port in use → "error" (and no "listening")', async function () {
      const { port } = await startServer(t);
      const second = t.add(new SocketServer({ port, hostInterface: LOOPBACK }));
      const log = record(second, ["listening", "error"]);
      second.start();
      await waitFor(() => log.length >= 1);
      await delay(50);
      expect(log.names()).to.deep.equal(["error"]);
      expect(log[0].args[0]).to.be.a("string").and.include(String(port));
    });

    it("port in use by a plain node:net server → \"error\"", async function () {
      const other = t.add(net.createServer());
      await new Promise((resolve) => other.listen(0, LOOPBACK, resolve));
      const port = other.address().port;
      const server = t.add(new SocketServer({ port, hostInterface: LOOPBACK }));
      const log = record(server, ["listening", "error"]);
      server.start();
      await waitFor(() => log.length >= 1);
      await delay(30);
      expect(log.names()).to.deep.equal(["error"]);
    });

    it('stop() with clients connected: each server Socket emits "close", each client sees "close", no more listening', async function () {
      const { server, port, sockets } = await startServer(t);
      const clients = [];
      for (let i = 0; i < 3; i++) clients.push(await connectClient(t, port));
      await waitFor(() => sockets.length === 3);
      const socketLogs = sockets.map((s) => record(s, EVENTS));
      const clientLogs = clients.map((c) => record(c, EVENTS));
      server.stop();
      await waitFor(() => socketLogs.every((l) => l.of("close").length === 1) && clientLogs.every((l) => l.of("close").length === 1), 1500, "every close");
      await delay(50);
      for (const l of socketLogs) expect(l.names()).to.deep.equal(["close"]);
      for (const l of clientLogs) expect(l.names()).to.deep.equal(["close"]);
      // no longer listening: a new connection is refused
      const refused = await new Promise((resolve) => {
        const s = net.connect(port, LOOPBACK);
        s.on("connect", () => { s.destroy(); resolve(false); });
        s.on("error", () => resolve(true));
      });
      expect(refused).to.equal(true);
    });

    it("stop() flushes what a Socket had queued before closing it", async function () {
      const { server, port, nextSocket } = await startServer(t, { sendType: "image" });
      const peer = await rawConnect(t, port);
      const socket = await nextSocket(0);
      const payload = Buffer.alloc(300000, 0x5a);
      socket.send(payload);
      server.stop();
      await new Promise((resolve) => (peer.readableEnded ? resolve() : peer.once("end", resolve)));
      expect(bytesOf(peer).length).to.equal(payload.length);
    });

    it("remoteHost() and remotePort() name the peer", async function () {
      const { port, nextSocket } = await startServer(t);
      const peer = await rawConnect(t, port);
      const socket = await nextSocket(0);
      expect(socket.remoteHost()).to.equal("127.0.0.1");
      expect(socket.remotePort()).to.equal(peer.localPort);
    });

    it("a server Socket receives and sends (echo)", async function () {
      const { port, nextSocket } = await startServer(t, { rawBytes: false });
      const client = await connectClient(t, port, { rawBytes: false });
      const socket = await nextSocket(0);
      socket.on("data", (d) => socket.send(d.toUpperCase()));
      const log = record(client, ["data"]);
      client.send("hello");
      client.send("world");
      await waitFor(() => log.length >= 2);
      expect(log.values()).to.deep.equal(["HELLO", "WORLD"]);
    });
  });

  describe('"error" with no listener', function () {
    it("is reported through console.error, never thrown", async function () {
      const { client } = await pair(t);
      const closed = once(client, "close");
      client.close();
      await closed;
      const messages = await captureConsoleError(async () => {
        expect(() => client.send("nobody listens")).not.to.throw();
        await delay(30);
      });
      expect(messages).to.have.length(1);
      expect(messages[0]).to.match(/closed/i);
    });

    it("a server with no \"error\" listener reports a port in use through console.error", async function () {
      const { port } = await startServer(t);
      const second = t.add(new SocketServer({ port, hostInterface: LOOPBACK }));
      const messages = await captureConsoleError(async () => {
        second.start();
        await delay(50);
      });
      expect(messages).to.have.length(1);
    });
  });
});
