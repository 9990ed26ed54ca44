// The XS stack a connection's data path takes: 1000 framed ints echoed between a SocketServer and
// a SocketClient, each app handler nesting 4 calls before it sends, and the same echo over bare
// ECMA-419 sockets (the simulation's own peers) as the floor. bench/xs-stack.js runs them in an
// xsnap whose stack size it sets, to find the fewest slots each needs.

import { concat, frame, startServer } from "./util.js";

const COUNT = 1000;

// The app's own call depth: 4 nested calls, then the send.
function nest(depth, fn, value) {
  return depth === 0 ? fn(value) : nest(depth - 1, fn, value) + 0;
}

const int = (i) => new Uint8Array([(i >>> 24) & 0xff, (i >>> 16) & 0xff, (i >>> 8) & 0xff, i & 0xff]);

export const scenarios = [
  {
    name: "stack: 1000 framed ints echoed by the module, each handler nesting 4 calls",
    hosts: ["xs"],
    run(env) {
      let received = 0;
      const server = startServer(env, { rawBytes: false, receiveType: "int", sendType: "int" }, (socket) => {
        socket.on("data", (x) => nest(4, (v) => (socket.send(v), 0), x));
      }, (_, port) => {
        const client = new env.SocketClient(port, "127.0.0.1", { rawBytes: false, receiveType: "int", sendType: "int", maxUnsentMessages: 0, maxUnsentBytes: 8 * COUNT });
        client.on("error", (m) => env.fail(`client error ${m}`));
        client.on("open", () => {
          for (let i = 0; i < COUNT; i++) client.send(i);
        });
        client.on("data", (x) => nest(4, (v) => {
          env.eq(v, received, "in order");
          if (++received === COUNT) {
            client.close();
            server.stop();
            env.done({ echoed: received });
          }
          return 0;
        }, x));
        client.open();
      });
    },
  },
  {
    name: "stack floor: 1000 framed ints echoed over bare sockets, each handler nesting 4 calls",
    hosts: ["xs"],
    run(env) {
      let received = 0;
      let pending = new Uint8Array(0);
      env.net.listen(0, (peer) => {
        peer.onData = (bytes) => nest(4, (b) => (peer.write(b), 0), bytes); // echo what comes
      }, (port) => {
        const peer = env.net.connect(port, (p) => {
          p.write(concat(Array.from({ length: COUNT }, (_, i) => frame(int(i)))));
        });
        peer.onData = (bytes) => nest(4, (b) => {
          pending = concat([pending, b]);
          while (pending.length >= 5) {
            const v = ((pending[1] << 24) | (pending[2] << 16) | (pending[3] << 8) | pending[4]) >>> 0;
            env.eq(v, received, "in order");
            pending = pending.subarray(5);
            received++;
          }
          if (received === COUNT) env.done({ echoed: received });
          return 0;
        }, bytes);
      });
    },
  },
];
