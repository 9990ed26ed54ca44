// Echo server for a device or the simulator: every framed message comes back as sent.
// Try it from a desktop: socketcat connect <device address> 4000 --framed --type json (docs/cli.md)
// Options: port from the manifest config (mcconfig ... port=5000).

import config from "mc/config";
import { Socket, SocketServer } from "socket";

const server = new SocketServer({
  port: Number((config as Record<string, unknown>).port ?? 4000),
  rawBytes: false, // one length-prefixed frame per send()
  receiveType: "json",
  sendType: "json",
});

server.on("listening", (port: number) => trace(`echo-server: listening on port ${port}\n`));
server.on("error", (message: string) => trace(`echo-server: error ${message}\n`));
server.on("connection", (socket: Socket) => {
  const peer = `${socket.remoteHost()}:${socket.remotePort()}`;
  trace(`echo-server: ${peer} connected\n`);
  socket.on("data", (data: unknown) => {
    trace(`echo-server: ${peer} sent ${JSON.stringify(data)}\n`);
    socket.send(data);
  });
  socket.on("error", (message: string) => trace(`echo-server: ${peer} error ${message}\n`));
  socket.on("close", () => trace(`echo-server: ${peer} closed\n`));
});
server.start();
