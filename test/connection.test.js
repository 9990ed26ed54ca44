// The connection engine alone, over a scripted ECMA-419 socket and a manual clock: no network.
import { expect } from "chai";
import { Connection, isIPv4 } from "../dist/modules/socket/connection.js";
import { clientOptions } from "../dist/modules/socket/options.js";
import { nodeHost } from "../dist/hosts/node/host.js";

/** A host whose timers run only when the test advances the clock. */
function manualHost(TCP) {
  let now = 0;
  let nextId = 1;
  const timers = new Map();
  return {
    name: "test", TCP, Listener: null,
    setTimer(callback, ms) { const id = nextId++; timers.set(id, { at: now + ms, callback }); return id; },
    clearTimer(id) { timers.delete(id); },
    now: () => now,
    resolve() { throw new Error("not used"); },
    textCodec: () => nodeHost.textCodec(),
    report() {},
    defaults: { receiveBufferSize: 64, sendBufferSize: 64, maxMessageSize: 1000, maxUnsentBytes: 1 << 20 },
    /** Runs every timer due within `ms`, in time order. */
    advance(ms) {
      const end = now + ms;
      for (;;) {
        let due = null;
        for (const [id, t] of timers) if (t.at <= end && (!due || t.at < due[1].at)) due = [id, t];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].callback();
      }
      now = end;
    },
    get pendingTimers() { return timers.size; },
  };
}

/** A scripted ECMA-419 TCP: the test plays the network; it records what the engine does. */
class ScriptedTCP {
  static last = null;
  constructor(options) {
    this.options = options;
    this.incoming = [];
    this.written = [];
    this.writable = 0;
    this.closed = false;
    ScriptedTCP.last = this;
  }
  get available() { return this.incoming.reduce((n, c) => n + c.length, 0); }
  read(view) {
    const want = view.byteLength;
    (this.reads ??= []).push(want);
    if (want > this.available) throw new Error("read(view) longer than readable"); // as Moddable
    const out = new Uint8Array(view.buffer, view.byteOffset, want);
    let at = 0;
    while (at < want) {
      const chunk = this.incoming[0];
      const take = Math.min(chunk.length, want - at);
      out.set(chunk.subarray(0, take), at);
      at += take;
      if (take === chunk.length) this.incoming.shift(); else this.incoming[0] = chunk.subarray(take);
    }
    return want;
  }
  write(bytes) {
    const u8 = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (u8.length > this.writable) throw new Error("would block");
    this.written.push(...u8);
    this.writable -= u8.length;
    return this.writable;
  }
  close() { this.closed = true; }
  // the network's side
  connect(writable) { this.writable = writable; this.options.onWritable.call(this, writable); }
  grant(writable) { this.writable = writable; this.options.onWritable.call(this, writable); }
  arrive(bytes) { this.incoming.push(Uint8Array.from(bytes)); this.options.onReadable.call(this, this.available); }
  fail(reason) { this.options.onError.call(this, reason); }
}

function setup(options = {}, TCP = ScriptedTCP) {
  const host = manualHost(TCP);
  const events = [];
  const codes = [];
  const settings = clientOptions(host.defaults, options);
  // The engine emits on itself: a subclass records what it emits.
  class Recorded extends Connection {
    dispatch(event, a, b) {
      if (event === "error") codes.push(b);
      events.push(event === "open" || event === "close" || event === "drain" ? [event] : [event, a]);
      return true;
    }
    afterClose() { events.push(["afterClose"]); }
  }
  const conn = new Recorded(host, settings);
  return { host, conn, events, codes };
}

describe("Connection engine (scripted socket, manual clock)", () => {
  it("passes nodelay both ways, keepalive, address and port to the TCP class", () => {
    const { conn } = setup({ noDelay: false, keepAlive: false });
    conn.connect("10.0.0.1", 99);
    expect(ScriptedTCP.last.options).to.include({ address: "10.0.0.1", port: 99, nodelay: false, noDelay: false, keepalive: false });
  });

  it("is open at the first onWritable and writes what was queued before, after the open handler", () => {
    const { conn, events } = setup({ sendType: "unsignedbyte" });
    conn.connect("127.0.0.1", 1);
    conn.send(1); conn.send(2);
    const tcp = ScriptedTCP.last;
    expect(tcp.written).to.deep.equal([]);
    tcp.connect(100);
    expect(events).to.deep.equal([["open"], ["drain"]]); // what waited is written: "drain"
    expect(tcp.written).to.deep.equal([1, 2]);
  });

  it("reads bytes announced before the first onWritable once open (onReadable will not repeat)", () => {
    const { conn, events } = setup({ receiveType: "unsignedbyte" });
    conn.connect("127.0.0.1", 1);
    const tcp = ScriptedTCP.last;
    tcp.arrive([7, 8]);
    expect(events).to.deep.equal([]);
    tcp.connect(10);
    expect(events).to.deep.equal([["open"], ["data", 7], ["data", 8]]);
  });

  it("never writes more than writable; the rest waits for onWritable, in order", () => {
    const { conn } = setup({ sendType: "unsignedbyte" });
    conn.connect("127.0.0.1", 1);
    const tcp = ScriptedTCP.last;
    tcp.connect(3);
    conn.send([1, 2, 3, 4, 5]);
    conn.send([6]);
    expect(tcp.written).to.deep.equal([1, 2, 3]);
    expect(conn.bufferedAmount).to.equal(3);
    tcp.grant(1);
    expect(tcp.written).to.deep.equal([1, 2, 3, 4]);
    tcp.grant(10);
    expect(tcp.written).to.deep.equal([1, 2, 3, 4, 5, 6]);
    expect(conn.bufferedAmount).to.equal(0);
  });

  it("writes queued messages end to end, resuming inside the first one at the right byte", () => {
    const { conn } = setup({ sendType: "unsignedbyte", rawBytes: false, sendBufferSize: 1024 });
    conn.connect("127.0.0.1", 1);
    const tcp = ScriptedTCP.last;
    tcp.connect(0); // open, but nothing writable: both sends wait, side by side in the scratch
    const a = Array.from({ length: 300 }, (_, i) => i & 0xff); // frame of 305 bytes
    const b = Array.from({ length: 255 }, (_, i) => 255 - i); // frame of 260 bytes
    conn.send(a);
    conn.send(b);
    tcp.grant(260);
    expect(tcp.written.length).to.equal(260);
    tcp.grant(1000); // 45 bytes left of the first + 260 of the second: as long as the first frame
    const frame = (p) => [0xff, 0, 0, p.length >> 8, p.length & 0xff, ...p];
    expect(tcp.written).to.deep.equal([...frame(a), ...frame(b)]);
    conn.send([7]);
    expect(tcp.written.slice(-2)).to.deep.equal([1, 7]);
  });

  it("keeps order and bytes through random sends and random writable grants (seeded)", () => {
    let seed = 12345;
    const random = (n) => { seed = (seed * 1103515245 + 12345) >>> 0; return seed % n; };
    for (let round = 0; round < 40; round++) {
      const { conn } = setup({ sendType: "unsignedbyte", rawBytes: round % 2 === 0, sendBufferSize: 700, maxUnsentMessages: 0 });
      conn.connect("127.0.0.1", 1);
      const tcp = ScriptedTCP.last;
      tcp.connect(random(50));
      const expected = [];
      for (let step = 0; step < 60; step++) {
        if (random(3) === 0) {
          tcp.grant(random(900));
        } else {
          const message = Array.from({ length: 1 + random(600) }, () => random(256)); // an empty array is refused
          conn.send(message);
          if (round % 2 === 1) expected.push(...(message.length < 255 ? [message.length] : [0xff, 0, 0, message.length >> 8, message.length & 0xff]));
          expected.push(...message);
        }
      }
      tcp.grant(1 << 20);
      expect(tcp.written.length, `round ${round}`).to.equal(expected.length);
      expect(tcp.written, `round ${round}`).to.deep.equal(expected);
      expect(conn.bufferedAmount).to.equal(0);
    }
  });

  it("reads no more than the receive buffer at a time and no more than announced", () => {
    const { conn, events } = setup({ receiveType: "unsignedbyte", receiveBufferSize: 4, emitBatchDataAsAvailable: true });
    conn.connect("127.0.0.1", 1);
    const tcp = ScriptedTCP.last;
    tcp.connect(10);
    tcp.arrive([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(events.slice(1)).to.deep.equal([["data", [1, 2, 3, 4]], ["data", [5, 6, 7, 8]], ["data", [9, 10]]]);
  });

  it("reads a payload larger than the receive buffer straight into its own buffer, which grows with what arrives", () => {
    const { conn, events } = setup({ rawBytes: false, receiveBufferSize: 5 });
    conn.connect("127.0.0.1", 1);
    const tcp = ScriptedTCP.last;
    tcp.connect(10);
    const text = "0123456789abcdefghijklmnopqrstuvwxyz";
    const bytes = [...new TextEncoder().encode(text)];
    tcp.arrive([bytes.length, ...bytes.slice(0, 3)]); // header and 3 bytes: one 4-byte read
    tcp.arrive(bytes.slice(3));
    expect(events.slice(1)).to.deep.equal([["data", text]]);
    // the payload's buffer starts at 6 bytes (twice what came), then doubles up to the 36 announced
    expect(tcp.reads).to.deep.equal([4, 3, 6, 12, 12]);
  });

  it("close() flushes the queue first, then closes once; nothing fires after", () => {
    const { host, conn, events } = setup({ sendType: "unsignedbyte" });
    conn.connect("127.0.0.1", 1);
    const tcp = ScriptedTCP.last;
    tcp.connect(1);
    conn.send([1, 2, 3]);
    conn.close();
    conn.close();
    host.advance(0);
    expect(tcp.closed).to.equal(false);
    tcp.grant(5);
    expect(tcp.written).to.deep.equal([1, 2, 3]);
    expect(tcp.closed).to.equal(true);
    host.advance(0);
    expect(events).to.deep.equal([["open"], ["close"], ["afterClose"]]);
    expect(host.pendingTimers).to.equal(0);
  });

  it("close() gives up flushing after 10 s without progress, saying how much was not sent", () => {
    const { host, conn, events } = setup({ sendType: "unsignedbyte" });
    conn.connect("127.0.0.1", 1);
    const tcp = ScriptedTCP.last;
    tcp.connect(1);
    conn.send([1, 2, 3]);
    conn.close();
    host.advance(9000);
    tcp.grant(1); // progress restarts the 10 s
    host.advance(9000);
    expect(tcp.closed).to.equal(false);
    host.advance(1001);
    expect(tcp.closed).to.equal(true);
    expect(events.slice(1)).to.deep.equal([["error", "Closed with 1 bytes not sent: the peer read nothing for 10 s"], ["close"], ["afterClose"]]);
    expect(host.pendingTimers).to.equal(0);
  });

  it("an error from send() after close() comes before \"close\"", () => {
    const { host, conn, events } = setup();
    conn.connect("127.0.0.1", 1);
    ScriptedTCP.last.connect(10);
    conn.close();
    conn.send("late");
    host.advance(0);
    expect(events.slice(1).map((e) => e[0])).to.deep.equal(["error", "close", "afterClose"]);
    expect(events[1][1]).to.match(/Socket is closed/);
  });

  it("times out a connect, retries after reconnectInterval, then gives up with one error and no close", () => {
    const { host, conn, events, codes } = setup({ connectTimeout: 500, reconnectAttempts: 1, reconnectInterval: 100 });
    conn.connect("127.0.0.1", 1);
    const first = ScriptedTCP.last;
    host.advance(499);
    expect(events).to.deep.equal([]);
    host.advance(1);
    expect(first.closed).to.equal(true);
    host.advance(100); // the retry
    const second = ScriptedTCP.last;
    expect(second).not.to.equal(first);
    host.advance(500);
    expect(second.closed).to.equal(true);
    expect(events).to.deep.equal([["error", "Failed to connect to 127.0.0.1:1 after 2 attempts: timed out after 500 ms"]]);
    expect(codes).to.deep.equal(["ECONNECT"]);
    expect(conn.closed).to.equal(true);
    expect(host.pendingTimers).to.equal(0);
  });

  it("closes after idleTimeout seconds without traffic; traffic postpones it", () => {
    const { host, conn, events } = setup({ idleTimeout: 2, receiveType: "unsignedbyte" });
    conn.connect("127.0.0.1", 1);
    const tcp = ScriptedTCP.last;
    tcp.connect(10);
    host.advance(1500);
    tcp.arrive([1]);
    host.advance(1500); // 1.5 s since the traffic
    expect(tcp.closed).to.equal(false);
    host.advance(500);
    expect(tcp.closed).to.equal(true);
    host.advance(0);
    expect(events.map((e) => e[0])).to.deep.equal(["open", "data", "close", "afterClose"]);
    expect(host.pendingTimers).to.equal(0);
  });

  it("a remote close mid-message reports the bytes lost, then closes", () => {
    const { host, conn, events } = setup({ rawBytes: false });
    conn.connect("127.0.0.1", 1);
    const tcp = ScriptedTCP.last;
    tcp.connect(10);
    tcp.arrive([3, 0x61, 0x62, 0x63, 5, 0x61]);
    tcp.fail();
    host.advance(0);
    expect(events.slice(1)).to.deep.equal([
      ["data", "abc"],
      ["error", "Connection closed by the peer with 2 bytes of an incomplete message lost"],
      ["close"], ["afterClose"],
    ]);
  });

  it("a failure reported with a reason is an error even when nothing was lost", () => {
    const { host, conn, events } = setup();
    conn.connect("127.0.0.1", 1);
    const tcp = ScriptedTCP.last;
    tcp.connect(10);
    tcp.fail(new Error("read ECONNRESET"));
    host.advance(0);
    expect(events.slice(1)).to.deep.equal([["error", "Connection failed: read ECONNRESET"], ["close"], ["afterClose"]]);
  });

  it("a write that throws closes with one error, and later sends say closed", () => {
    const { host, conn, events } = setup();
    conn.connect("127.0.0.1", 1);
    const tcp = ScriptedTCP.last;
    tcp.connect(10);
    tcp.write = () => { throw new Error("broken pipe"); };
    conn.send("x");
    conn.send("y");
    host.advance(0);
    expect(events.slice(1).map((e) => e[0])).to.deep.equal(["error", "error", "close", "afterClose"]);
    expect(events[1][1]).to.equal("Write failed: broken pipe");
    expect(events[2][1]).to.match(/Socket is closed/);
  });

  it("an allocation that fails while a large message arrives closes that connection with ENOMEM, nothing thrown", () => {
    const { host, conn, events, codes } = setup({ rawBytes: false, receiveType: "image", receiveBufferSize: 64, maxMessageSize: 1 << 30 });
    conn.connect("127.0.0.1", 1);
    const tcp = ScriptedTCP.last;
    tcp.connect(10);
    const Real = globalThis.Uint8Array;
    const header = Real.from([0xff, 0, 1, 0, 0, ...new Array(59).fill(7)]); // 65536 announced: a 118-byte buffer to start
    const more = new Real(1200).fill(7); // growing past 1000 bytes fails
    const arrive = (bytes) => { tcp.incoming.push(bytes); tcp.options.onReadable.call(tcp, tcp.available); };
    globalThis.Uint8Array = class extends Real {
      constructor(...args) {
        if (typeof args[0] === "number" && args[0] > 1000) throw new RangeError("Array buffer allocation failed");
        super(...args);
      }
    };
    try {
      arrive(header);
      arrive(more);
    } finally {
      globalThis.Uint8Array = Real;
    }
    expect(tcp.closed).to.equal(true);
    host.advance(0);
    expect(events.slice(1, 2)[0][0]).to.equal("error");
    expect(events[1][1]).to.match(/^No memory for a message announced by the peer \(Array buffer allocation failed\): closing the connection$/);
    expect(codes).to.deep.equal(["ENOMEM"]);
    expect(events.slice(2).map((e) => e[0])).to.deep.equal(["close", "afterClose"]);
  });

  it("tells IPv4 literals from names without a RegExp", () => {
    for (const yes of ["127.0.0.1", "0.0.0.0", "255.255.255.255", "10.1.20.200"]) expect(isIPv4(yes), yes).to.equal(true);
    for (const no of ["", "localhost", "1.2.3", "1.2.3.4.5", "256.0.0.1", "01.2.3.4", "1..2.3", "1.2.3.", ".1.2.3", "1.2.3.4a", "1234.1.1.1", "::1"])
      expect(isIPv4(no), no).to.equal(false);
  });
});
