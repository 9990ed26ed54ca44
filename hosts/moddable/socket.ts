// The module as firmware imports it: import { SocketClient, SocketServer } from "socket".

import * as core from "../../modules/socket/socket.js";
import type { ClientOptions, ServerOptions } from "../../modules/socket/socket.js";
import { moddableHost } from "./host.js";

export { Socket, supportedReceiveTypes, supportedSendTypes } from "../../modules/socket/socket.js";
export type { ClientOptions, ServerOptions } from "../../modules/socket/socket.js";

export class SocketClient extends core.SocketClient {
  constructor(port?: number, host?: string, options?: Partial<ClientOptions>) {
    super(moddableHost, port, host, options);
  }
}

export class SocketServer extends core.SocketServer {
  constructor(options?: Partial<ServerOptions>) {
    super(moddableHost, options);
  }
}
