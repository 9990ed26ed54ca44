// The main demo: a SocketServer and a SocketClient on the Node host exchanging framed, typed
// messages over loopback, printing what happens. Run it with `npm run demo`.
//
//   client ── json {"cmd": "scale", ...} ──▶ server
//   client ◀── doubles, framed ──────────── server (scaled samples, one message per send)
//   client ── numbers narrowed to int ──────▶ a second server (receiveType "int")
//   client ── 2000 × 4 KiB, paced by "drain" ▶ a third server (send() says when the queue is full)

import { SocketClient, SocketServer, supportedReceiveTypes, supportedSendTypes } from "accessor-socket";

const log = (who, ...what) => console.log(`${who.padEnd(8)}`, ...what);

log("module", "send types:", supportedSendTypes().join(", "));
log("module", "receive types:", supportedReceiveTypes().join(", "));

// Server: receives JSON commands, answers with framed doubles.
const server = new SocketServer({ port: 0, rawBytes: false, receiveType: "json", sendType: "double" });
server.on("error", (message) => log("server", "error:", message));
server.on("connection", (socket) => {
  log("server", `connection from ${socket.remoteHost()}:${socket.remotePort()}`);
  socket.on("data", (command) => {
    log("server", "received", JSON.stringify(command));
    if (command.cmd === "scale") socket.send(command.samples.map((x) => x * command.factor));
    if (command.cmd === "one") socket.send(Math.PI); // a one-element message arrives as a number
    if (command.cmd === "bye") socket.close();
  });
  socket.on("error", (message) => log("server", "socket error:", message));
  socket.on("close", () => log("server", "socket closed"));
});

server.on("listening", (port) => {
  log("server", `listening on port ${port}`);
  const client = new SocketClient(port, "127.0.0.1", { rawBytes: false, sendType: "json", receiveType: "double" });
  client.on("open", () => {
    log("client", "open");
    client.send({ cmd: "scale", factor: 2.5, samples: [1, 2, 3.25] });
    client.send({ cmd: "one" });
    client.send({ cmd: "bye" });
  });
  client.on("data", (data) => log("client", "received", JSON.stringify(data)));
  client.on("error", (message) => log("client", "error:", message));
  client.on("close", () => {
    log("client", "closed");
    narrowing();
  });
  // Sent before "open": queued, and written after the "open" handlers ran.
  client.send({ cmd: "scale", factor: -1, samples: [42] });
  client.open();
});
server.start();

// A second server and client show Java's narrowing: numbers sent as "int", read back as "int".
function narrowing() {
  server.stop();
  const ints = new SocketServer({ port: 0, rawBytes: false, receiveType: "int" });
  ints.on("connection", (socket) => {
    socket.on("data", (values) => {
      log("server", "received ints", JSON.stringify(values));
      socket.close();
    });
  });
  ints.on("listening", (port) => {
    const client = new SocketClient(port, "127.0.0.1", { rawBytes: false, sendType: "int" });
    client.on("open", () => {
      const sent = [1.9, -1.9, 3e9, -3e9, NaN, Infinity];
      log("client", "sending as int", sent.map(String).join(", "));
      client.send(sent);
    });
    client.on("close", () => {
      ints.stop();
      paced();
    });
    client.open();
  });
  ints.start();
}

// A sender faster than the network: send() returns false once the queue is full (an "error" says
// why), and "drain" says when to go on. Memory stays bounded by maxUnsentBytes.
function paced() {
  const COUNT = 2000;
  const block = new Uint8Array(4096).fill(0x5a);
  const sink = new SocketServer({ port: 0, rawBytes: false, receiveType: "image" });
  let received = 0;
  sink.on("connection", (socket) => socket.on("data", () => {
    if (++received === COUNT) socket.close();
  }));
  sink.on("listening", (port) => {
    const client = new SocketClient(port, "127.0.0.1", { rawBytes: false, sendType: "image", maxUnsentBytes: 64 * 1024 });
    let sent = 0;
    let drains = 0;
    let most = 0;
    const pump = () => {
      while (sent < COUNT && client.bufferedAmount + block.length + 5 <= client.options.maxUnsentBytes && client.send(block)) sent++;
      most = Math.max(most, client.bufferedAmount);
    };
    client.on("open", pump);
    client.on("drain", () => {
      drains++;
      pump();
    });
    client.on("error", (message) => log("client", "error:", message));
    client.on("close", () => {
      log("client", `sent ${sent} × 4 KiB paced by ${drains} "drain" events, at most ${most} bytes queued; the server got ${received}`);
      sink.stop();
      log("demo", "done");
    });
    client.open();
  });
  sink.start();
}
