// Data types and framing over the network: every type with rawBytes false and true,
// framed messages split at every byte boundary, random chunking.

import { concat, digest, frame, hex, startServer, utf8 } from "./util.js";

const SAMPLES = {
  byte: [[1, -2, 127, -128], 128, -128],
  short: [[1, -2, 32767], 70000, 4464],
  int: [[1, -2, 3e9], 2147483647, 2147483647],
  float: [[1.5, -0.25], 0.1, 0.10000000149011612],
  double: [[Math.PI, -1e300], 0.1, 0.1],
  number: [[2.5, 7], -0, "-0"], // -0 kept (a result records it as "-0": JSON would lose it)
  unsignedbyte: [[255, 1], -1, 255],
  unsignedshort: [[65535, 2], 65536, 0],
  string: ["héllo wörld ✓ 𝄞", "x", "x"],
  json: [{ a: [1, "two", null], b: { c: true } }, [1], [1]],
  image: [null, null, null],
};

function imageBytes() {
  return new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
}

/** Runs `step(next)` for each item, one after another, then `done()`. */
function each(items, step, done) {
  let i = 0;
  const next = () => (i < items.length ? step(items[i++], next) : done());
  next();
}

function roundTrip(env, type, rawBytes, value, onValues) {
  const got = [];
  const server = startServer(env, { rawBytes, receiveType: type, emitBatchDataAsAvailable: false }, (socket) => {
    socket.on("data", (v) => got.push(v instanceof ArrayBuffer ? hex(new Uint8Array(v)) : Object.is(v, -0) ? "-0" : v));
    socket.on("error", (m) => env.fail(`${type}: socket error ${m}`));
    socket.on("close", () => {
      server.stop();
      onValues(got);
    });
  }, (_s, port) => {
    const client = new env.SocketClient(port, "127.0.0.1", { rawBytes, sendType: type });
    client.on("error", (m) => env.fail(`${type}: client error ${m}`));
    client.on("open", () => {
      client.send(value);
      client.close(); // flushes first
    });
    client.open();
  });
}

function typesScenario(rawBytes) {
  return {
    name: `types: every type ${rawBytes ? "raw (rawBytes true)" : "framed (rawBytes false)"}`,
    run(env) {
      const out = {};
      const types = env.supportedSendTypes().filter((t) => t in SAMPLES);
      env.eq(env.supportedSendTypes().slice().sort(), env.supportedReceiveTypes().slice().sort(), "send and receive types");
      each(types, (type, next) => {
        const [array, one, narrowed] = SAMPLES[type];
        const first = type === "image" ? imageBytes() : array;
        roundTrip(env, type, rawBytes, first, (values) => {
          let got = values;
          if ((type === "string" || type === "json") && rawBytes) got = [values.join("")]; // text chunks: any split
          if (type === "image" && rawBytes) got = [values.join("")];
          out[`${type} array`] = got;
          if (type === "image") return next();
          roundTrip(env, type, rawBytes, one, (values2) => {
            const text = (type === "string" || type === "json") && rawBytes;
            out[`${type} one`] = text ? [values2.join("")] : values2;
            if (!text) env.eq(values2[0], narrowed, `${type}: ${JSON.stringify(one)} narrowed`);
            next();
          });
        });
      }, () => env.done(out));
    },
  };
}

function splitScenario(name, chunking) {
  return {
    name,
    run(env) {
      env.net.configure(chunking === "byte" ? { chunk: [1, 1] } : { chunk: [1, 7] });
      const messages = ["", "a", "héllo", "x".repeat(254), "y".repeat(255), "z".repeat(300), "𝄞✓"];
      const wire = concat(messages.map((m) => frame(utf8(m))));
      const got = [];
      const server = startServer(env, { rawBytes: false }, (socket) => {
        socket.on("data", (text) => {
          got.push(text);
          if (got.length === messages.length) {
            env.eq(got, messages, "every message once, whole");
            server.stop();
            env.done({ count: got.length, digest: digest(utf8(got.join("|"))) });
          }
        });
        socket.on("error", (m) => env.fail(`socket error ${m}`));
      }, (_s, port) => {
        env.net.connect(port, (peer) => {
          if (chunking === "byte" && env.host === "node") { // one write per byte: every boundary
            let i = 0;
            const tick = () => {
              if (i < wire.length) peer.write(wire.subarray(i, ++i));
              if (i < wire.length) env.timer(tick, 0);
              else peer.end();
            };
            tick();
          } else {
            peer.write(wire);
            peer.end();
          }
        });
      });
    },
  };
}

// Received text: ASCII (with NUL), non-ASCII, and bytes that are not UTF-8 (a lone continuation,
// 0xFF, a 5-byte form) each decode as a WHATWG TextDecoder does (U+FFFD for
// what is invalid): the result is compared between the hosts, whose UTF-8 decoders differ. (Not
// here: an overlong form, an encoded surrogate, a sequence cut short by the end of the message,
// for which Moddable's TextDecoder writes another count of U+FFFD than WHATWG's; see docs/protocol.md.)
function decodingScenario() {
  const payloads = [
    [0x61, 0x00, 0x62], [0x68, 0xc3, 0xa9], [0xf0, 0x9d, 0x84, 0x9e], [0x80], [0x61, 0xff, 0x62], [0xef, 0xbb, 0xbf, 0x41], [0xf8, 0x88, 0x80, 0x80, 0x80], [],
  ];
  return {
    name: "strings: ASCII, NUL, non-ASCII and invalid UTF-8 decode as a TextDecoder does",
    run(env) {
      const got = [];
      const server = startServer(env, { rawBytes: false, receiveType: "string" }, (socket) => {
        socket.on("data", (text) => {
          got.push(Array.from(text, (c) => c.codePointAt(0).toString(16)).join(" "));
          if (got.length === payloads.length) {
            env.eq(got[0], "61 0 62", "ASCII with a NUL, as it is");
            env.eq(got[3], "fffd", "a lone continuation byte");
            server.stop();
            env.done({ decoded: got });
          }
        });
        socket.on("error", (m) => env.fail(`socket error ${m}`));
      }, (_s, port) => {
        env.net.connect(port, (peer) => {
          peer.write(concat(payloads.map((p) => frame(new Uint8Array(p)))));
          peer.end();
        });
      });
    },
  };
}

export const scenarios = [
  decodingScenario(),
  typesScenario(false),
  typesScenario(true),
  splitScenario("framing: split at every byte boundary", "byte"),
  { ...splitScenario("framing: random chunks of 1 to 7 bytes", "random"), hosts: ["xs"] },
];
