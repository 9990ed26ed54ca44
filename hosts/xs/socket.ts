// The module as XS code imports it: import { SocketClient, SocketServer } from "socket",
// bound to the XS-simulator host (the runner stages this file under the specifier "socket").

import * as core from "../../modules/socket/socket.js";
import type { ClientOptions, ServerOptions } from "../../modules/socket/socket.js";
import { xsHost } from "./host.js";

export { Socket, supportedReceiveTypes, supportedSendTypes } from "../../modules/socket/socket.js";
export type { ClientOptions, ServerOptions } from "../../modules/socket/socket.js";

export class SocketClient extends core.SocketClient {
  constructor(port?: number, host?: string, options?: Partial<ClientOptions>) {
    super(xsHost, port, host, options);
  }
}

export class SocketServer extends core.SocketServer {
  constructor(options?: Partial<ServerOptions>) {
    super(xsHost, options);
  }
}
