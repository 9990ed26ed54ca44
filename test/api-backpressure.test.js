// Backpressure: multi-megabyte and many-message sends to slow readers arrive whole and in
// order; the module never writes more than the TCP IO says is writable (checked with a wrapping TCP
// class given through the `tcp` option, both on a client and on a server Socket).

import { expect } from "chai";
import {
  Tracker, pair, startServer, connectClient, rawServer, rawConnect, record, waitFor, delay, once,
  bytesOf, receiveBytes, frame, LOOPBACK,
} from "./api-helpers.js";
import { SocketClient } from "../dist/hosts/node/index.js";
import TCP from "../dist/hosts/node/tcp.js";

const MiB = 1024 * 1024;

function pattern(n, seed) {
  const bytes = Buffer.alloc(n);
  for (let i = 0, x = seed; i < n; i++) bytes[i] = x = (x * 1103515245 + 12345 + i) & 0xff;
  return bytes;
}

/** Makes a raw peer slow: paused at first, then reading in short bursts. Returns a stop function. */
function slowReader(peer, { firstPause = 150, read = 10, pause = 30 } = {}) {
  peer.pause();
  let timer;
  let stopped = false;
  const cycle = (paused) => {
    if (stopped) return;
    if (paused) peer.resume();
    else peer.pause();
    timer = setTimeout(() => cycle(!paused), paused ? read : pause);
  };
  timer = setTimeout(() => cycle(true), firstPause);
  return () => {
    stopped = true;
    clearTimeout(timer);
    peer.resume();
  };
}

/**
 * A TCP class wrapping the host's: a small emulated send buffer, and a record of every write()
 * length next to the writable count the socket last gave (onWritable's argument or write()'s result).
 */
function checkingTCP(writeBufferSize = 4096) {
  const sockets = [];
  class CheckingTCP extends TCP {
    constructor(options) {
      const record = { writable: 0, writes: [], violations: [], writableCalls: [] };
      const onWritable = options.onWritable;
      super({
        ...options,
        writeBufferSize,
        onWritable(count) {
          record.writable = count;
          record.writableCalls.push(count);
          onWritable?.call(this, count);
        },
      });
      this.record = record;
      sockets.push(this);
    }

    write(data) {
      const n = data.byteLength;
      const { record } = this;
      record.writes.push({ n, writable: record.writable });
      if (n > record.writable) record.violations.push({ n, writable: record.writable });
      const left = super.write(data);
      record.writable = typeof left === "number" ? left : record.writable - n;
      return left;
    }
  }
  CheckingTCP.sockets = sockets;
  return CheckingTCP;
}

describe("api: backpressure", function () {
  const t = new Tracker();
  const stops = [];
  afterEach(async () => {
    for (const stop of stops.splice(0)) stop();
    await t.cleanup();
  });

  it("a 4 MiB framed image to a slow raw reader arrives whole", async function () {
    this.timeout(8000);
    const peerServer = await rawServer(t);
    const client = await connectClient(t, peerServer.port, { sendType: "image", rawBytes: false });
    const log = record(client, ["error", "close"]);
    const peer = await peerServer.nextPeer(0);
    stops.push(slowReader(peer));
    const payload = pattern(4 * MiB, 1);
    client.send(payload);
    expect(client.bufferedAmount, "most of it must wait for the socket").to.be.greaterThan(0);
    const expected = frame(payload);
    await receiveBytes(peer, expected.length, 6000);
    await delay(20);
    expect(bytesOf(peer).length).to.equal(expected.length);
    expect(bytesOf(peer).equals(expected)).to.equal(true);
    expect(client.bufferedAmount).to.equal(0);
    expect(log).to.deep.equal([]);
  });

  it("a 4 MiB image module to module arrives as one equal ArrayBuffer", async function () {
    this.timeout(8000);
    const { client, socket } = await pair(t, { rawBytes: false, receiveType: "image" }, { rawBytes: false, sendType: "image" });
    const errors = record(client, ["error"]);
    const payload = pattern(4 * MiB, 2);
    client.send(payload);
    await waitFor(() => socket.log.of("data").length >= 1, 6000, "the image");
    await delay(20);
    expect(socket.log.values()).to.have.length(1);
    expect(Buffer.from(socket.log.values()[0]).equals(payload)).to.equal(true);
    expect(socket.log.of("error")).to.deep.equal([]);
    expect(errors).to.deep.equal([]);
  });

  it("80 sends of 64 KiB (within maxUnsentMessages 100) to a slow reader arrive whole and in order", async function () {
    this.timeout(8000);
    const peerServer = await rawServer(t);
    const client = await connectClient(t, peerServer.port, { sendType: "image", rawBytes: true, maxUnsentMessages: 100 });
    const log = record(client, ["error", "close"]);
    const peer = await peerServer.nextPeer(0);
    stops.push(slowReader(peer));
    const chunks = [];
    for (let i = 0; i < 80; i++) {
      const chunk = pattern(65536, i + 10);
      chunk.writeUInt32BE(i, 0); // a sequence number at the front of each
      chunks.push(chunk);
      client.send(chunk);
    }
    const expected = Buffer.concat(chunks);
    await receiveBytes(peer, expected.length, 6000);
    await delay(20);
    const got = bytesOf(peer);
    expect(got.length).to.equal(expected.length);
    for (let i = 0; i < 80; i++) expect(got.readUInt32BE(i * 65536), `chunk ${i}`).to.equal(i);
    expect(got.equals(expected)).to.equal(true);
    expect(log).to.deep.equal([]);
  });

  it("framed messages of mixed sizes keep their order (module to module, slow server reading)", async function () {
    this.timeout(8000);
    const { client, socket } = await pair(t, { rawBytes: false, receiveType: "image" }, { rawBytes: false, sendType: "image" });
    const sent = [];
    for (let i = 0; i < 30; i++) {
      const size = i % 3 === 0 ? 200000 : i % 3 === 1 ? 3 : 300;
      const msg = pattern(size, i);
      msg[0] = i;
      sent.push(msg);
      client.send(msg);
    }
    await waitFor(() => socket.log.of("data").length >= sent.length, 6000, "every message");
    const got = socket.log.values();
    expect(got).to.have.length(sent.length);
    for (let i = 0; i < sent.length; i++) expect(Buffer.from(got[i]).equals(sent[i]), `message ${i}`).to.equal(true);
  });

  it("maxUnsentMessages counts messages waiting for a full socket: extra ones → \"error\", the rest arrive intact, in order", async function () {
    this.timeout(8000);
    const CheckingTCP = checkingTCP(1024);
    const peerServer = await rawServer(t);
    const client = await connectClient(t, peerServer.port, { sendType: "image", rawBytes: false, maxUnsentMessages: 5, tcp: CheckingTCP });
    const log = record(client, ["error", "close"]);
    const peer = await peerServer.nextPeer(0);
    const messages = [];
    for (let i = 0; i < 20; i++) {
      const msg = pattern(3000, i);
      msg[0] = i;
      messages.push(msg);
      client.send(msg);
    }
    await waitFor(() => log.of("error").length >= 1, 1500, '"error"');
    await delay(300);
    // refusals in one turn come out as one "error" with their count: "… (14 times)"
    const errors = log.of("error").reduce((n, e) => n + Number(/\((\d+) times\)$/.exec(e.args[0])?.[1] ?? 1), 0);
    expect(errors).to.be.greaterThan(0);
    expect(log.of("error").length, "repeated refusals coalesced").to.be.lessThan(errors);
    for (const e of log.of("error")) expect(e.args[0]).to.match(/maxUnsentMessages|unsent/i);
    // decode the frames the peer got
    const got = bytesOf(peer);
    const ids = [];
    for (let at = 0; at < got.length;) {
      expect(got[at]).to.equal(0xff);
      const n = got.readUInt32BE(at + 1);
      const body = got.subarray(at + 5, at + 5 + n);
      ids.push(body[0]);
      expect(body.equals(messages[body[0]]), `message ${body[0]} intact`).to.equal(true);
      at += 5 + n;
    }
    expect(ids.length + errors).to.equal(20);
    expect(ids).to.deep.equal([...ids].sort((a, b) => a - b));
    // 5 unsent messages may wait (the one partly written may count among them): the first 5 or 6 arrive
    expect(ids.length).to.be.within(5, 6);
    expect(ids).to.deep.equal(Array.from({ length: ids.length }, (_, i) => i));
  });

  describe("writes never exceed the writable count (wrapping TCP class)", function () {
    it("client: 2 MiB in assorted sends through a 4 KiB send buffer", async function () {
      this.timeout(8000);
      const CheckingTCP = checkingTCP(4096);
      const peerServer = await rawServer(t);
      const client = await connectClient(t, peerServer.port, { sendType: "image", rawBytes: true, maxUnsentMessages: 0, tcp: CheckingTCP });
      const log = record(client, ["error", "close"]);
      const peer = await peerServer.nextPeer(0);
      stops.push(slowReader(peer, { firstPause: 50, read: 5, pause: 10 }));
      const parts = [];
      for (let i = 0; parts.reduce((n, p) => n + p.length, 0) < 2 * MiB; i++) {
        const size = [1, 4095, 4096, 4097, 100000, 17, 65536][i % 7];
        const part = pattern(size, i);
        parts.push(part);
        client.send(part);
      }
      const expected = Buffer.concat(parts);
      await receiveBytes(peer, expected.length, 6000);
      await delay(20);
      expect(bytesOf(peer).equals(expected)).to.equal(true);
      expect(log).to.deep.equal([]);
      const [socket] = CheckingTCP.sockets;
      const { writes, violations, writableCalls } = socket.record;
      expect(writes.length, "writes seen").to.be.greaterThan(100);
      expect(violations, JSON.stringify(violations.slice(0, 5))).to.deep.equal([]);
      for (const w of writes) expect(w.n).to.be.at.most(4096);
      expect(writableCalls.length, "the socket had to report writable space again and again").to.be.greaterThan(10);
      expect(writes.reduce((n, w) => n + w.n, 0)).to.equal(expected.length);
    });

    it("client: sends queued before open are written within the first writable count", async function () {
      const CheckingTCP = checkingTCP(1000);
      const peerServer = await rawServer(t);
      const client = t.add(new SocketClient(peerServer.port, LOOPBACK, { sendType: "string", rawBytes: false, reconnectAttempts: 0, tcp: CheckingTCP }));
      for (let i = 0; i < 10; i++) client.send("x".repeat(300) + i);
      client.open();
      const peer = await peerServer.nextPeer(0);
      const expected = Buffer.concat(Array.from({ length: 10 }, (_, i) => frame(Buffer.from("x".repeat(300) + i))));
      await receiveBytes(peer, expected.length);
      expect(bytesOf(peer).equals(expected)).to.equal(true);
      const { violations, writes } = CheckingTCP.sockets[0].record;
      expect(writes.length).to.be.greaterThan(3);
      expect(violations).to.deep.equal([]);
    });

    it("server Socket: 1 MiB framed through a 2 KiB send buffer (the `tcp` option on the server)", async function () {
      this.timeout(8000);
      const CheckingTCP = checkingTCP(2048);
      const { port, nextSocket } = await startServer(t, { sendType: "image", rawBytes: false, tcp: CheckingTCP });
      const peer = await rawConnect(t, port);
      const socket = await nextSocket(0);
      stops.push(slowReader(peer, { firstPause: 50, read: 5, pause: 10 }));
      const payload = pattern(MiB, 3);
      socket.send(payload);
      socket.send(payload.subarray(0, 10));
      const expected = Buffer.concat([frame(payload), frame(payload.subarray(0, 10))]);
      await receiveBytes(peer, expected.length, 6000);
      await delay(20);
      expect(bytesOf(peer).equals(expected)).to.equal(true);
      expect(CheckingTCP.sockets.length, "the server used the given TCP class").to.be.greaterThan(0);
      const { writes, violations } = CheckingTCP.sockets.at(-1).record;
      expect(writes.length).to.be.greaterThan(100);
      expect(violations, JSON.stringify(violations.slice(0, 5))).to.deep.equal([]);
      expect(socket.log.of("error")).to.deep.equal([]);
    });

    it("bufferedAmount rises with a big send and falls to 0 once all is written", async function () {
      const CheckingTCP = checkingTCP(4096);
      const peerServer = await rawServer(t);
      const client = await connectClient(t, peerServer.port, { sendType: "image", tcp: CheckingTCP });
      const peer = await peerServer.nextPeer(0);
      client.send(pattern(100000, 5));
      const queued = client.bufferedAmount;
      expect(queued).to.be.within(100000 - 4096, 100000);
      await receiveBytes(peer, 100000);
      await waitFor(() => client.bufferedAmount === 0, 1500, "bufferedAmount 0");
      expect(CheckingTCP.sockets[0].record.violations).to.deep.equal([]);
    });
  });
});
