// Echo client for a device or the simulator: connects to an echo server (socketcat's echo
// server, or the echo-server example), sends a few framed JSON messages and prints the replies.
// Options: mcconfig ... host=192.168.1.20 port=4000 (host: an IPv4 literal or a name).

import config from "mc/config";
import { SocketClient } from "socket";

const settings = config as Record<string, unknown>;
const client = new SocketClient(Number(settings.port ?? 4000), String(settings.host ?? "127.0.0.1"), {
  rawBytes: false,
  receiveType: "json",
  sendType: "json",
  reconnectAttempts: 30, // keep trying for a while if the peer is started after the device
});

const messages = [{ hello: "device" }, [1, 2, 3], "text", 42];
let received = 0;

client.on("open", () => {
  trace(`echo-client: connected to ${client.host}:${client.port}\n`);
  for (const message of messages) client.send(message);
});
client.on("data", (data: unknown) => {
  trace(`echo-client: echo ${JSON.stringify(data)}\n`);
  if (++received === messages.length) client.close();
});
client.on("error", (message: string) => trace(`echo-client: error ${message}\n`));
client.on("close", () => trace(`echo-client: closed after ${received} echoes\n`));
client.open();
