#!/usr/bin/env node
// The Moddable TLS client (hosts/moddable/tls.ts) in the Linux simulator against Node TLS servers
// on loopback: `node test/moddable/tls-run.js` after `npm run build`, with $MODDABLE pointing at an
// SDK with its tools built and Xvfb installed (else it prints SKIPPED and exits 0). Certificates are
// made at run time (test/tls-certs.js); the app (test/moddable/apps/tls) gets the test CA as the
// resource testca.der. Passes only with "DONE 0", at least one PASS and no FAIL.

import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { SocketServer } from "../../dist/hosts/node/index.js";
import { makeCertificates } from "../tls-certs.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const MODDABLE = process.env.MODDABLE;
const bin = MODDABLE ? join(MODDABLE, "build", "bin", "lin", "release") : "";
const skip = (why) => {
  console.log(`SKIPPED: Moddable TLS tier: ${why}`);
  process.exit(0);
};
if (!MODDABLE) skip("$MODDABLE is not set");
if (!existsSync(join(bin, "mcconfig")) || !existsSync(join(bin, "mcsim"))) skip(`no mcconfig/mcsim in ${bin}`);
const xvfb = spawnSync("sh", ["-c", "command -v Xvfb"], { encoding: "utf8" }).stdout.trim();
if (!xvfb) skip("Xvfb is not installed");

const certs = makeCertificates();
for (const [pem, der] of [["ca.pem", "testca.der"], ["ca2.pem", "otherca.der"]])
  spawnSync("openssl", ["x509", "-in", join(certs.dir, pem), "-outform", "der", "-out", join(certs.dir, der)]);
// The client certificate and its key as a device takes them (pfxKeyCertPath "client").
spawnSync("openssl", ["x509", "-in", join(certs.dir, "client.pem"), "-outform", "der", "-out", join(certs.dir, "client.cert.der")]);
spawnSync("openssl", ["pkcs8", "-topk8", "-nocrypt", "-in", join(certs.dir, "client.key"), "-outform", "der", "-out", join(certs.dir, "client.key.der")]);

function server(pfx, more = {}) {
  return new Promise((ready) => {
    const s = new SocketServer({ port: 0, hostInterface: "127.0.0.1", rawBytes: false, sendType: "json", receiveType: "json", sslTls: true, pfxKeyCertPath: pfx, pfxKeyCertPassword: certs.password, ...more });
    s.on("connection", (socket) => socket.on("data", (d) => socket.send(d)));
    s.on("error", (e) => console.log(`node server (${pfx.split("/").pop()}): ${e}`));
    s.on("listening", (port) => ready(s));
    s.start();
  });
}

const env = { ...process.env, PATH: `${join(root, "node_modules", ".bin")}:${process.env.PATH}:${bin}`, HOME: process.env.HOME ?? tmpdir(), TLS_CERTS: certs.dir };
mkdirSync(join(env.HOME, ".config"), { recursive: true });
const out = join(tmpdir(), "accessor-socket-moddable-tls");
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const good = await server(certs.server);
const bad = await server(certs.unknown);
const auth = await server(certs.server, { clientAuth: "required", trustedCACertPath: certs.ca });
let ok = false;
let x;
try {
  const started = Date.now();
  const build = spawnSync(join(bin, "mcconfig"), ["-m", "-p", "lin", "-t", "build", "-o", out, "manifest.json", `peerPort=${good.port}`, `badPort=${bad.port}`, `authPort=${auth.port}`], {
    cwd: join(root, "test", "moddable", "apps", "tls"), env, encoding: "utf8",
  });
  if (build.status !== 0) throw new Error(`build failed:\n${(build.stdout + build.stderr).split("\n").slice(-30).join("\n")}`);
  console.log(`built (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  const so = spawnSync("find", [out, "-name", "mc.so"], { encoding: "utf8" }).stdout.trim().split("\n")[0];
  const display = `:${150 + (process.pid % 50)}`;
  x = spawn(xvfb, [display, "-screen", "0", "800x600x24", "-nolisten", "tcp"], { stdio: "ignore" });
  await new Promise((r) => setTimeout(r, 1000));
  const lines = await new Promise((done) => {
    const child = spawn("stdbuf", ["-oL", join(bin, "mcsim"), so], { env: { ...env, DISPLAY: display, DBUS_SESSION_BUS_ADDRESS: "unix:path=/nonexistent" }, stdio: ["ignore", "pipe", "pipe"] });
    const seen = [];
    let rest = "";
    const finish = () => {
      clearTimeout(timer);
      child.kill("SIGTERM");
      done(seen);
    };
    const timer = setTimeout(finish, 60000);
    child.stdout.on("data", (chunk) => {
      const parts = (rest + chunk).split("\n");
      rest = parts.pop();
      for (const raw of parts) {
        const at = raw.search(/(PASS|FAIL|DONE) /); // native traces ("write failed") come without a newline
        const line = at > 0 ? raw.slice(at) : raw;
        seen.push(line);
        if (/^DONE \d+$/.test(line)) finish();
      }
    });
    child.stderr.on("data", (chunk) => String(chunk).split("\n").filter((l) => /XS abort|Error/.test(l)).forEach((l) => seen.push(l)));
    child.on("exit", finish);
  });
  const passes = lines.filter((l) => l.startsWith("PASS "));
  const fails = lines.filter((l) => l.startsWith("FAIL ") || l.includes("XS abort"));
  for (const l of [...passes, ...fails]) console.log(`  ${l}`);
  ok = lines.includes("DONE 0") && passes.length > 0 && fails.length === 0;
  if (!ok || process.env.VERBOSE) console.log(lines.join("\n"));
} finally {
  good.stop();
  bad.stop();
  auth.stop();
  x?.kill("SIGTERM");
  certs.cleanup();
}
console.log(ok ? "Moddable TLS tier: passed" : "Moddable TLS tier: FAILED");
process.exitCode = ok ? 0 : 1;
