#!/usr/bin/env node
// The Moddable test tier (`npm run test:moddable`): builds the apps under test/moddable/apps with
// the SDK's mcconfig for the Linux simulator, runs each in mcsim under Xvfb, and decides from what
// the app prints with trace(): "PASS <name>" / "FAIL <name>: why" lines, then "DONE <failures>".
// A run passes only with DONE 0, at least one PASS and no FAIL — never on mcsim's exit status.
// The example apps (examples/moddable) are built too, and run against the Node peer.
// Without an SDK ($MODDABLE with built tools) or Xvfb it prints "SKIPPED: ..." and exits 0.

import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { SocketClient, SocketServer } from "../../dist/hosts/node/index.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const MODDABLE = process.env.MODDABLE;
const bin = MODDABLE ? join(MODDABLE, "build", "bin", "lin", "release") : "";
const mcconfig = join(bin, "mcconfig");
const mcsim = join(bin, "mcsim");

function skip(why) {
  console.log(`SKIPPED: Moddable simulator tier: ${why}`);
  process.exit(0);
}
if (process.platform !== "linux") skip(`runs on Linux only (this is ${process.platform})`);
if (!MODDABLE) skip("$MODDABLE is not set (point it at a Moddable SDK with its tools built)");
if (!existsSync(mcconfig) || !existsSync(mcsim))
  skip(`no mcconfig/mcsim in ${bin} (build the SDK tools: cd $MODDABLE/build/makefiles/lin && make)`);
const xvfb = spawnSync("sh", ["-c", "command -v Xvfb"], { encoding: "utf8" }).stdout.trim();
if (!xvfb) skip("Xvfb is not installed (apt-get install xvfb)");

const out = join(tmpdir(), "accessor-socket-moddable");
const env = {
  ...process.env,
  PATH: `${join(root, "node_modules", ".bin")}:${process.env.PATH}:${bin}`, // tsc ≥ 6 first, then the SDK tools
  HOME: process.env.HOME ?? tmpdir(),
};
mkdirSync(join(env.HOME, ".config"), { recursive: true }); // GTK wants it

const FRAMED_JSON = { rawBytes: false, receiveType: "json", sendType: "json" };

function build(name, dir, manifest, config = []) {
  const dest = join(out, name);
  mkdirSync(dest, { recursive: true });
  const started = Date.now();
  const r = spawnSync(mcconfig, ["-m", "-p", "lin", "-t", "build", "-o", dest, manifest, ...config], {
    cwd: dir,
    env,
    encoding: "utf8",
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (r.status !== 0) {
    console.log(`FAIL build ${name} (${seconds} s):\n${(r.stdout + r.stderr).split("\n").slice(-25).join("\n")}`);
    return undefined;
  }
  const app = spawnSync("find", [dest, "-name", "mc.so", "-path", `*/${dir.split("/").pop()}/*`], { encoding: "utf8" })
    .stdout.trim()
    .split("\n")[0];
  console.log(`built ${name} (${seconds} s)`);
  return app || undefined;
}

// Runs mcsim on `so` until `done(lines)` says so or `ms` pass; `onLine` sees every stdout line.
function simulate(so, display, ms, onLine) {
  return new Promise((resolveRun) => {
    const child = spawn("stdbuf", ["-oL", mcsim, so], {
      env: { ...env, DISPLAY: display, DBUS_SESSION_BUS_ADDRESS: "unix:path=/nonexistent" }, // no session bus: simulators don't merge
      stdio: ["ignore", "pipe", "pipe"],
    });
    const lines = [];
    let rest = "";
    let finished = false;
    const finish = (reason) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      child.kill("SIGTERM");
      resolveRun({ lines, reason });
    };
    const timer = setTimeout(() => finish("timeout"), ms);
    child.stdout.on("data", (chunk) => {
      rest += chunk;
      const parts = rest.split("\n");
      rest = parts.pop();
      for (const line of parts) {
        lines.push(line);
        if (onLine(line, finish) === true) finish("done");
      }
    });
    child.stderr.on("data", (chunk) => {
      for (const line of String(chunk).split("\n")) if (/XS abort|Error/.test(line)) lines.push(line);
    });
    child.on("exit", () => finish("exited"));
  });
}

// PASS/FAIL/DONE lines → verdict.
async function runChecks(name, so, display, extra = () => {}) {
  const { lines, reason } = await simulate(so, display, 40000, (line, finish) => {
    extra(line, finish);
    return /^DONE \d+$/.test(line);
  });
  const passes = lines.filter((l) => l.startsWith("PASS "));
  const fails = lines.filter((l) => l.startsWith("FAIL ") || l.includes("XS abort"));
  const done = lines.find((l) => /^DONE \d+$/.test(l));
  for (const l of [...passes, ...fails]) console.log(`  ${name}: ${l}`);
  const ok = done === "DONE 0" && passes.length > 0 && fails.length === 0;
  console.log(`${ok ? "ok" : "NOT OK"} ${name}: ${passes.length} passed, ${fails.length} failed${done ? "" : `, no DONE line (${reason})`}`);
  return ok;
}

function nodeEchoServer() {
  return new Promise((ready) => {
    const server = new SocketServer({ ...FRAMED_JSON, port: 0 });
    server.on("connection", (socket) => socket.on("data", (d) => socket.send(d)));
    server.on("listening", (port) => ready({ server, port }));
    server.start();
  });
}

// The Node peer as a client of a simulator server: framed json, expects the echo, then closes.
function nodeClient(port, messages) {
  return new Promise((done) => {
    const client = new SocketClient(port, "127.0.0.1", { ...FRAMED_JSON, reconnectAttempts: 5, reconnectInterval: 200 });
    const got = [];
    client.on("open", () => messages.forEach((m) => client.send(m)));
    client.on("data", (d) => {
      got.push(d);
      if (got.length === messages.length) client.close();
    });
    client.on("error", (m) => done({ ok: false, why: m }));
    client.on("close", () => done({ ok: JSON.stringify(got) === JSON.stringify(messages), why: JSON.stringify(got) }));
    client.open();
  });
}

async function main() {
  rmSync(out, { recursive: true, force: true });
  const display = `:${90 + (process.pid % 100)}`;
  const x = spawn(xvfb, [display, "-screen", "0", "800x600x24", "-nolisten", "tcp"], { stdio: "ignore" });
  await new Promise((r) => setTimeout(r, 1000));
  const results = [];
  const peer = await nodeEchoServer();
  try {
    const apps = join(root, "test", "moddable", "apps");
    // The name clash: our "socket" and the legacy users, both include orders.
    for (const order of ["a", "b"]) {
      const so = build(`coexist-${order}`, join(apps, "coexist"), `manifest_${order}.json`);
      results.push(so ? await runChecks(`coexist (manifest_${order}.json)`, so, display) : false);
    }
    // Scenarios inside the simulator + with the Node peer both ways.
    const so = build("scenarios", join(apps, "scenarios"), "manifest.json", [`peerPort=${peer.port}`]);
    if (so) {
      let client;
      const ok = await runChecks("scenarios", so, display, (line) => {
        const m = /^LISTENING (\d+)$/.exec(line);
        if (m) client = nodeClient(Number(m[1]), [{ from: "node" }, [1.5, 2], "text"]);
      });
      const c = client ? await client : { ok: false, why: "the app never printed LISTENING" };
      console.log(`${c.ok ? "ok" : "NOT OK"} scenarios: Node client ↔ simulator server framed json${c.ok ? "" : `: ${c.why}`}`);
      results.push(ok, c.ok);
    } else results.push(false);
    // The examples: build, then echo-client against the Node peer.
    const server = build("echo-server", join(root, "examples", "moddable", "echo-server"), "manifest.json");
    results.push(Boolean(server));
    const client = build("echo-client", join(root, "examples", "moddable", "echo-client"), "manifest.json", [
      "host=127.0.0.1",
      `port=${peer.port}`,
    ]);
    if (client) {
      const { lines } = await simulate(client, display, 20000, (line) => line.startsWith("echo-client: closed"));
      const ok = lines.includes("echo-client: closed after 4 echoes");
      console.log(`${ok ? "ok" : "NOT OK"} example echo-client ↔ Node peer${ok ? "" : `:\n  ${lines.join("\n  ")}`}`);
      results.push(ok);
    } else results.push(false);
  } finally {
    peer.server.stop();
    x.kill("SIGTERM");
  }
  const failed = results.filter((r) => !r).length;
  console.log(failed ? `Moddable tier: ${failed} of ${results.length} FAILED` : `Moddable tier: all ${results.length} passed`);
  process.exitCode = failed ? 1 : 0;
}

main();
