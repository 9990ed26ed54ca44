// Helpers for scenarios. Scenarios run inside XS (staged by hosts/xs/run.js) and on Node
// (test/xs.test.js with node-env.js), so this file uses plain ES2022 only: no Node API.

/** Concatenates Uint8Arrays. */
export function concat(chunks) {
  let n = 0;
  for (const c of chunks) n += c.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** A framed message: header then payload. */
export function frame(payload) {
  const n = payload.length;
  const header = n < 255 ? [n] : [0xff, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
  return concat([new Uint8Array(header), payload]);
}

export function utf8(text) {
  return new TextEncoder().encode(text);
}

export function hex(bytes) {
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}

/** Deterministic bytes: n bytes from a seeded generator (env.random). */
export function randomBytes(env, n) {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(env.random() * 256);
  return out;
}

/** A 32-bit FNV-1a hash of bytes, to compare large payloads in a short result. */
export function digest(bytes) {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return (h >>> 0).toString(16).padStart(8, "0");
}

/**
 * Starts a module SocketServer on port 0 and calls back with (server, port) once "listening".
 * Each accepted Socket is passed to onSocket.
 */
export function startServer(env, options, onSocket, onListening) {
  const server = new env.SocketServer({ port: 0, ...options });
  server.on("error", (message) => env.fail(`server error: ${message}`));
  server.on("connection", onSocket);
  server.on("listening", (port) => onListening(server, port));
  server.start();
  return server;
}
