// Property tests (fast-check): any sequence of messages of any types, cut into any chunking,
// decodes to exactly what was sent — framed (message by message) and raw (the concatenated
// stream of elements, text or bytes). At the codec + framing level (dist/modules/socket/, driven as
// the connection reads: test/property-lib.js), and end to end over loopback through a proxy that
// re-cuts the byte stream. A failure prints fast-check's seed and path; rerun one with
// FC_SEED=<seed> (and FC_PATH=<path>). FC_RUNS scales the counts. `npm run fuzz` runs millions.

import net from "node:net";
import { expect } from "chai";
import {
  fc, aMixedStream, aTypedStream, aChunking, aWritable, checkFramedMixed, checkRaw, expectedFramed, expectedRaw, totalRaw,
  comparable,
} from "./property-lib.js";
import { SocketClient, SocketServer } from "../dist/hosts/node/index.js";

const LOOPBACK = "127.0.0.1";
const scale = Number(process.env.FC_RUNS ?? 1);
const seed = process.env.FC_SEED === undefined ? (Date.now() ^ (process.pid << 10)) | 0 : Number(process.env.FC_SEED);
const path = process.env.FC_PATH;

function params(numRuns) {
  return { numRuns: Math.max(1, Math.round(numRuns * scale)), seed, ...(path ? { path } : {}) };
}

/** fc.assert, with the seed named on failure so the run can be repeated. */
async function check(property, numRuns) {
  try {
    await fc.assert(property, params(numRuns));
  } catch (e) {
    e.message = `${e.message}\n(reproduce: FC_SEED=${seed} npx mocha test/property.test.js)`;
    throw e;
  }
}

const aSendBufferSize = fc.constantFrom(1, 7, 64, 300, 1460, 65536);

describe(`property: codec and framing under any chunking (FC_SEED=${seed})`, function () {
  this.timeout(60000);

  it("framed: a stream of messages of mixed types decodes message by message to what was sent", async function () {
    await check(fc.property(aMixedStream, fc.array(aChunking, { minLength: 1, maxLength: 4 }), aSendBufferSize, aWritable,
      (messages, chunkings, sendBufferSize, writable) => {
        checkFramedMixed(messages, chunkings, sendBufferSize, writable);
      }), 600);
  });

  it("raw: the stream of one type arrives whole (elements, text or bytes), per element or batched", async function () {
    await check(fc.property(aTypedStream, fc.array(aChunking, { minLength: 1, maxLength: 4 }), aSendBufferSize, fc.boolean(), aWritable,
      ({ type, values }, chunkings, sendBufferSize, batch, writable) => {
        checkRaw(type, values, chunkings, sendBufferSize, batch, writable);
      }), 600);
  });

  it("framed: every cut of one stream, at each single byte boundary", function () {
    const messages = [
      { type: "string", value: "héllo 👋" }, { type: "int", value: [1, -2, 3e9] }, { type: "image", value: new Uint8Array(300).fill(7) },
      { type: "json", value: { a: [1, "b", null] } }, { type: "double", value: NaN }, { type: "string", value: "" },
      { type: "unsignedshort", value: -1 }, { type: "float", value: [0.1, -0] },
    ];
    for (let cut = 1; cut <= 40; cut++)
      checkFramedMixed(messages, [{ lengths: [cut], receiveBufferSize: 1460 }, { lengths: [cut], receiveBufferSize: 1 }, { lengths: [cut], receiveBufferSize: 300 }], 16, [0, 3, 100]);
  });

});

// --- end to end ---------------------------------------------------------------------------

/** A proxy that forwards client → server cut into `lengths` (cycled), each piece its own write. */
async function rechunkingProxy(targetPort, lengths) {
  const sockets = new Set();
  const server = net.createServer({ allowHalfOpen: true }, (downstream) => {
    const upstream = net.connect({ port: targetPort, host: LOOPBACK, allowHalfOpen: true });
    sockets.add(downstream).add(upstream);
    upstream.setNoDelay(true);
    let pending = Buffer.alloc(0);
    let ended = false;
    let pumping = false;
    let k = 0;
    const pump = () => {
      if (pending.length === 0) {
        pumping = false;
        if (ended) upstream.end();
        return;
      }
      pumping = true;
      const n = Math.min(lengths[k++ % lengths.length], pending.length);
      upstream.write(pending.subarray(0, n));
      pending = pending.subarray(n);
      setImmediate(pump);
    };
    downstream.on("data", (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      if (!pumping) pump();
    });
    downstream.on("end", () => {
      ended = true;
      if (!pumping) pump();
    });
    upstream.on("data", (chunk) => downstream.write(chunk));
    upstream.on("end", () => downstream.end());
    for (const s of [downstream, upstream]) s.on("error", () => {});
  });
  await new Promise((resolve) => server.listen(0, LOOPBACK, resolve));
  return {
    port: server.address().port,
    close() {
      server.close();
      for (const s of sockets) s.destroy();
    },
  };
}

/** Sends `values` of `type` from a SocketClient through the proxy to a SocketServer; resolves with what its Socket emitted. */
async function roundTrip({ type, values }, { rawBytes, batch, lengths, receiveBufferSize, sendBufferSize }) {
  const server = new SocketServer({
    port: 0, hostInterface: LOOPBACK, rawBytes, receiveType: type, emitBatchDataAsAvailable: batch, receiveBufferSize,
  });
  const got = [];
  const errors = [];
  const closed = new Promise((resolve) => {
    server.on("connection", (socket) => {
      socket.on("data", (v) => got.push(v));
      socket.on("error", (m) => errors.push(`socket: ${m}`));
      socket.on("close", resolve);
    });
  });
  server.on("error", (m) => errors.push(`server: ${m}`));
  const listening = new Promise((resolve) => server.once("listening", resolve));
  server.start();
  const [port] = [await listening];
  const proxy = await rechunkingProxy(port, lengths);
  const client = new SocketClient(proxy.port, LOOPBACK, { rawBytes, sendType: type, reconnectAttempts: 0, sendBufferSize, maxUnsentMessages: 0 });
  client.on("error", (m) => errors.push(`client: ${m}`));
  client.on("open", () => {
    for (const v of values) client.send(v);
    client.close(); // flushes what is queued, then FIN
  });
  client.open();
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no "close" within 10 s; got ${got.length} values, errors ${errors}`)), 10000);
  });
  try {
    await Promise.race([closed, timeout]);
  } finally {
    clearTimeout(timer);
    proxy.close();
    server.stop();
  }
  return { got, errors };
}

describe(`property: end to end over loopback, through a re-chunking proxy (FC_SEED=${seed})`, function () {
  this.timeout(120000);

  const aConfig = fc.record({
    lengths: fc.oneof(fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 12 }), fc.array(fc.integer({ min: 1, max: 3000 }), { minLength: 1, maxLength: 6 })),
    receiveBufferSize: fc.constantFrom(1, 5, 64, 1460, 65536),
    sendBufferSize: fc.constantFrom(16, 1460, 65536),
    batch: fc.boolean(),
  });

  it("framed: what SocketClient.send() sent is what the server's Socket emits, in order", async function () {
    await check(fc.asyncProperty(aTypedStream, aConfig, async (stream, config) => {
      const { got, errors } = await roundTrip(stream, { ...config, rawBytes: false });
      expect(errors, "no error on either side").to.deep.equal([]);
      expect(got.map((v) => comparable(v, stream.type))).to.deep.equal(stream.values.map((v) => expectedFramed(stream.type, v)));
    }), 15);
  });

  it("framed, receiveBufferSize 1 to 4 (accepted options): a message with a long header (≥ 255 bytes) arrives", async function () {
    for (const receiveBufferSize of [1, 4]) {
      const stream = { type: "string", values: ["a", "b".repeat(300), "c"] };
      const { got, errors } = await roundTrip(stream, { rawBytes: false, batch: false, lengths: [7], receiveBufferSize, sendBufferSize: 1460 });
      expect(errors, `receiveBufferSize ${receiveBufferSize}`).to.deep.equal([]);
      expect(got).to.deep.equal(stream.values);
    }
  });

  it("raw: the concatenated stream the server's Socket emits is what was sent", async function () {
    await check(fc.asyncProperty(aTypedStream, aConfig, async (stream, config) => {
      if (process.env.FC_TRACE) console.error("raw e2e run:", fc.stringify([stream, config]).slice(0, 3000));
      const { got, errors } = await roundTrip(stream, { ...config, rawBytes: true });
      expect(errors, "no error on either side").to.deep.equal([]);
      expect(totalRaw(stream.type, got)).to.deep.equal(expectedRaw(stream.type, stream.values));
    }), 15);
  });
});
