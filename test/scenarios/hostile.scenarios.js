// Hostile peers, written once for both hosts (inside XS on the simulated network, and on Node over
// loopback; test/xs.test.js compares the results): garbage, a 2 GiB header, a header cut short then
// silence, many one-byte frames in one write, a reset mid-frame, invalid JSON, numeric frames of a
// bad length, a throwing listener, a flood of zero-length frames, a peer that never reads. Each
// checks what the user sees (events and codes) and that a control client on the same server still
// gets its echo. Results hold only what both hosts must agree on. (Half-close is in
// test/hostile.test.js: the simulated peer cannot half-close.)

import { concat, digest, frame, utf8 } from "./util.js";

/** Seeded bytes (xorshift32), the same on every host whatever env.random gives. */
function garbage(n, seed) {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/**
 * A framed server of `type` whose Sockets echo, a control client connected first, then a hostile
 * peer. `attack(peer, socket, events)` runs once the hostile connection's Socket exists; `finish()`
 * checks the control connection, stops everything and calls env.done(result()).
 */
function arena(env, options, attack) {
  const type = options.receiveType ?? "string";
  const events = []; // what the hostile connection's Socket emitted, as short strings
  let sockets = 0;
  let hostile = null;
  let control = null;
  let peer = null;
  const server = new env.SocketServer({ port: 0, rawBytes: false, sendType: type, ...options });
  server.on("error", (m) => env.fail(`server error: ${m}`));
  server.on("connection", (socket) => {
    if (sockets++ === 0) { // the control connection: echo
      socket.on("data", (v) => socket.send(v));
      return;
    }
    hostile = socket;
    socket.on("error", (message, code) => events.push(`error ${code}`));
    socket.on("close", () => events.push("close"));
    attack(peer, socket, events);
  });
  const sample = type === "json" ? [1, "two"] : type === "int" ? 7 : type === "image" ? new Uint8Array([1, 2, 3]) : "ping";
  const finish = (result) => {
    control.once("data", (v) => {
      if (type === "image") env.eq(Array.from(new Uint8Array(v)), [1, 2, 3], "the control connection's echo");
      else env.eq(v, sample, "the control connection's echo");
      control.close();
      server.stop();
      env.timer(() => env.done(result()), 50);
    });
    control.send(sample);
  };
  server.on("listening", (port) => {
    control = new env.SocketClient(port, "127.0.0.1", { rawBytes: false, sendType: type, receiveType: type, reconnectAttempts: 0 });
    control.on("error", (m) => env.fail(`control error: ${m}`));
    control.on("open", () => {
      env.net.connect(port, (p) => {
        peer = p;
        if (hostile) attack(peer, hostile, events); // the Socket came first
      });
    });
    control.open();
  });
  const started = new Set();
  const once = attack;
  attack = (p, s, e) => { // run when both the peer and its Socket exist, once
    if (!p || !s || started.size) return;
    started.add(1);
    once(p, s, e);
  };
  server.start();
  return { finish, events, get socket() { return hostile; } };
}

export const scenarios = [
  {
    name: "hostile: 16 KiB of garbage to a framed json server → bad-message errors, one terminal code, close",
    run(env) {
      const a = arena(env, { receiveType: "json" }, (peer, socket, events) => {
        socket.on("close", () => {
          const codes = events.filter((e) => e.startsWith("error")).map((e) => e.slice(6));
          const terminal = codes.filter((c) => c === "EMSGSIZE" || c === "ETOOMANYBAD");
          env.eq(terminal.length, 1, `one terminal code among ${codes}`);
          env.assert(codes.length <= 11, `at most 11 errors: ${codes.length}`);
          a.finish(() => ({ codes }));
        });
        peer.write(garbage(16384, 0x2545f491));
      });
    },
  },
  {
    name: "hostile: a 2 GiB header → error EMSGSIZE, close",
    run(env) {
      const a = arena(env, {}, (peer, socket, events) => {
        socket.on("close", () => a.finish(() => events));
        peer.write(new Uint8Array([0xff, 0x80, 0, 0, 0]));
      });
    },
  },
  {
    name: "hostile: a long header cut after 3 bytes, then silence: nothing until the peer closes, then 3 bytes lost",
    run(env) {
      const a = arena(env, {}, (peer, socket, events) => {
        let lost = "";
        socket.on("error", (m) => (lost = /\b3 bytes\b/.test(m) ? "3 bytes lost" : m));
        socket.on("close", () => a.finish(() => ({ events, lost })));
        peer.write(new Uint8Array([0xff, 0, 0]));
        env.timer(() => {
          env.eq(events, [], "nothing reported during the silence");
          peer.end();
        }, 500);
      });
    },
  },
  {
    name: "hostile: 20,000 one-byte frames in one write arrive, each once, in order",
    run(env) {
      const n = 20000;
      const wire = new Uint8Array(2 * n);
      for (let i = 0; i < n; i++) {
        wire[2 * i] = 1;
        wire[2 * i + 1] = 97 + (i % 26);
      }
      const got = [];
      const a = arena(env, {}, (peer, socket) => {
        socket.on("data", (t) => {
          got.push(t);
          if (got.length === n) a.finish(() => ({ count: got.length, digest: digest(utf8(got.join(""))) }));
        });
        peer.write(wire);
      });
    },
  },
  {
    name: "hostile: a reset in the middle of a long frame → error with 505 bytes lost, close",
    run(env) {
      const a = arena(env, {}, (peer, socket, events) => {
        let lost = "";
        socket.on("error", (m) => (lost = /\b505 bytes\b/.test(m) ? "505 bytes lost" : m));
        socket.on("close", () => a.finish(() => ({ events: events.map((e) => e.replace(/^error .*/, "error")), lost })));
        peer.write(concat([new Uint8Array([0xff, 0, 0, 0x03, 0xe8]), new Uint8Array(500).fill(0x41)]));
        env.timer(() => peer.reset(), 200);
      });
    },
  },
  {
    name: "hostile: invalid JSON → error EBADJSON; the next message arrives",
    run(env) {
      const a = arena(env, { receiveType: "json" }, (peer, socket, events) => {
        socket.on("data", (v) => {
          events.push(`data ${JSON.stringify(v)}`);
          a.finish(() => events);
        });
        peer.write(concat([frame(utf8("{oops")), frame(utf8('{"fine":[1]}'))]));
      });
    },
  },
  {
    name: "hostile: numeric frames of a bad length → error EBADLENGTH each; the good ones arrive",
    run(env) {
      const a = arena(env, { receiveType: "int" }, (peer, socket, events) => {
        socket.on("data", (v) => {
          events.push(`data ${v}`);
          if (v === 9) a.finish(() => events);
        });
        peer.write(concat([frame(new Uint8Array([1, 2, 3])), frame(new Uint8Array([0, 0, 0, 7])), frame(new Uint8Array(6)), frame(new Uint8Array([0, 0, 0, 9]))]));
      });
    },
  },
  {
    name: "hostile: a throwing data listener is reported; the rest of the chunk is decoded, the connection goes on",
    run(env) {
      const calls = [];
      const original = env.host === "node" ? console.error : null;
      const printed = [];
      if (original) console.error = (...parts) => printed.push(parts.join(" "));
      const a = arena(env, {}, (peer, socket) => {
        socket.on("data", (t) => {
          calls.push(t);
          if (t === "boom") throw new Error("the listener blew up");
          if (t === "after") {
            if (original) console.error = original;
            const reported = env.host === "node" ? printed : env.reports();
            env.assert(reported.some((r) => /data/.test(r) && /the listener blew up/.test(r)), `reported: ${JSON.stringify(reported)}`);
            a.finish(() => calls);
          }
        });
        peer.write(concat([frame(utf8("one")), frame(utf8("boom")), frame(utf8("two"))]));
        env.timer(() => peer.write(frame(utf8("after"))), 100);
      });
    },
  },
  {
    name: "hostile: a flood of 1,000 zero-length int frames → at most 10 errors, one ETOOMANYBAD, close",
    run(env) {
      const a = arena(env, { receiveType: "int" }, (peer, socket, events) => {
        socket.on("close", () => {
          const codes = events.filter((e) => e.startsWith("error"));
          env.assert(codes.length <= 11, `at most 11 errors: ${codes.length}`);
          env.eq(codes.filter((e) => e === "error ETOOMANYBAD").length, 1, "one ETOOMANYBAD");
          env.eq(codes.at(-1), "error ETOOMANYBAD", "ETOOMANYBAD last");
          a.finish(() => events);
        });
        peer.write(new Uint8Array(1000));
      });
    },
  },
  {
    name: "hostile: a peer that never reads while 4 MB are sent: refusals (EQUEUEFULL, coalesced), bufferedAmount bounded",
    run(env) {
      const LIMIT = 64 * 1024;
      const chunk = new Uint8Array(8192).fill(0x33);
      let refused = 0;
      let turns = 0;
      let maxBuffered = 0;
      const a = arena(env, { receiveType: "image", maxUnsentBytes: LIMIT, maxUnsentMessages: 0 }, (peer, socket, events) => {
        peer.pause();
        let sent = 0;
        const turn = () => {
          turns++;
          for (let i = 0; i < 16 && sent < 4 * 1024 * 1024; i++, sent += chunk.length) {
            if (!socket.send(chunk)) refused++;
            maxBuffered = Math.max(maxBuffered, socket.bufferedAmount);
          }
          if (sent < 4 * 1024 * 1024) env.timer(turn, 1);
          else env.timer(() => {
            const full = events.filter((e) => e === "error EQUEUEFULL").length;
            env.assert(refused > 0, "some sends refused");
            env.assert(full >= 1 && full <= turns, `EQUEUEFULL errors ${full} for ${turns} turns`);
            env.assert(maxBuffered <= LIMIT, `bufferedAmount ${maxBuffered}`);
            a.finish(() => ({ refusedSome: refused > 0, bounded: maxBuffered <= LIMIT }));
          }, 50);
        };
        turn();
      });
    },
  },
];
