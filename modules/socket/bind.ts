// What a host binding exports: the public classes with its Host filled in, so that users write
// `new SocketClient(port, host, options)` and `new SocketServer(options)`.

import type { Host } from "./host.js";
import { clientOptions, type ClientOptions, type ServerOptions } from "./options.js";
import { SocketClient as CoreClient, SocketServer as CoreServer } from "./socket.js";
import type * as api from "./socket.js";

/** The classes a binding exports (the constructors without the Host argument). */
export interface BoundClasses {
  readonly SocketClient: new (port?: number, host?: string, options?: Partial<ClientOptions>) => api.SocketClient;
  readonly SocketServer: new (options?: Partial<ServerOptions>) => api.SocketServer;
}

export function bindHost(platform: Host): BoundClasses {
  // What the classes close over is const or a named import: a preloaded closure may not capture a
  // parameter or a namespace import (mcconfig warns).
  const host = platform;
  // Every client's options inherit these (preloaded, they are in flash on a device).
  const clientDefaults = Object.freeze(clientOptions(platform.defaults, undefined));
  return {
    SocketClient: class SocketClient extends CoreClient {
      constructor(port?: number, name?: string, options?: Partial<ClientOptions>) {
        super(host, port, name, options, clientDefaults);
      }
    },
    SocketServer: class SocketServer extends CoreServer {
      constructor(options?: Partial<ServerOptions>) {
        super(host, options);
      }
    },
  };
}
