// Each line after a @ts-expect-error must NOT compile (tsc fails on a directive with no error).

import { Socket, SocketClient, SocketServer } from "accessor-socket";

const client = new SocketClient(4000, "localhost", { rawBytes: false, receiveType: "int", sendType: "int" });
const server = new SocketServer({ port: 0, receiveType: "image" });

// An unknown type name.
// @ts-expect-error
new SocketClient(4000, "localhost", { sendType: "integer" });
// @ts-expect-error
new SocketServer({ receiveType: "Int" });

// A misspelt event.
// @ts-expect-error
client.on("opne", () => {});
// @ts-expect-error
server.on("listen", () => {});
// @ts-expect-error
client.once("conection", () => {});
// @ts-expect-error a server has no "open"
server.on("open", () => {});
// @ts-expect-error a client has no "connection"
client.on("connection", () => {});

// A listener with the wrong arguments.
// @ts-expect-error "connection" gives a Socket
server.on("connection", (s: number) => s);
// @ts-expect-error "listening" gives a number
server.on("listening", (port: string) => port);
// @ts-expect-error "data" of an int client gives numbers
client.on("data", (d: string) => d);
// @ts-expect-error "data" of an image server gives ArrayBuffers
server.on("connection", (s) => s.on("data", (d: string) => d));
// @ts-expect-error "error" gives strings
client.on("error", (message: string, code: number) => [message, code]);
// @ts-expect-error "open" gives nothing
client.on("open", (x: string) => x);

// send() with what the send type cannot take.
// @ts-expect-error a string as int
client.send("12");
// @ts-expect-error an object as int
client.send({ value: 1 });
// @ts-expect-error an array of strings as int
client.send(["1", "2"]);
// @ts-expect-error a DataView is not a numeric array
client.send(new DataView(new ArrayBuffer(4)));
const images = new SocketClient(4000, "localhost", { sendType: "png" });
// @ts-expect-error a string as an image
images.send("not an image");
// @ts-expect-error a number as an image
images.send(1);
const strings = new SocketClient();
// @ts-expect-error an object as a string
strings.send({ a: 1 });

// Options: unknown names and wrong kinds.
// @ts-expect-error
new SocketClient(4000, "localhost", { rawbytes: false });
// @ts-expect-error
new SocketClient(4000, "localhost", { port: 4000 }); // a server option
// @ts-expect-error
new SocketServer({ reconnectAttempts: 3 }); // a client option
// @ts-expect-error
new SocketClient(4000, "localhost", { maxMessageSize: "16k" });
// @ts-expect-error
new SocketServer({ clientAuth: "optional" });
// @ts-expect-error
new SocketClient("4000", "localhost");
// @ts-expect-error
new SocketClient(4000, 127001);

// Read-only state.
// @ts-expect-error
client.port = 1;
// @ts-expect-error
client.options.rawBytes = true;
// @ts-expect-error
client.closed = true;

// A Socket is made by a SocketServer only.
// @ts-expect-error
new Socket();
// @ts-expect-error
class Mine extends Socket {}
void Mine;

// A non-optional resolved option is never undefined, tcp may be.
const size: number = client.options.receiveBufferSize;
void size;
// @ts-expect-error
const tcp: Function = client.options.tcp;
void tcp;
