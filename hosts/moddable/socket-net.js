// The module "socket" on platforms where Moddable also has its legacy "socket" module
// (modules/network/socket: native Socket and Listener, used by sntp, http, mqtt, websocket, dns,
// mdns, telnet, securesocket, ping). Our manifest excludes the SDK's socket.js with "~" and maps
// "socket" here instead: this module is a superset that serves both kinds of importer.
//
// - This package's API: SocketClient, SocketServer, Socket, supportedReceiveTypes/SendTypes.
// - The legacy API, unchanged: Socket (the native class: `new Socket(dict)`, `extends Socket`,
//   Socket.connected … Socket.disconnected), Listener, and the default export { Socket, Listener }.
//
// Both APIs name a class "Socket". The legacy one must stay the constructor (SNTP extends it);
// ours is never constructed by users (SocketServer makes it), so `instanceof Socket` is made to
// accept ours as well. The native functions below are those modules/network/socket/<platform>/*.c
// implements; the legacy manifest (included by ours) compiles them.

import { Socket as AcceptedSocket } from "accessor-socket/hosts/moddable/socket";
export {
  SocketClient,
  SocketServer,
  supportedReceiveTypes,
  supportedSendTypes,
} from "accessor-socket/hosts/moddable/socket";

export class Socket @ "xs_socket_destructor" {
  constructor(dictionary) @ "xs_socket";
  read() @ "xs_socket_read";
  write() @ "xs_socket_write";
  close() @ "xs_socket_close";
  get(name) @ "xs_socket_get";
  suspend() @ "xs_socket_suspend";
}
Socket.connected = 1; // the legacy callback's messages
Socket.readable = 2;
Socket.writable = 3;
Socket.error = -2;
Socket.disconnected = -1;

// `x instanceof Socket`: a native socket, or a connection accepted by our SocketServer. A legacy
// subclass (class SNTP extends Socket) inherits this function, hence the `this` test.
const ordinary = Function.prototype[Symbol.hasInstance];
Object.defineProperty(Socket, Symbol.hasInstance, {
  value: function (it) {
    return ordinary.call(this, it) || (this === Socket && it instanceof AcceptedSocket);
  },
});

export class Listener @ "xs_listener_destructor" {
  constructor(dictionary) @ "xs_listener";
  close() @ "xs_listener_close";
}

Object.freeze(Socket.prototype);
Object.freeze(Listener.prototype);

export default Object.freeze({ Socket, Listener });
