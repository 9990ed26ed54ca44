// Runs one scenario on the Node host (real loopback, real time), with the environment the XS
// harness (hosts/xs/harness.ts) gives inside XS; resolves with a result of the same shape.

import net from "node:net";
import * as api from "../../dist/hosts/node/index.js";

function makePrng(seed) {
  let state = (seed ^ 0x5bd1e995) | 0;
  return () => {
    let t = (state = (state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Failure extends Error {}

function wrap(socket, cleanup) {
  let received = 0;
  const peer = {
    write: (bytes) => socket.write(bytes.slice()),
    end: () => socket.end(),
    reset: () => socket.resetAndDestroy(),
    pause: () => socket.pause(),
    resume: () => socket.resume(),
    onData: null,
    onEnd: null,
    get received() {
      return received;
    },
    get remotePort() {
      return socket.remotePort ?? 0;
    },
  };
  socket.on("data", (d) => {
    received += d.length;
    peer.onData?.(new Uint8Array(d.buffer, d.byteOffset, d.length));
  });
  socket.on("error", () => {});
  socket.on("close", () => peer.onEnd?.());
  cleanup.push(() => socket.destroy());
  return peer;
}

export function runOnNode(scenario, seed = 1) {
  return new Promise((resolve) => {
    const log = [];
    const cleanup = [];
    const prng = makePrng(seed);
    let finished = false;
    const started = performance.now();
    const finish = (error, result = null) => {
      if (finished) return;
      finished = true;
      clearTimeout(limit);
      setTimeout(() => {
        for (const c of cleanup) c();
        resolve({ name: scenario.name, seed, ok: error === null, error, result, log });
      }, 20);
    };
    const fail = (message) => {
      finish(message);
      throw new Failure(message);
    };
    const limit = setTimeout(() => finish(`did not finish within ${scenario.nodeTimeout ?? 10000} ms`), scenario.nodeTimeout ?? 10000);
    const env = {
      host: "node",
      seed,
      ...api,
      log: (line) => log.push(String(line)),
      done: (value) => finish(null, value === undefined ? null : value),
      fail,
      assert: (condition, message) => {
        if (!condition) fail(`assertion failed: ${message}`);
      },
      eq: (actual, expected, message) => {
        const a = JSON.stringify(actual);
        const e = JSON.stringify(expected);
        if (a !== e) fail(`${message}: expected ${e.slice(0, 300)}, got ${String(a).slice(0, 300)}`);
      },
      timer: (fn, ms) => setTimeout(() => guard(fn), ms),
      now: () => performance.now() - started,
      random: () => prng(),
      int: (min, max) => min + Math.floor(prng() * (max - min + 1)),
      reports: () => [],
      net: {
        configure() {},
        listen(port, onPeer, onListening) {
          const server = net.createServer((s) => onPeer(wrap(s, cleanup)));
          server.listen(port, "127.0.0.1", () => onListening(server.address().port));
          cleanup.push(() => server.close());
          return { close: () => server.close() };
        },
        connect(port, onPeer, onRefused) {
          const s = net.connect(port, "127.0.0.1");
          const peer = wrap(s, cleanup);
          let opened = false;
          s.on("connect", () => {
            opened = true;
            onPeer(peer);
          });
          s.on("close", () => {
            if (!opened) onRefused?.();
          });
          return peer;
        },
      },
    };
    const guard = (fn) => {
      try {
        fn();
      } catch (e) {
        if (!(e instanceof Failure)) finish(`uncaught exception in a callback: ${e?.stack ?? e}`);
      }
    };
    guard(() => scenario.run(env));
  });
}
