// The Moddable host: the platform's ECMA-419 TCP and Listener and name resolution (./transport:
// the manifest maps it per platform; on one without a network TCP and Listener are undefined, and
// only the `tcp` / `listener` options can connect), Timer, TextEncoder/TextDecoder modules.
// Defaults are sized for an ESP32 (see README "Buffers and RAM").

import TextDecoder from "text/decoder";
import TextEncoder from "text/encoder";
import Time from "time";
import Timer from "timer";
import type { Host, ListenerConstructor, TCPConstructor } from "../../modules/socket/host.js";
import { secure } from "./secure.js";
import { Listener, resolve, TCP } from "./transport.js";

// Module scope is frozen when preloaded (in flash on a device), and a TextEncoder or TextDecoder
// frozen there cannot be used: one is made per call (TextDecoder.decode() also keeps its streaming
// state in the instance).

export const moddableHost: Host = Object.freeze({
  name: "Moddable",
  // The SDK typings say write() returns void; it returns the writable count. Undefined where the
  // platform has no network.
  TCP: TCP as unknown as TCPConstructor,
  Listener: Listener as unknown as ListenerConstructor,
  setTimer: (callback: () => void, ms: number) => Timer.set(() => callback(), ms),
  clearTimer: (timer: unknown) => {
    if (timer !== undefined) Timer.clear(timer as ReturnType<typeof Timer.set>);
  },
  now: () => Time.ticks, // monotonic: Date.now() jumps when SNTP sets the clock
  resolve,
  encodeUTF8Into: (text: string, dest: Uint8Array) => new TextEncoder().encodeInto(text, dest).written,
  decodeUTF8: (bytes: Uint8Array) => new TextDecoder().decode(bytes),
  report: (message: string) => trace(`${message}\n`),
  secure,
  defaults: Object.freeze({
    receiveBufferSize: 1024, // 8 connections at the defaults fit 64 KiB: see README "Buffers and RAM"
    sendBufferSize: 1024,
    maxMessageSize: 4096,
    maxUnsentBytes: 1024, // what the send buffer holds: nothing waits outside it by default
  }),
});
