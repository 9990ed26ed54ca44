// Must compile: a Moddable app's use of "socket" (types/socket.d.ts), legacy names included.

import legacy, {
  Listener, Socket, SocketClient, SocketServer, supportedReceiveTypes,
  type ClientOptions, type DataType, type ErrorCode, type EventEmitter, type TCPSocketOptions,
} from "socket";
import { expectTrue, type Equal } from "./expect.js";

const server = new SocketServer({ port: 4000, rawBytes: false, receiveType: "json", sendType: "json" });
server.on("connection", (socket) => {
  socket.on("data", (data) => socket.send(data));
  socket.on("error", (message, code) => trace(`${code}: ${message}\n`));
});
server.on("connection", (socket: Socket) => trace(`${socket.remoteHost()}\n`)); // as the examples write it
server.start();

const options: ClientOptions<"unsignedbyte", "string"> = { receiveType: "unsignedbyte", receiveBufferSize: 256 };
const client = new SocketClient(4000, "192.168.1.20", options);
client.on("data", (d) => expectTrue<Equal<typeof d, number | number[]>>());
client.on("error", (message: string, code: ErrorCode) => trace(`${message} ${code}\n`));
client.on("drain", () => trace("drained\n"));
const sent: boolean = client.send("hello");
trace(`${sent} ${client.closed} ${client.bufferedAmount}\n`);
client.open();

const emitter: EventEmitter<{ open: [] }> = client; // the type exists; a device has no such class
void emitter;
const types: DataType[] = supportedReceiveTypes();
void types;

// The legacy module's names.
const tcp: TCPSocketOptions = { host: "example.com", port: 80 };
void tcp;
expectTrue<Equal<typeof Socket.readable, 2>>();
expectTrue<Equal<typeof legacy.Listener, typeof Listener>>();
function isOurs(x: unknown): boolean {
  return x instanceof Socket;
}
void isOurs;
