#!/usr/bin/env node
// A desktop peer for the Moddable examples (examples/moddable/), using this package on Node.
// Same settings as the device side: framed (rawBytes false) JSON both ways.
//
//   node examples/node/peer.js server [port]          echo server for examples/moddable/echo-client
//   node examples/node/peer.js client <host> [port]   client for examples/moddable/echo-server
//
// Run `npm run build` first (this imports the compiled package).

import { SocketClient, SocketServer } from "accessor-socket";

const options = { rawBytes: false, receiveType: "json", sendType: "json" };
const [mode, a, b] = process.argv.slice(2);

if (mode === "server") {
  const server = new SocketServer({ ...options, port: Number(a ?? 4000) });
  server.on("listening", (port) => console.log(`peer: echo server listening on port ${port}`));
  server.on("error", (message) => console.error(`peer: ${message}`));
  server.on("connection", (socket) => {
    const who = `${socket.remoteHost()}:${socket.remotePort()}`;
    console.log(`peer: ${who} connected`);
    socket.on("data", (data) => {
      console.log(`peer: ${who} sent ${JSON.stringify(data)}`);
      socket.send(data);
    });
    socket.on("error", (message) => console.error(`peer: ${who} ${message}`));
    socket.on("close", () => console.log(`peer: ${who} closed`));
  });
  server.start();
} else if (mode === "client" && a) {
  const messages = [{ hello: "desktop" }, [3.5, -1], "text"];
  let received = 0;
  const client = new SocketClient(Number(b ?? 4000), a, options);
  client.on("open", () => {
    console.log(`peer: connected to ${a}:${client.port}`);
    for (const message of messages) client.send(message);
  });
  client.on("data", (data) => {
    console.log(`peer: echo ${JSON.stringify(data)}`);
    if (++received === messages.length) client.close();
  });
  client.on("error", (message) => {
    console.error(`peer: ${message}`);
    process.exitCode = 1;
  });
  client.on("close", () => console.log(`peer: closed after ${received} of ${messages.length} echoes`));
  client.open();
} else {
  console.error("usage: peer.js server [port] | peer.js client <host> [port]");
  process.exitCode = 2;
}
