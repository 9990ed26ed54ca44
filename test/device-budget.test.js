// Device budget: the bytes of buffers the module holds per connection at the Moddable host's
// defaults, measured (process.memoryUsage().arrayBuffers in a child node with --expose-gc, over an
// in-memory TCP that holds no buffers of its own; see test/budget/measure.js), against the
// formula the README states. The device tier measures the XS heap on a real build.

import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const script = fileURLToPath(new URL("./budget/measure.js", import.meta.url));
const SLACK = 128; // bytes per connection the measurement may add (allocator rounding, small views)

/** The slots of the list of waiting messages made at first (README "Buffers and RAM"). */
const slots = (o) => (o.maxUnsentMessages > 0 && o.maxUnsentMessages < 64 ? o.maxUnsentMessages : 8);
/** README "Buffers and RAM": what a connection holds at all times. */
export const idleBytes = (o) => o.receiveBufferSize + o.sendBufferSize + 9 + 12 * slots(o) + (o.rawBytes ? 8 : 0);
/** ...and at most: a frame larger than the receive buffer being received, messages waiting outside the ring. */
export const worstBytes = (o) => idleBytes(o) + o.maxMessageSize + o.maxUnsentBytes;

describe("device budget (measured at the Moddable host's defaults)", function () {
  this.timeout(30000);
  let m;
  before(() => {
    m = JSON.parse(execFileSync(process.execPath, ["--expose-gc", script], { encoding: "utf8" }));
  });

  it("an idle framed connection holds its receive buffer and its send ring, nothing else", () => {
    const want = idleBytes({ ...m.defaults, rawBytes: false });
    expect(m.idle).to.be.within(want - SLACK, want + SLACK);
    expect(m.idle, "≤ 4 KiB idle").to.be.at.most(4096);
  });

  it("a burst of 1000 framed ints each way leaves nothing behind", () => {
    expect(m.afterBurst).to.be.at.most(idleBytes({ ...m.defaults, rawBytes: false }) + SLACK);
  });

  it("a full send queue waits inside the preallocated ring: no copy per queued message", () => {
    expect(m.queuedBytes).to.equal(805); // one framed 800-byte string fits; the 9 others are refused
    expect(m.refusedPerConnection).to.equal(9);
    expect(m.fullQueue).to.be.at.most(idleBytes({ ...m.defaults, rawBytes: false }) + SLACK);
  });

  it("a frame half received holds no more than it received, at most maxMessageSize", () => {
    const idle = idleBytes({ ...m.defaults, rawBytes: false });
    expect(m.halfFrame - idle).to.be.at.most(m.defaults.maxMessageSize + SLACK);
    expect(m.halfFrame - idle).to.be.at.least(m.defaults.maxMessageSize / 2);
  });

  it("8 connections at their worst fit 64 KiB of buffers", () => {
    expect(8 * worstBytes({ ...m.defaults, rawBytes: true })).to.be.at.most(64 * 1024);
  });
});
