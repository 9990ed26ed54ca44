// The package entry for Node: the module's public API bound to the Node host.

import { bindHost } from "../../modules/socket/bind.js";
import type * as core from "../../modules/socket/socket.js";
import { nodeHost } from "./host.js";

export { Socket, supportedReceiveTypes, supportedSendTypes } from "../../modules/socket/socket.js";
export type { ClientOptions, ServerOptions } from "../../modules/socket/socket.js";
export { EventEmitter } from "../../modules/socket/emitter.js";

export const { SocketClient, SocketServer } = bindHost(nodeHost);
export type SocketClient = core.SocketClient;
export type SocketServer = core.SocketServer;
