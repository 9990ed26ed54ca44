// Byte-for-byte interop with a Java peer: test/java/InteropPeer.java reads what this
// module sends with java.io.DataInputStream (readUnsignedByte / readInt / readFully / readDouble /
// …) and writes back with java.io.DataOutputStream — the encodings Cape Code's Vert.x buffers use.
// It reports, as JSON lines, the values it decoded and the exact bytes it consumed (hex), which are
// compared to the fixtures below. Every case runs in both roles: Java as the client of our
// SocketServer, and Java as the server for our SocketClient.
//
// Needs a JDK (javac, java; 17 or later). Without one the suite is pending locally and fails in CI.

import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { runJavaPeer } from "./java/peer.js";
import { SocketClient, SocketServer } from "../dist/hosts/node/index.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const SOURCE = join(HERE, "java", "InteropPeer.java");
const DEADLINE = 15000; // ms for one exchange (the Java peer gives up after 10 s of silence)
const IN_CI = !!process.env.CI && process.env.CI !== "false";

// ---- fixtures ----

const hexOf = (bytes) => Buffer.from(bytes).toString("hex");
const utf8Hex = (text) => Buffer.from(text, "utf8").toString("hex");
const header = (n) => (n < 255 ? hexOf([n]) : "ff" + n.toString(16).padStart(8, "0"));
const framedText = (text) => header(Buffer.byteLength(text)) + utf8Hex(text);
const range = (n, f) => Array.from({ length: n }, (_, i) => f(i));

const LONG_TEXT = "a".repeat(298) + "é"; // 300 bytes of UTF-8: header FF 00 00 01 2C
const JSON_VALUE = { a: 1, s: "é€", arr: [1, 2.5, null] };
const BYTES_256 = Uint8Array.from(range(256, (i) => i));
const F32_MAX = 3.4028234663852886e38;

// Framed (rawBytes: false). For each type: what our module sends (one send() per entry), what the
// Java peer must read — the frame bytes (hex, spaces ignored) and the values DataInputStream gave
// (plus the IEEE bits for float/double) — and what our module must emit for the frames Java
// writes back (see reply() in InteropPeer.java).
const FRAMED = {
  byte: {
    send: [128, 256, [-1, 127, -129]],
    java: [
      { hex: "01 80", values: [-128] }, // (byte) 128
      { hex: "01 00", values: [0] },
      { hex: "03 ff 7f 7f", values: [-1, 127, 127] },
    ],
    reply: [-128, [0, 127, -1]],
  },
  unsignedbyte: {
    send: [128, -1, [256, 300, 255]],
    java: [
      { hex: "01 80", values: [128] }, // readUnsignedByte
      { hex: "01 ff", values: [255] },
      { hex: "03 00 2c ff", values: [0, 44, 255] },
    ],
    reply: [200, [0, 255, 128]],
  },
  short: {
    send: [-2, [-1, 32767, 32768, 70000]],
    java: [
      { hex: "02 fffe", values: [-2] },
      { hex: "08 ffff 7fff 8000 1170", values: [-1, 32767, -32768, 4464] },
    ],
    reply: [-12345, [32767, -32768, -25536]],
  },
  unsignedshort: {
    send: [-1, [65536, 40000, 1.9]],
    java: [
      { hex: "02 ffff", values: [65535] }, // readUnsignedShort
      { hex: "06 0000 9c40 0001", values: [0, 40000, 1] },
    ],
    reply: [65535, [0, 40000, 1]],
  },
  int: {
    send: [1, [1, -2, 2147483647], 3e9, -3e9, NaN, -3.7],
    java: [
      { hex: "04 00000001", values: [1] },
      { hex: "0c 00000001 fffffffe 7fffffff", values: [1, -2, 2147483647] },
      { hex: "04 7fffffff", values: [2147483647] },
      { hex: "04 80000000", values: [-2147483648] },
      { hex: "04 00000000", values: [0] },
      { hex: "04 fffffffd", values: [-3] },
    ],
    reply: [42, [1, -2, 2147483647, -2147483648]],
  },
  float: {
    send: [0.1, [1.5, -0, Infinity, F32_MAX, 1e40]],
    java: [
      { hex: "04 3dcccccd", values: [Math.fround(0.1)], bits: ["3dcccccd"] },
      {
        hex: "14 3fc00000 80000000 7f800000 7f7fffff 7f800000",
        values: [1.5, -0, Infinity, F32_MAX, Infinity],
        bits: ["3fc00000", "80000000", "7f800000", "7f7fffff", "7f800000"],
      },
    ],
    reply: [Math.fround(0.1), [1.5, -0, Infinity, Math.fround(1.4e-45), F32_MAX, NaN]],
  },
  double: {
    send: [Math.PI, [-0, 5e-324, Number.MAX_VALUE, -Infinity, 0.1]],
    java: [
      { hex: "08 400921fb54442d18", values: [Math.PI], bits: ["400921fb54442d18"] },
      {
        hex: "28 8000000000000000 0000000000000001 7fefffffffffffff fff0000000000000 3fb999999999999a",
        values: [-0, 5e-324, Number.MAX_VALUE, -Infinity, 0.1],
        bits: ["8000000000000000", "0000000000000001", "7fefffffffffffff", "fff0000000000000", "3fb999999999999a"],
      },
    ],
    reply: [Math.PI, [-0, Number.MAX_VALUE, 5e-324, -Infinity, 0.1, NaN]],
  },
  number: { // = double
    send: [0.1, [1, 2]],
    java: [
      { hex: "08 3fb999999999999a", values: [0.1], bits: ["3fb999999999999a"] },
      { hex: "10 3ff0000000000000 4000000000000000", values: [1, 2], bits: ["3ff0000000000000", "4000000000000000"] },
    ],
    reply: [Math.PI, [-0, Number.MAX_VALUE, 5e-324, -Infinity, 0.1, NaN]],
  },
  string: {
    send: ["héllo €", "", LONG_TEXT, ["ab", "cd"], 42],
    java: [
      { hex: "0a 68c3a96c6c6f20e282ac", text: "héllo €" },
      { hex: "00", text: "" }, // a zero-length message
      { hex: "ff 0000012c" + "61".repeat(298) + "c3a9", text: LONG_TEXT },
      { hex: "04 61626364", text: "abcd" }, // an array of strings is concatenated
      { hex: "02 3432", text: "42" }, // a number as its decimal text
    ],
    reply: ["héllo € from Java", "", "J".repeat(297) + "€"],
  },
  json: {
    send: [JSON_VALUE, "hi"],
    java: [
      { hex: framedText(JSON.stringify(JSON_VALUE)), json: JSON_VALUE },
      { hex: "04 22686922", json: "hi" },
    ],
    reply: [{ from: "Java", ok: true, n: [1, -2.5, 1e300], u: "héllo €", nil: null }, "just a string"],
  },
  image: {
    send: [BYTES_256, Uint8Array.from([0x89, 0x50, 0x4e, 0x47]).buffer],
    java: [
      { hex: "ff 00000100" + hexOf(BYTES_256) }, // 256 bytes: the long header
      { hex: "04 89504e47" },
    ],
    reply: [
      Uint8Array.from(range(300, (i) => (i * 7 + 3) & 0xff)).buffer,
      Uint8Array.from([0xff, 0xd8, 0xff, 0xd9]).buffer,
    ],
  },
};

// rawBytes: true (no framing). One "data" per element for numbers; text as it arrives.
const RAW = {
  "raw-int": {
    title: "our ints → Java readInt; Java writeDouble (one double split across TCP writes) → our doubles",
    options: { rawBytes: true, sendType: "int", receiveType: "double" },
    send: [[1, -2, 2147483647], 7],
    count: 4, // ints Java reads
    java: { hex: "00000001 fffffffe 7fffffff 00000007", values: [1, -2, 2147483647, 7] },
    reply: [1.5, -2.25, Math.PI, 1e-300, -0],
  },
  "raw-string": {
    title: "our UTF-8 text → Java; Java's text split inside a character → our text, not corrupted",
    options: { rawBytes: true, sendType: "string", receiveType: "string" },
    send: ["héllo €"],
    count: 10, // bytes Java reads
    java: { hex: "68c3a96c6c6f20e282ac", text: "héllo €" },
    replyText: "Jérôme €€",
  },
};

// ---- comparing values exactly (-0, NaN, number vs one-element array, ArrayBuffer bytes) ----

function exact(value) {
  if (typeof value === "number") return `number ${Object.is(value, -0) ? "-0" : String(value)}`;
  if (value instanceof ArrayBuffer) return `ArrayBuffer ${hexOf(new Uint8Array(value))}`;
  if (ArrayBuffer.isView(value)) return `${value.constructor.name} ${hexOf(new Uint8Array(value.buffer, value.byteOffset, value.byteLength))}`;
  if (Array.isArray(value)) return value.map(exact);
  return value;
}

const javaNumber = (v) => (typeof v === "string" ? Number(v) : v); // "NaN", "Infinity", "-Infinity"
const spaceless = (hex) => hex.replace(/\s+/g, "");

// ---- the Java peer ----

let classDir;

const runJava = (args) => runJavaPeer(classDir, "InteropPeer", args);

function describePeer(peer) {
  return `Java peer output:\n${peer.lines.map((l) => "  " + JSON.stringify(l)).join("\n")}` +
    (peer.stderr ? `\nJava stderr:\n${peer.stderr}` : "");
}

/** Wires one of our connections (a client, or a server's Socket): sends, records, resolves on "close". */
function record(conn, ours, sendsOnOpen) {
  return new Promise((resolve) => {
    conn.on("data", (d) => ours.data.push(d));
    conn.on("error", (e) => ours.errors.push(String(e)));
    conn.on("close", resolve);
    if (sendsOnOpen) conn.on("open", sendsOnOpen);
  });
}

/**
 * One exchange. role "java-client": Java connects to our SocketServer; role "java-server": our
 * SocketClient connects to Java. Returns the Java peer's events, its exit, and what our side got.
 */
async function exchange(role, kase, count, options, sends) {
  const ours = { data: [], errors: [] };
  const sendAll = (conn) => { for (const v of sends) conn.send(v); };
  let peer;
  let server;
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no result within ${DEADLINE} ms`)), DEADLINE);
  });
  try {
    const work = (async () => {
      let closed;
      if (role === "java-client") {
        server = new SocketServer({ port: 0, hostInterface: "127.0.0.1", ...options });
        server.on("error", (e) => ours.errors.push(`server: ${e}`));
        closed = new Promise((resolve) => {
          server.on("connection", (socket) => {
            record(socket, ours).then(resolve);
            sendAll(socket);
          });
        });
        const port = await new Promise((resolve) => {
          server.on("listening", resolve);
          server.start();
        });
        peer = runJava(["client", String(port), kase, String(count)]);
      } else {
        peer = runJava(["server", "0", kase, String(count)]);
        const port = await Promise.race([peer.listening, peer.exited.then(() => { throw new Error("Java peer exited before listening"); })]);
        const client = new SocketClient(port, "127.0.0.1", { reconnectAttempts: 0, ...options });
        closed = record(client, ours, () => sendAll(client));
        client.open();
      }
      const [exit] = await Promise.all([peer.exited, closed]);
      return exit;
    })();
    const exit = await Promise.race([work, deadline]);
    return { peer, exit, ours };
  } catch (error) {
    error.message += `\nour side: ${JSON.stringify(exact(ours))}` + (peer ? `\n${describePeer(peer)}` : "");
    throw error;
  } finally {
    clearTimeout(timer);
    if (peer && peer.child.exitCode === null) peer.child.kill();
    if (server) server.stop();
  }
}

function checkPeerFinished({ peer, exit }) {
  expect(exit, `the Java peer failed\n${describePeer(peer)}`).to.deep.equal({ code: 0, signal: null });
  const eof = peer.lines.find((l) => l.event === "eof");
  expect(eof, `the Java peer saw no end of stream\n${describePeer(peer)}`).to.exist;
  expect(eof.extraBytes, `bytes after the expected messages: ${eof.hex}`).to.equal(0);
}

// ---- the suite ----

describe("interop with a Java DataInputStream / DataOutputStream peer", function () {
  this.timeout(DEADLINE + 5000);

  before(function () {
    this.timeout(120000); // javac
    const missing = ["javac", "java"].filter((tool) => {
      const probe = spawnSync(tool, ["-version"], { encoding: "utf8", timeout: 30000 });
      return probe.error !== undefined || probe.status !== 0;
    });
    if (missing.length > 0) {
      const message = `Java is missing: ${missing.join(" and ")} not found on PATH (a JDK 17+ is needed for the Java interop tests)`;
      if (IN_CI) throw new Error(`${message}. CI must provide one (.ci/run installs default-jdk-headless).`);
      console.warn(`    SKIPPED — ${message}; install one (e.g. apt-get install default-jdk-headless) to run them.`);
      this.skip();
    }
    classDir = mkdtempSync(join(tmpdir(), "interop-java-"));
    const javac = spawnSync("javac", ["--release", "17", "-Xlint:all", "-Werror", "-d", classDir, SOURCE], { encoding: "utf8", timeout: 110000 });
    if (javac.status !== 0) throw new Error(`javac failed (${javac.error ?? `status ${javac.status}`}):\n${javac.stderr}${javac.stdout}`);
  });

  after(function () {
    if (classDir) rmSync(classDir, { recursive: true, force: true });
  });

  for (const [role, roleTitle] of [
    ["java-client", "Java is the client of our SocketServer"],
    ["java-server", "Java is the server for our SocketClient"],
  ]) {
    describe(roleTitle, function () {
      describe("framed messages (rawBytes: false)", function () {
        for (const [type, fixture] of Object.entries(FRAMED)) {
          it(`${type}: Java reads exactly our frames, we decode Java's exactly`, async function () {
            const options = { rawBytes: false, sendType: type, receiveType: type };
            const result = await exchange(role, type, fixture.java.length, options, fixture.send);
            const { peer, ours } = result;
            checkPeerFinished(result);

            // What Java read: the exact bytes, then the values its typed reads gave.
            const frames = peer.lines.filter((l) => l.event === "frame");
            expect(frames.map((f) => f.hex), "bytes on the wire (our frames, as Java consumed them)")
              .to.deep.equal(fixture.java.map((f) => spaceless(f.hex)));
            fixture.java.forEach((want, i) => {
              const got = frames[i];
              if (want.values) expect(exact(got.values.map(javaNumber)), `frame ${i}: Java's values`).to.deep.equal(exact(want.values));
              if (want.bits) expect(got.bits, `frame ${i}: IEEE bits Java read`).to.deep.equal(want.bits);
              if (want.text !== undefined) expect(got.text, `frame ${i}: Java's text`).to.equal(want.text);
              if (want.json !== undefined) expect(JSON.parse(got.text), `frame ${i}: Java's text as JSON`).to.deep.equal(want.json);
            });

            // What we decoded from Java's DataOutputStream frames.
            expect(ours.errors, "errors on our side").to.deep.equal([]);
            expect(exact(ours.data), "values our module emitted for Java's frames").to.deep.equal(exact(fixture.reply));
          });
        }
      });

      describe("raw bytes (rawBytes: true)", function () {
        for (const [kase, fixture] of Object.entries(RAW)) {
          it(`${kase}: ${fixture.title}`, async function () {
            const result = await exchange(role, kase, fixture.count, fixture.options, fixture.send);
            const { peer, ours } = result;
            checkPeerFinished(result);

            const raw = peer.lines.find((l) => l.event === "raw");
            expect(raw, `the Java peer read nothing\n${describePeer(peer)}`).to.exist;
            expect(raw.hex, "bytes on the wire (ours, as Java consumed them)").to.equal(spaceless(fixture.java.hex));
            if (fixture.java.values) expect(raw.values, "Java's readInt values").to.deep.equal(fixture.java.values);
            if (fixture.java.text) expect(raw.text, "Java's text").to.equal(fixture.java.text);

            expect(ours.errors, "errors on our side").to.deep.equal([]);
            if (fixture.reply) {
              expect(exact(ours.data), "one data event per double Java wrote").to.deep.equal(exact(fixture.reply));
            } else {
              expect(ours.data.every((d) => typeof d === "string"), "text chunks").to.equal(true);
              expect(ours.data.join(""), "Java's text, reassembled").to.equal(fixture.replyText);
            }
          });
        }
      });
    });
  }
});
