// Smoke run of the bench code (bench/*.js) at tiny sizes, so `npm run bench` does not rot.
// It checks that every part ran and moved the bytes it claims; it never judges a timing.

import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { E2E_CASES } from "../bench/e2e.js";
import { CHUNK_SIZES, FRAME_SIZES, NUMERIC_TYPES } from "../bench/micro.js";
import { PEER_CASE_NAMES } from "../bench/peers.js";
import { deviceFigures, runBench, tables, targets, writeChart } from "../bench/run.js";
import { XS_E2E_CASES } from "../bench/xs-e2e.js";
import { typeInfo } from "../dist/modules/socket/types.js";

const finitePositive = (s) => {
  expect(s.median, "median").to.be.a("number").and.to.be.above(0);
  expect(Number.isFinite(s.median)).to.equal(true);
  expect(s.min).to.be.at.most(s.median);
  expect(s.max).to.be.at.least(s.median);
};

/**
 * A strict little XML reader (no dependency): throws on anything not well formed — unbalanced or
 * mismatched tags, unquoted or repeated attributes, a bare "<" or "&" — and returns the root element
 * as { name, attributes, children, text }.
 */
function parseXml(text) {
  let i = 0;
  const fail = (why) => { throw new Error(`XML: ${why} at ${i}: ${JSON.stringify(text.slice(i, i + 40))}`); };
  const entities = (s) => {
    if (/<|&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(s)) fail(`bad character data ${JSON.stringify(s.slice(0, 40))}`);
    return s;
  };
  const NAME = /[A-Za-z_:][\w:.-]*/y;
  const name = () => {
    NAME.lastIndex = i;
    const m = NAME.exec(text);
    if (!m) fail("a name expected");
    i = NAME.lastIndex;
    return m[0];
  };
  const space = () => { while (/\s/.test(text[i] ?? "")) i++; };
  if (text.startsWith("<?xml", i)) {
    const end = text.indexOf("?>", i);
    if (end < 0) fail("unterminated declaration");
    i = end + 2;
  }
  const misc = () => {
    for (;;) {
      space();
      if (text.startsWith("<!--", i)) {
        const end = text.indexOf("-->", i);
        if (end < 0) fail("unterminated comment");
        i = end + 3;
      } else return;
    }
  };
  const element = () => {
    if (text[i] !== "<") fail("< expected");
    i++;
    const el = { name: name(), attributes: {}, children: [], text: "" };
    for (;;) {
      space();
      if (text.startsWith("/>", i)) { i += 2; return el; }
      if (text[i] === ">") { i++; break; }
      const a = name();
      space();
      if (text[i] !== "=") fail("= expected");
      i++;
      space();
      const q = text[i];
      if (q !== '"' && q !== "'") fail("quoted value expected");
      const end = text.indexOf(q, i + 1);
      if (end < 0) fail("unterminated value");
      if (a in el.attributes) fail(`attribute ${a} repeated`);
      el.attributes[a] = entities(text.slice(i + 1, end));
      i = end + 1;
    }
    for (;;) {
      const lt = text.indexOf("<", i);
      if (lt < 0) fail(`</${el.name}> missing`);
      el.text += entities(text.slice(i, lt));
      i = lt;
      if (text.startsWith("<!--", i)) { misc(); continue; }
      if (text.startsWith("</", i)) {
        i += 2;
        const closing = name();
        if (closing !== el.name) fail(`</${closing}> closes <${el.name}>`);
        space();
        if (text[i] !== ">") fail("> expected");
        i++;
        return el;
      }
      el.children.push(element());
    }
  };
  misc();
  const root = element();
  misc();
  if (i !== text.length) fail("content after the root element");
  return root;
}

const walk = (el, visit) => { visit(el); for (const c of el.children) walk(c, visit); };

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

  it("peers: every workload moved exactly its bytes through the module, raw node:net and each peer", function () {
    expect(r.peers.map((x) => x.name)).to.deep.equal(PEER_CASE_NAMES);
    for (const row of r.peers) {
      const numeric = row.type !== "image";
      expect(row.peers, row.name).to.deep.equal(numeric ? ["concat", "perElement"] : ["concat"]);
      expect(row.count).to.be.at.least(2);
      expect(row.received.module.bytes, row.name).to.equal(row.count * row.payloadBytes);
      expect(row.received.raw.bytes, row.name).to.equal(row.count * row.frameBytes);
      for (const key of row.peers) {
        expect(row.received[key].messages, `${row.name} ${key}`).to.equal(row.count);
        expect(row.received[key].bytes, `${row.name} ${key}`).to.equal(row.count * row.payloadBytes);
        expect(row.sameWire[key], `${row.name} ${key}: same frame bytes as the module`).to.equal(true);
        expect(row.decodedRight[key], `${row.name} ${key}: last message decoded to the sent values`).to.equal(true);
        finitePositive(row.rates[key]);
        finitePositive(row.ratios[key]);
      }
      finitePositive(row.rates.module);
      finitePositive(row.ratios.raw);
    }
    const t = tables(r);
    expect(t.peers.length).to.equal(1 + PEER_CASE_NAMES.length);
  });

  it("the device tier's recorded ratios (bench/device.json) are read when the file is there, and nothing otherwise", function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-device-"));
    try {
      const file = path.join(dir, "device.json");
      expect(deviceFigures(file)).to.equal(undefined);
      fs.writeFileSync(file, JSON.stringify({ date: "2026-12-02T07:00:00.000Z", commit: "abc1234", ratios: [{ name: "framed int", ratio: 1.4 }], figures: {} }));
      expect(deviceFigures(file)).to.deep.include({ commit: "abc1234", ratios: [{ name: "framed int", ratio: 1.4 }] });
      fs.writeFileSync(file, JSON.stringify({ figures: {} })); // no ratios: not a device record
      expect(deviceFigures(file)).to.equal(undefined);
      const recorded = deviceFigures(); // the committed one, when there is one: it matches what runBench put in
      if (recorded) expect(r.device.map((x) => x.ratio)).to.deep.equal(recorded.ratios.map((x) => x.ratio));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("chart: writes an SVG that parses as XML, one bar per ratio, and draws result.device when there is one", function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-svg-"));
    try {
      const bars = (file) => {
        const root = parseXml(fs.readFileSync(file, "utf8"));
        expect(root.name).to.equal("svg");
        expect(root.attributes.xmlns).to.equal("http://www.w3.org/2000/svg");
        const found = [];
        walk(root, (el) => { if (el.name === "rect" && el.attributes.class === "bar") found.push(el); });
        for (const b of found) expect(Number(b.attributes.width), "bar width").to.be.above(0);
        return found;
      };
      const expected = r.e2e.length + r.peers.reduce((n, x) => n + x.peers.length, 0) + (r.xsE2e?.rows?.length ?? 0);
      writeChart({ ...r, device: undefined }, path.join(dir, "a.svg"));
      expect(bars(path.join(dir, "a.svg")).length).to.equal(expected);
      const withDevice = { ...r, device: [{ name: "encode double", ratio: 1.09 }, { name: "decode double", ratio: 1.15, min: 1.1, max: 1.2 }] };
      writeChart(withDevice, path.join(dir, "b.svg"));
      const b = bars(path.join(dir, "b.svg"));
      expect(b.length).to.equal(expected + 2);
      expect(b.at(-1).children[0].text).to.match(/^device cycles ÷ floor.*decode double 1\.15/);
      expect(() => parseXml("<svg><rect></svg>")).to.throw(/closes/); // the reader does reject bad XML
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("XS end to end: module and raw TCP counted per message over the simulated network, the same in both runs", function () {
    expect(r.xsE2e).to.be.an("object");
    if (!r.xsE2e.rows.length) return expect(r.xsE2e.note).to.match(/not measured: /);
    expect(r.xsE2e.deterministic, r.xsE2e.note).to.equal(true);
    expect(r.xsE2e.totals[0]).to.equal(r.xsE2e.totals[1]);
    expect(r.xsE2e.rows.map((x) => x.name)).to.deep.equal(XS_E2E_CASES.map((c) => c.name));
    for (const row of r.xsE2e.rows) {
      const f = r.xsE2e.facts[row.name];
      expect(f.moduleMessages, row.name).to.equal(row.messages + 2); // the section's messages and the warm-up's, all received
      expect(f.rawBytes, row.name).to.equal((row.messages + 2) * f.frameBytes);
      expect(row.raw, row.name).to.be.above(0);
      expect(row.module, row.name).to.be.above(row.raw);
    }
    expect(tables(r).xsE2e.length).to.equal(1 + XS_E2E_CASES.length);
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
