// Device budget (issue 5, item 6): the bytes the module preallocates per connection, computed from
// the options, and the Moddable host's defaults held to a budget that lets the ESP32 build's 8 TCP
// connections fit comfortably. Runs in the normal `npm test`, without the SDK: the defaults are read
// from hosts/moddable/host.ts, and the allocation sites the formula counts are checked in the source
// so that a new per-connection buffer cannot slip in unaccounted.

import { expect } from "chai";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { SocketClient, SocketServer } from "accessor-socket";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const source = (path) => readFileSync(join(root, path), "utf8");

const HEADER_MAX = 5; // modules/socket/framing.ts: 0xFF + 4-byte length
const RAW_CARRY = 16; // modules/socket/codec.ts RawDecoder #carry
const UTF8_SLACK = 4; // modules/socket/codec.ts: room for one more UTF-8 character in the scratch

/** Bytes allocated when a connection is made (client or accepted Socket), from its options. */
export function preallocatedBytes(options) {
  return (
    options.receiveBufferSize + // Connection #rx
    HEADER_MAX + options.sendBufferSize + UTF8_SLACK + // Encoder #scratch (header room + payload + slack)
    (options.rawBytes ? RAW_CARRY : 0) // RawDecoder #carry; the FrameDecoder allocates nothing up front
  );
}

/** The most one connection holds for data in flight: the above plus one partial frame body. */
export function worstCaseBytes(options) {
  return preallocatedBytes(options) + (options.rawBytes ? 0 : options.maxMessageSize);
}

const ESP32_CONNECTIONS = 8; // ESP32 default lwIP build: 8 active TCP connections (MODDABLE.md)
const BUDGET_PER_CONNECTION = 4096; // preallocated: 8 connections ≤ 32 KiB
const WORST_CASE_PER_CONNECTION = 20 * 1024; // with a maximal frame half received

function moddableDefaults() {
  const text = source("hosts/moddable/host.ts");
  const block = /defaults:\s*Object\.freeze\(\{([^}]*)\}\)/.exec(text);
  expect(block, "hosts/moddable/host.ts declares its defaults").to.not.equal(null);
  const value = (name) => {
    const m = new RegExp(`${name}:\\s*(\\d+)`).exec(block[1]);
    expect(m, `a numeric default for ${name}`).to.not.equal(null);
    return Number(m[1]);
  };
  return {
    receiveBufferSize: value("receiveBufferSize"),
    sendBufferSize: value("sendBufferSize"),
    maxMessageSize: value("maxMessageSize"),
  };
}

describe("device budget (Moddable host defaults)", () => {
  it("the formula counts every buffer a connection allocates up front", () => {
    const connection = source("modules/socket/connection.ts");
    const codec = source("modules/socket/codec.ts");
    const framing = source("modules/socket/framing.ts");
    expect(connection).to.include("new Uint8Array(settings.receiveBufferSize)");
    expect(connection).to.include("new Encoder(typeInfo(settings.sendType)!, host, settings.sendBufferSize)");
    expect(codec).to.include("new Uint8Array(HEADER_MAX + capacity + UTF8_SLACK)");
    expect(codec).to.include(`UTF8_SLACK = ${UTF8_SLACK};`);
    expect(codec).to.include(`#carry = new Uint8Array(${RAW_CARRY})`);
    expect(framing).to.match(new RegExp(`HEADER_MAX = ${HEADER_MAX}\\b`));
    // The only other allocations in the connection path: frame bodies (bounded by maxMessageSize)
    // and an oversize send (bounded by what the caller passed).
    const allocations = (text) => (text.match(/new (Uint8Array|ArrayBuffer)\(/g) ?? []).length;
    expect(allocations(connection), "Uint8Array/ArrayBuffer allocations in connection.ts").to.equal(1);
    expect(allocations(framing), "allocations in framing.ts (one frame body)").to.equal(1);
  });

  it("the options a connection is built with carry the sizes the formula uses", () => {
    const sizes = { receiveBufferSize: 1460, sendBufferSize: 1460, maxMessageSize: 16384 };
    const client = new SocketClient(4000, "127.0.0.1", sizes);
    const server = new SocketServer({ ...sizes, port: 0 });
    for (const options of [client.options, server.options]) {
      expect(preallocatedBytes(options)).to.equal(1460 + 5 + 1460 + 4 + 16);
      expect(worstCaseBytes({ ...options, rawBytes: false })).to.equal(1460 + 5 + 1460 + 4 + 16384);
    }
  });

  it(`the device defaults fit ${ESP32_CONNECTIONS} connections comfortably`, () => {
    const defaults = moddableDefaults();
    const raw = preallocatedBytes({ ...defaults, rawBytes: true });
    const framed = preallocatedBytes({ ...defaults, rawBytes: false });
    const worst = worstCaseBytes({ ...defaults, rawBytes: false });
    expect(raw, "bytes preallocated per connection").to.be.at.most(BUDGET_PER_CONNECTION);
    expect(framed).to.be.at.most(BUDGET_PER_CONNECTION);
    expect(ESP32_CONNECTIONS * raw, `${ESP32_CONNECTIONS} connections`).to.be.at.most(32 * 1024);
    expect(worst, "worst case per connection, a maximal frame in flight").to.be.at.most(WORST_CASE_PER_CONNECTION);
    // One TCP segment per read: smaller wastes reads, larger is RAM the lwIP MSS (1436) never fills.
    expect(defaults.receiveBufferSize).to.be.within(1436, 2048);
  });
});
