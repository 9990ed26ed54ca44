// A small stand-in for the Moddable test harness (testmc), enough to run the SDK's ECMA-419 socket
// conformance tests (tests/modules/io/socket/{tcp,listener}/*.js) and our own cases (cases/) on the
// Node host's TCP and Listener, on loopback only:
// - `$NETWORK.resolve(name)` gives 127.0.0.1 for any name; a connection to port 80 goes to a small
//   local HTTP responder instead (remotePort still reads 80);
// - a Listener on a fixed port (8080, 1234, ...) listens on an ephemeral port instead, and a TCP to
//   127.0.0.1 on that fixed port is sent there (port still reads the fixed one), so runs never collide;
// - assert / assert.sameValue / assert.throws (the constructor must be exactly the one named),
//   $DONE, $DO, $TESTMC (timeout, HostObject, HostObjectChunk, HostBuffer), trace,
//   String.fromArrayBuffer, ArrayBuffer.fromString, and the "timer" module (shim-timer.js).
// Each case runs in a process of its own (run-case.js); it prints one "@@RESULT <json>" line.

import net from "node:net";
import NodeTCP from "../../dist/hosts/node/tcp.js";
import NodeListener from "../../dist/hosts/node/listener.js";

const HTTP_PORT = 80;
const portMap = new Map(); // fixed port asked for → the ephemeral port really used
let httpPort = 0;

/** A local stand-in for www.example.com:80: answers one HTTP request, then closes. */
export async function startHttpResponder() {
  const server = net.createServer((socket) => {
    let request = "";
    socket.on("error", () => {});
    socket.on("data", (chunk) => {
      request += chunk.toString("latin1");
      if (!request.includes("\r\n\r\n")) return;
      const body = "<html><body>a local stand-in for an HTTP server</body></html>\n";
      socket.end(`HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  server.unref();
  httpPort = server.address().port;
}

export class TCP extends NodeTCP {
  // Listener.read() makes instances of the host's class: they are TCP instances too, as on Moddable
  static [Symbol.hasInstance](value) {
    return value instanceof NodeTCP;
  }

  constructor(options) {
    let mapped = options;
    if (options && typeof options === "object" && options.address === "127.0.0.1" && typeof options.port === "number") {
      const real = options.port === HTTP_PORT ? httpPort : portMap.get(options.port);
      if (real) mapped = { ...options, port: real };
    }
    super(mapped);
  }

  get remotePort() {
    const port = super.remotePort;
    if (port === httpPort) return HTTP_PORT;
    for (const [asked, real] of portMap) if (real === port) return asked;
    return port;
  }
}

export class Listener extends NodeListener {
  #asked = 0;

  constructor(options) {
    const fixed = options && typeof options === "object" && typeof options.port === "number" && options.port > 0 && options.port <= 65535;
    super(fixed ? { ...options, port: 0 } : options);
    if (fixed) {
      this.#asked = options.port;
      portMap.set(options.port, super.port);
    }
  }

  get port() {
    const port = super.port; // throws like the real one when closed or on a foreign receiver
    return this.#asked || port;
  }
}

let finished = false;
let keepAlive;

function report(ok, error) {
  if (finished) return;
  finished = true;
  const line = `@@RESULT ${JSON.stringify({ ok, error: error === undefined ? null : String(error?.stack ?? error) })}\n`;
  process.stdout.write(line, () => process.exit(0));
}

class Test262Error extends Error {}

function describe(value) {
  if (typeof value === "string") return JSON.stringify(value);
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

function assert(condition, message) {
  if (condition !== true) throw new Test262Error(`expected true, got ${describe(condition)}${message ? `: ${message}` : ""}`);
}
assert.sameValue = (actual, expected, message) => {
  if (!Object.is(actual, expected)) throw new Test262Error(`expected ${describe(expected)}, got ${describe(actual)}${message ? `: ${message}` : ""}`);
};
assert.notSameValue = (actual, unexpected, message) => {
  if (Object.is(actual, unexpected)) throw new Test262Error(`did not expect ${describe(actual)}${message ? `: ${message}` : ""}`);
};
assert.throws = (Expected, fn, message) => {
  let thrown = null;
  let threw = false;
  try {
    fn();
  } catch (e) {
    threw = true;
    thrown = e;
  }
  const where = message ? `: ${message}` : "";
  if (!threw) throw new Test262Error(`expected a ${Expected.name} to be thrown, nothing was${where}`);
  if (thrown === null || typeof thrown !== "object" || thrown.constructor !== Expected)
    throw new Test262Error(`expected a ${Expected.name}, got ${thrown?.constructor?.name ?? describe(thrown)} (${thrown?.message})${where}`);
};

/** Installs the harness globals. */
export function install() {
  const utf8 = new TextEncoder();
  const text = new TextDecoder();
  Object.assign(globalThis, {
    assert,
    Test262Error,
    $DONE: (error) => (error ? report(false, error) : report(true)),
    $DO: (fn) => (...args) => {
      try {
        fn(...args);
        report(true);
      } catch (e) {
        report(false, e);
      }
    },
    trace: (...parts) => {
      if (process.env.CONFORMANCE_TRACE) process.stderr.write(parts.join(""));
    },
    $NETWORK: {
      connected: Promise.resolve(),
      resolve: async () => "127.0.0.1",
    },
    $TESTMC: {
      timeout(ms) {
        clearTimeout(keepAlive);
        keepAlive = setTimeout(() => report(false, `timed out after ${ms} ms`), ms);
      },
      HostObject: class HostObject {},
      HostObjectChunk: class HostObjectChunk {},
      HostBuffer: class HostBuffer {},
    },
  });
  String.fromArrayBuffer ??= (buffer) => text.decode(new Uint8Array(buffer));
  ArrayBuffer.fromString ??= (string) => {
    const bytes = utf8.encode(string);
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  };
  Promise.withResolvers ??= function withResolvers() {
    let resolve;
    let reject;
    const promise = new this((a, b) => {
      resolve = a;
      reject = b;
    });
    return { promise, resolve, reject };
  };
  process.on("uncaughtException", (e) => report(false, `uncaught: ${e?.stack ?? e}`));
  process.on("unhandledRejection", (e) => report(false, `unhandled rejection: ${e?.stack ?? e}`));
  keepAlive = setTimeout(() => report(false, "timed out (no $TESTMC.timeout)"), 10000);
}

export { report };
