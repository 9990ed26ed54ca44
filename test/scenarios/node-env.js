// Runs one scenario on the Node host (real loopback, real time), with the environment the XS
// harness (hosts/xs/harness.ts) gives inside XS; resolves with a result of the same shape.

import net from "node:net";
import * as api from "../../dist/hosts/node/index.js";
import { scenarioEnv } from "./env-core.js";

class Failure extends Error {}

function wrap(socket, cleanup) {
  let received = 0;
  const peer = {
    write: (bytes) => socket.write(bytes.slice()),
    end: () => socket.end(),
    shutdown: () => socket.end(), // node:net's end() is a half-close: reading goes on
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
      ...api,
      ...scenarioEnv(seed, fail),
      log: (line) => log.push(String(line)),
      done: (value) => finish(null, value === undefined ? null : value),
      timer: (fn, ms) => setTimeout(() => guard(fn), ms),
      now: () => performance.now() - started,
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
