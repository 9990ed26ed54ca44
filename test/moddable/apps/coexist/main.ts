// The name-clash proof: this package's "socket" and the SDK's legacy-socket users in one app.
// Our SocketServer answers the legacy HTTP client (which imports { Socket, Listener } from "socket");
// the legacy HTTP server is reached by our SocketClient. Reports "PASS <name>" / "FAIL <name>: why",
// then "DONE <failures>".

import { Socket, SocketClient, SocketServer, supportedSendTypes } from "socket";
import { Request, Server } from "http";
import Timer from "timer";

let failures = 0;
let pending = 0;
function pass(name: string): void {
  trace(`PASS ${name}\n`);
}
function fail(name: string, why: string): void {
  failures++;
  trace(`FAIL ${name}: ${why}\n`);
}
function begin(): void {
  pending++;
}
function end(): void {
  if (--pending === 0) trace(`DONE ${failures}\n`);
}

begin();
if (typeof SocketClient === "function" && typeof SocketServer === "function" && supportedSendTypes().includes("json"))
  pass("our exports");
else fail("our exports", "SocketClient / SocketServer / supportedSendTypes missing");
if ((Socket as any).readable === 2 && (Socket as any).disconnected === -1) pass("legacy Socket constants");
else fail("legacy Socket constants", String((Socket as any).readable));

function guard(name: string, body: () => void): void {
  try {
    body();
  } catch (e) {
    fail(name, `threw ${String(e)}`);
    end();
  }
}

// Legacy HTTP client -> our SocketServer.
begin();
guard("SocketServer serving legacy http", () => {
const server = new SocketServer({ port: 0 });
server.on("connection", (socket) => { // a Socket<"string", "string">: the server's default types
  if (!(socket instanceof Socket)) fail("accepted instanceof Socket", "false");
  else pass("accepted instanceof Socket");
  let text = "";
  socket.on("data", (chunk: string) => {
    text += chunk;
    if (!text.includes("\r\n\r\n")) return;
    const body = "hello from SocketServer";
    socket.send(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
    socket.close();
  });
});
server.on("listening", (port: number) => {
  guard("legacy http Request", () => {
  const request = new (Request as any)({ host: "127.0.0.1", port, path: "/legacy", response: String });
  request.callback = function (message: number, value: unknown) {
    if (message === (Request as any).responseComplete) {
      if (value === "hello from SocketServer") pass("legacy http Request to SocketServer");
      else fail("legacy http Request to SocketServer", `body ${String(value)}`);
      server.stop();
      end();
    } else if (message < 0) {
      fail("legacy http Request to SocketServer", `message ${message}`);
      server.stop();
      end();
    }
  };
  });
});
server.on("error", (m: string) => fail("SocketServer", m));
server.start();
});

// Our SocketClient -> legacy HTTP server.
begin();
guard("SocketClient to legacy http Server", () => {
const legacyServer = new (Server as any)({ port: 18081 });
legacyServer.callback = function (message: number) {
  if (message === (Server as any).prepareResponse) return { headers: ["Content-Type", "text/plain"], body: "hello from legacy Server" };
};
const client = new SocketClient(18081, "127.0.0.1");
let reply = "";
client.on("open", () => client.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"));
client.on("data", (chunk: string) => (reply += chunk));
client.on("error", (m: string) => fail("SocketClient to legacy http Server", m));
client.on("close", () => {
  if (reply.startsWith("HTTP/1.1 200") && reply.endsWith("hello from legacy Server")) pass("SocketClient to legacy http Server");
  else fail("SocketClient to legacy http Server", JSON.stringify(reply));
  legacyServer.close();
  end();
});
client.open();
});

Timer.set(() => {
  if (pending) {
    fail("timeout", `${pending} checks unfinished`);
    trace(`DONE ${failures}\n`);
  }
}, 10000);
end();
