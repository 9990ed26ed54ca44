// docs/protocol.md over real loopback: every type module to module (framed and raw), the bytes on the
// wire as a raw node:net peer sees them (big-endian, Java narrowing, frame headers), and decoding
// whatever the TCP chunking (split UTF-8, split elements, one byte at a time).

import { expect } from "chai";
import {
  Tracker, pair, startServer, connectClient, rawServer, rawConnect, record, waitFor, delay,
  bytesOf, receiveBytes, writeChunks, frame,
} from "./api-helpers.js";
import { SocketClient, SocketServer, supportedReceiveTypes, supportedSendTypes } from "../dist/hosts/node/index.js";

const ALL_TYPES = [
  "byte", "short", "int", "float", "double", "number", "unsignedbyte", "unsignedshort", "unsignedint",
  "string", "json", "image",
];

// Values that each type carries exactly (so what arrives must equal what was sent).
const NUMERIC = {
  byte: { size: 1, one: -7, many: [-128, 0, 1, 127] },
  short: { size: 2, one: -1234, many: [-32768, 0, 258, 32767] },
  int: { size: 4, one: 123456789, many: [-2147483648, -1, 0, 2147483647] },
  float: { size: 4, one: 1.5, many: [-0.25, 3.4028234663852886e38, Math.fround(0.1), 0] },
  double: { size: 8, one: Math.PI, many: [-1e300, 5e-324, 0.1, 2 ** 53 + 2] },
  number: { size: 8, one: -Math.E, many: [1e-300, -0, 123.456, Number.MAX_VALUE] },
  unsignedbyte: { size: 1, one: 200, many: [0, 128, 255, 1] },
  unsignedshort: { size: 2, one: 40000, many: [0, 32768, 65535, 1] },
  unsignedint: { size: 4, one: 3000000000, many: [0, 2147483648, 4294967295, 1] },
};

const TEXT = "héllo wörld — € 𝄞 日本語"; // 1-, 2-, 3- and 4-byte UTF-8 sequences
const OBJECT = { a: [1, "x", null, true], b: { c: -2.5, d: "é€" }, e: "" };

function imageBytes(n, seed = 7) {
  const bytes = new Uint8Array(n);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].slice(0, n)); // a PNG signature
  for (let i = 8, x = seed; i < n; i++) bytes[i] = x = (x * 1103515245 + 12345) & 0xff;
  return bytes;
}

function concatBuffers(list) {
  return Buffer.concat(list.map((b) => Buffer.from(b)));
}

describe("api: data types", function () {
  const t = new Tracker();
  afterEach(() => t.cleanup());

  describe("supported types", function () {
    it("supportedReceiveTypes() and supportedSendTypes() list every type", function () {
      for (const list of [supportedReceiveTypes(), supportedSendTypes()]) {
        expect(list).to.be.an("array");
        for (const type of ALL_TYPES) expect(list, type).to.include(type);
      }
    });

    it("returns a fresh array each call (callers cannot corrupt it)", function () {
      const a = supportedReceiveTypes();
      a.length = 0;
      expect(supportedReceiveTypes()).to.include("string");
    });

    it("every listed type is accepted as receiveType and sendType", function () {
      for (const type of supportedReceiveTypes()) {
        const client = t.add(new SocketClient(1, "127.0.0.1", { receiveType: type, sendType: type }));
        expect(client.options.receiveType).to.equal(type);
        const server = t.add(new SocketServer({ port: 0, receiveType: type, sendType: type }));
        expect(server.options.sendType).to.equal(type);
      }
    });
  });

  for (const rawBytes of [false, true]) {
    describe(`module to module, rawBytes ${rawBytes}`, function () {
      for (const [type, spec] of Object.entries(NUMERIC)) {
        it(`${type}: a single value and an array arrive intact`, async function () {
          const { client, socket } = await pair(t, { receiveType: type, sendType: type, rawBytes }, { sendType: type, receiveType: type, rawBytes });
          const log = record(socket, ["data", "error"]);
          client.send(spec.one);
          client.send(spec.many);
          const expected = 1 + spec.many.length;
          if (rawBytes) {
            // docs/protocol.md: one "data" per element
            await waitFor(() => log.of("data").length >= expected, 1500, `${expected} elements`);
            await delay(20);
            expect(log.of("error")).to.deep.equal([]);
            expect(log.values()).to.deep.equal([spec.one, ...spec.many]);
          } else {
            // docs/protocol.md: one message per send(): a number for one element, an array for more
            await waitFor(() => log.of("data").length >= 2, 1500, "2 messages");
            await delay(20);
            expect(log.of("error")).to.deep.equal([]);
            expect(log.values()).to.deep.equal([spec.one, spec.many]);
          }
          for (const v of log.values().flat()) expect(v).to.be.a("number");
        });

        it(`${type}: the reverse direction (server Socket → client) works too`, async function () {
          const { client, socket } = await pair(t, { receiveType: type, sendType: type, rawBytes }, { sendType: type, receiveType: type, rawBytes });
          const log = record(client, ["data", "error"]);
          socket.send(spec.many);
          await waitFor(() => log.of("data").length >= (rawBytes ? spec.many.length : 1));
          await delay(20);
          expect(log.of("error")).to.deep.equal([]);
          expect(rawBytes ? log.values() : log.values()[0]).to.deep.equal(spec.many);
        });
      }

      it("string: UTF-8 text (and an array of strings, concatenated) arrives intact", async function () {
        const { client, socket } = await pair(t, { rawBytes }, { rawBytes });
        const log = record(socket, ["data", "error"]);
        client.send(TEXT);
        client.send(["ab", "c€", "𝄞"]);
        client.send(12.5); // docs/protocol.md: a number as string is its decimal text
        if (rawBytes) {
          const whole = TEXT + "abc€𝄞" + "12.5";
          await waitFor(() => log.values().join("") === whole, 1500, "all text");
          for (const chunk of log.values()) expect(chunk).to.be.a("string");
        } else {
          await waitFor(() => log.of("data").length >= 3);
          await delay(20);
          expect(log.values()).to.deep.equal([TEXT, "abc€𝄞", "12.5"]);
        }
        expect(log.of("error")).to.deep.equal([]);
      });

      it("json: an object arrives as an equal object", async function () {
        const { client, socket } = await pair(t, { rawBytes, receiveType: "json" }, { rawBytes, sendType: "json" });
        const log = record(socket, ["data", "error"]);
        client.send(OBJECT);
        if (rawBytes) {
          // docs/protocol.md does not frame json; the bytes are JSON text, whatever the receiver makes of them
          await waitFor(() => log.of("data").length >= 1);
          await delay(20);
          const values = log.values();
          if (values.every((v) => typeof v === "string")) expect(JSON.parse(values.join(""))).to.deep.equal(OBJECT);
          else expect(values).to.deep.equal([OBJECT]);
        } else {
          client.send([1, 2, "three"]);
          client.send("just a string");
          client.send(null);
          await waitFor(() => log.of("data").length >= 4);
          await delay(20);
          expect(log.values()).to.deep.equal([OBJECT, [1, 2, "three"], "just a string", null]);
        }
        expect(log.of("error")).to.deep.equal([]);
      });

      it("image: bytes (ArrayBuffer, Uint8Array, DataView) arrive as ArrayBuffer, intact", async function () {
        const { client, socket } = await pair(t, { rawBytes, receiveType: "image" }, { rawBytes, sendType: "image" });
        const log = record(socket, ["data", "error"]);
        const a = imageBytes(3000, 1);
        const b = imageBytes(100, 2);
        const c = imageBytes(10, 3);
        client.send(a.buffer);
        client.send(b);
        client.send(new DataView(c.buffer));
        if (rawBytes) {
          const whole = Buffer.concat([a, b, c]);
          await waitFor(() => concatBuffers(log.values()).length >= whole.length);
          for (const v of log.values()) expect(v).to.be.an.instanceOf(ArrayBuffer);
          expect(concatBuffers(log.values()).equals(whole)).to.equal(true);
        } else {
          await waitFor(() => log.of("data").length >= 3);
          await delay(20);
          const values = log.values();
          expect(values).to.have.length(3);
          for (const v of values) expect(v).to.be.an.instanceOf(ArrayBuffer);
          expect(Buffer.from(values[0]).equals(Buffer.from(a))).to.equal(true);
          expect(Buffer.from(values[1]).equals(Buffer.from(b))).to.equal(true);
          expect(Buffer.from(values[2]).equals(Buffer.from(c))).to.equal(true);
        }
        expect(log.of("error")).to.deep.equal([]);
      });

      it("image: a subarray view sends only its own bytes", async function () {
        const { client, socket } = await pair(t, { rawBytes, receiveType: "image" }, { rawBytes, sendType: "image" });
        const log = record(socket, ["data", "error"]);
        const whole = imageBytes(64, 9);
        const view = whole.subarray(10, 30);
        client.send(view);
        await waitFor(() => concatBuffers(log.values()).length >= 20);
        await delay(20);
        expect(concatBuffers(log.values()).equals(Buffer.from(view))).to.equal(true);
      });
    });
  }

  describe("framed (rawBytes false): one element → a number, not an array", function () {
    for (const type of ["byte", "int", "double", "unsignedshort"]) {
      it(`${type}: send([x]) is received as x`, async function () {
        const { client, socket } = await pair(t, { rawBytes: false, receiveType: type }, { rawBytes: false, sendType: type });
        const log = record(socket, ["data", "error"]);
        client.send([42]);
        client.send([1, 2]);
        await waitFor(() => log.of("data").length >= 2);
        expect(log.values()[0]).to.equal(42);
        expect(log.values()[1]).to.deep.equal([1, 2]);
      });
    }
  });

  describe("bytes on the wire (raw node:net peer)", function () {
    // [type, value, expected bytes (hex), rule]
    const CASES = [
      ["byte", 5, "05"],
      ["byte", 128, "80", "byte 128 → -128"],
      ["byte", 256, "00", "byte 256 → 0"],
      ["byte", -129, "7f"],
      ["byte", 3.9, "03", "round toward zero"],
      ["byte", -3.9, "fd", "round toward zero (-3)"],
      ["byte", NaN, "00", "NaN → 0"],
      ["byte", 1e10, "ff", "(int) clamps to 2147483647, low 8 bits"],
      ["short", 1, "0001", "big-endian"],
      ["short", 32768, "8000"],
      ["short", 70000, "1170", "low 16 bits of (int)"],
      ["short", -1e20, "0000", "(int) clamps to -2^31, low 16 bits 0"],
      ["int", 0x01020304, "01020304", "big-endian"],
      ["int", 3e9, "7fffffff", "int 3e9 → 2147483647"],
      ["int", -3e9, "80000000"],
      ["int", Infinity, "7fffffff"],
      ["int", -Infinity, "80000000"],
      ["int", NaN, "00000000", "int NaN → 0"],
      ["int", -2.7, "fffffffe", "toward zero: -2"],
      ["unsignedbyte", 255, "ff"],
      ["unsignedbyte", -1, "ff"],
      ["unsignedbyte", 256, "00"],
      ["unsignedbyte", 300, "2c"],
      ["unsignedshort", -1, "ffff", "unsignedshort -1 → 65535"],
      ["unsignedshort", 65536, "0000", "unsignedshort 65536 → 0"],
      ["unsignedshort", 65535.9, "ffff"],
      ["unsignedint", 4294967295, "ffffffff"],
      ["unsignedint", -1, "ffffffff", "low 32 bits of (long) -1"],
      ["unsignedint", 4294967296, "00000000"],
      ["float", 1, "3f800000"],
      ["float", 0.1, "3dcccccd", "round to single precision"],
      ["float", 16777217, "4b800000", "ties to even"],
      ["float", 1e40, "7f800000", "overflow → Infinity"],
      ["float", -0, "80000000"],
      ["double", 1, "3ff0000000000000"],
      ["double", -2, "c000000000000000"],
      ["number", 1.5, "3ff8000000000000", "number = double"],
      ["number", 5e-324, "0000000000000001"],
    ];

    for (const [type, value, hex, rule] of CASES) {
      it(`${type} ${Object.is(value, -0) ? "-0" : value} → ${hex}${rule ? ` (${rule})` : ""}`, async function () {
        const peerServer = await rawServer(t);
        const client = await connectClient(t, peerServer.port, { sendType: type, rawBytes: true });
        const peer = await peerServer.nextPeer(0);
        client.send(value);
        const expected = Buffer.from(hex, "hex");
        const got = await receiveBytes(peer, expected.length);
        await delay(10);
        expect(bytesOf(peer).toString("hex")).to.equal(hex);
        expect(got.length).to.equal(expected.length);
      });
    }

    it("an array is encoded element after element (short [1, -2, 3] → 0001 fffe 0003), framed: 06 + payload", async function () {
      const peerServer = await rawServer(t);
      const raw = await connectClient(t, peerServer.port, { sendType: "short", rawBytes: true });
      const framed = await connectClient(t, peerServer.port, { sendType: "short", rawBytes: false });
      const rawPeer = await peerServer.nextPeer(0);
      const framedPeer = await peerServer.nextPeer(1);
      raw.send([1, -2, 3]);
      framed.send([1, -2, 3]);
      await receiveBytes(rawPeer, 6);
      await receiveBytes(framedPeer, 7);
      await delay(10);
      expect(bytesOf(rawPeer).toString("hex")).to.equal("0001fffe0003");
      expect(bytesOf(framedPeer).toString("hex")).to.equal("060001fffe0003");
    });

    it("a typed array is sent as numbers (Float64Array as int narrows each element)", async function () {
      const peerServer = await rawServer(t);
      const client = await connectClient(t, peerServer.port, { sendType: "int", rawBytes: true });
      const peer = await peerServer.nextPeer(0);
      client.send(new Float64Array([1.9, -1.9, 3e9]));
      await receiveBytes(peer, 12);
      await delay(10);
      expect(bytesOf(peer).toString("hex")).to.equal("00000001" + "ffffffff" + "7fffffff");
    });

    it("string: UTF-8 bytes, a number as its decimal text, an array concatenated", async function () {
      const peerServer = await rawServer(t);
      const client = await connectClient(t, peerServer.port, { sendType: "string", rawBytes: true });
      const peer = await peerServer.nextPeer(0);
      client.send("é€");
      client.send(-0.5);
      client.send(["a", 1, "b"]);
      const expected = Buffer.concat([Buffer.from("é€", "utf8"), Buffer.from("-0.5"), Buffer.from("a1b")]);
      await receiveBytes(peer, expected.length);
      await delay(10);
      expect(bytesOf(peer).equals(expected)).to.equal(true);
    });

    it("json: the UTF-8 of JSON.stringify(data), framed", async function () {
      const peerServer = await rawServer(t);
      const client = await connectClient(t, peerServer.port, { sendType: "json", rawBytes: false });
      const peer = await peerServer.nextPeer(0);
      client.send(OBJECT);
      const expected = frame(Buffer.from(JSON.stringify(OBJECT), "utf8"));
      await receiveBytes(peer, expected.length);
      await delay(10);
      expect(bytesOf(peer).toString("hex")).to.equal(expected.toString("hex"));
    });

    it("frame headers: 0 → 00, 254 → FE, 255 → FF 000000FF, 70000 → FF 00011170", async function () {
      const peerServer = await rawServer(t);
      const client = await connectClient(t, peerServer.port, { sendType: "image", rawBytes: false });
      const peer = await peerServer.nextPeer(0);
      const sizes = [0, 254, 255, 70000];
      const payloads = sizes.map((n, i) => imageBytes(n, i + 3));
      for (const p of payloads) client.send(p);
      const expected = Buffer.concat(payloads.map((p) => frame(p)));
      await receiveBytes(peer, expected.length);
      await delay(10);
      const got = bytesOf(peer);
      expect(got.length).to.equal(expected.length);
      expect(got.subarray(0, 1).toString("hex")).to.equal("00");
      expect(got.subarray(1, 2).toString("hex")).to.equal("fe");
      expect(got.subarray(256, 261).toString("hex")).to.equal("ff000000ff");
      expect(got.subarray(516, 521).toString("hex")).to.equal("ff00011170");
      expect(got.equals(expected)).to.equal(true);
    });

    it("rawBytes true: no header at all", async function () {
      const peerServer = await rawServer(t);
      const client = await connectClient(t, peerServer.port, { sendType: "string", rawBytes: true });
      const peer = await peerServer.nextPeer(0);
      client.send("x".repeat(300));
      await receiveBytes(peer, 300);
      await delay(10);
      expect(bytesOf(peer).toString()).to.equal("x".repeat(300));
    });

    it("received unsigned types are emitted as non-negative numbers, signed ones as negative", async function () {
      const cases = [
        ["unsignedbyte", "ff80", [255, 128]],
        ["byte", "ff80", [-1, -128]],
        ["unsignedshort", "ffff8000", [65535, 32768]],
        ["short", "ffff8000", [-1, -32768]],
        ["unsignedint", "ffffffff80000000", [4294967295, 2147483648]],
        ["int", "ffffffff80000000", [-1, -2147483648]],
      ];
      for (const [type, hex, values] of cases) {
        const { port, nextSocket } = await startServer(t, { receiveType: type, rawBytes: false });
        const peer = await rawConnect(t, port);
        const socket = await nextSocket(0);
        const log = record(socket, ["data", "error"]);
        peer.write(frame(Buffer.from(hex, "hex")));
        await waitFor(() => log.of("data").length >= 1, 1500, type);
        expect(log.values()[0], type).to.deep.equal(values);
      }
    });
  });

  describe("whatever the TCP chunking", function () {
    it("rawBytes true string: multi-byte UTF-8 written one byte at a time → no U+FFFD, concatenation equal", async function () {
      const { port, nextSocket } = await startServer(t, { receiveType: "string", rawBytes: true });
      const peer = await rawConnect(t, port);
      peer.setNoDelay(true);
      const socket = await nextSocket(0);
      const log = record(socket, ["data", "error"]);
      const text = "a€𝄞é日";
      const bytes = Buffer.from(text, "utf8");
      await writeChunks(peer, bytes, Array(bytes.length).fill(1), 4);
      await waitFor(() => log.values().join("").length >= text.length, 1500, "all text");
      await delay(20);
      const chunks = log.values();
      expect(chunks.length, "the bytes should have arrived in several chunks").to.be.greaterThan(1);
      for (const c of chunks) expect(c).not.to.include("\uFFFD");
      expect(chunks.join("")).to.equal(text);
      expect(log.of("error")).to.deep.equal([]);
    });

    it("rawBytes true string: a 4-byte sequence split 1+3, 2+2, 3+1 decodes intact", async function () {
      const { port, nextSocket } = await startServer(t, { receiveType: "string", rawBytes: true });
      const peer = await rawConnect(t, port);
      peer.setNoDelay(true);
      const socket = await nextSocket(0);
      const log = record(socket, ["data", "error"]);
      const text = "x𝄞y𝄞z𝄞";
      const bytes = Buffer.from(text, "utf8"); // x F0 9D 84 9E y ... : splits 1+3, 2+2, 3+1
      await writeChunks(peer, bytes, [2, 3, 1, 3, 1, 3, 1], 10);
      await waitFor(() => log.values().join("").length >= text.length, 1500, "all text");
      await delay(20);
      for (const c of log.values()) expect(c).not.to.include("\uFFFD");
      expect(log.values().join("")).to.equal(text);
    });

    it("rawBytes true double: 8 bytes in 3 writes → exactly one element, intact", async function () {
      const { port, nextSocket } = await startServer(t, { receiveType: "double", rawBytes: true });
      const peer = await rawConnect(t, port);
      peer.setNoDelay(true);
      const socket = await nextSocket(0);
      const log = record(socket, ["data", "error"]);
      const bytes = Buffer.alloc(8);
      bytes.writeDoubleBE(-1234.5678e-9);
      await writeChunks(peer, bytes, [3, 3, 2], 15);
      await waitFor(() => log.of("data").length >= 1);
      await delay(30);
      expect(log.values()).to.deep.equal([-1234.5678e-9]);
      expect(log.of("error")).to.deep.equal([]);
    });

    it("rawBytes true int: 3 elements split 5+5+2 → 3 elements, none lost or shifted", async function () {
      const { port, nextSocket } = await startServer(t, { receiveType: "int", rawBytes: true });
      const peer = await rawConnect(t, port);
      peer.setNoDelay(true);
      const socket = await nextSocket(0);
      const log = record(socket, ["data", "error"]);
      const bytes = Buffer.alloc(12);
      bytes.writeInt32BE(-5, 0);
      bytes.writeInt32BE(0x01020304, 4);
      bytes.writeInt32BE(2147483647, 8);
      await writeChunks(peer, bytes, [5, 5, 2], 15);
      await waitFor(() => log.of("data").length >= 3);
      await delay(30);
      expect(log.values()).to.deep.equal([-5, 0x01020304, 2147483647]);
    });

    it("emitBatchDataAsAvailable: each arrival gives one array of the whole elements in it", async function () {
      const { port, nextSocket } = await startServer(t, { receiveType: "short", rawBytes: true, emitBatchDataAsAvailable: true });
      const peer = await rawConnect(t, port);
      peer.setNoDelay(true);
      const socket = await nextSocket(0);
      const log = record(socket, ["data", "error"]);
      peer.write(Buffer.from("00010002fffe0004", "hex"));
      await waitFor(() => log.of("data").length >= 1);
      await delay(30);
      peer.write(Buffer.from("7fff00", "hex")); // one element and a half
      await waitFor(() => log.of("data").length >= 2);
      await delay(30);
      peer.write(Buffer.from("05", "hex")); // completes 0x0005
      await waitFor(() => log.of("data").length >= 3);
      await delay(20);
      const values = log.values();
      for (const v of values) expect(v).to.be.an("array");
      expect(values).to.deep.equal([[1, 2, -2, 4], [32767], [5]]);
    });

    it("emitBatchDataAsAvailable module to module: arrays, whose concatenation is what was sent", async function () {
      const { client, socket } = await pair(t, { receiveType: "int", rawBytes: true, emitBatchDataAsAvailable: true }, { sendType: "int", rawBytes: true });
      const log = record(socket, ["data", "error"]);
      const sent = Array.from({ length: 100 }, (_, i) => i * 1000 - 7);
      client.send(sent);
      await waitFor(() => log.values().flat().length >= 100);
      await delay(20);
      for (const v of log.values()) expect(v).to.be.an("array");
      expect(log.values().flat()).to.deep.equal(sent);
    });

    it("rawBytes true image: chunks are ArrayBuffers whose concatenation is the bytes written", async function () {
      const { port, nextSocket } = await startServer(t, { receiveType: "image", rawBytes: true });
      const peer = await rawConnect(t, port);
      peer.setNoDelay(true);
      const socket = await nextSocket(0);
      const log = record(socket, ["data", "error"]);
      const bytes = Buffer.from(imageBytes(500, 4));
      await writeChunks(peer, bytes, [1, 99, 200], 10);
      await waitFor(() => concatBuffers(log.values()).length >= 500);
      for (const v of log.values()) expect(v).to.be.an.instanceOf(ArrayBuffer);
      expect(concatBuffers(log.values()).equals(bytes)).to.equal(true);
    });

    describe("framed messages: each emitted exactly once, whatever the chunking", function () {
      const big = "ß".repeat(200) + "€".repeat(100); // 700 bytes: a long header
      const messages = ["a", "", big, "é𝄞", "x".repeat(254), "y".repeat(255)];
      const stream = Buffer.concat(messages.map((m) => frame(Buffer.from(m, "utf8"))));

      it("all in one write", async function () {
        const { port, nextSocket } = await startServer(t, { receiveType: "string", rawBytes: false });
        const peer = await rawConnect(t, port);
        const socket = await nextSocket(0);
        const log = record(socket, ["data", "error"]);
        peer.write(stream);
        await waitFor(() => log.of("data").length >= messages.length);
        await delay(30);
        expect(log.values()).to.deep.equal(messages);
        expect(log.of("error")).to.deep.equal([]);
      });

      it("one byte at a time", async function () {
        this.timeout(5000);
        const { port, nextSocket } = await startServer(t, { receiveType: "string", rawBytes: false });
        const peer = await rawConnect(t, port);
        peer.setNoDelay(true);
        const socket = await nextSocket(0);
        const log = record(socket, ["data", "error"]);
        // a real gap only around the headers and the first few bytes keeps the test fast
        const head = stream.subarray(0, 40);
        await writeChunks(peer, head, Array(head.length).fill(1), 2);
        for (let i = 40; i < stream.length; i++) peer.write(stream.subarray(i, i + 1));
        await waitFor(() => log.of("data").length >= messages.length, 3000, "all messages");
        await delay(30);
        expect(log.values()).to.deep.equal(messages);
        expect(log.of("error")).to.deep.equal([]);
      });

      it("in random chunks (seeded), with gaps: still each exactly once", async function () {
        const { port, nextSocket } = await startServer(t, { receiveType: "string", rawBytes: false });
        const peer = await rawConnect(t, port);
        peer.setNoDelay(true);
        const socket = await nextSocket(0);
        const log = record(socket, ["data", "error"]);
        const lengths = [];
        for (let left = stream.length, x = 17; left > 0;) {
          x = (x * 75 + 74) % 65537;
          const n = Math.min(left, 1 + (x % 97));
          lengths.push(n);
          left -= n;
        }
        await writeChunks(peer, stream, lengths, 1);
        await waitFor(() => log.of("data").length >= messages.length);
        await delay(30);
        expect(log.values()).to.deep.equal(messages);
      });

      it("numeric messages (int) one byte at a time: a number, then an array", async function () {
        const { port, nextSocket } = await startServer(t, { receiveType: "int", rawBytes: false });
        const peer = await rawConnect(t, port);
        peer.setNoDelay(true);
        const socket = await nextSocket(0);
        const log = record(socket, ["data", "error"]);
        const bytes = Buffer.concat([frame(Buffer.from("fffffffe", "hex")), frame(Buffer.from("0000000100000002", "hex"))]);
        await writeChunks(peer, bytes, Array(bytes.length).fill(1), 3);
        await waitFor(() => log.of("data").length >= 2);
        await delay(30);
        expect(log.values()).to.deep.equal([-2, [1, 2]]);
      });

      it("a long frame (70000 bytes) in one write and split 1+4+rest", async function () {
        const payload = Buffer.from(imageBytes(70000, 5));
        const { port, nextSocket } = await startServer(t, { receiveType: "image", rawBytes: false });
        const peer = await rawConnect(t, port);
        peer.setNoDelay(true);
        const socket = await nextSocket(0);
        const log = record(socket, ["data", "error"]);
        const framed = frame(payload);
        peer.write(framed);
        await writeChunks(peer, framed, [1, 4, 1000], 10);
        await waitFor(() => log.of("data").length >= 2);
        await delay(30);
        expect(log.values()).to.have.length(2);
        for (const v of log.values()) expect(Buffer.from(v).equals(payload)).to.equal(true);
      });
    });
  });
});
