// Life cycle of SocketClient, SocketServer and Socket, over the host's network.

import { startServer } from "./util.js";

export const scenarios = [
  {
    name: "lifecycle: client and server exchange, close in order",
    run(env) {
      const events = [];
      const server = startServer(env, { rawBytes: false }, (socket) => {
        events.push("server connection");
        socket.on("data", (text) => {
          events.push(`server data ${text}`);
          socket.send(`echo ${text}`);
        });
        socket.on("close", () => {
          events.push("server socket close");
          server.stop();
          env.done(events);
        });
      }, (_server, port) => {
        events.push("listening");
        env.assert(port > 0, "a real port is reported");
        const client = new env.SocketClient(port, "127.0.0.1", { rawBytes: false });
        client.on("open", () => {
          events.push("client open");
          client.send("hello");
        });
        client.on("data", (text) => {
          events.push(`client data ${text}`);
          client.close();
        });
        client.on("close", () => {
          events.push("client close");
          env.timer(() => env.eq(client.listenerCount("data"), 0, "listeners removed after close"), 0);
        });
        client.on("error", (m) => env.fail(`client error: ${m}`));
        client.open();
      });
    },
  },
];
