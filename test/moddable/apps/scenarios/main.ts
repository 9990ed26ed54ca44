// Scenarios run inside the simulator, over loopback: string echo (server and client of this
// module), framed typed messages both ways (int narrowing, double, json), close in both directions,
// and a client of the Node peer that test/moddable/run.js starts (config peerPort). Prints
// "PASS <name>" / "FAIL <name>: why" per check, then "DONE <failures>".

import config from "mc/config";
import { Socket, SocketClient, SocketServer } from "socket";
import Timer from "timer";

let failures = 0;
let pending = 0;
const pass = (name: string) => trace(`PASS ${name}\n`);
function fail(name: string, why: string): void {
  failures++;
  trace(`FAIL ${name}: ${why}\n`);
}
function check(name: string, ok: boolean, detail: unknown): void {
  if (ok) pass(name);
  else fail(name, JSON.stringify(detail));
}
const begin = () => pending++;
function end(): void {
  if (--pending === 0) trace(`DONE ${failures}\n`);
}
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

// An echo server of this module: every message back, as received.
function echoServer(options: Record<string, unknown>, ready: (server: SocketServer, port: number) => void): SocketServer {
  const server = new SocketServer({ port: 0, ...options });
  server.on("connection", (socket: Socket) => socket.on("data", (data: unknown) => socket.send(data)));
  server.on("error", (m: string) => fail("server", m));
  server.on("listening", (port: number) => ready(server, port));
  server.start();
  return server;
}

// 1. Raw string echo, server and client both this module.
begin();
echoServer({}, (server, port) => {
  const client = new SocketClient(port, "127.0.0.1");
  let text = "";
  client.on("open", () => client.send("héllo, wörld"));
  client.on("data", (chunk: string) => {
    text += chunk;
    if (text.length >= 12) client.close();
  });
  client.on("error", (m: string) => fail("string echo", m));
  client.on("close", () => {
    check("string echo (raw, UTF-8)", text === "héllo, wörld", text);
    server.stop();
    end();
  });
  client.open();
});

// 2. Framed typed messages both ways: the client sends doubles narrowed to int, the server
// receives ints and answers with one frame per value, as json.
begin();
{
  const server = new SocketServer({ port: 0, rawBytes: false, receiveType: "int", sendType: "json" });
  server.on("connection", (socket: Socket) => {
    socket.on("data", (data: unknown) => socket.send({ got: data }));
  });
  server.on("error", (m: string) => fail("framed server", m));
  server.on("listening", (port: number) => {
    const client = new SocketClient(port, "127.0.0.1", { rawBytes: false, sendType: "int", receiveType: "json" });
    const replies: unknown[] = [];
    client.on("open", () => {
      client.send([1, -2, 3e9]); // one frame of three ints; 3e9 → 2147483647 (Java narrowing)
      client.send(7.9); // one int → a number, not an array
    });
    client.on("data", (data: unknown) => {
      replies.push(data);
      if (replies.length === 2) client.close();
    });
    client.on("error", (m: string) => fail("framed typed", m));
    client.on("close", () => {
      check("framed int → json both ways", same(replies, [{ got: [1, -2, 2147483647] }, { got: 7 }]), replies);
      server.stop();
      end();
    });
    client.open();
  });
  server.start();
}

// 3. Framed doubles and json, echoed.
begin();
echoServer({ rawBytes: false, receiveType: "double", sendType: "double" }, (server, port) => {
  const client = new SocketClient(port, "127.0.0.1", { rawBytes: false, receiveType: "double", sendType: "double" });
  const got: unknown[] = [];
  client.on("open", () => {
    client.send([Math.PI, -0.5, 1e300]);
    client.send(2.25);
  });
  client.on("data", (d: unknown) => {
    got.push(d);
    if (got.length === 2) client.close();
  });
  client.on("close", () => {
    check("framed double echo", same(got, [[Math.PI, -0.5, 1e300], 2.25]), got);
    server.stop();
    end();
  });
  client.open();
});

// 4. Close: the client closes → the server's Socket emits "close"; stop() → the client's "close".
begin();
{
  let serverSawClose = false;
  let accepted = 0;
  const server = new SocketServer({ port: 0 });
  server.on("connection", (socket: Socket) => {
    if (++accepted > 1) return; // the second client: closed by stop()
    socket.on("close", () => {
      serverSawClose = true;
      check("client close() reaches the server Socket", true, "");
      const second = new SocketClient(server.port, "127.0.0.1");
      second.on("open", () => Timer.set(() => server.stop(), 50));
      second.on("close", () => {
        check("server stop() closes the client", serverSawClose, "");
        end();
      });
      second.on("error", (m: string) => fail("close", m));
      second.open();
    });
  });
  server.on("listening", (port: number) => {
    const client = new SocketClient(port, "127.0.0.1");
    client.on("open", () => client.close());
    client.open();
  });
  server.start();
}

// 5. Against the Node peer (this package on Node), framed json.
const peerPort = Number((config as Record<string, unknown>).peerPort ?? 0);
if (peerPort) {
  begin();
  const client = new SocketClient(peerPort, "127.0.0.1", { rawBytes: false, receiveType: "json", sendType: "json" });
  const got: unknown[] = [];
  client.on("open", () => {
    client.send({ from: "simulator", n: [1, 2] });
    client.send("second");
  });
  client.on("data", (d: unknown) => {
    got.push(d);
    if (got.length === 2) client.close();
  });
  client.on("error", (m: string) => fail("Node peer", m));
  client.on("close", () => {
    check("json echo by the Node peer", same(got, [{ from: "simulator", n: [1, 2] }, "second"]), got);
    end();
  });
  client.open();
}

// 6. The Node peer as a client: run.js connects to this port once it reads the LISTENING line.
begin();
echoServer({ rawBytes: false, receiveType: "json", sendType: "json", port: 0 }, (server, port) => {
  server.on("connection", (socket: Socket) =>
    socket.on("close", () => {
      pass("Node client served and closed");
      server.stop();
      end();
    }),
  );
  trace(`LISTENING ${port}\n`);
});

Timer.set(() => {
  if (pending) {
    fail("timeout", `${pending} scenarios unfinished`);
    trace(`DONE ${failures}\n`);
  }
}, 15000);
