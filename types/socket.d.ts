// Declarations of the module "socket" as Moddable apps import it (mapped by ../manifest.json in
// place of the SDK's typings/socket.d.ts). The API is declared once, in ./api.d.ts, for this file
// and the npm package alike; what it means on the wire: docs/protocol.md; device defaults:
// examples/moddable/README.md. The legacy declarations at the end keep the SDK's own modules that
// import from "socket" (http, websocket, securesocket) compiling.

import type { DataType, Socket as AcceptedSocket, SocketConstructor } from "./api.js";

export type {
  AnyEvents,
  ClientEvents,
  ClientOptions,
  CommonOptions,
  DataType,
  ErrorCode,
  EventEmitter, // a type only: the device module exports no EventEmitter class
  EventMap,
  ImageType,
  EventListener,
  ListenerClass,
  NumericArray,
  NumericType,
  ReceivedData,
  Resolved,
  SendData,
  ServerEvents,
  ServerOptions,
  SocketClientConstructor,
  SocketConstructor,
  SocketEvents,
  SocketServerConstructor,
  TCPClass,
} from "./api.js";
export { SocketClient, SocketServer, supportedReceiveTypes, supportedSendTypes } from "./api.js";

/** One accepted connection (see ./api.d.ts). */
export type Socket<R extends DataType = DataType, S extends DataType = DataType> = AcceptedSocket<R, S>;

/**
 * At run time `Socket` is also the legacy native socket class, with its callback constants, for
 * the SDK modules that import it (examples/moddable/README.md); `x instanceof Socket` holds for
 * the connections a SocketServer hands you as well.
 */
export declare const Socket: SocketConstructor & {
  readonly connected: 1;
  readonly readable: 2;
  readonly writable: 3;
  readonly error: -2;
  readonly disconnected: -1;
};

// Legacy "socket" types (the SDK's modules/network/socket), for code written against them. At run
// time they exist where the platform has that module (esp, esp32, pico, lin, mac, win; the manifest's
// platforms); elsewhere "socket" is this package's API only.
export type TCPSocketOptions = {
  kind?: "TCP";
  host?: string;
  address?: string;
  port?: number;
  noDelay?: boolean;
  keepalive?: { idle: number; interval: number; count: number };
};
export type ListenerOptions = { port?: number; address?: string };
/** The legacy native listener. */
export declare class Listener {
  constructor(options: ListenerOptions);
  close(): void;
  callback: (this: Listener) => void;
}
declare const legacy: { readonly Socket: typeof Socket; readonly Listener: typeof Listener };
export default legacy;
