// The module on a plain Raspberry Pi Pico (no network): a SocketServer and SocketClients talking
// over the in-memory ECMA-419 loopback (../common/loopback), handed in with the `listener` / `tcp`
// options. Every type framed (echoed both ways) and raw (one way), UTF-8 and numbers split across
// reads, a burst, close both ways, bad data, backpressure to a slow reader, and what a client or
// server without a `tcp` / `listener` option does on a platform with no TCP.

import { SocketClient, SocketServer } from "socket";
import type { DataType, Socket } from "socket";
import Timer from "timer";
import { concat, run, sameBytes, sameNumbers, utf8, type Case, type Test } from "harness";
import { createLoopback, type LoopbackTCP } from "loopback";

const WINDOW = 256; // bytes one end may have unread: small, so that messages are cut into many reads
const net = createLoopback(WINDOW);
const io = { tcp: net.TCP, listener: net.Listener };
const clientIO = { tcp: net.TCP };

const TEXT = "héllo, wörld — ✓ 😀 ünïcödé ".repeat(12); // 1-, 2-, 3- and 4-byte sequences, > WINDOW bytes
const JSON_VALUE = { a: [1, "é", null, true, -2.5], b: { c: "😀", d: "✓".repeat(60) } };
const IMAGE = new Uint8Array(700).map((_, i) => (i * 7 + 3) & 0xff);

// [type, sent, what the receiver gets after Java's narrowing]
const NUMERIC: [DataType, number[], number[]][] = [
  ["byte", [128, 256, -129, 1.9, Number.NaN, -1], [-128, 0, 127, 1, 0, -1]],
  ["short", [32768, -32769, 70000.5, -7.5], [-32768, 32767, 4464, -7]],
  ["int", [3e9, -3e9, -7.9, 123456789], [2147483647, -2147483648, -7, 123456789]],
  ["unsignedbyte", [-1, 256, 300, 7], [255, 0, 44, 7]],
  ["unsignedshort", [-1, 65536, 70000, 5], [65535, 0, 4464, 5]],
  ["unsignedint", [-1, 4294967296, 3e9, 1], [4294967295, 0, 3000000000, 1]],
  ["float", [Math.PI, 1e40, -0.1], [Math.fround(Math.PI), Infinity, Math.fround(-0.1)]],
  ["double", [Math.PI, -0.5, 1e300, 5e-324, -0], [Math.PI, -0.5, 1e300, 5e-324, -0]],
  ["number", [Math.E, 2 ** 53 + 2], [Math.E, 2 ** 53 + 2]],
];

/** A server on the loopback; `ready` gets it and its port once it listens. */
function serve(options: Record<string, unknown>, t: Test, onConnection: (s: Socket) => void, ready: (server: SocketServer, port: number) => void): void {
  const server = new SocketServer({ port: 0, ...io, ...options });
  server.on("connection", onConnection);
  server.on("error", (m: string) => t.fail(`server error: ${m}`));
  server.on("listening", (port: number) => ready(server, port));
  server.start();
}

/** Framed echo of `value` as `type`: the client gets `expected` back. */
function framedEcho(type: DataType, value: unknown, same: (got: unknown) => boolean): Case {
  return (t) => {
    const framed = { rawBytes: false, receiveType: type, sendType: type };
    serve(framed, t, (s) => s.on("data", (d: unknown) => s.send(d)), (server, port) => {
      const client = new SocketClient(port, "127.0.0.1", { ...clientIO, ...framed });
      client.on("open", () => client.send(value));
      client.on("data", (got: unknown) => {
        client.close();
        server.stop();
        if (same(got)) t.pass();
        else t.fail(`echo as ${type} came back as ${show(got)}`);
      });
      client.on("error", (m: string) => t.fail(`client error: ${m}`));
      client.open();
    });
  };
}

/** Raw (unframed) `value` as `type`, one way: the server's "data" events put together. */
function rawOneWay(type: DataType, value: unknown, collect: (parts: unknown[]) => boolean | undefined): Case {
  return (t) => {
    const raw = { rawBytes: true, receiveType: type, sendType: type };
    const parts: unknown[] = [];
    serve(raw, t, (s) => {
      s.on("data", (d: unknown) => {
        parts.push(d);
        const verdict = collect(parts);
        if (verdict === undefined) return; // not all there yet
        s.close();
        if (verdict) t.pass(`${parts.length} data events`);
        else t.fail(`raw ${type} arrived as ${show(parts)}`);
      });
    }, (server, port) => {
      const client = new SocketClient(port, "127.0.0.1", { ...clientIO, ...raw });
      client.on("open", () => client.send(value));
      client.on("close", () => server.stop());
      client.on("error", (m: string) => t.fail(`client error: ${m}`));
      client.open();
    });
  };
}

function show(value: unknown): string {
  if (value instanceof ArrayBuffer) return `ArrayBuffer(${value.byteLength})`;
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}

function frame(payload: Uint8Array): Uint8Array {
  const n = payload.length;
  const head = n < 255 ? [n] : [0xff, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
  const out = new Uint8Array(head.length + n);
  out.set(head, 0);
  out.set(payload, head.length);
  return out;
}

/**
 * A peer that speaks ECMA-419 TCP directly (no module): connects, writes `chunks` one per timer
 * turn (so each is a read of its own on the other side), gathers what comes back, reports close.
 */
function rawPeer(port: number, chunks: Uint8Array[], events: { received?: (bytes: Uint8Array) => void; closed?: () => void } = {}): LoopbackTCP {
  let started = false;
  let next = 0;
  const writeNext = (socket: LoopbackTCP): void => {
    if (next === chunks.length) return;
    socket.write(chunks[next++]!);
    Timer.set(() => writeNext(socket), 5);
  };
  return new net.TCP({
    address: "127.0.0.1",
    port,
    onWritable(this: LoopbackTCP) {
      if (started) return;
      started = true;
      writeNext(this);
    },
    onReadable(this: LoopbackTCP) {
      const bytes = this.read();
      if (bytes instanceof ArrayBuffer) events.received?.(new Uint8Array(bytes));
    },
    onError() {
      events.closed?.();
    },
  });
}

const cases: [string, Case, number?][] = [];

// ---- every type, framed: echoed both ways ----
for (const [type, sent, expected] of NUMERIC) {
  cases.push([`framed ${type} array (narrowing)`, framedEcho(type, sent, (got) => sameNumbers(got, expected))]);
}
cases.push(["framed int single value → a number", framedEcho("int", 7.9, (got) => got === 7)]);
cases.push(["framed string (UTF-8, > window)", framedEcho("string", TEXT, (got) => got === TEXT)]);
cases.push(["framed json", framedEcho("json", JSON_VALUE, (got) => JSON.stringify(got) === JSON.stringify(JSON_VALUE))]);
cases.push(["framed image (700 B)", framedEcho("image", IMAGE, (got) => got instanceof ArrayBuffer && sameBytes(new Uint8Array(got), IMAGE))]);
cases.push(["framed empty string", framedEcho("string", "", (got) => got === "")]);

// ---- every type, raw: one way, put back together from the data events ----
for (const [type, sent, expected] of NUMERIC) {
  cases.push([`raw ${type} (one data per element)`, rawOneWay(type, sent, (parts) =>
    parts.length < expected.length ? undefined : sameNumbers(parts, expected))]);
}
cases.push(["raw string (UTF-8 cut by the window)", rawOneWay("string", TEXT, (parts) => {
  const text = parts.join("");
  return text.length < TEXT.length ? undefined : text === TEXT;
})]);
cases.push(["raw json (its text, as it arrives)", rawOneWay("json", JSON_VALUE, (parts) => {
  const text = parts.join("");
  const want = JSON.stringify(JSON_VALUE);
  return text.length < want.length ? undefined : text === want;
})]);
cases.push(["raw image (chunks)", rawOneWay("image", IMAGE, (parts) => {
  const bytes = concat(parts as ArrayBuffer[]);
  return bytes.length < IMAGE.length ? undefined : sameBytes(bytes, IMAGE);
})]);

// ---- reads cut anywhere: a raw peer writes one byte (or a few) at a time ----
cases.push(["raw string, multibyte UTF-8 split across reads (1 byte per read)", (t) => {
  const text = "a😀é✓ b😀";
  const bytes = utf8(text);
  let got = "";
  serve({ receiveType: "string" }, t, (s) => s.on("data", (d: unknown) => {
    got += d as string;
    if (got.length >= text.length) {
      s.close();
      t.check(got === text, text, got);
    }
  }), (server, port) => {
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < bytes.length; i++) chunks.push(bytes.subarray(i, i + 1));
    rawPeer(port, chunks, { closed: () => server.stop() });
  });
}, 15000]);

cases.push(["framed string, header and body split inside a 4-byte sequence", (t) => {
  const text = "x😀y".repeat(80); // 480 bytes: the 5-byte header
  const wire = frame(utf8(text));
  const cuts = [1, 3, 6, 7, 9, 200, 301, wire.length];
  const chunks: Uint8Array[] = [];
  let at = 0;
  for (const cut of cuts) {
    chunks.push(wire.subarray(at, cut));
    at = cut;
  }
  serve({ rawBytes: false, receiveType: "string" }, t, (s) => s.on("data", (d: unknown) => {
    s.close();
    t.check(d === text, `${text.length} units`, `${(d as string).length} units`);
  }), (server, port) => rawPeer(port, chunks, { closed: () => server.stop() }));
}, 15000]);

cases.push(["raw int, elements split across reads (3+2+3 bytes)", (t) => {
  const wire = new Uint8Array([0x00, 0x00, 0x01, 0x00, 0xff, 0xff, 0xff, 0xfe]); // 256, -2
  const got: number[] = [];
  serve({ receiveType: "int" }, t, (s) => s.on("data", (d: unknown) => {
    got.push(d as number);
    if (got.length === 2) {
      s.close();
      t.check(sameNumbers(got, [256, -2]), [256, -2], got);
    }
  }), (server, port) => rawPeer(port, [wire.subarray(0, 3), wire.subarray(3, 5), wire.subarray(5)], { closed: () => server.stop() }));
}, 15000]);

// ---- a burst: 500 framed json messages, echoed, in order; the sender paced by its own limit ----
cases.push(["burst of 500 framed json messages, echoed in order (paced by bufferedAmount and drain)", (t) => {
  const N = 500;
  const framed = { rawBytes: false, receiveType: "json" as DataType, sendType: "json" as DataType };
  serve(framed, t, (s) => {
    s.on("data", (d: unknown) => s.send(d));
    s.on("error", (m: string) => t.fail(`echo socket error: ${m}`));
  }, (server, port) => {
    const client = new SocketClient(port, "127.0.0.1", { ...clientIO, ...framed });
    const limit = (client.options as unknown as { maxUnsentBytes: number }).maxUnsentBytes;
    let expect = 0;
    let sent = 0;
    let paused = 0;
    const message = (i: number) => ({ i, pad: "p".repeat(i % 40) });
    let odd = ""; // the first send that grew bufferedAmount by more than its own bytes
    let last = ""; // the last send made: its bytes, and bufferedAmount before it
    const pump = (): void => {
      while (sent < N) {
        const m = message(sent);
        const size = JSON.stringify(m).length + 1; // payload + 1-byte header
        const before = client.bufferedAmount;
        if (before + size > limit) {
          paused++;
          return; // "drain" resumes
        }
        last = `the last send: ${size} B with bufferedAmount ${before} of ${limit}`;
        client.send(m);
        const grew = client.bufferedAmount - before;
        if (grew > size && odd === "") odd = `send ${sent} of ${size} B grew bufferedAmount ${before} → ${before + grew}`;
        sent++;
      }
    };
    client.on("open", pump);
    client.on("drain", pump);
    client.on("data", (data: unknown) => {
      const d = data as { i: number; pad: string };
      if (d.i !== expect || d.pad.length !== expect % 40) {
        client.close();
        t.fail(`message ${expect} came back as ${show(d)}`);
        return;
      }
      if (++expect === N) {
        client.close();
        server.stop();
        t.pass(`paused ${paused} times; max unread ${net.stats.maxUnread} B of a ${WINDOW} B window`);
      }
    });
    client.on("error", (m: string) => t.fail(`client error: ${m} (${last}${odd ? `; ${odd}` : ""})`));
    client.open();
  });
}, 60000]);

// ---- close, both ways ----
cases.push(["client close() → the server's Socket emits close, after every message", (t) => {
  const got: string[] = [];
  serve({ rawBytes: false }, t, (s) => {
    s.on("data", (d: unknown) => got.push(d as string));
    s.on("close", () => t.check(got.length === 50 && got[49] === "m49", 50, got.length));
  }, (server, port) => {
    const client = new SocketClient(port, "127.0.0.1", { ...clientIO, rawBytes: false });
    client.on("open", () => {
      for (let i = 0; i < 50; i++) client.send(`m${i}`);
      client.close(); // flushes the 50 first
    });
    client.on("close", () => Timer.set(() => server.stop(), 50));
    client.open();
  });
}]);

cases.push(["server Socket close() → the client emits close", (t) => {
  serve({}, t, (s) => s.on("data", () => s.close()), (server, port) => {
    const client = new SocketClient(port, "127.0.0.1", clientIO);
    let closes = 0;
    client.on("open", () => client.send("bye"));
    client.on("close", () => {
      closes++;
      Timer.set(() => {
        server.stop();
        t.check(closes === 1, "one close", closes);
      }, 20);
    });
    client.on("error", (m: string) => t.fail(`client error: ${m}`));
    client.open();
  });
}]);

cases.push(["server stop() closes its clients", (t) => {
  serve({}, t, () => {}, (server, port) => {
    const client = new SocketClient(port, "127.0.0.1", clientIO);
    client.on("open", () => Timer.set(() => server.stop(), 10));
    client.on("close", () => t.pass());
    client.open();
  });
}]);

cases.push(["client to a port nobody listens on: error after its attempts, no close", (t) => {
  const client = new SocketClient(9, "127.0.0.1", { ...clientIO, reconnectAttempts: 1, reconnectInterval: 10 });
  let closed = false;
  client.on("close", () => (closed = true));
  client.on("error", (m: string) => Timer.set(() => t.check(!closed && m.includes("2 attempts"), "Failed … after 2 attempts", m), 20));
  client.open();
}]);

// ---- bad data ----
cases.push(["bad JSON received: error, the connection stays up", (t) => {
  const errors: string[] = [];
  serve({ rawBytes: false, receiveType: "json" }, t, (s) => {
    s.on("error", (m: string) => errors.push(m));
    s.on("data", (d: unknown) => {
      s.close();
      t.check(errors.length === 1 && errors[0]!.includes("JSON") && JSON.stringify(d) === '{"ok":1}', "1 JSON error then {ok:1}", [errors, d]);
    });
  }, (server, port) => rawPeer(port, [frame(utf8("{bad")), frame(utf8('{"ok":1}'))], { closed: () => server.stop() }));
}]);

cases.push(["bad numeric length (3 bytes as int): error naming type and length, stays up", (t) => {
  const errors: string[] = [];
  serve({ rawBytes: false, receiveType: "int" }, t, (s) => {
    s.on("error", (m: string) => errors.push(m));
    s.on("data", (d: unknown) => {
      s.close();
      t.check(errors.length === 1 && errors[0]!.includes("int") && errors[0]!.includes("3") && d === 5, "1 error then 5", [errors, d]);
    });
  }, (server, port) => rawPeer(port, [frame(new Uint8Array([1, 2, 3])), frame(new Uint8Array([0, 0, 0, 5]))], { closed: () => server.stop() }));
}]);

cases.push(["oversized header (64 KiB > maxMessageSize 1000): error, then closed", (t) => {
  let error = "";
  serve({ rawBytes: false, maxMessageSize: 1000 }, t, (s) => {
    s.on("error", (m: string) => (error = m));
    s.on("data", () => t.fail("data emitted for an oversized frame"));
  }, (server, port) => rawPeer(port, [new Uint8Array([0xff, 0, 1, 0, 0, 0x41, 0x42])], {
    closed: () => Timer.set(() => { // the error may be reported in the same turn as the close
      server.stop();
      t.check(error !== "", "an error on the server's Socket", error);
    }, 20),
  }));
}]);

cases.push(["unconvertible send (an object as int): error, nothing written", (t) => {
  let before = 0; // loopback bytes when the bad sends are made
  const written = 5; // the header byte and 4 bytes of the one good int
  serve({ rawBytes: false, receiveType: "int" }, t, (s) => s.on("data", (d: unknown) => {
    s.close();
    t.check(d === 9 && written === net.stats.bytes - before, "only the 9", d);
  }), (server, port) => {
    const client = new SocketClient(port, "127.0.0.1", { ...clientIO, rawBytes: false, sendType: "int" });
    let errors = 0;
    client.on("error", () => errors++);
    client.on("open", () => {
      before = net.stats.bytes;
      client.send({ not: "a number" } as unknown as number); // wrong on purpose
      client.send([1, 2, "three"] as unknown as number[]);
      Timer.set(() => {
        if (errors !== 2) t.fail(`${errors} errors for 2 bad sends`);
        else client.send(9);
      }, 20);
    });
    client.on("close", () => server.stop());
    client.open();
  });
}]);

// ---- backpressure: a reader that takes 32 bytes every 10 ms ----
cases.push(["backpressure to a slow reader: nothing lost, never over the window", (t) => {
  const N = 40;
  const SIZE = 200;
  const expected = N * (SIZE + 1);
  let received = 0;
  let ok = true;
  const max0 = net.stats.maxUnread;
  net.stats.maxUnread = 0;
  const listener = new net.Listener({
    port: 0,
    onReadable(this: { read(): LoopbackTCP | undefined }) {
      const from = this.read()!;
      const reader = new net.TCP({ from, onReadable() {}, onError() {} });
      const view = new Uint8Array(32);
      const slowly = (): void => {
        let n = 0;
        try {
          n = reader.read(view) as number; // throws when fewer than 32 are readable
        } catch {
          const rest = reader.read();
          if (rest instanceof ArrayBuffer) {
            n = rest.byteLength;
            view.set(new Uint8Array(rest).subarray(0, 32));
          }
        }
        for (let i = 0; i < n; i++) {
          const at = received + i;
          const inFrame = at % (SIZE + 1);
          const want = inFrame === 0 ? SIZE : ((at / (SIZE + 1)) | 0) & 0xff;
          if (view[i] !== want) ok = false;
        }
        received += n;
        if (received < expected) Timer.set(slowly, 10);
        else {
          reader.close();
          listener.close();
          const peak = net.stats.maxUnread;
          net.stats.maxUnread = Math.max(max0, peak);
          t.check(ok && peak <= WINDOW && sawBacklog, `intact, ≤ ${WINDOW} B unread, a backlog`, { ok, peak, sawBacklog });
        }
      };
      Timer.set(slowly, 10);
    },
  });
  let sawBacklog = false;
  const client = new SocketClient(listener.port, "127.0.0.1", { ...clientIO, rawBytes: false, sendType: "image" });
  const limit = (client.options as unknown as { maxUnsentBytes: number }).maxUnsentBytes;
  let sent = 0;
  const pump = (): void => {
    while (sent < N && client.bufferedAmount + SIZE + 1 <= limit) client.send(new Uint8Array(SIZE).fill(sent++ & 0xff));
    if (client.bufferedAmount > WINDOW) sawBacklog = true;
  };
  client.on("open", pump);
  client.on("drain", pump);
  client.on("error", (m: string) => t.fail(`client error: ${m}`));
  client.open();
}, 30000]);

// ---- no TCP on this platform ----
cases.push(["SocketClient without options.tcp on a platform with no TCP: throws at construction", (t) => {
  try {
    new SocketClient(4000, "127.0.0.1");
  } catch (e) {
    const m = (e as Error).message;
    t.check(/tcp/i.test(m), "an error naming options.tcp", m);
    return;
  }
  t.fail("constructed without an error");
}]);

cases.push(["SocketServer without options.listener on a platform with no TCP: throws at construction", (t) => {
  try {
    new SocketServer({ port: 0 });
  } catch (e) {
    const m = (e as Error).message;
    t.check(/listener/i.test(m), "an error naming options.listener", m);
    return;
  }
  t.fail("constructed without an error");
}]);

run(cases);
