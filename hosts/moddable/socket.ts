// The module as firmware imports it: import { SocketClient, SocketServer } from "socket".

import { bindHost } from "../../modules/socket/bind.js";
import type * as core from "../../modules/socket/socket.js";
import { moddableHost } from "./host.js";

export { Socket, supportedReceiveTypes, supportedSendTypes } from "../../modules/socket/socket.js";
export type { ClientOptions, ServerOptions } from "../../modules/socket/socket.js";

export const { SocketClient, SocketServer } = bindHost(moddableHost);
export type SocketClient = core.SocketClient;
export type SocketServer = core.SocketServer;
