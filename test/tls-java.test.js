// TLS interop with a Java peer (javax.net.ssl, test/java/TlsPeer.java): Java's SSLSocket as the
// client of our TLS SocketServer (clientAuth "required": Java presents a client certificate), and
// Java's SSLServerSocket (needClientAuth) as the server for our TLS SocketClient. Both sides verify
// the other against the test CA (made at test time, test/tls-certs.js); Java also checks the host
// name. Java reports the exact frames it read and echoes them; we check both.
//
// Needs a JDK (javac, java; 17 or later) and openssl. Without them the suite is pending locally
// and fails in CI (.ci/run installs both).

import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { runJavaPeer } from "./java/peer.js";
import { SocketClient, SocketServer } from "../dist/hosts/node/index.js";
import { makeCertificates, opensslMissing } from "./tls-certs.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const SOURCE = join(HERE, "java", "TlsPeer.java");
const DEADLINE = 15000;
const IN_CI = !!process.env.CI && process.env.CI !== "false";

const LONG_TEXT = "a".repeat(298) + "é"; // 300 bytes: the long frame header
const CASES = {
  int: {
    send: [[1, -2, 2147483647], 3e9],
    hex: ["0c00000001fffffffe7fffffff", "047fffffff"],
    echo: [[1, -2, 2147483647], 2147483647],
  },
  double: {
    send: [[Math.PI, -0]],
    hex: ["10400921fb54442d188000000000000000"],
    echo: [[Math.PI, -0]],
  },
  string: {
    send: ["héllo €", LONG_TEXT],
    hex: ["0a68c3a96c6c6f20e282ac", "ff0000012c" + "61".repeat(298) + "c3a9"],
    echo: ["héllo €", LONG_TEXT],
  },
  json: {
    send: [{ a: 1, s: "é" }],
    hex: ["10" + Buffer.from('{"a":1,"s":"é"}').toString("hex")], // 16 bytes of UTF-8
    echo: [{ a: 1, s: "é" }],
  },
  image: {
    send: [Uint8Array.of(0x89, 0x50, 0x4e, 0x47)],
    hex: ["0489504e47"],
    echo: [Uint8Array.of(0x89, 0x50, 0x4e, 0x47).buffer],
  },
};

const exact = (v) => (v instanceof ArrayBuffer ? ["ArrayBuffer", Buffer.from(v).toString("hex")]
  : Array.isArray(v) ? v.map(exact) : typeof v === "number" ? (Object.is(v, -0) ? "-0" : v) : v);

let classDir;
let certs;

const runJava = (args) => runJavaPeer(classDir, "TlsPeer", args);

const describePeer = (peer) => `Java peer output:\n${peer.lines.map((l) => "  " + JSON.stringify(l)).join("\n")}` + (peer.stderr ? `\nJava stderr:\n${peer.stderr}` : "");

/** Our connection sends `send`, collects the echoes, and closes once it has `want` of them. */
function talk(conn, send, want, ours) {
  return new Promise((resolve) => {
    conn.on("data", (value) => {
      ours.data.push(value);
      if (ours.data.length === want) conn.close();
    });
    conn.on("error", (e) => ours.errors.push(String(e)));
    conn.on("close", resolve);
    for (const value of send) conn.send(value);
  });
}

async function exchange(role, type) {
  const { send, echo } = CASES[type];
  const options = { rawBytes: false, sendType: type, receiveType: type, sslTls: true, trustedCACertPath: certs.ca };
  const ours = { data: [], errors: [] };
  let peer;
  let server;
  let timer;
  const deadline = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no result within ${DEADLINE} ms`)), DEADLINE)));
  try {
    const work = (async () => {
      let closed;
      if (role === "java-client") {
        server = new SocketServer({ port: 0, hostInterface: "127.0.0.1", pfxKeyCertPath: certs.server, pfxKeyCertPassword: certs.password, clientAuth: "required", ...options });
        server.on("error", (e) => ours.errors.push(`server: ${e}`));
        closed = new Promise((resolve) => server.on("connection", (socket) => talk(socket, send, echo.length, ours).then(resolve)));
        const port = await new Promise((resolve) => {
          server.on("listening", resolve);
          server.start();
        });
        peer = runJava(["client", String(port), String(send.length), certs.dir, certs.password]);
      } else {
        peer = runJava(["server", "0", String(send.length), certs.dir, certs.password]);
        const port = await Promise.race([peer.listening, peer.exited.then(() => { throw new Error("Java peer exited before listening"); })]);
        const client = new SocketClient(port, "127.0.0.1", { reconnectAttempts: 0, pfxKeyCertPath: certs.client, pfxKeyCertPassword: certs.password, ...options });
        closed = new Promise((resolve) => client.on("open", () => talk(client, send, echo.length, ours).then(resolve)));
        client.on("error", (e) => {
          ours.errors.push(String(e));
          closed = Promise.resolve();
        });
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

describe("TLS interop with a Java SSLSocket / SSLServerSocket peer", function () {
  this.timeout(DEADLINE + 5000);

  before(function () {
    this.timeout(120000);
    const missing = ["javac", "java"].filter((tool) => {
      const probe = spawnSync(tool, ["-version"], { encoding: "utf8", timeout: 30000 });
      return probe.error !== undefined || probe.status !== 0;
    });
    const why = missing.length > 0 ? `Java is missing: ${missing.join(" and ")} not found on PATH (a JDK 17+ is needed)` : opensslMissing();
    if (why) {
      if (IN_CI) throw new Error(`${why}. CI must provide it (.ci/run installs default-jdk-headless and openssl).`);
      console.warn(`    SKIPPED — ${why}; the Java TLS interop tests need it.`);
      this.skip();
    }
    classDir = mkdtempSync(join(tmpdir(), "tls-java-"));
    const javac = spawnSync("javac", ["--release", "17", "-Xlint:all", "-Werror", "-d", classDir, SOURCE], { encoding: "utf8", timeout: 110000 });
    if (javac.status !== 0) throw new Error(`javac failed (${javac.error ?? `status ${javac.status}`}):\n${javac.stderr}${javac.stdout}`);
    certs = makeCertificates();
  });

  after(function () {
    if (classDir) rmSync(classDir, { recursive: true, force: true });
    certs?.cleanup();
  });

  it("Java refuses our server's expired certificate: our SocketServer says Java rejected it", async function () {
    const server = new SocketServer({ port: 0, hostInterface: "127.0.0.1", sslTls: true, pfxKeyCertPath: certs.expired, pfxKeyCertPassword: certs.password });
    const errors = [];
    const connections = [];
    server.on("error", (e) => errors.push(String(e)));
    server.on("connection", (socket) => connections.push(socket));
    try {
      const port = await new Promise((resolve) => {
        server.on("listening", resolve);
        server.start();
      });
      const peer = runJava(["client", String(port), "1", certs.dir, certs.password]);
      const exit = await peer.exited;
      expect(exit.code, describePeer(peer)).to.equal(1);
      expect(peer.lines.find((l) => l.event === "failure")?.message, describePeer(peer)).to.match(/SSLHandshakeException.*(expired|validity)/i);
      const end = Date.now() + 3000;
      while (errors.length === 0 && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(errors).to.have.length(1);
      expect(errors[0]).to.match(/^SocketServer could not accept a connection: TLS handshake with 127\.0\.0\.1:\d+ failed: the client rejected our certificate: (expired certificate|certificate unknown|bad certificate) \(TLS alert [a-z ]+\)$/);
      expect(connections).to.have.length(0);
    } finally {
      server.stop();
    }
  });

  for (const [role, title] of [
    ["java-client", "Java's SSLSocket (with a client certificate) → our SocketServer (clientAuth \"required\")"],
    ["java-server", "our SocketClient (with a client certificate) → Java's SSLServerSocket (needClientAuth)"],
  ]) {
    describe(title, function () {
      for (const type of Object.keys(CASES)) {
        it(`${type}: Java reads exactly our frames over TLS, we decode its echo exactly`, async function () {
          const { peer, exit, ours } = await exchange(role, type);
          expect(ours.errors, `errors on our side\n${describePeer(peer)}`).to.deep.equal([]);
          expect(exit, `the Java peer failed\n${describePeer(peer)}`).to.deep.equal({ code: 0, signal: null });
          const handshake = peer.lines.find((l) => l.event === "handshake");
          expect(handshake?.peer, "whom Java authenticated").to.equal(role === "java-client" ? "CN=127.0.0.1" : "CN=accessor-socket test client");
          expect(handshake?.protocol).to.match(/^TLSv1\.[23]$/);
          expect(peer.lines.filter((l) => l.event === "frame").map((l) => l.hex), "our frames, as Java read them").to.deep.equal(CASES[type].hex);
          expect(peer.lines.find((l) => l.event === "eof")?.extraBytes).to.equal(0);
          expect(exact(ours.data), "what we decoded from Java's echo").to.deep.equal(exact(CASES[type].echo));
        });
      }
    });
  }
});
