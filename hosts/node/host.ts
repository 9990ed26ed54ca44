// The Node host: our ECMA-419 TCP and Listener over node:net, Node's timers, TextEncoder/
// TextDecoder and dns.lookup. Defaults are sized for a desktop (see README "Buffers and RAM").

import { lookup } from "node:dns";
import type { Host } from "../../modules/socket/host.js";
import Listener from "./listener.js";
import TCP from "./tcp.js";
import { secure } from "./tls.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8"); // non-fatal: invalid sequences become U+FFFD

export const nodeHost: Host = Object.freeze({
  name: "Node.js",
  TCP,
  Listener,
  setTimer: (callback: () => void, ms: number) => setTimeout(callback, ms),
  clearTimer: (timer: unknown) => clearTimeout(timer as ReturnType<typeof setTimeout> | undefined),
  now: () => performance.now(),
  resolve(name: string, callback: (address: string | undefined, reason?: string) => void) {
    lookup(name, { family: 4 }, (error, address) => {
      callback(error ? undefined : address, error?.code ?? error?.message);
    });
  },
  encodeUTF8Into: (text: string, dest: Uint8Array) => encoder.encodeInto(text, dest).written,
  decodeUTF8: (bytes: Uint8Array) => decoder.decode(bytes),
  report: (message: string) => console.error(message),
  secure, // TLS (sslTls): client and server, over node:tls (hosts/node/tls.ts, docs/tls.md)
  defaults: Object.freeze({
    receiveBufferSize: 65536, // Cape Code's default; RAM is plentiful here
    sendBufferSize: 65536,
    maxMessageSize: 16 * 1024 * 1024, // a header alone commits no more than a receive buffer; see README
    maxUnsentBytes: 16 * 1024 * 1024,
  }),
});
