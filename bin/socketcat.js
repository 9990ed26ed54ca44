#!/usr/bin/env node
// socketcat: a desktop peer for devices that speak the accessor "socket" protocol — netcat with
// the module's types and framing. Documentation: docs/cli.md (and `socketcat --help`).

import { readFileSync } from "node:fs";
import { SocketClient, SocketServer, supportedSendTypes } from "accessor-socket";

const EXIT_OK = 0;
const EXIT_USAGE = 1;
const EXIT_CONNECT = 2;
const EXIT_TIMEOUT = 3;

const HIGH_WATER = 256 * 1024; // bytes waiting to be written to a peer before input is paused
const MAX_UNSENT = 64 * 1024 * 1024; // room for the lines of one chunk of input above HIGH_WATER

const HELP = `socketcat — talk to an accessor socket peer (a device, Cape Code, another host)

Usage:
  socketcat connect HOST PORT [options]   connect, send stdin, print what arrives
  socketcat listen PORT [options]         accept connections, send stdin to them, print what arrives

Options:
  --framed              one length-prefixed message per line of input (rawBytes: false)
  --raw                 no framing: bytes as they come (the default, as in the module)
  --type T              both --send-type and --receive-type
  --send-type T         how input lines are sent (default string)
  --receive-type T      how received bytes are read (default string)
  --count N             exit (0) after N messages (raw: N "data" events) have arrived
  --timeout S           exit (3) if not done after S seconds
  --echo                (listen) send every message back to its sender
  --once                (listen) serve one connection, exit when it closes
  --bind ADDRESS        (listen) address to listen on (default 0.0.0.0)
  --retries N           (connect) attempts after a failed one (default 0)
  --retry-interval MS   (connect) between attempts (default 1000)
  --max-message-size B  largest framed message accepted (default 16 MiB)
  --tls                 TLS (sslTls; docs/tls.md), with:
    --ca FILE           PEM of the CAs to verify the peer against (trustedCACertPath)
    --trust-all         (connect) accept any server certificate
    --pfx FILE          PKCS#12 key and certificate of this side (a server needs one)
    --pfx-password P    its password
    --client-auth MODE  (listen) none, request or required (default none)
  -q, --quiet           no notices on stderr (listening, connected, closed)
  -h, --help            this text
  --version             the package version

Types: ${supportedSendTypes().join(", ")}.

Input, one value per line: JSON for numeric types (a number or an array: 1.5, [1,2,3]; NaN and
Infinity allowed) and for json; the text itself for string; hex (a1 b2 …) or @FILE for images.
Output, one line per message: JSON for numbers, arrays and json, the text for strings, hex for
images. Raw string and json text is written as it arrives. A status line (connections,
messages, bytes, rate) is shown on a terminal only.

Exit codes: 0 done, 1 usage error, 2 could not connect or listen, 3 timeout.

Examples:
  socketcat listen 4000 --framed --type json --echo          an echo server for a device
  socketcat connect 192.168.1.20 4000 --framed --type json   type JSON lines to a device
  echo '[1, 2.5, 3e9]' | socketcat connect 127.0.0.1 4000 --framed --send-type int --count 1
  socketcat listen 0 --framed --receive-type png --once > frames.hex
  echo @photo.jpg | socketcat connect 127.0.0.1 4000 --framed --send-type jpeg
`;

class UsageError extends Error {}

// ---------------------------------------------------------------------------------------------
// Arguments

function parseArguments(argv) {
  const o = {
    mode: undefined, host: undefined, port: undefined, framed: false, sendType: "string", receiveType: "string",
    count: 0, timeout: 0, echo: false, once: false, bind: "0.0.0.0", retries: 0, retryInterval: 1000,
    maxMessageSize: undefined, quiet: false, help: false, version: false,
    tls: false, ca: "", trustAll: false, pfx: "", pfxPassword: "", clientAuth: "none",
  };
  const positional = [];
  const types = supportedSendTypes();
  const type = (value, flag) => {
    if (!types.includes(value)) throw new UsageError(`${flag}: unknown type "${value}" (one of ${types.join(", ")})`);
    return value;
  };
  const number = (value, flag, { integer = true, min = 0 } = {}) => {
    const n = Number(value);
    if (value === undefined || value === "" || !Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min)
      throw new UsageError(`${flag} needs ${integer ? "an integer" : "a number"} ≥ ${min}, got ${value === undefined ? "nothing" : `"${value}"`}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const value = () => (eq > 0 ? arg.slice(eq + 1) : argv[++i]);
    switch (flag) {
      case "-h": case "--help": o.help = true; break;
      case "--version": o.version = true; break;
      case "--framed": o.framed = true; break;
      case "--raw": o.framed = false; break;
      case "--type": o.sendType = o.receiveType = type(value(), flag); break;
      case "--send-type": o.sendType = type(value(), flag); break;
      case "--receive-type": o.receiveType = type(value(), flag); break;
      case "--count": o.count = number(value(), flag, { min: 1 }); break;
      case "--timeout": o.timeout = number(value(), flag, { integer: false, min: 0 }); break;
      case "--echo": o.echo = true; break;
      case "--once": o.once = true; break;
      case "--bind": o.bind = value() ?? ""; break;
      case "--retries": o.retries = number(value(), flag); break;
      case "--retry-interval": o.retryInterval = number(value(), flag); break;
      case "--max-message-size": o.maxMessageSize = number(value(), flag, { min: 1 }); break;
      case "-q": case "--quiet": o.quiet = true; break;
      case "--tls": o.tls = true; break;
      case "--ca": o.ca = value() ?? ""; break;
      case "--trust-all": o.trustAll = true; break;
      case "--pfx": o.pfx = value() ?? ""; break;
      case "--pfx-password": o.pfxPassword = value() ?? ""; break;
      case "--client-auth": {
        const mode = value();
        if (mode !== "none" && mode !== "request" && mode !== "required") throw new UsageError(`--client-auth: none, request or required, got "${mode}"`);
        o.clientAuth = mode;
        break;
      }
      default:
        if (arg.startsWith("-") && arg !== "-") throw new UsageError(`unknown option ${flag}`);
        positional.push(arg);
    }
  }
  if (o.help || o.version) return o;
  const [mode, ...rest] = positional;
  const port = (value, allowZero) => {
    const n = Number(value);
    if (value === undefined || !/^\d+$/.test(value) || n > 65535 || (!allowZero && n === 0))
      throw new UsageError(`PORT must be an integer from ${allowZero ? 0 : 1} to 65535, got ${value === undefined ? "nothing" : `"${value}"`}`);
    return n;
  };
  if (mode === "connect") {
    if (rest.length !== 2) throw new UsageError("connect needs HOST and PORT");
    o.host = rest[0];
    o.port = port(rest[1], false);
  } else if (mode === "listen") {
    if (rest.length !== 1) throw new UsageError("listen needs PORT (0 picks a free one)");
    o.port = port(rest[0], true);
  } else {
    throw new UsageError(mode === undefined ? "say connect or listen" : `unknown command "${mode}"`);
  }
  if (o.mode === undefined) o.mode = mode;
  if ((o.echo || o.once) && mode !== "listen") throw new UsageError("--echo and --once are for listen");
  if (o.trustAll && mode !== "connect") throw new UsageError("--trust-all is for connect");
  if (o.clientAuth !== "none" && mode !== "listen") throw new UsageError("--client-auth is for listen");
  return o;
}

// ---------------------------------------------------------------------------------------------
// Values: input lines to send(), received data to output lines

const NUMERIC = new Set(["byte", "short", "int", "float", "double", "number", "unsignedbyte", "unsignedshort", "unsignedint"]);
const IMAGE = new Set(["image", "bmp", "gif", "jpeg", "jpg", "png", "wbmp"]);

function kindOf(type) {
  if (NUMERIC.has(type)) return "number";
  if (IMAGE.has(type)) return "image";
  return type; // "string", "json"
}

/** The value to send for one line of input; throws an Error saying what is wrong with it. */
function parseLine(line, type, framed) {
  switch (kindOf(type)) {
    case "string":
      return framed ? line : `${line}\n`; // a raw stream keeps its line ends, as netcat does
    case "json":
      return JSON.parse(line);
    case "number": {
      // JSON, plus the bare words NaN, Infinity and -Infinity (marked, then turned into numbers).
      const marked = line.replace(/-?Infinity|NaN/g, (word) => `"\\u0001${word}"`);
      const value = JSON.parse(marked, (_key, v) => (typeof v === "string" && v[0] === "\u0001" ? Number(v.slice(1)) : v));
      const ok = typeof value === "number" || (Array.isArray(value) && value.every((x) => typeof x === "number"));
      if (!ok) throw new Error(`a number or an array of numbers is needed for ${type}`);
      return value;
    }
    default: {
      const text = line.trim();
      if (text.startsWith("@")) return new Uint8Array(readFileSync(text.slice(1)));
      const hex = text.replace(/^0x/i, "").replace(/[\s:]/g, "");
      if (hex.length % 2 !== 0 || /[^0-9a-f]/i.test(hex)) throw new Error("hex bytes (a1 b2 …) or @FILE are needed for images");
      return new Uint8Array(hex.length / 2).map((_, i) => parseInt(hex.slice(2 * i, 2 * i + 2), 16));
    }
  }
}

function formatNumber(x) {
  return Number.isFinite(x) ? JSON.stringify(x) : String(x); // NaN, Infinity, -Infinity as words
}

/** The text printed for a received value: JSON for json (whose raw text chunks are printed as they are). */
function formatData(data, type, framed) {
  if (typeof data === "string") return kindOf(type) === "json" && framed ? JSON.stringify(data) : data;
  if (typeof data === "number") return formatNumber(data);
  if (Array.isArray(data) && data.every((x) => typeof x === "number")) return `[${data.map(formatNumber).join(",")}]`;
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString("hex");
  return JSON.stringify(data);
}

/** Payload bytes of a value, for the status line (what the codec puts on the wire, without headers). */
function sizeOf(data, type) {
  if (typeof data === "string") return Buffer.byteLength(data);
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return data.byteLength;
  if (kindOf(type) === "number") {
    const size = { byte: 1, unsignedbyte: 1, short: 2, unsignedshort: 2, int: 4, unsignedint: 4, float: 4 }[type] ?? 8;
    return size * (typeof data === "number" ? 1 : data.length);
  }
  try {
    return Buffer.byteLength(JSON.stringify(data) ?? "");
  } catch {
    return 0;
  }
}

// ---------------------------------------------------------------------------------------------
// The session

function run(o) {
  const stats = { connections: 0, received: 0, receivedBytes: 0, sent: 0, sentBytes: 0, window: [] };
  const interactive = Boolean(process.stderr.isTTY);
  const peers = new Set(); // open SocketClient or Sockets, where input lines go
  const rawText = !o.framed && (kindOf(o.receiveType) === "string" || kindOf(o.receiveType) === "json");
  let statusShown = false;
  let finished = false;
  let server;
  let client;

  const clearStatus = () => {
    if (statusShown) process.stderr.write("\r\x1b[K");
    statusShown = false;
  };
  const notice = (text) => {
    if (o.quiet) return;
    clearStatus();
    process.stderr.write(`socketcat: ${text}\n`);
  };
  const problem = (text) => {
    clearStatus();
    process.stderr.write(`socketcat: ${text}\n`);
  };
  const drawStatus = () => {
    const now = Date.now();
    stats.window = stats.window.filter((t) => now - t < 1000);
    const line = `${stats.connections} connection${stats.connections === 1 ? "" : "s"} · ` +
      `in ${stats.received} msg ${bytes(stats.receivedBytes)} · out ${stats.sent} msg ${bytes(stats.sentBytes)} · ${stats.window.length} msg/s`;
    process.stderr.write(`\r\x1b[K${line}`);
    statusShown = true;
  };
  const statusTimer = interactive ? setInterval(drawStatus, 250) : undefined;

  const finish = (code) => {
    if (finished) return;
    finished = true;
    clearInterval(statusTimer);
    clearTimeout(timeoutTimer);
    clearStatus();
    process.stdin.pause();
    process.exitCode = code;
    for (const peer of peers) peer.close();
    server?.stop();
    process.stdout.write("", () => process.exit(code));
  };
  const timeoutTimer = o.timeout > 0
    ? setTimeout(() => {
      problem(`timed out after ${o.timeout} s${o.count ? ` (${stats.received} of ${o.count} messages)` : ""}`);
      finish(EXIT_TIMEOUT);
    }, o.timeout * 1000)
    : undefined;

  const received = (peer, data) => {
    stats.received++;
    stats.receivedBytes += sizeOf(data, o.receiveType);
    stats.window.push(Date.now());
    clearStatus();
    const text = formatData(data, o.receiveType, o.framed);
    process.stdout.write(rawText && typeof data === "string" ? text : `${text}\n`);
    if (o.echo) send(peer, data);
    if (o.count && stats.received >= o.count) finish(EXIT_OK);
  };
  const send = (peer, value) => {
    if (peer.send(value) !== false) {
      stats.sent++;
      stats.sentBytes += sizeOf(value, o.sendType);
    }
  };
  const reportError = (who) => (message, code) => problem(`${who}${message}${code ? ` [${code}]` : ""}`);

  // Input: one value per line, to every open peer; read only once there is one.
  let lineNumber = 0;
  let pending = "";
  let inputEnded = false;
  const onLine = (line) => {
    lineNumber++;
    if (line.endsWith("\r")) line = line.slice(0, -1);
    if (line === "" && kindOf(o.sendType) !== "string") return;
    let value;
    try {
      value = parseLine(line, o.sendType, o.framed);
    } catch (e) {
      problem(`input line ${lineNumber}: ${e.message}`);
      return;
    }
    for (const peer of peers) send(peer, value);
  };
  // Backpressure: lines are taken from stdin only while no peer has more than HIGH_WATER bytes
  // waiting to be written; "drain" takes up the rest. So a large input is sent whole, never
  // refused for a full queue, and never buffered whole in memory.
  let reading = false;
  let stdinEnded = false;
  let paused = false;
  const congested = () => {
    for (const peer of peers) if (peer.bufferedAmount > HIGH_WATER) return true;
    return false;
  };
  const pump = () => {
    if (!reading || inputEnded || finished) return;
    let at;
    while (!congested() && (at = pending.indexOf("\n")) >= 0) {
      const line = pending.slice(0, at);
      pending = pending.slice(at + 1);
      onLine(line);
    }
    if (congested()) {
      if (!paused && !stdinEnded) process.stdin.pause();
      paused = true;
      return;
    }
    if (paused && !stdinEnded) process.stdin.resume();
    paused = false;
    if (!stdinEnded) return;
    if (pending !== "") onLine(pending);
    pending = "";
    inputEnded = true;
    // A client whose input is over closes (after writing what is queued), unless it waits for
    // --count messages; a server keeps serving.
    if (client && !o.count) client.close();
  };
  const startInput = () => {
    if (reading) return;
    reading = true;
    process.stdin.setEncoding("utf8");
    process.stdin.on("data", (chunk) => {
      pending += chunk;
      pump();
    });
    process.stdin.on("end", () => {
      stdinEnded = true;
      pump();
    });
  };

  const common = {
    rawBytes: !o.framed, sendType: o.sendType, receiveType: o.receiveType, maxMessageSize: o.maxMessageSize,
    maxUnsentMessages: 0, maxUnsentBytes: MAX_UNSENT, // bounded by HIGH_WATER instead (see pump)
    sslTls: o.tls, trustedCACertPath: o.ca, pfxKeyCertPath: o.pfx, pfxKeyCertPassword: o.pfxPassword,
  };

  if (o.mode === "connect") {
    let opened = false;
    client = new SocketClient(o.port, o.host, { ...common, reconnectAttempts: o.retries, reconnectInterval: o.retryInterval, trustAll: o.trustAll });
    client.on("open", () => {
      opened = true;
      stats.connections = 1;
      peers.add(client);
      notice(`connected to ${o.host}:${o.port}`);
      startInput();
    });
    client.on("data", (data) => received(client, data));
    client.on("drain", pump);
    client.on("error", (message, code) => {
      if (!opened && (code === "ECONNECT" || code === "ETLS")) {
        problem(message);
        finish(EXIT_CONNECT);
        return;
      }
      reportError("")(message, code);
    });
    client.on("close", () => {
      stats.connections = 0;
      peers.delete(client);
      notice(`closed${inputEnded ? "" : " by the peer"}`);
      finish(EXIT_OK);
    });
    client.open();
  } else {
    let served = 0;
    server = new SocketServer({ ...common, port: o.port, hostInterface: o.bind, clientAuth: o.clientAuth });
    let listening = false;
    server.on("listening", (port) => {
      listening = true;
      notice(`listening on ${o.bind}:${port}`);
    });
    server.on("error", (message, code) => {
      if (!listening) {
        problem(message);
        finish(EXIT_CONNECT);
        return;
      }
      reportError("")(message, code);
    });
    server.on("connection", (socket) => {
      if (o.once && served > 0) {
        socket.close();
        return;
      }
      served++;
      const who = `${socket.remoteHost()}:${socket.remotePort()}`;
      stats.connections++;
      peers.add(socket);
      notice(`${who} connected`);
      socket.on("data", (data) => received(socket, data));
      socket.on("drain", pump);
      socket.on("error", reportError(`${who}: `));
      socket.on("close", () => {
        stats.connections--;
        peers.delete(socket);
        pump(); // it may have been the congested one
        notice(`${who} closed`);
        if (o.once) finish(EXIT_OK);
      });
      startInput();
    });
    server.start();
  }

  process.on("SIGINT", () => finish(EXIT_OK));
  process.on("SIGTERM", () => finish(EXIT_OK));
}

function bytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

// ---------------------------------------------------------------------------------------------

let options;
try {
  options = parseArguments(process.argv.slice(2));
} catch (e) {
  if (!(e instanceof UsageError)) throw e;
  process.stderr.write(`socketcat: ${e.message}\nTry socketcat --help\n`);
  process.exit(EXIT_USAGE);
}
if (options.help) {
  process.stdout.write(HELP);
} else if (options.version) {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  process.stdout.write(`${pkg.version}\n`);
} else {
  run(options);
}
