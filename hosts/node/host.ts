// The Node host: our ECMA-419 TCP and Listener over node:net, Node's timers, TextEncoder/
// TextDecoder and dns.lookup. Defaults are sized for a desktop (see README "Buffers and RAM").

import { lookup } from "node:dns";
import type { TextCodec } from "../../modules/socket/codec.js";
import type { Host } from "../../modules/socket/host.js";
import Listener from "./listener.js";
import TCP from "./tcp.js";
import { secure } from "./tls.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8"); // non-fatal: invalid sequences become U+FFFD

// Stateless: every connection shares it.
const text: TextCodec = Object.freeze({
  encodeUTF8Into: (s: string, dest: Uint8Array, at: number, end: number) =>
    encoder.encodeInto(s, at === 0 && end === dest.length ? dest : dest.subarray(at, end)).written,
  decodeUTF8: (bytes: Uint8Array, start: number, end: number) => decoder.decode(bytes.subarray(start, end)),
  utf8Length: (s: string) => Buffer.byteLength(s, "utf8"), // a lone surrogate counts 3, as TextEncoder writes U+FFFD
});

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
  textCodec: () => text,
  report: (message: string) => console.error(message),
  secure, // TLS (sslTls): client and server, over node:tls (hosts/node/tls.ts, docs/tls.md)
  defaults: Object.freeze({
    receiveBufferSize: 65536, // Cape Code's default; RAM is plentiful here
    sendBufferSize: 65536,
    maxMessageSize: 16 * 1024 * 1024, // a header alone commits no more than a receive buffer; see README
    maxUnsentBytes: 16 * 1024 * 1024,
  }),
});
