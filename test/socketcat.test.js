// socketcat (bin/socketcat.js) end to end: the command spawned as a process, talking to this
// package's SocketServer and SocketClient over loopback on ports the system picks.

import { spawn, spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { SocketClient, SocketServer } from "accessor-socket";
import { makeCertificates, opensslMissing, PASSWORD } from "./tls-certs.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = path.join(root, "bin/socketcat.js");

/** Runs socketcat; `input` is written to its stdin (then closed unless keepOpen). */
function socketcat(args, { input = "", keepOpen = false, limit = 15000 } = {}) {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ["pipe", "pipe", "pipe"] });
  const result = { stdout: "", stderr: "", code: undefined, child };
  child.stdout.setEncoding("utf8").on("data", (s) => (result.stdout += s));
  child.stderr.setEncoding("utf8").on("data", (s) => (result.stderr += s));
  if (input) child.stdin.write(input);
  if (!keepOpen) child.stdin.end();
  result.done = new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`socketcat ${args.join(" ")} did not exit within ${limit} ms\nstdout: ${result.stdout}\nstderr: ${result.stderr}`));
    }, limit);
    child.on("exit", (code) => {
      clearTimeout(timer);
      result.code = code;
      resolve(result);
    });
  });
  return result;
}

/** Resolves when socketcat's stderr says it listens; gives the port. */
async function listeningPort(run) {
  for (let i = 0; i < 300; i++) {
    const m = /listening on [^:\s]+:(\d+)/.exec(run.stderr);
    if (m) return Number(m[1]);
    if (run.code !== undefined) throw new Error(`socketcat exited: ${run.stderr}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`socketcat did not listen: ${run.stderr}`);
}

function startServer(options) {
  const server = new SocketServer({ port: 0, hostInterface: "127.0.0.1", ...options });
  return new Promise((resolve) => {
    server.on("listening", (port) => resolve({ server, port }));
    server.start();
  });
}

/** A port nothing listens on (bound, then released). */
function closedPort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

describe("socketcat", function () {
  this.timeout(20000);

  it("--help prints usage, options, exit codes and examples; exits 0", function () {
    const r = spawnSync(process.execPath, [bin, "--help"], { encoding: "utf8" });
    expect(r.status).to.equal(0);
    for (const word of ["socketcat connect HOST PORT", "socketcat listen PORT", "--framed", "--send-type", "--receive-type", "--count", "--timeout", "--echo", "Exit codes", "Examples"])
      expect(r.stdout).to.include(word);
  });

  it("a usage error exits 1 with a message on stderr", function () {
    for (const args of [[], ["connect", "127.0.0.1"], ["listen", "70000"], ["connect", "h", "1", "--type", "integer"], ["listen", "0", "--bogus"], ["connect", "h", "1", "--echo"]]) {
      const r = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8" });
      expect(r.status, args.join(" ")).to.equal(1);
      expect(r.stderr, args.join(" ")).to.match(/^socketcat: .+\nTry socketcat --help\n$/);
      expect(r.stdout).to.equal("");
    }
  });

  it("connect --framed: input lines are sent as the send type, messages printed as JSON lines (--count)", async function () {
    const { server, port } = await startServer({ rawBytes: false, receiveType: "int", sendType: "double" });
    const got = [];
    server.on("connection", (socket) => {
      socket.on("data", (d) => {
        got.push(d);
        if (got.length === 3) {
          socket.send([0.5, -2]);
          socket.send(NaN);
        }
      });
    });
    try {
      const run = socketcat(["connect", "127.0.0.1", String(port), "--framed", "--send-type", "int", "--receive-type", "double", "--count", "2"], {
        input: "[1.9, 3e9]\n7\n[-Infinity, NaN]\n",
        keepOpen: true,
      });
      const r = await run.done;
      expect(r.code).to.equal(0);
      expect(got).to.deep.equal([[1, 2147483647], 7, [-2147483648, 0]]);
      expect(r.stdout).to.equal("[0.5,-2]\nNaN\n");
    } finally {
      server.stop();
    }
  });

  it("listen --echo --once: a SocketClient gets its messages back; socketcat exits 0 when it closes", async function () {
    const run = socketcat(["listen", "0", "--bind", "127.0.0.1", "--framed", "--type", "json", "--echo", "--once"], { keepOpen: true });
    const port = await listeningPort(run);
    const client = new SocketClient(port, "127.0.0.1", { rawBytes: false, sendType: "json", receiveType: "json" });
    const sent = [{ hello: "device" }, [1, 2, 3], "text", 42, null];
    const echoed = [];
    await new Promise((resolve, reject) => {
      client.on("open", () => sent.forEach((v) => client.send(v)));
      client.on("data", (d) => {
        echoed.push(d);
        if (echoed.length === sent.length) client.close();
      });
      client.on("error", reject);
      client.on("close", resolve);
      client.open();
    });
    const r = await run.done;
    expect(echoed).to.deep.equal(sent);
    expect(r.code).to.equal(0);
    expect(r.stdout).to.equal('{"hello":"device"}\n[1,2,3]\n"text"\n42\nnull\n'); // framed json: one JSON line per message
  });

  it("listen: input lines go to the connected client (raw strings keep their line ends)", async function () {
    const run = socketcat(["listen", "0", "--bind", "127.0.0.1", "--once"], { keepOpen: true });
    const port = await listeningPort(run);
    let text = "";
    const client = new SocketClient(port, "127.0.0.1"); // raw strings both ways, the defaults
    await new Promise((resolve) => {
      client.on("open", () => {
        run.child.stdin.write("first line\nsecond");
        run.child.stdin.end(" line\n");
        client.send("from the client");
      });
      client.on("data", (chunk) => {
        text += chunk;
        if (text === "first line\nsecond line\n") client.close();
      });
      client.on("close", resolve);
      client.open();
    });
    const r = await run.done;
    expect(r.code).to.equal(0);
    expect(r.stdout).to.equal("from the client"); // raw text is written as it arrives
  });

  it("images: hex or @file in, hex out", async function () {
    const { server, port } = await startServer({ rawBytes: false, receiveType: "image", sendType: "image" });
    const got = [];
    server.on("connection", (socket) => {
      socket.on("data", (d) => {
        got.push(Buffer.from(d).toString("hex"));
        if (got.length === 2) socket.send(new Uint8Array([0xff, 0xd8, 0xff, 0x00]));
      });
    });
    try {
      const file = path.join(root, "LICENSE");
      const run = socketcat(["connect", "127.0.0.1", String(port), "--framed", "--type", "image", "--count", "1"], {
        input: `89 50 4e 47 0d 0a 1a 0a\n@${file}\n`,
        keepOpen: true,
      });
      const r = await run.done;
      expect(r.code).to.equal(0);
      expect(got[0]).to.equal("89504e470d0a1a0a");
      expect(Buffer.from(got[1], "hex").toString()).to.match(/^MIT License/);
      expect(r.stdout).to.equal("ffd8ff00\n");
    } finally {
      server.stop();
    }
  });

  it("a large input to a slow reader is sent whole and in order (input paused while the peer is behind)", async function () {
    // A plain TCP peer that reads nothing for 500 ms, then everything: socketcat must hold its
    // input back meanwhile rather than queue it all or refuse it (EQUEUEFULL).
    const lines = Array.from({ length: 20000 }, (_, i) => JSON.stringify({ i, pad: "x".repeat(200) })); // ~4.3 MB
    const expected = Buffer.concat(lines.map((l) => Buffer.concat([Buffer.from([Buffer.byteLength(l)]), Buffer.from(l)])));
    const chunks = [];
    const peer = net.createServer((socket) => {
      socket.pause();
      setTimeout(() => socket.resume(), 500);
      socket.on("data", (chunk) => chunks.push(chunk));
    });
    await new Promise((resolve) => peer.listen(0, "127.0.0.1", resolve));
    try {
      const r = await socketcat(["connect", "127.0.0.1", String(peer.address().port), "--framed", "--send-type", "json", "-q"], { input: `${lines.join("\n")}\n` }).done;
      expect(r.stderr).to.equal("");
      expect(r.code).to.equal(0);
      for (let i = 0; i < 100 && Buffer.concat(chunks).length < expected.length; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(Buffer.concat(chunks).equals(expected)).to.equal(true);
    } finally {
      peer.close();
    }
  });

  it("a bad input line is reported with its number and skipped", async function () {
    const { server, port } = await startServer({ rawBytes: false, receiveType: "short" });
    const got = [];
    server.on("connection", (socket) => socket.on("data", (d) => got.push(d)));
    try {
      const r = await socketcat(["connect", "127.0.0.1", String(port), "--framed", "--send-type", "short"], { input: "1\n\"two\"\n{\n3\n" }).done;
      expect(r.code).to.equal(0);
      expect(r.stderr).to.match(/input line 2: /).and.match(/input line 3: /);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(got).to.deep.equal([1, 3]);
    } finally {
      server.stop();
    }
  });

  it("exit 2 when it cannot connect, or cannot listen", async function () {
    const port = await closedPort();
    const r = await socketcat(["connect", "127.0.0.1", String(port)]).done;
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/connect/i);

    const { server, port: taken } = await startServer({});
    try {
      const l = await socketcat(["listen", String(taken), "--bind", "127.0.0.1"], { keepOpen: true }).done;
      expect(l.code).to.equal(2);
      expect(l.stderr).to.match(/listen/i);
    } finally {
      server.stop();
    }
  });

  it("exit 3 on --timeout before --count messages arrived", async function () {
    const { server, port } = await startServer({ rawBytes: false });
    try {
      const started = Date.now();
      const r = await socketcat(["connect", "127.0.0.1", String(port), "--framed", "--count", "5", "--timeout", "0.4"]).done;
      expect(r.code).to.equal(3);
      expect(r.stderr).to.match(/timed out after 0.4 s \(0 of 5 messages\)/);
      expect(Date.now() - started).to.be.below(5000);
    } finally {
      server.stop();
    }
  });

  it("piped: no status line, and with --quiet nothing at all on stderr", async function () {
    const { server, port } = await startServer({ rawBytes: false, receiveType: "json", sendType: "json" });
    server.on("connection", (socket) => socket.on("data", (d) => socket.send(d)));
    try {
      const r = await socketcat(["connect", "127.0.0.1", String(port), "--framed", "--type", "json", "--count", "1", "-q"], { input: '{"a":[1]}\n', keepOpen: true }).done;
      expect(r.code).to.equal(0);
      expect(r.stdout).to.equal('{"a":[1]}\n');
      expect(r.stderr).to.equal("");
    } finally {
      server.stop();
    }
  });

  it("--tls: connect to a TLS SocketServer verifying it against --ca; listen --tls --pfx for a TLS SocketClient", async function () {
    const missing = opensslMissing();
    if (missing) this.skip(); // certificates are made with openssl at test time
    const certs = makeCertificates();
    const { server, port } = await startServer({ sslTls: true, pfxKeyCertPath: certs.server, pfxKeyCertPassword: PASSWORD, rawBytes: false, receiveType: "json", sendType: "json" });
    server.on("connection", (socket) => socket.on("data", (d) => socket.send({ echo: d })));
    try {
      const r = await socketcat(["connect", "127.0.0.1", String(port), "--tls", "--ca", certs.ca, "--framed", "--type", "json", "--count", "1", "-q"], { input: "[1,2]\n", keepOpen: true }).done;
      expect(r.stderr).to.equal("");
      expect(r.code).to.equal(0);
      expect(r.stdout).to.equal('{"echo":[1,2]}\n');
      const refused = await socketcat(["connect", "127.0.0.1", String(port), "--tls", "--ca", certs.ca2, "--framed", "-q"]).done;
      expect(refused.code).to.equal(2); // a server its CA does not vouch for
    } finally {
      server.stop();
    }
    const run = socketcat(["listen", "0", "--bind", "127.0.0.1", "--tls", "--pfx", certs.server, "--pfx-password", PASSWORD, "--framed", "--type", "json", "--echo", "--once"], { keepOpen: true });
    const listening = await listeningPort(run);
    const client = new SocketClient(listening, "127.0.0.1", { sslTls: true, trustedCACertPath: certs.ca, rawBytes: false, receiveType: "json", sendType: "json" });
    const echoed = await new Promise((resolve, reject) => {
      client.on("open", () => client.send({ over: "tls" }));
      client.on("data", (d) => {
        client.close();
        resolve(d);
      });
      client.on("error", reject);
      client.open();
    });
    expect(echoed).to.deep.equal({ over: "tls" });
    expect((await run.done).code).to.equal(0);
    rmSync(certs.dir, { recursive: true, force: true });
  });

  it("on a terminal, a live status line on stderr (connections, messages, bytes, rate)", async function () {
    const script = spawnSync("script", ["--version"], { encoding: "utf8" });
    if (script.status !== 0) this.skip(); // util-linux's script gives the command a terminal
    const { server, port } = await startServer({ rawBytes: false, receiveType: "json", sendType: "json" });
    server.on("connection", (socket) => {
      socket.send({ n: 1 });
      setTimeout(() => socket.send({ n: 2 }), 600);
    });
    try {
      const command = `${process.execPath} ${bin} connect 127.0.0.1 ${port} --framed --type json --count 2`;
      const r = await new Promise((resolve) => {
        const child = spawn("script", ["-qec", command, "/dev/null"], { stdio: ["ignore", "pipe", "pipe"] });
        let out = "";
        child.stdout.setEncoding("utf8").on("data", (s) => (out += s));
        child.on("exit", (code) => resolve({ code, out }));
      });
      expect(r.code).to.equal(0);
      expect(r.out).to.match(/1 connection · in 1 msg \d+ B · out 0 msg 0 B · \d+ msg\/s/);
      expect(r.out).to.include('{"n":2}');
    } finally {
      server.stop();
    }
  });
});
