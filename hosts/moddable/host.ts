// The Moddable host: the platform's ECMA-419 TCP and Listener, Timer, TextEncoder/TextDecoder
// modules and Net.resolve. Defaults are sized for an ESP32 (see README "Buffers and RAM").

import Listener from "embedded:io/socket/listener";
import TCP from "embedded:io/socket/tcp";
import Net from "net";
import TextDecoder from "text/decoder";
import TextEncoder from "text/encoder";
import Time from "time";
import Timer from "timer";
import type { Host, ListenerConstructor, TCPConstructor } from "../../modules/socket/host.js";

// Module scope is frozen when preloaded (in flash on a device): only the stateless encoder lives
// here. TextDecoder.decode() writes its streaming state into the instance, so one is made per call.
const encoder = new TextEncoder();

export const moddableHost: Host = Object.freeze({
  name: "Moddable",
  TCP: TCP as unknown as TCPConstructor, // the SDK typings say write() returns void; it returns the writable count
  Listener: Listener as unknown as ListenerConstructor,
  setTimer: (callback: () => void, ms: number) => Timer.set(() => callback(), ms),
  clearTimer: (timer: unknown) => {
    if (timer !== undefined) Timer.clear(timer as ReturnType<typeof Timer.set>);
  },
  now: () => Time.ticks, // monotonic: Date.now() jumps when SNTP sets the clock
  resolve(name: string, callback: (address: string | undefined, reason?: string) => void) {
    try {
      Net.resolve(name, (_name: string, address?: string) => callback(address, address ? undefined : "no address"));
    } catch (e) {
      Timer.set(() => callback(undefined, (e as Error).message), 0); // lwIP's look-up queue is full
    }
  },
  encodeUTF8Into: (text: string, dest: Uint8Array) => encoder.encodeInto(text, dest).written,
  decodeUTF8: (bytes: Uint8Array) => new TextDecoder().decode(bytes),
  report: (message: string) => trace(`${message}\n`),
  defaults: Object.freeze({
    receiveBufferSize: 1024, // 8 connections at the defaults fit 64 KiB: see README "Buffers and RAM"
    sendBufferSize: 1024,
    maxMessageSize: 4096,
    maxUnsentBytes: 1024, // what the send buffer holds: nothing waits outside it by default
  }),
});
