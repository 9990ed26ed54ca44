// Each line after a @ts-expect-error must NOT compile on a device either.

import { EventEmitter, Socket, SocketClient, SocketServer } from "socket";

const client = new SocketClient(4000, "localhost", { rawBytes: false, sendType: "double" });
// @ts-expect-error
client.on("opne", () => {});
// @ts-expect-error
client.send("text");
// @ts-expect-error
new SocketServer({ receiveType: "integer" });
// @ts-expect-error
new SocketServer().on("connection", (s: number) => s);
// @ts-expect-error the device module exports no EventEmitter class
new EventEmitter();
// @ts-expect-error
new Socket();
