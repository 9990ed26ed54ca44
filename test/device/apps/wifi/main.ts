// The module on a Raspberry Pi Pico W build: the host's TCP and Listener are Moddable's lwIP
// implementations (embedded:io/socket/tcp, .../listener). The emulator has no CYW43 radio, so no
// network comes up: this app checks that the classes are there, that a SocketServer and a
// SocketClient are built on them, and reports what listening and connecting do without a network
// ("INFO" lines). Any outcome of start() / open() passes, provided one is reported and nothing aborts.

import { Socket, SocketClient, SocketServer } from "socket";
import TCP from "embedded:io/socket/tcp";
import Listener from "embedded:io/socket/listener";
import { run } from "harness";

const info = (text: string) => trace(`INFO ${text}\n`);

run([
  ["lwIP TCP and Listener classes are present", (t) => {
    t.check(typeof TCP === "function" && typeof Listener === "function", "two classes", [typeof TCP, typeof Listener]);
  }],
  ["the legacy socket module's API is there too (the manifest's superset on lwIP platforms)", (t) => {
    const constants = [Socket.connected, Socket.readable, Socket.writable, Socket.error, Socket.disconnected];
    t.check(JSON.stringify(constants) === "[1,2,3,-2,-1]", [1, 2, 3, -2, -1], constants);
  }],
  ["SocketServer on the platform Listener: start() reports listening or an error", (t) => {
    const server = new SocketServer({ port: 0, rawBytes: false, receiveType: "json", sendType: "json" });
    server.on("listening", (port: number) => {
      info(`server listening on port ${port}`);
      server.stop();
      t.pass("listening");
    });
    server.on("error", (m: string) => {
      info(`server error: ${m}`);
      server.stop();
      t.pass("error reported");
    });
    server.start();
  }, 5000],
  ["SocketClient on the platform TCP: open() reports open or an error", (t) => {
    const client = new SocketClient(4000, "127.0.0.1", { reconnectAttempts: 0, connectTimeout: 1000 });
    client.on("open", () => {
      info("client open");
      client.close();
      t.pass("open");
    });
    client.on("error", (m: string) => {
      info(`client error: ${m}`);
      t.pass("error reported");
    });
    client.open();
  }, 5000],
  ["name resolution without a network calls back", (t) => {
    const client = new SocketClient(4000, "example.com", { reconnectAttempts: 0, connectTimeout: 1000 });
    client.on("error", (m: string) => {
      info(`resolve: ${m}`);
      t.pass("error reported");
    });
    client.on("open", () => t.fail("opened with no network"));
    client.open();
  }, 8000],
]);
