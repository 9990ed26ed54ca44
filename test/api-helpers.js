// Shared helpers for the public-API tests (test/api-*.test.js): real loopback servers on port 0,
// clients, raw node:net peers, event collection with timeouts, and cleanup of everything made.

import net from "node:net";
import { SocketClient, SocketServer } from "../dist/hosts/node/index.js";
import { frame as frameBytes } from "./fixtures.js";

export const LOOPBACK = "127.0.0.1";

export const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Everything a test opens, closed by cleanup() in afterEach. */
export class Tracker {
  #items = [];

  add(item) {
    this.#items.push(item);
    return item;
  }

  async cleanup() {
    const items = this.#items.splice(0).reverse();
    for (const item of items) {
      try {
        if (item instanceof SocketServer) item.stop();
        else if (item instanceof SocketClient) item.close();
        else if (item instanceof net.Server) {
          for (const s of item.peers ?? []) s.destroy();
          item.close();
        } else if (item instanceof net.Socket) item.destroy();
        else if (typeof item === "function") item();
      } catch {
        // already closed
      }
    }
    await delay(5); // let deferred "close" events run before the next test
  }
}

/** Resolves with the first emission of `event` (its arguments as an array); rejects after `ms`. */
export function once(emitter, event, ms = 1500) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off?.(event, listener);
      reject(new Error(`timed out after ${ms} ms waiting for "${event}"`));
    }, ms);
    function listener(...args) {
      clearTimeout(timer);
      resolve(args);
    }
    emitter.once(event, listener);
  });
}

/** Records every emission of each event, in one ordered log: [{ event, args }]. */
export function record(emitter, events = ["open", "data", "close", "error", "listening", "connection"]) {
  const log = [];
  for (const event of events) emitter.on(event, (...args) => log.push({ event, args, at: performance.now() }));
  log.of = (event) => log.filter((e) => e.event === event);
  log.values = (event = "data") => log.filter((e) => e.event === event).map((e) => e.args[0]);
  log.names = () => log.map((e) => e.event);
  return log;
}

/** Polls `predicate` until true; rejects with `what` after `ms`. */
export async function waitFor(predicate, ms = 1500, what = "condition") {
  const end = performance.now() + ms;
  while (!predicate()) {
    if (performance.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await delay(2);
  }
}

/** A module SocketServer on 127.0.0.1, port 0, started; resolves once "listening" is heard. */
export async function startServer(tracker, options = {}) {
  const server = tracker.add(new SocketServer({ port: 0, hostInterface: LOOPBACK, ...options }));
  const sockets = [];
  server.on("connection", (socket) => {
    socket.log = record(socket, ["data", "error", "close"]); // from the start: data may follow at once
    sockets.push(socket);
  });
  const listening = once(server, "listening");
  server.start();
  const [port] = await listening;
  return { server, port, sockets, nextSocket: (i = sockets.length) => waitFor(() => sockets.length > i, 1500, "a connection").then(() => sockets[i]) };
}

/** A module SocketClient to 127.0.0.1:port. With open = true (default) it resolves after "open". */
export async function connectClient(tracker, port, options = {}, open = true) {
  const client = tracker.add(new SocketClient(port, LOOPBACK, { reconnectAttempts: 0, ...options }));
  if (!open) return client;
  const opened = once(client, "open");
  client.open();
  await opened;
  return client;
}

/** A server and a connected client, with the server's Socket: { server, port, client, socket }. */
export async function pair(tracker, serverOptions = {}, clientOptions = {}) {
  const { server, port, nextSocket } = await startServer(tracker, serverOptions);
  const accepted = nextSocket(0);
  const client = await connectClient(tracker, port, clientOptions);
  const socket = await accepted;
  return { server, port, client, socket };
}

/** A raw node:net server on 127.0.0.1:0. `peers` are the accepted sockets; each records its input in `.received`. */
export async function rawServer(tracker) {
  const server = tracker.add(net.createServer());
  server.peers = [];
  server.on("connection", (s) => {
    s.received = [];
    s.on("data", (chunk) => s.received.push(chunk));
    s.on("error", () => {});
    server.peers.push(s);
  });
  await new Promise((resolve) => server.listen(0, LOOPBACK, resolve));
  server.port = server.address().port;
  server.nextPeer = (i = server.peers.length) => waitFor(() => server.peers.length > i, 1500, "a raw connection").then(() => server.peers[i]);
  return server;
}

/** A raw node:net client connected to 127.0.0.1:port; records its input in `.received`. */
export async function rawConnect(tracker, port) {
  const socket = tracker.add(net.connect(port, LOOPBACK));
  socket.received = [];
  socket.on("data", (chunk) => socket.received.push(chunk));
  socket.on("error", () => {});
  await once(socket, "connect");
  return socket;
}

/** All bytes a raw peer has received so far. */
export function bytesOf(peer) {
  return Buffer.concat(peer.received);
}

/** Waits until a raw peer has received at least n bytes; returns them all. */
export async function receiveBytes(peer, n, ms = 1500) {
  await waitFor(() => bytesOf(peer).length >= n, ms, `${n} bytes`);
  return bytesOf(peer);
}

/** Writes `bytes` to a raw peer in the given chunk lengths, `gap` ms apart (each chunk its own TCP segment). */
export async function writeChunks(peer, bytes, lengths, gap = 5) {
  let at = 0;
  for (const n of lengths) {
    peer.write(bytes.subarray(at, at + n));
    at += n;
    await delay(gap);
  }
  if (at < bytes.length) peer.write(bytes.subarray(at));
}

/** A frame around `payload`, as a Buffer (the one definition is in fixtures.js). */
export const frame = (payload) => Buffer.from(frameBytes(Buffer.from(payload)));

/** Replaces console.error while `fn` runs; resolves with the messages it got. */
export async function captureConsoleError(fn) {
  const messages = [];
  const original = console.error;
  console.error = (...args) => messages.push(args.join(" "));
  try {
    await fn();
  } finally {
    console.error = original;
  }
  return messages;
}
