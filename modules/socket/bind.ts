// What a host binding exports: the public classes with its Host filled in, so that users write
// `new SocketClient(port, host, options)` and `new SocketServer(options)`.

import type { Host } from "./host.js";
import type { ClientOptions, ServerOptions } from "./options.js";
import * as api from "./socket.js";

/** The classes a binding exports (the constructors without the Host argument). */
export interface BoundClasses {
  readonly SocketClient: new (port?: number, host?: string, options?: Partial<ClientOptions>) => api.SocketClient;
  readonly SocketServer: new (options?: Partial<ServerOptions>) => api.SocketServer;
}

export function bindHost(platform: Host): BoundClasses {
  // What the classes close over is const: a preloaded closure may capture only const bindings
  // (mcconfig warns about a parameter or an import binding, which could change).
  const host = platform;
  const Client = api.SocketClient;
  const Server = api.SocketServer;
  return {
    SocketClient: class SocketClient extends Client {
      constructor(port?: number, name?: string, options?: Partial<ClientOptions>) {
        super(host, port, name, options);
      }
    },
    SocketServer: class SocketServer extends Server {
      constructor(options?: Partial<ServerOptions>) {
        super(host, options);
      }
    },
  };
}
