// Hostile peers against a SocketServer on the Node host, over real loopback: garbage, absurd and
// cut headers, floods of tiny or bad frames, resets mid-frame, half-close, a peer that never reads
// while we send 200 MB, invalid JSON, bad numeric lengths, a throwing listener. For each: what the
// user sees (the events and their codes), that a healthy control connection on the same server
// still gets its echo, and that memory stays bounded (RSS growth, and ArrayBuffer memory where a
// header announces a large message). No wall-clock assertions: waits have generous limits only.
// The error codes and options (maxBadMessages, maxUnsentBytes, "error" as (message, code), send()'s
// boolean, "drain", `closed`) are the core's reliability contract (RELIABILITY.md).

import { expect } from "chai";
import {
  Tracker, startServer, connectClient, rawConnect, record, waitFor, delay, once, bytesOf, receiveBytes, frame,
  captureConsoleError, rawServer,
} from "./api-helpers.js";
import { SocketClient, SocketServer } from "../dist/hosts/node/index.js";

const MiB = 1024 * 1024;
const RSS_BOUND = 200 * MiB;

/** Peak growth of RSS and of ArrayBuffer memory from now until stop(), sampled every 10 ms. */
function memoryWatch() {
  const base = process.memoryUsage();
  let rss = base.rss;
  let arrayBuffers = base.arrayBuffers;
  const sample = () => {
    const m = process.memoryUsage();
    rss = Math.max(rss, m.rss);
    arrayBuffers = Math.max(arrayBuffers, m.arrayBuffers);
  };
  const timer = setInterval(sample, 10);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return { rss: rss - base.rss, arrayBuffers: arrayBuffers - base.arrayBuffers };
    },
  };
}

/** A seeded byte generator (xorshift32): the same garbage on every run. */
function garbage(n, seed = 0x9e3779b9) {
  const out = Buffer.alloc(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

const codes = (log) => log.of("error").map((e) => e.args[1]);
const messages = (log) => log.of("error").map((e) => e.args[0]);

/**
 * A server of `type` (framed unless told), a control SocketClient whose server Socket echoes, and
 * a raw hostile peer with its server Socket (`socket.log` records data/error/close from the start).
 */
async function arena(t, options = {}, { echoAll = false } = {}) {
  const type = options.receiveType ?? "string";
  const { server, port, sockets, nextSocket } = await startServer(t, { rawBytes: false, sendType: type, ...options });
  if (echoAll) server.on("connection", (s) => s.on("data", (v) => s.send(v)));
  const control = await connectClient(t, port, { rawBytes: options.rawBytes ?? false, sendType: type, receiveType: type });
  const controlSocket = await nextSocket(0);
  if (!echoAll) controlSocket.on("data", (v) => controlSocket.send(v));
  const peer = await rawConnect(t, port);
  const socket = await nextSocket(1);
  const sample = { string: "ping ✓", json: { ping: [1, 2] }, int: [7, -7], image: new Uint8Array([1, 2, 3]) }[type] ?? "ping";
  /** The control connection still works: its message comes back. */
  async function controlOk() {
    const echoed = once(control, "data", 5000);
    control.send(sample);
    const [value] = await echoed;
    if (type === "image") expect([...new Uint8Array(value)]).to.deep.equal([...sample]);
    else expect(value).to.deep.equal(sample);
    expect(controlSocket.closed, "the control's server Socket").to.equal(false);
  }
  return { server, port, sockets, control, controlSocket, peer, socket, controlOk };
}

const closed = (socket, ms = 5000) => waitFor(() => socket.log.of("close").length === 1, ms, '"close" of the hostile connection');

describe("hostile peers (Node host, loopback)", function () {
  this.timeout(60000);
  const t = new Tracker();
  afterEach(() => t.cleanup());

  it("garbage: 1 MiB of random bytes to a framed json server → error(s), one terminal code, close; control unaffected", async function () {
    const watch = memoryWatch();
    const a = await arena(t, { receiveType: "json" });
    a.peer.write(garbage(MiB));
    await closed(a.socket);
    const { rss } = watch.stop();
    const all = codes(a.socket.log);
    const terminal = all.filter((c) => c === "EMSGSIZE" || c === "ETOOMANYBAD");
    expect(terminal, `codes: ${all}`).to.have.length(1);
    expect(all.length, "at most maxBadMessages bad-message errors and the terminal one").to.be.at.most(11);
    expect(a.socket.log.names().at(-1)).to.equal("close");
    await a.controlOk();
    expect(rss).to.be.below(RSS_BOUND);
  });

  it("a 2 GiB header (maxMessageSize at its Node default, 16 MiB) → \"error\" EMSGSIZE naming the size, close", async function () {
    const a = await arena(t);
    expect(a.server.options.maxMessageSize, "Node default maxMessageSize").to.equal(16 * MiB);
    const watch = memoryWatch();
    a.peer.write(Buffer.from("ff80000000", "hex")); // 2^31
    await closed(a.socket);
    const { rss, arrayBuffers } = watch.stop();
    expect(a.socket.log.names()).to.deep.equal(["error", "close"]);
    expect(codes(a.socket.log)).to.deep.equal(["EMSGSIZE"]);
    expect(messages(a.socket.log)[0]).to.include("2147483648");
    expect(arrayBuffers).to.be.below(16 * MiB);
    expect(rss).to.be.below(RSS_BOUND);
    await a.controlOk();
  });

  it("a header of 2^31-1 with maxMessageSize 2^31-1, then silence: memory is committed only as bytes arrive", async function () {
    const a = await arena(t, { maxMessageSize: 0x7fffffff });
    const watch = memoryWatch();
    a.peer.write(Buffer.concat([Buffer.from("ff7fffffff", "hex"), Buffer.alloc(1000, 1)]));
    await delay(200);
    const { rss, arrayBuffers } = watch.stop();
    expect(a.socket.log.names(), "nothing to report yet").to.deep.equal([]);
    expect(arrayBuffers, "ArrayBuffer memory committed for 1000 bytes received").to.be.below(64 * MiB);
    expect(rss).to.be.below(RSS_BOUND);
    await a.controlOk();
    a.peer.end();
    await closed(a.socket);
    expect(messages(a.socket.log).join()).to.match(/1005 bytes/); // header and body received, lost
  });

  it("a header announcing maxMessageSize, filled slowly: memory follows the bytes, the message arrives whole", async function () {
    const size = 16 * MiB;
    const a = await arena(t, { receiveType: "image", maxMessageSize: size });
    const watch = memoryWatch();
    const header = Buffer.alloc(5);
    header[0] = 0xff;
    header.writeUInt32BE(size, 1);
    a.peer.write(Buffer.concat([header, Buffer.alloc(4096, 3)]));
    await delay(100);
    const early = watch.stop();
    expect(early.arrayBuffers, "after 4 KiB of a 16 MiB message").to.be.below(8 * MiB);
    const rest = Buffer.alloc(size - 4096, 3);
    a.peer.write(rest);
    await waitFor(() => a.socket.log.of("data").length === 1, 10000, "the 16 MiB message");
    expect(a.socket.log.values()[0].byteLength).to.equal(size);
    await a.controlOk();
  });

  it("a long header cut after 3 bytes, then silence: nothing is reported until the peer closes; then the 3 bytes lost", async function () {
    const a = await arena(t);
    a.peer.write(Buffer.from("ff0000", "hex"));
    await delay(300);
    expect(a.socket.log.names()).to.deep.equal([]);
    await a.controlOk();
    a.peer.end();
    await closed(a.socket);
    expect(a.socket.log.names()).to.deep.equal(["error", "close"]);
    expect(messages(a.socket.log)[0]).to.match(/3 bytes/);
  });

  it("100,000 one-byte frames in one write: 100,000 \"data\" events, in order", async function () {
    const n = 100000;
    const letters = "abcdefghijklmnopqrstuvwxyz";
    const wire = Buffer.alloc(2 * n);
    for (let i = 0; i < n; i++) {
      wire[2 * i] = 1;
      wire[2 * i + 1] = letters.charCodeAt(i % 26);
    }
    const watch = memoryWatch();
    const a = await arena(t);
    a.peer.write(wire);
    await waitFor(() => a.socket.log.of("data").length === n, 20000, `${n} messages`);
    const { rss } = watch.stop();
    const values = a.socket.log.values();
    expect(values.every((v, i) => v === letters[i % 26]), "each message once, in order").to.equal(true);
    expect(a.socket.log.of("error")).to.deep.equal([]);
    expect(rss).to.be.below(RSS_BOUND);
    await a.controlOk();
  });

  it("a reset mid-frame: \"error\" with the bytes lost, then close", async function () {
    const a = await arena(t);
    a.peer.write(Buffer.concat([frame("whole"), Buffer.from("ff000003e8", "hex"), Buffer.alloc(500, 0x41)]));
    await waitFor(() => a.socket.log.of("data").length === 1, 5000, "the whole message");
    await delay(50);
    a.peer.resetAndDestroy();
    await closed(a.socket);
    expect(a.socket.log.names()).to.deep.equal(["data", "error", "close"]);
    expect(messages(a.socket.log)[0]).to.match(/505 bytes/);
    await a.controlOk();
  });

  it("half-close: a peer sends three requests then end()s while still reading: it gets the three replies, then FIN", async function () {
    const a = await arena(t, {}, { echoAll: true });
    const ended = new Promise((resolve) => a.peer.on("end", resolve));
    a.peer.end(Buffer.concat([frame("one"), frame("two"), frame("three")]));
    await ended; // the server closed its side after replying
    expect(bytesOf(a.peer).toString("hex")).to.equal(Buffer.concat([frame("one"), frame("two"), frame("three")]).toString("hex"));
    await closed(a.socket);
    expect(a.socket.log.of("error"), "a clean close").to.deep.equal([]);
    await a.controlOk();
  });

  it("half-close, raw (printf 'hi' | nc -N): the reply written from the \"data\" handler arrives", async function () {
    const a = await arena(t, { rawBytes: true }, { echoAll: true });
    const ended = new Promise((resolve) => a.peer.on("end", resolve));
    a.peer.end("hi");
    await ended;
    expect(bytesOf(a.peer).toString()).to.equal("hi");
    await closed(a.socket);
    expect(a.socket.log.of("error")).to.deep.equal([]);
  });

  it("a peer that never reads while the server sends 200 MB: bounded memory, EQUEUEFULL (coalesced), nothing crashes", async function () {
    const chunk = new Uint8Array(64 * 1024).fill(0x5a);
    const total = 200 * MiB;
    const limit = 8 * MiB;
    const a = await arena(t, { receiveType: "image", sendType: "image", maxUnsentBytes: limit, maxUnsentMessages: 0 });
    a.peer.pause(); // reads nothing, ever
    const watch = memoryWatch();
    let accepted = 0;
    let refused = 0;
    let turns = 0;
    let maxBuffered = 0;
    for (let sent = 0; sent < total; turns++) {
      for (let i = 0; i < 32 && sent < total; i++, sent += chunk.length) {
        if (a.socket.send(chunk) === true) accepted++;
        else refused++;
        maxBuffered = Math.max(maxBuffered, a.socket.bufferedAmount);
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    await delay(50);
    const { rss } = watch.stop();
    const queueFull = a.socket.log.of("error").filter((e) => e.args[1] === "EQUEUEFULL");
    expect(refused, "sends refused").to.be.greaterThan(0);
    expect(accepted, "sends accepted").to.be.greaterThan(0);
    expect(queueFull.length, "EQUEUEFULL errors").to.be.at.least(1);
    expect(queueFull.length, "at most one per turn (coalesced)").to.be.at.most(turns);
    expect(maxBuffered, "bufferedAmount").to.be.at.most(limit + chunk.length + 5);
    expect(rss).to.be.below(RSS_BOUND);
    await a.controlOk();
    // every accepted message is delivered once the peer reads again; none of the refused ones
    const counted = { bytes: 0 };
    a.peer.removeAllListeners("data");
    a.peer.on("data", (d) => (counted.bytes += d.length));
    a.peer.resume();
    const expected = accepted * (chunk.length + 5);
    await waitFor(() => counted.bytes >= expected, 30000, `${expected} bytes of accepted messages`);
    await delay(50);
    expect(counted.bytes).to.equal(expected);
    a.peer.destroy();
    await closed(a.socket, 15000);
  });

  it('invalid JSON → "error" (message, EBADJSON); the next message arrives', async function () {
    const a = await arena(t, { receiveType: "json" });
    a.peer.write(Buffer.concat([frame("{not json"), frame('{"ok":true}')]));
    await waitFor(() => a.socket.log.of("data").length === 1, 5000, "the good message");
    expect(a.socket.log.names()).to.deep.equal(["error", "data"]);
    expect(codes(a.socket.log)).to.deep.equal(["EBADJSON"]);
    expect(a.socket.log.values()).to.deep.equal([{ ok: true }]);
    await a.controlOk();
  });

  it('numeric frames of a bad length → "error" (message, EBADLENGTH) each; the good ones arrive', async function () {
    const a = await arena(t, { receiveType: "int" });
    a.peer.write(Buffer.concat([frame(Buffer.from("010203", "hex")), frame(Buffer.from("00000007", "hex")), frame(Buffer.alloc(9)), frame(Buffer.from("00000008", "hex"))]));
    await waitFor(() => a.socket.log.of("data").length === 2, 5000, "the good messages");
    expect(a.socket.log.names()).to.deep.equal(["error", "data", "error", "data"]);
    expect(codes(a.socket.log)).to.deep.equal(["EBADLENGTH", "EBADLENGTH"]);
    expect(a.socket.log.values()).to.deep.equal([7, 8]);
    await a.controlOk();
  });

  it("a throwing \"data\" listener: reported on console.error (event and error), the rest of the chunk still decoded", async function () {
    const a = await arena(t);
    const calls = [];
    a.socket.on("data", (v) => {
      calls.push(v);
      if (v === "boom") throw new Error("listener exploded");
    });
    const logged = await captureConsoleError(async () => {
      a.peer.write(Buffer.concat([frame("one"), frame("boom"), frame("two"), frame("three")]));
      await waitFor(() => calls.length === 4, 5000, "four messages");
      await delay(20);
    });
    expect(calls).to.deep.equal(["one", "boom", "two", "three"]);
    expect(logged.filter((m) => /data/.test(m) && /listener exploded/.test(m)), `console.error: ${JSON.stringify(logged)}`).to.have.length(1);
    a.peer.write(frame("four"));
    await waitFor(() => calls.length === 5, 5000, "the next message");
    expect(a.socket.closed).to.equal(false);
    await a.controlOk();
  });

  it("a throwing \"error\" listener does not break the connection either", async function () {
    const a = await arena(t, { receiveType: "json" });
    a.socket.on("error", () => {
      throw new Error("error listener exploded");
    });
    const logged = await captureConsoleError(async () => {
      a.peer.write(Buffer.concat([frame("{bad"), frame("[1]")]));
      await waitFor(() => a.socket.log.of("data").length === 1, 5000, "the good message");
    });
    expect(logged.some((m) => /error/.test(m) && /error listener exploded/.test(m)), JSON.stringify(logged)).to.equal(true);
    expect(a.socket.log.values()).to.deep.equal([[1]]);
    await a.controlOk();
  });

  it("an error flood of 100,000 zero-length int frames → at most maxBadMessages (10) errors, one ETOOMANYBAD, close", async function () {
    const watch = memoryWatch();
    const a = await arena(t, { receiveType: "int" });
    expect(a.server.options.maxBadMessages, "default maxBadMessages").to.equal(10);
    a.peer.write(Buffer.alloc(100000));
    await closed(a.socket);
    const { rss } = watch.stop();
    const all = codes(a.socket.log);
    expect(all.filter((c) => c === "ETOOMANYBAD")).to.have.length(1);
    expect(all.at(-1)).to.equal("ETOOMANYBAD");
    expect(all.length).to.be.at.most(11);
    expect(a.socket.log.of("data")).to.deep.equal([]);
    expect(rss).to.be.below(RSS_BOUND);
    await a.controlOk();
  });

  it("maxBadMessages 0 (no limit): 10,000 zero-length frames give 10,000 errors, and the connection goes on", async function () {
    const a = await arena(t, { receiveType: "int", maxBadMessages: 0 });
    a.peer.write(Buffer.concat([Buffer.alloc(10000), frame(Buffer.from("0000002a", "hex"))]));
    await waitFor(() => a.socket.log.of("data").length === 1, 10000, "the good message after the flood");
    expect(a.socket.log.of("error")).to.have.length(10000);
    expect(a.socket.log.values()).to.deep.equal([42]);
    expect(a.socket.closed).to.equal(false);
    await a.controlOk();
  });
});

describe("zero-length raw send", function () {
  this.timeout(30000);

  // Run in a child process with a time limit: if the connection spins, this test fails instead of
  // hanging the whole run.
  it("an empty string queued ahead of a message with a buffer of its own does not hang the event loop", async function () {
    const script = `
      import { SocketClient, SocketServer } from ${JSON.stringify(new URL("../dist/hosts/node/index.js", import.meta.url).href)};
      const server = new SocketServer({ port: 0, hostInterface: "127.0.0.1", rawBytes: true });
      let got = "";
      server.on("connection", (s) => s.on("data", (t) => {
        got += t;
        if (got.length === 40) { console.log("received " + got.length); server.stop(); process.exit(0); }
      }));
      server.on("listening", (port) => {
        const client = new SocketClient(port, "127.0.0.1", { rawBytes: true, reconnectAttempts: 0, sendBufferSize: 16 });
        client.on("open", () => { client.send(""); client.send("y".repeat(40)); });
        client.open();
      });
      server.start();`;
    const { execFile } = await import("node:child_process");
    const result = await new Promise((resolve) => {
      execFile(process.execPath, ["--input-type=module", "-e", script], { timeout: 10000 }, (error, stdout) => resolve({ error, stdout }));
    });
    expect(result.error?.killed ? "hung: killed after 10 s (the event loop spun)" : result.stdout.trim()).to.equal("received 40");
  });
});

describe("file descriptors running out on the server", function () {
  this.timeout(60000);
  const t = new Tracker();
  afterEach(async function () {
    await t.cleanup();
    this.currentTest.child?.kill();
  });

  it("a server under a low ulimit -n: an \"error\" (EACCEPT) for each connection it cannot take, and it keeps serving", async function () {
    const { spawn } = await import("node:child_process");
    const script = `
      import { SocketServer } from ${JSON.stringify(new URL("../dist/hosts/node/index.js", import.meta.url).href)};
      const server = new SocketServer({ port: 0, hostInterface: "127.0.0.1", rawBytes: false });
      const errors = [];
      server.on("error", (m, code) => errors.push(code + " " + m));
      server.on("connection", (s) => s.on("data", (v) => s.send(v)));
      server.on("listening", (port) => console.log("port " + port));
      server.start();
      process.stdin.on("data", () => console.log("errors " + JSON.stringify(errors.slice(0, 2)) + " " + errors.length));
      process.stdin.on("end", () => process.exit(0));`;
    const child = spawn("bash", ["-c", 'ulimit -n 128 && exec "$0" --input-type=module -e "$1"', process.execPath, script], { stdio: ["pipe", "pipe", "inherit"] });
    this.test.child = child; // killed in afterEach below, after the clients
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    await waitFor(() => /port \d+/.test(out), 10000, "the child's port");
    const port = Number(/port (\d+)/.exec(out)[1]);
    const attempt = (i) => new Promise((resolve) => {
      const client = t.add(new SocketClient(port, "127.0.0.1", { rawBytes: false, reconnectAttempts: 0 }));
      let settled = false;
      const end = (what) => {
        if (!settled) resolve((settled = what));
      };
      client.on("open", () => client.send(`m${i}`));
      client.on("data", (v) => end(v === `m${i}` ? "served" : "wrong"));
      client.on("error", () => end("refused"));
      client.on("close", () => end("refused"));
      client.open();
    });
    const outcomes = await Promise.all(Array.from({ length: 200 }, (_, i) => attempt(i)));
    const served = outcomes.filter((o) => o === "served").length;
    expect(outcomes.filter((o) => o === "wrong")).to.have.length(0);
    expect(served, "some were served").to.be.greaterThan(0);
    expect(served, "some were refused").to.be.below(200);
    child.stdin.write("?\n");
    await waitFor(() => /errors /.test(out), 5000, "the child's errors");
    const [, first, count] = /errors (\[.*\]) (\d+)/.exec(out);
    expect(Number(count), "server \"error\" events").to.be.at.least(1);
    expect(JSON.parse(first)[0]).to.match(/^EACCEPT .*open-file limit/);
    await t.cleanup(); // closes the clients: descriptors come back
    await delay(300);
    expect(await attempt("after")).to.equal("served");
    child.stdin.end();
  });
});

describe("the core's reliability contract, as the hostile suite relies on it", function () {
  const t = new Tracker();
  afterEach(() => t.cleanup());

  it("options: maxBadMessages (default 10) and maxUnsentBytes are accepted by client and server", function () {
    const client = t.add(new SocketClient(4000, "127.0.0.1", { maxBadMessages: 3, maxUnsentBytes: 1000 }));
    expect(client.options).to.include({ maxBadMessages: 3, maxUnsentBytes: 1000 });
    const server = t.add(new SocketServer({ maxBadMessages: 0 }));
    expect(server.options.maxBadMessages).to.equal(0);
    expect(t.add(new SocketClient()).options.maxBadMessages).to.equal(10);
  });

  it("send([]) with a numeric sendType → \"error\" EINVALIDDATA, false, nothing written", async function () {
    const peers = await rawServer(t);
    const client = await connectClient(t, peers.port, { sendType: "int", rawBytes: false });
    const log = record(client, ["error"]);
    const peer = await peers.nextPeer(0);
    expect(client.send([])).to.equal(false);
    await waitFor(() => log.length === 1, 2000, '"error"');
    expect(log[0].args[1]).to.equal("EINVALIDDATA");
    expect(client.send(5)).to.equal(true);
    await receiveBytes(peer, 5);
    await delay(20);
    expect(bytesOf(peer).toString("hex")).to.equal("0400000005");
  });

  it('"drain" when the outgoing queue empties after holding data; closed getter on SocketClient', async function () {
    const peers = await rawServer(t);
    const client = await connectClient(t, peers.port, { sendType: "image", rawBytes: true, maxUnsentMessages: 0 });
    const peer = await peers.nextPeer(0);
    peer.pause();
    const drained = once(client, "drain", 10000);
    const big = new Uint8Array(256 * 1024);
    for (let i = 0; i < 64 && client.bufferedAmount === 0; i++) client.send(big);
    for (let i = 0; i < 8; i++) client.send(big);
    expect(client.bufferedAmount, "data held").to.be.greaterThan(0);
    peer.resume();
    await drained;
    expect(client.bufferedAmount).to.equal(0);
    expect(client.closed).to.equal(false);
    const gone = once(client, "close");
    client.close();
    await gone;
    expect(client.closed).to.equal(true);
  });

  it("1,000 identical refused sends in one turn make one \"error\" event, not 1,000", async function () {
    const peers = await rawServer(t);
    const client = await connectClient(t, peers.port, { sendType: "string" });
    const log = record(client, ["error", "close"]);
    client.close();
    let results = 0;
    for (let i = 0; i < 1000; i++) if (client.send("late") === false) results++;
    await waitFor(() => log.of("close").length === 1, 2000, '"close"');
    expect(results).to.equal(1000);
    expect(log.of("error")).to.have.length(1);
  });
});
