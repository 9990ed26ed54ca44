// TLS (sslTls) on the Node host: SocketClient and SocketServer over hosts/node/tls.ts, with
// certificates made at test time (test/tls-certs.js, the openssl command). Every failure case
// checks the exact "error" text both ends see.

import net from "node:net";
import tls from "node:tls";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { SocketClient, SocketServer } from "../dist/hosts/node/index.js";
import { secure } from "../dist/hosts/node/tls.js";
import { delay, frame, LOOPBACK, once, record, Tracker, waitFor } from "./api-helpers.js";
import { makeCertificates, opensslMissing } from "./tls-certs.js";

const IN_CI = !!process.env.CI && process.env.CI !== "false";

let certs;
const tracker = new Tracker();

/** A TLS SocketServer on 127.0.0.1:0; resolves once listening. */
async function tlsServer(options = {}) {
  const server = tracker.add(new SocketServer({
    port: 0, hostInterface: LOOPBACK, sslTls: true, pfxKeyCertPath: certs.server, pfxKeyCertPassword: certs.password, ...options,
  }));
  server.log = record(server, ["listening", "connection", "error"]);
  server.sockets = [];
  server.on("connection", (socket) => {
    socket.log = record(socket, ["data", "error", "close"]);
    server.sockets.push(socket);
  });
  const listening = once(server, "listening");
  server.start();
  [server.boundPort] = await listening;
  return server;
}

/** A TLS SocketClient (no retries), not opened yet; its events are recorded in `.log`. */
let lastClient;
const lastClientEvents = () => lastClient.log.names();

function tlsClient(port, options = {}, host = LOOPBACK) {
  const client = tracker.add(new SocketClient(port, host, { reconnectAttempts: 0, sslTls: true, trustedCACertPath: certs.ca, ...options }));
  client.log = record(client, ["open", "data", "error", "close"]);
  lastClient = client;
  return client;
}

/** Opens a client and waits for its first "open" or "error": returns the event's name and argument. */
async function outcome(client, ms = 5000) {
  const settled = new Promise((resolve) => {
    client.once("open", () => resolve({ event: "open" }));
    client.once("error", (message) => resolve({ event: "error", message }));
  });
  client.open();
  return Promise.race([settled, delay(ms).then(() => ({ event: "nothing within " + ms + " ms" }))]);
}

const ERROR_PREFIX = (port) => `Failed to connect to 127.0.0.1:${port} after 1 attempt: connection failed: TLS handshake failed: `;

describe("TLS (sslTls) on the Node host", function () {
  this.timeout(10000);

  before(function () {
    this.timeout(60000);
    const missing = opensslMissing();
    if (missing) {
      if (IN_CI) throw new Error(`${missing}; CI must provide it (.ci/run installs openssl)`);
      console.warn(`    SKIPPED — ${missing}: the TLS tests make their certificates with it (apt-get install openssl)`);
      this.skip();
    }
    certs = makeCertificates();
  });

  after(() => certs?.cleanup());
  afterEach(() => tracker.cleanup());

  describe("a handshake with a trusted CA", function () {
    const CASES = {
      int: { send: [[1, -2, 2147483647], 3e9], want: [[1, -2, 2147483647], 2147483647] },
      double: { send: [[Math.PI, -0, 1e300, -Infinity]], want: [[Math.PI, -0, 1e300, -Infinity]] },
      string: { send: ["héllo €", "x".repeat(70000)], want: ["héllo €", "x".repeat(70000)] },
      json: { send: [{ a: [1, 2.5, null], s: "é" }, "hi"], want: [{ a: [1, 2.5, null], s: "é" }, "hi"] },
      image: {
        send: [Uint8Array.from({ length: 300 }, (_, i) => (i * 7) & 0xff)],
        want: [Uint8Array.from({ length: 300 }, (_, i) => (i * 7) & 0xff).buffer],
      },
    };
    const exact = (v) => (v instanceof ArrayBuffer ? ["ArrayBuffer", Buffer.from(v).toString("hex")]
      : Array.isArray(v) ? v.map(exact) : typeof v === "number" ? (Object.is(v, -0) ? "-0" : v) : v);

    for (const [type, { send, want }] of Object.entries(CASES)) {
      it(`framed ${type} messages both ways (the server echoes what it gets)`, async function () {
        const typed = { rawBytes: false, sendType: type, receiveType: type };
        const server = await tlsServer(typed);
        server.on("connection", (socket) => socket.on("data", (value) => socket.send(value)));
        const client = tlsClient(server.boundPort, typed);
        expect(await outcome(client)).to.deep.equal({ event: "open" });
        for (const value of send) client.send(value);
        await waitFor(() => client.log.values().length >= want.length, 5000, `${want.length} echoes`);
        const socket = server.sockets[0];
        expect(exact(socket.log.values()), "what the server decoded").to.deep.equal(exact(want));
        expect(exact(client.log.values()), "what the client decoded from the echo").to.deep.equal(exact(want));
        expect(client.log.of("error").concat(socket.log.of("error"), server.log.of("error"))).to.deep.equal([]);
        expect(socket.remoteHost()).to.equal("127.0.0.1");
        expect(socket.remotePort()).to.be.above(0);
        client.close();
        await once(socket, "close");
      });
    }

    it("the host name localhost (the certificate's DNS name, sent as SNI) and a PEM file with two CAs", async function () {
      let sni;
      const server = await tlsServer();
      const client = tlsClient(server.boundPort, { trustedCACertPath: certs.cas }, "localhost");
      // what SNI the server saw: a raw tls server with the same certificate
      const raw = tracker.add(tls.createServer({ pfx: readFileSync(certs.server), passphrase: certs.password }, (s) => {
        sni = s.servername;
        s.end();
      }));
      await new Promise((resolve) => raw.listen(0, LOOPBACK, resolve));
      expect(await outcome(client)).to.deep.equal({ event: "open" });
      const probe = tlsClient(raw.address().port, {}, "localhost");
      expect(await outcome(probe)).to.deep.equal({ event: "open" });
      await waitFor(() => sni !== undefined, 2000, "the SNI");
      expect(sni).to.equal("localhost");
    });

    it("ECMA-419 level: write() is \"not ready\" until the handshake is done, then the first onWritable; onError after the buffered data", async function () {
      let serverSide;
      const raw = tracker.add(tls.createServer({ pfx: readFileSync(certs.server), passphrase: certs.password }, (s) => {
        serverSide = s;
        s.on("error", () => {});
      }));
      await new Promise((resolve) => raw.listen(0, LOOPBACK, resolve));
      // In front of it, a TCP relay that takes the connection at once but starts relaying (the
      // server's side of the handshake) only 300 ms later.
      const relay = tracker.add(net.createServer((down) => {
        down.on("error", () => {});
        setTimeout(() => {
          const up = net.connect(raw.address().port, LOOPBACK);
          up.on("error", () => {});
          down.pipe(up).pipe(down);
          tracker.add(up);
          tracker.add(down);
        }, 300);
      }));
      await new Promise((resolve) => relay.listen(0, LOOPBACK, resolve));
      const { TCP } = secure({ role: "client", serverName: "127.0.0.1", trustAll: false, trustedCACertPath: certs.ca, pfxKeyCertPath: "", pfxKeyCertPassword: "", clientAuth: "none" });
      const events = [];
      const started = performance.now();
      const tcp = new TCP({
        address: LOOPBACK, port: relay.address().port,
        onWritable(count) { events.push(["writable", count, performance.now() - started >= 300]); },
        onReadable(count) { events.push(["readable", count]); },
        onError(failure) { events.push(["error", failure?.message]); },
      });
      tracker.add(() => tcp.close());
      expect(() => tcp.write(Uint8Array.of(1))).to.throw(Error, "not ready");
      expect(tcp.read()).to.equal(undefined);
      await delay(200); // TCP is connected (to the relay); the handshake is not done
      expect(events).to.deep.equal([]);
      expect(() => tcp.write(Uint8Array.of(1))).to.throw(Error, "not ready");
      await waitFor(() => events.length > 0, 3000, "onWritable");
      expect(events[0]).to.deep.equal(["writable", 65536, true]);
      expect(tcp.write(new Uint8Array(1000))).to.equal(64536);
      expect(() => tcp.write(new Uint8Array(64537))).to.throw(Error, "would block");
      await waitFor(() => serverSide !== undefined, 2000, "the server's socket");
      serverSide.end("bye!");
      const later = () => events.slice(1).filter((e) => e[0] !== "writable"); // (space coming back after the write)
      expect(events.slice(1).filter((e) => e[0] === "writable").every((e) => e[1] === 65536)).to.equal(true);
      await waitFor(() => later().length > 0, 2000, "onReadable");
      await delay(50);
      expect(later()).to.deep.equal([["readable", 4]]); // onError waits until the bytes are read
      expect(Buffer.from(tcp.read(4)).toString()).to.equal("bye!");
      await waitFor(() => later().length > 1, 2000, "onError");
      expect(later()).to.deep.equal([["readable", 4], ["error", undefined]]); // a clean close, as the plain TCP
    });
  });

  describe("the ECMA-419 Listener of the server role", function () {
    it("hands out connections once their handshake is over; a failed one throws its failure when taken over", async function () {
      const { TCP, Listener } = secure({ role: "server", serverName: "", trustAll: false, trustedCACertPath: certs.ca, pfxKeyCertPath: certs.server, pfxKeyCertPassword: certs.password, clientAuth: "required" });
      const counts = [];
      const listener = new Listener({ port: 0, address: LOOPBACK, onReadable(count) { counts.push(count); } });
      tracker.add(() => listener.close());
      expect(listener.port).to.be.above(0);
      const good = tracker.add(tls.connect({ host: LOOPBACK, port: listener.port, ca: readFileSync(certs.ca), pfx: readFileSync(certs.client), passphrase: certs.password }));
      good.on("error", () => {});
      await once(good, "secureConnect", 3000);
      good.write("hi");
      await waitFor(() => counts.length > 0, 3000, "onReadable");
      expect(counts).to.deep.equal([1]);
      const accepted = listener.read();
      expect(listener.read()).to.equal(undefined);
      const got = [];
      const first = new TCP({ from: accepted, onReadable(count) { got.push(Buffer.from(this.read(count)).toString()); } });
      expect(() => accepted.read()).to.throw(SyntaxError); // taken over
      expect(first.remoteAddress).to.equal("127.0.0.1");
      await waitFor(() => got.length > 0, 2000, "the bytes");
      expect(got).to.deep.equal(["hi"]);
      // moved again, to new callbacks: the connection goes with it
      const writable = [];
      const second = new TCP({ from: first, onWritable(count) { writable.push(count); } });
      tracker.add(() => second.close());
      await waitFor(() => writable.length > 0, 2000, "onWritable");
      expect(writable[0]).to.equal(65536);
      expect(second.write(Buffer.from("back"))).to.equal(65532);
      const [echo] = await once(good, "data", 2000);
      expect(String(echo)).to.equal("back");

      const bad = tracker.add(tls.connect({ host: LOOPBACK, port: listener.port, ca: readFileSync(certs.ca) })); // no client certificate
      bad.on("error", () => {});
      await waitFor(() => counts.length > 1, 3000, "onReadable for the failed handshake");
      const failed = listener.read();
      expect(() => new TCP({ from: failed })).to.throw(Error, /^TLS handshake with 127\.0\.0\.1:\d+ failed: client certificate required and absent: the client gave no certificate \(clientAuth "required"\)$/);
    });
  });

  describe("the server's certificate is refused", function () {
    it("by an unknown CA — unless trustAll", async function () {
      const server = await tlsServer({ pfxKeyCertPath: certs.unknown, rawBytes: false });
      const client = tlsClient(server.boundPort);
      const result = await outcome(client);
      expect(result.event).to.equal("error");
      expect(result.message).to.equal(ERROR_PREFIX(server.boundPort) +
        `unknown CA: the server's certificate is not signed by a CA of trustedCACertPath "${certs.ca}" (SELF_SIGNED_CERT_IN_CHAIN)`);
      expect(client.log.names()).to.deep.equal(["error"]); // no "open", no "close": a failed connect
      await waitFor(() => server.log.of("error").length > 0, 2000, "the server's error");
      expect(server.log.values("error")[0]).to.match(/^SocketServer could not accept a connection: TLS handshake with 127\.0\.0\.1:\d+ failed: the client closed the connection during the TLS handshake \(a client that rejects our certificate does that\)$/);
      expect(server.log.of("connection")).to.deep.equal([]);

      const trusting = tlsClient(server.boundPort, { trustAll: true, trustedCACertPath: "", rawBytes: false });
      expect(await outcome(trusting)).to.deep.equal({ event: "open" });
      trusting.send("over trustAll");
      await waitFor(() => server.sockets.length === 1 && server.sockets[0].log.values().length === 1, 2000, "a message");
      expect(server.sockets[0].log.values()).to.deep.equal(["over trustAll"]);
    });

    it("expired", async function () {
      const server = await tlsServer({ pfxKeyCertPath: certs.expired });
      const result = await outcome(tlsClient(server.boundPort));
      expect(result).to.deep.equal({ event: "error", message: ERROR_PREFIX(server.boundPort) + "expired certificate: the server's certificate has expired (CERT_HAS_EXPIRED)" });
    });

    it("for another host (IP and DNS name)", async function () {
      const server = await tlsServer({ pfxKeyCertPath: certs.wronghost });
      const byIp = await outcome(tlsClient(server.boundPort));
      expect(byIp).to.deep.equal({ event: "error", message: ERROR_PREFIX(server.boundPort) +
        `host name mismatch: the server's certificate is not for "127.0.0.1" (IP: 127.0.0.1 is not in the cert's list: 10.9.8.7)` });
      const byName = await outcome(tlsClient(server.boundPort, {}, "localhost"));
      expect(byName.event).to.equal("error");
      expect(byName.message).to.equal(`Failed to connect to localhost:${server.boundPort} after 1 attempt: connection failed: TLS handshake failed: ` +
        `host name mismatch: the server's certificate is not for "localhost" (Host: localhost. is not in the cert's altnames: DNS:other.example, IP Address:10.9.8.7)`);
    });

    it("signed only by a CA inside the client's own PKCS#12 bundle (node:tls would trust it; we do not)", async function () {
      const server = await tlsServer();
      const result = await outcome(tlsClient(server.boundPort, { trustedCACertPath: certs.ca2, pfxKeyCertPath: certs.client, pfxKeyCertPassword: certs.password }));
      expect(result).to.deep.equal({ event: "error", message: ERROR_PREFIX(server.boundPort) +
        `unknown CA: the server's certificate is not signed by a CA of trustedCACertPath "${certs.ca2}" (only by a CA inside the PKCS#12 bundle, which is not trusted)` });
    });
  });

  describe("settings that cannot work: an \"error\" with the reason, nothing opened", function () {
    it("a wrong pfxKeyCertPassword (client and server)", async function () {
      const result = await outcome(tlsClient(1, { pfxKeyCertPath: certs.client, pfxKeyCertPassword: "wrong" }));
      expect(result).to.deep.equal({ event: "error", message: `TLS (sslTls): pfxKeyCertPath "${certs.client}": wrong pfxKeyCertPassword (the PKCS#12 file cannot be opened with it)` });
      await delay(50);
      expect(lastClientEvents()).to.deep.equal(["error"]); // as a failed connect: no "close"
      const server = tracker.add(new SocketServer({ port: 0, sslTls: true, pfxKeyCertPath: certs.server, pfxKeyCertPassword: "nope" }));
      const events = record(server, ["listening", "error"]);
      server.start();
      await waitFor(() => events.length > 0, 2000, "an event");
      expect(events.map((e) => [e.event, e.args[0]])).to.deep.equal([["error", `TLS (sslTls): pfxKeyCertPath "${certs.server}": wrong pfxKeyCertPassword (the PKCS#12 file cannot be opened with it)`]]);
      expect(server.port).to.equal(0);
    });

    it("a missing file, a file that is not PEM, a server without pfxKeyCertPath, clientAuth without CAs", async function () {
      const missing = join(certs.dir, "no-such.pem");
      expect(await outcome(tlsClient(1, { trustedCACertPath: missing }))).to.deep.equal({ event: "error", message: `TLS (sslTls): cannot read trustedCACertPath "${missing}": no such file` });
      expect(await outcome(tlsClient(1, { trustedCACertPath: certs.server }))).to.deep.equal({ event: "error", message: `TLS (sslTls): trustedCACertPath "${certs.server}" holds no PEM certificate (-----BEGIN CERTIFICATE-----)` });
      expect(await outcome(tlsClient(1, { pfxKeyCertPath: missing }))).to.deep.equal({ event: "error", message: `TLS (sslTls): cannot read pfxKeyCertPath "${missing}": no such file` });
      expect(await outcome(tlsClient(1, { pfxKeyCertPath: certs.ca }))).to.deep.include({ event: "error" });
      const startAndWait = async (options) => {
        const server = tracker.add(new SocketServer({ port: 0, sslTls: true, ...options }));
        const error = once(server, "error", 2000);
        server.start();
        return (await error)[0];
      };
      expect(await startAndWait({})).to.equal("TLS (sslTls): a TLS server needs pfxKeyCertPath (a PKCS#12 file with its private key and certificate)");
      expect(await startAndWait({ pfxKeyCertPath: missing })).to.equal(`TLS (sslTls): cannot read pfxKeyCertPath "${missing}": no such file`);
      expect(await startAndWait({ pfxKeyCertPath: certs.server, pfxKeyCertPassword: certs.password, clientAuth: "required" }))
        .to.equal('TLS (sslTls): clientAuth "required" needs trustedCACertPath (the CAs that sign client certificates)');
    });
  });

  describe("client certificates (clientAuth)", function () {
    it("\"required\" and none given: \"error\" on both ends, no \"connection\"", async function () {
      const server = await tlsServer({ clientAuth: "required", trustedCACertPath: certs.ca });
      const client = tlsClient(server.boundPort, { rawBytes: false });
      client.open();
      await waitFor(() => client.log.of("error").length > 0, 5000, "the client's error");
      // TLS 1.3: the client's side of the handshake is over before the server answers, so the client may
      // have seen "open" first; its error names the cause either way.
      const clientError = client.log.values("error")[0];
      expect(clientError).to.match(/(^Failed to connect to 127\.0\.0\.1:\d+ after 1 attempt: connection failed: TLS handshake failed: |^Connection failed: TLS: )client certificate required and absent: the server requires a client certificate and none was given \(pfxKeyCertPath\)$/);
      await waitFor(() => server.log.of("error").length > 0, 2000, "the server's error");
      expect(server.log.values("error")).to.have.length(1);
      expect(server.log.values("error")[0]).to.match(/^SocketServer could not accept a connection: TLS handshake with 127\.0\.0\.1:\d+ failed: client certificate required and absent: the client gave no certificate \(clientAuth "required"\)$/);
      expect(server.log.of("connection")).to.deep.equal([]);
    });

    it("\"required\" and a client certificate signed by the CA: works both ways", async function () {
      const typed = { rawBytes: false, sendType: "json", receiveType: "json" };
      const server = await tlsServer({ clientAuth: "required", trustedCACertPath: certs.ca, ...typed });
      server.on("connection", (socket) => socket.on("data", (value) => socket.send({ echo: value })));
      const client = tlsClient(server.boundPort, { pfxKeyCertPath: certs.client, pfxKeyCertPassword: certs.password, ...typed });
      expect(await outcome(client)).to.deep.equal({ event: "open" });
      client.send({ n: 1 });
      await waitFor(() => client.log.values().length === 1, 3000, "the echo");
      expect(client.log.values()).to.deep.equal([{ echo: { n: 1 } }]);
      expect(server.log.of("error")).to.deep.equal([]);
    });

    it("\"required\" and a certificate of an unknown CA: the server says so", async function () {
      const server = await tlsServer({ clientAuth: "required", trustedCACertPath: certs.ca });
      const client = tlsClient(server.boundPort, { pfxKeyCertPath: certs.stranger, pfxKeyCertPassword: certs.password });
      client.open();
      await waitFor(() => server.log.of("error").length > 0, 5000, "the server's error");
      expect(server.log.values("error")[0]).to.match(/^SocketServer could not accept a connection: TLS handshake with 127\.0\.0\.1:\d+ failed: unknown CA: the client's certificate is not signed by a CA of trustedCACertPath ".*" \(SELF_SIGNED_CERT_IN_CHAIN\)$/);
      expect(server.log.of("connection")).to.deep.equal([]);
      await waitFor(() => client.log.of("close").length + client.log.of("error").length > 0, 3000, "the client's end");
    });

    it("\"request\": a client without a certificate is accepted, one with an untrusted certificate is not", async function () {
      const server = await tlsServer({ clientAuth: "request", trustedCACertPath: certs.ca });
      expect(await outcome(tlsClient(server.boundPort))).to.deep.equal({ event: "open" });
      await waitFor(() => server.sockets.length === 1, 2000, "the connection");
      tlsClient(server.boundPort, { pfxKeyCertPath: certs.stranger, pfxKeyCertPassword: certs.password }).open();
      await waitFor(() => server.log.of("error").length > 0, 5000, "the server's error");
      expect(server.log.values("error")[0]).to.match(/^SocketServer could not accept a connection: TLS handshake with 127\.0\.0\.1:\d+ failed: unknown CA: the client's certificate is not signed by a CA of trustedCACertPath ".*" \(SELF_SIGNED_CERT_IN_CHAIN\)$/);
      expect(server.sockets).to.have.length(1);
    });
  });

  describe("backpressure over TLS", function () {
    // A slow reader: a raw tls peer that reads nothing for a while. Our side's bufferedAmount
    // grows; then the peer reads everything, and every frame is there, whole and in order.
    const COUNT = 120;
    const SIZE = 16384;
    const message = (i) => `${String(i).padStart(5, "0")}:` + String.fromCharCode(97 + (i % 26)).repeat(SIZE - 6);
    const expected = () => Buffer.concat(Array.from({ length: COUNT }, (_, i) => frame(message(i))));

    async function slowlyRead(peer, sender) {
      peer.pause();
      for (let i = 0; i < COUNT; i++) sender.send(message(i));
      let most = sender.bufferedAmount;
      for (let i = 0; i < 20; i++) {
        await delay(10);
        most = Math.max(most, sender.bufferedAmount);
      }
      const chunks = [];
      peer.on("data", (chunk) => chunks.push(chunk));
      peer.resume();
      const want = expected();
      await waitFor(() => Buffer.concat(chunks).length >= want.length, 10000, `${want.length} bytes`);
      await waitFor(() => sender.bufferedAmount === 0, 2000, "bufferedAmount back to 0");
      return { most, got: Buffer.concat(chunks), want };
    }

    it("SocketClient → a slow TLS server", async function () {
      let peer;
      const raw = tracker.add(tls.createServer({ pfx: readFileSync(certs.server), passphrase: certs.password }, (s) => {
        peer = s;
        s.on("error", () => {});
      }));
      await new Promise((resolve) => raw.listen(0, LOOPBACK, resolve));
      const client = tlsClient(raw.address().port, { rawBytes: false, maxUnsentMessages: 0 });
      expect(await outcome(client)).to.deep.equal({ event: "open" });
      await waitFor(() => peer !== undefined, 2000, "the peer");
      const { most, got, want } = await slowlyRead(peer, client);
      expect(most, "bytes waiting while the reader reads nothing").to.be.above(COUNT * SIZE / 2);
      expect(got.length).to.equal(want.length);
      expect(got.equals(want), "every frame, whole and in order").to.equal(true);
      expect(client.log.of("error")).to.deep.equal([]);
    });

    it("a SocketServer's Socket → a slow TLS client", async function () {
      const server = await tlsServer({ rawBytes: false, maxUnsentMessages: 0 });
      const peer = tracker.add(tls.connect({ host: LOOPBACK, port: server.boundPort, ca: readFileSync(certs.ca) }));
      peer.on("error", () => {});
      await once(peer, "secureConnect", 3000);
      await waitFor(() => server.sockets.length === 1, 2000, "the connection");
      const socket = server.sockets[0];
      const { most, got, want } = await slowlyRead(peer, socket);
      expect(most).to.be.above(COUNT * SIZE / 2);
      expect(got.equals(want)).to.equal(true);
      expect(socket.log.of("error")).to.deep.equal([]);
    });
  });
});
