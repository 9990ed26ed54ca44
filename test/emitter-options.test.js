// The EventEmitter (Node semantics, safe removal while emitting) and option checking.
import { expect } from "chai";
import { EventEmitter } from "../dist/modules/socket/emitter.js";
import { clientOptions, clientOptionsOver, serverOptions } from "../dist/modules/socket/options.js";

describe("EventEmitter", () => {
  it("calls listeners in order with the arguments, and reports whether any ran", () => {
    const e = new EventEmitter();
    const seen = [];
    e.on("x", (a, b) => seen.push(["1", a, b]));
    e.addListener("x", (a) => seen.push(["2", a]));
    expect(e.emit("x", 1, 2)).to.equal(true);
    expect(e.emit("y")).to.equal(false);
    expect(seen).to.deep.equal([["1", 1, 2], ["2", 1]]);
  });

  it("once() runs a listener once", () => {
    const e = new EventEmitter();
    let n = 0;
    e.once("x", () => n++);
    e.emit("x"); e.emit("x");
    expect(n).to.equal(1);
    expect(e.listenerCount("x")).to.equal(0);
  });

  it("off()/removeListener() really remove (the WebSocket.js find/findIndex bug)", () => {
    const e = new EventEmitter();
    let n = 0;
    const f = () => n++;
    e.on("x", f);
    e.off("x", f);
    e.emit("x");
    e.on("x", f).removeListener("x", f);
    e.emit("x");
    expect(n).to.equal(0);
    expect(e.listenerCount("x")).to.equal(0);
  });

  it("removes one registration at a time, the last added first", () => {
    const e = new EventEmitter();
    const seen = [];
    const f = (v) => seen.push(v);
    e.on("x", f); e.on("x", f);
    e.off("x", f);
    e.emit("x", 1);
    expect(seen).to.deep.equal([1]);
  });

  it("is safe to remove listeners while emitting: the current emit keeps its snapshot", () => {
    const e = new EventEmitter();
    const seen = [];
    const b = () => seen.push("b");
    e.on("x", () => { seen.push("a"); e.off("x", b); e.on("x", () => seen.push("late")); });
    e.on("x", b);
    e.emit("x");
    expect(seen).to.deep.equal(["a", "b"]);
    seen.length = 0;
    e.emit("x");
    expect(seen).to.deep.equal(["a", "late"]);
  });

  it("removeAllListeners() with and without an event name", () => {
    const e = new EventEmitter();
    e.on("a", () => {}); e.on("b", () => {});
    e.removeAllListeners("a");
    expect(e.listenerCount("a")).to.equal(0);
    expect(e.listenerCount("b")).to.equal(1);
    e.removeAllListeners();
    expect(e.listenerCount("b")).to.equal(0);
  });

  it("refuses a listener that is not a function", () => {
    expect(() => new EventEmitter().on("x", 3)).to.throw(TypeError, /"x"/);
  });

  it("hands an unheard error to unhandledError, which subclasses override", () => {
    class Quiet extends EventEmitter {
      reported = [];
      unhandledError(e) { this.reported.push(e); }
    }
    const q = new Quiet();
    expect(q.emit("error", "boom")).to.equal(false);
    expect(q.reported).to.deep.equal(["boom"]);
  });
});

const HOST = { receiveBufferSize: 1000, sendBufferSize: 2000, maxMessageSize: 3000, maxUnsentBytes: 4000 };

describe("options", () => {
  it("has the defaults, and the host's buffer sizes", () => {
    const o = clientOptions(HOST, {});
    expect(o).to.include({
      connectTimeout: 6000, idleTimeout: 0, discardMessagesBeforeOpen: false, emitBatchDataAsAvailable: false,
      keepAlive: true, maxUnsentMessages: 100, noDelay: true, rawBytes: true, receiveType: "string",
      sendType: "string", reconnectAttempts: 10, reconnectInterval: 1000, sslTls: false, trustAll: false,
      trustedCACertPath: "", pfxKeyCertPath: "", pfxKeyCertPassword: "",
      receiveBufferSize: 1000, sendBufferSize: 2000, maxMessageSize: 3000, maxUnsentBytes: 4000, maxBadMessages: 10,
    });
    const s = serverOptions(HOST, undefined);
    expect(s).to.include({ clientAuth: "none", hostInterface: "0.0.0.0", port: 4000, idleTimeout: 0, rawBytes: true });
  });

  it("copies defaults per instance (Cape Code mutated shared defaults)", () => {
    const a = clientOptions(HOST, { rawBytes: false, sendType: "int" });
    const b = clientOptions(HOST, {});
    expect(a.rawBytes).to.equal(false);
    expect(b.rawBytes).to.equal(true);
    expect(b.sendType).to.equal("string");
  });

  it("a client's options inherit the shared, frozen defaults and own only what was given", () => {
    const defaults = Object.freeze(clientOptions(HOST, undefined));
    expect(clientOptionsOver(defaults, {})).to.equal(defaults); // nothing given: the defaults themselves
    expect(clientOptionsOver(defaults, { idleTimeout: undefined })).to.equal(defaults);
    const o = clientOptionsOver(defaults, { rawBytes: false, sendType: "int" });
    expect(Object.getPrototypeOf(o)).to.equal(defaults);
    expect(Object.keys(o)).to.deep.equal(["rawBytes", "sendType"]);
    expect(o).to.include({ rawBytes: false, sendType: "int", receiveType: "string", connectTimeout: 6000, receiveBufferSize: 1000 });
    expect(Object.isFrozen(o)).to.equal(true);
    expect(() => { "use strict"; o.rawBytes = true; }).to.throw(TypeError);
    expect(defaults.rawBytes).to.equal(true); // the defaults were not touched
    expect(() => clientOptionsOver(defaults, { rawbytes: false })).to.throw(RangeError, /unknown option "rawbytes"/);
    expect(() => clientOptionsOver(defaults, { rawBytes: "no" })).to.throw(TypeError, /rawBytes/);
    expect(() => clientOptionsOver(defaults, { receiveBufferSize: 0 })).to.throw(RangeError, /receiveBufferSize/);
  });

  it("treats undefined as the default", () => {
    expect(clientOptions(HOST, { connectTimeout: undefined }).connectTimeout).to.equal(6000);
  });

  // A value of the wrong JavaScript type is a TypeError; the right type but not allowed, a RangeError.
  // Sizes are ≥ 1; the count limits take 0 for "no limit".
  const bad = [
    [clientOptions, { bogus: 1 }, RangeError, /unknown option "bogus"/],
    [clientOptions, { connectTimeout: "5" }, TypeError, /"connectTimeout" must be a finite number ≥ 0, got "5"/],
    [clientOptions, { connectTimeout: -1 }, RangeError, /"connectTimeout"/],
    [clientOptions, { idleTimeout: NaN }, RangeError, /"idleTimeout"/],
    [clientOptions, { rawBytes: "false" }, TypeError, /"rawBytes" must be a boolean/],
    [clientOptions, { receiveType: "long" }, RangeError, /"receiveType" must be one of .*int/],
    [clientOptions, { sendType: 3 }, TypeError, /"sendType"/],
    [clientOptions, { maxUnsentMessages: 1.5 }, RangeError, /"maxUnsentMessages" must be an integer ≥ 0 \(0: no limit\)/],
    [clientOptions, { maxBadMessages: -1 }, RangeError, /"maxBadMessages"/],
    [clientOptions, { reconnectAttempts: -1 }, RangeError, /"reconnectAttempts"/],
    [clientOptions, { receiveBufferSize: 0 }, RangeError, /"receiveBufferSize" must be an integer from 1/],
    [clientOptions, { sendBufferSize: 2 ** 40 }, RangeError, /"sendBufferSize"/],
    [clientOptions, { maxMessageSize: -5 }, RangeError, /"maxMessageSize"/],
    [clientOptions, { maxMessageSize: 0 }, RangeError, /"maxMessageSize" must be an integer from 1/],
    [clientOptions, { maxUnsentBytes: 0 }, RangeError, /"maxUnsentBytes" must be an integer from 1/],
    [clientOptions, { tcp: {} }, TypeError, /"tcp" must be a class/],
    [clientOptions, { trustedCACertPath: 1 }, TypeError, /"trustedCACertPath" must be a string/],
    [clientOptions, { port: 80 }, RangeError, /unknown option "port"/],
    [clientOptions, "fast", TypeError, /options must be an object, got string/],
    [serverOptions, { port: 70000 }, RangeError, /"port" must be an integer from 0 to 65535/],
    [serverOptions, { port: "80" }, TypeError, /"port"/],
    [serverOptions, { clientAuth: "maybe" }, RangeError, /"clientAuth"/],
    [serverOptions, { connectTimeout: 5 }, RangeError, /unknown option "connectTimeout"/],
    [serverOptions, { hostInterface: 0 }, TypeError, /"hostInterface"/],
  ];
  for (const [make, given, Kind, pattern] of bad) {
    it(`refuses ${JSON.stringify(given)} with a ${Kind.name} naming it`, () => {
      expect(() => make(HOST, given)).to.throw(Kind, pattern);
    });
  }
  it("0 means no limit for the count limits", () => {
    expect(clientOptions(HOST, { maxUnsentMessages: 0, maxBadMessages: 0 })).to.include({ maxUnsentMessages: 0, maxBadMessages: 0 });
  });
});
