// The package entry for Node: the module's public API bound to the Node host.

import * as core from "../../modules/socket/socket.js";
import type { ClientOptions, ServerOptions } from "../../modules/socket/socket.js";
import { nodeHost } from "./host.js";

export { Socket, supportedReceiveTypes, supportedSendTypes } from "../../modules/socket/socket.js";
export type { ClientOptions, ServerOptions } from "../../modules/socket/socket.js";
export { EventEmitter } from "../../modules/socket/emitter.js";

export class SocketClient extends core.SocketClient {
  constructor(port?: number, host?: string, options?: Partial<ClientOptions>) {
    super(nodeHost, port, host, options);
  }
}

export class SocketServer extends core.SocketServer {
  constructor(options?: Partial<ServerOptions>) {
    super(nodeHost, options);
  }
}
