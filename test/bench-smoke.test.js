// Smoke run of the bench code (bench/*.js) at tiny sizes, so `npm run bench` does not rot.
// It checks that every part ran and moved the bytes it claims; it never judges a timing.

import { expect } from "chai";
import { E2E_CASES } from "../bench/e2e.js";
import { CHUNK_SIZES, FRAME_SIZES, NUMERIC_TYPES } from "../bench/micro.js";
import { runBench, tables, targets } from "../bench/run.js";
import { typeInfo } from "../dist/modules/socket/types.js";

const finitePositive = (s) => {
  expect(s.median, "median").to.be.a("number").and.to.be.above(0);
  expect(Number.isFinite(s.median)).to.equal(true);
  expect(s.min).to.be.at.most(s.median);
  expect(s.max).to.be.at.least(s.median);
};

describe("bench (smoke run, tiny sizes)", function () {
  this.timeout(120000);
  let r;

  before(async function () {
    r = await runBench({ scale: 0.002, reps: 2 });
  });

  it("end to end: every case moved exactly its bytes, framed and raw, with a ratio", function () {
    expect(r.e2e.map((x) => x.name)).to.deep.equal(E2E_CASES.map((c) => c.name));
    for (const row of r.e2e) {
      expect(row.count).to.be.at.least(2);
      expect(row.framedBytesReceived, row.name).to.equal(row.count * row.payloadBytes);
      expect(row.rawBytesReceived, row.name).to.equal(row.count * row.frameBytes);
      expect(row.frameBytes - row.payloadBytes).to.equal(row.payloadBytes < 255 ? 1 : 5);
      finitePositive(row.framed);
      finitePositive(row.raw);
      finitePositive(row.ratio);
    }
  });

  it("codec: every numeric type encodes 1000 elements to a framed message and decodes them back", function () {
    expect(r.codec.map((x) => x.type)).to.deep.equal(NUMERIC_TYPES);
    for (const row of r.codec) {
      expect(row.encodedBytes, row.type).to.equal(5 + 1000 * typeInfo(row.type).size);
      expect(row.decodedElements).to.equal(1000);
      for (const s of [row.encode, row.encodeFloor, row.decode, row.decodeFloor]) finitePositive(s);
    }
  });

  it("framing: every message of the stream comes out once, whatever the chunk size", function () {
    expect(r.framing.length).to.equal(FRAME_SIZES.length * CHUNK_SIZES.length);
    for (const row of r.framing) {
      expect(row.seenMessages, row.name).to.equal(row.messagesPerStream);
      expect(row.seenBytes, row.name).to.equal(row.messagesPerStream * row.size);
      finitePositive(row.messagesPerSecond);
    }
  });

  it("allocation: a child with --expose-gc measured every case", function () {
    const a = r.alloc;
    expect(a.codec.map((x) => x.type)).to.deep.equal(NUMERIC_TYPES);
    expect(a.framing.length).to.equal(FRAME_SIZES.length * CHUNK_SIZES.length);
    expect(a.e2e.map((x) => x.name)).to.deep.equal(E2E_CASES.map((c) => c.name));
    const sane = (m) => {
      expect(Number.isFinite(m.heap.median)).to.equal(true);
      expect(Number.isFinite(m.external.median)).to.equal(true);
    };
    for (const x of a.codec) { sane(x.encode); sane(x.decode); }
    for (const x of a.framing) sane(x);
    for (const x of a.e2e) { sane(x.raw); sane(x.framed); }
    // decoding 1000 numbers must at least allocate the array it returns
    for (const x of a.codec) expect(x.decode.heap.median, x.type).to.be.above(1000);
  });

  it("prints its tables and the targets, and says what it did about XS", function () {
    const t = tables(r);
    expect(Object.keys(t)).to.include.members(["e2e", "codec", "framing"]);
    expect(t.e2e.length).to.equal(1 + E2E_CASES.length);
    expect(targets(r).length).to.equal(4);
    expect(r.xs).to.be.an("object");
    if (!r.xs.rows.length) expect(r.xs.note).to.match(/not measured: /);
    else {
      // XS under callgrind: every numeric type and framing case counted, the same in both runs
      expect(r.xs.deterministic, r.xs.note).to.equal(true);
      expect(r.xs.totals[0]).to.equal(r.xs.totals[1]);
      expect(r.xs.rows.map((x) => x[0])).to.deep.equal(NUMERIC_TYPES);
      expect(t.xs.length).to.equal(1 + NUMERIC_TYPES.length);
      for (const row of r.xs.rows) for (const cell of row.slice(1)) expect(Number(cell), row[0]).to.be.above(0);
      expect(t.xsFraming.length).to.be.above(1);
    }
  });
});
