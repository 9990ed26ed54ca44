// Must compile under --strict: what users write, and the types the declarations give it.

import {
  EventEmitter, Socket, SocketClient, SocketServer, supportedReceiveTypes, supportedSendTypes,
  type ClientOptions, type DataType, type ErrorCode, type ReceivedData, type ServerOptions,
} from "accessor-socket";
import TCP from "accessor-socket/tcp";
import Listener from "accessor-socket/listener";
import { expectTrue, type Equal } from "./expect.js";

// The README's Node example, unchanged: no annotations needed under --strict.
const server = new SocketServer({ port: 0, rawBytes: false, receiveType: "int" });
server.on("listening", (port) => {
  const client = new SocketClient(port, "127.0.0.1", { rawBytes: false, sendType: "int" });
  client.on("open", () => client.send([1.9, 3e9])); // arrives as [1, 2147483647]
  client.open();
});
server.on("connection", (socket) => socket.on("data", (ints) => console.log(ints)));
server.start();

// Listener arguments are inferred from the event name.
server.on("listening", (port) => expectTrue<Equal<typeof port, number>>());
server.on("connection", (socket) => expectTrue<Equal<typeof socket, Socket<"int", "string">>>());
server.on("error", (message, code) => {
  expectTrue<Equal<typeof message, string>>();
  expectTrue<Equal<typeof code, ErrorCode>>();
});

// "data" is typed from receiveType.
const ints = new SocketClient(4000, "localhost", { receiveType: "int" });
ints.on("data", (d) => expectTrue<Equal<typeof d, number | number[]>>());
const image = new SocketClient(4000, "localhost", { receiveType: "image", rawBytes: false });
image.on("data", (d) => expectTrue<Equal<typeof d, ArrayBuffer>>());
const png = new SocketClient(4000, "localhost", { receiveType: "png", sendType: "jpeg" });
png.on("data", (d) => expectTrue<Equal<typeof d, ArrayBuffer>>());
const text = new SocketClient(4000, "localhost", { receiveType: "string" });
text.on("data", (d) => expectTrue<Equal<typeof d, string>>());
const json = new SocketClient(4000, "localhost", { receiveType: "json", sendType: "json" });
json.on("data", (d) => expectTrue<Equal<typeof d, unknown>>());
const plain = new SocketClient(); // defaults: port 4000, "localhost", string both ways
plain.on("data", (d) => expectTrue<Equal<typeof d, string>>());
expectTrue<Equal<typeof plain, SocketClient<"string", "string">>>();

// A Socket has the server's types.
const doubles = new SocketServer({ receiveType: "double", sendType: "unsignedshort" });
doubles.on("connection", (socket) => {
  socket.on("data", (d) => expectTrue<Equal<typeof d, number | number[]>>());
  const ok: boolean = socket.send([1, 2, 3]);
  socket.send(new Float64Array(4));
  socket.send(7);
  socket.on("drain", () => socket.close());
  socket.on("close", () => {});
  expectTrue<Equal<typeof socket.closed, boolean>>();
  console.log(ok, socket.remoteHost().length + socket.remotePort(), socket.bufferedAmount);
});

// send() is typed from sendType.
const sender = new SocketClient(4000, "localhost", { sendType: "string" });
sender.send("text");
sender.send(42); // its decimal text
sender.send(["a", 1, "b"]);
const images = new SocketClient(4000, "localhost", { sendType: "image" });
images.send(new ArrayBuffer(8));
images.send(new Uint8Array(8));
images.send(new DataView(new ArrayBuffer(8)));
json.send({ any: ["json", 1, null] });
const sent: boolean = ints.send("a string is fine for the default send type, string");
console.log(sent);

// Events of a client, with and without arguments; every emitter method is typed.
const client = new SocketClient(4000, "127.0.0.1", { rawBytes: false, receiveType: "json", sendType: "json" });
client.on("open", () => client.send({ hello: "device" }));
client.once("close", () => {});
client.on("drain", () => {});
client.on("error", (message) => console.error(message));
client.on("error", (message, code) => {
  if (code === "ECONNECT" || code === "ECONNLOST" || code === "EQUEUEFULL") console.error(message);
});
const onData = (d: unknown) => console.log(d);
client.on("data", onData).off("data", onData).removeListener("data", onData);
client.removeAllListeners("data").removeAllListeners();
const n: number = client.listenerCount("open");
const fns: Array<(d: unknown) => void> = client.listeners("data");
console.log(n, fns, client.port, client.host, client.bufferedAmount, client.closed);
client.open();
client.close();

// Resolved options: every value present, with the instance's types.
expectTrue<Equal<typeof client.options.receiveType, "json">>();
expectTrue<Equal<typeof ints.options.maxMessageSize, number>>();
expectTrue<Equal<typeof client.options.tcp, (new (options: Record<string, any>) => object) | undefined>>();
expectTrue<Equal<typeof server.options.clientAuth, "none" | "request" | "required">>();
expectTrue<Equal<typeof server.port, number>>();

// Options written out beforehand, typed with the exported option types.
const clientOptions: ClientOptions = { rawBytes: false, receiveType: "double", maxUnsentBytes: 1 << 20, maxBadMessages: 0 };
const wide = new SocketClient(4000, "localhost", clientOptions); // types: any DataType
wide.on("data", (d) => expectTrue<Equal<typeof d, unknown>>());
const exact = { receiveType: "short", sendType: "byte" } as const satisfies ClientOptions;
new SocketClient(4000, "localhost", exact).on("data", (d) => expectTrue<Equal<typeof d, number | number[]>>());
const serverOptions: ServerOptions<"string", "json"> = { port: 0, hostInterface: "127.0.0.1", clientAuth: "none" };
new SocketServer(serverOptions).on("connection", (s) => s.send({ json: true }));

// The host's ECMA-419 classes, and other such classes, as options.
new SocketClient(4000, "localhost", { tcp: TCP });
new SocketServer({ tcp: TCP, listener: Listener, port: 0 });

// A receive type known only at run time gives the union of what it may be.
const chosen: DataType = supportedReceiveTypes()[0] ?? "string";
const dynamic = new SocketClient(4000, "localhost", { receiveType: chosen });
dynamic.on("data", (d) => expectTrue<Equal<typeof d, unknown>>());
expectTrue<Equal<ReceivedData<"int" | "string">, string | number | number[]>>();
const types: DataType[] = supportedSendTypes();
console.log(types);

// instanceof works for all three classes; Socket is an EventEmitter.
function describe(x: unknown): string {
  if (x instanceof Socket) return `${x.remoteHost()}:${x.remotePort()}`;
  if (x instanceof SocketClient) return `${x.host}:${x.port}`;
  if (x instanceof SocketServer) return `server on ${x.port}`;
  if (x instanceof EventEmitter) return "an emitter";
  return "?";
}
console.log(describe(client));

// The EventEmitter class, for code of one's own: loose by default, checked with an event map.
const loose = new EventEmitter();
loose.on("anything", (...args) => console.log(args)).emit("anything", 1, "two");
class Ticker extends EventEmitter<{ tick: [count: number] }> {}
new Ticker().on("tick", (count) => expectTrue<Equal<typeof count, number>>()).emit("tick", 1);

// A subclass of a client.
class JsonClient extends SocketClient<"json", "json"> {
  constructor(port: number) {
    super(port, "127.0.0.1", { rawBytes: false, receiveType: "json", sendType: "json" });
  }
}
new JsonClient(4000).on("data", (d) => expectTrue<Equal<typeof d, unknown>>());

// Listeners annotated with the wide types, as examples often write them.
server.on("connection", (socket: Socket) => socket.on("data", (data: unknown) => console.log(data)));
function logAll(c: SocketClient): void {
  c.on("data", (d) => console.log(d));
}
logAll(ints);
logAll(json);

// Options declared beforehand with an annotation keep the receive type (README, TypeScript).
const annotated: ClientOptions<"int"> = { rawBytes: false, receiveType: "int" };
new SocketClient(4000, "localhost", annotated).on("data", (d) => expectTrue<Equal<typeof d, number | number[]>>());
