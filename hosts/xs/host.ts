// The XS-simulator host: the same shape as the Moddable host (hosts/moddable/host.ts), built from
// the same platform specifiers — embedded:io/socket/tcp, embedded:io/socket/listener, timer,
// time, net, text/encoder, text/decoder — which the runner stages as the simulated network and
// virtual clock (hosts/xs/sim/). Defaults are the device defaults, so scenarios see device sizes.

import Listener from "embedded:io/socket/listener";
import TCP from "embedded:io/socket/tcp";
import Net from "net";
import TextDecoder from "text/decoder";
import TextEncoder from "text/encoder";
import Time from "time";
import Timer from "timer";
import type { Host, ListenerConstructor, TCPConstructor } from "../../modules/socket/host.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const xsHost: Host = Object.freeze({
  name: "XS simulator",
  TCP: TCP as unknown as TCPConstructor,
  Listener: Listener as unknown as ListenerConstructor,
  setTimer: (callback: () => void, ms: number) => Timer.set(() => callback(), ms),
  clearTimer: (timer: unknown) => {
    if (timer !== undefined) Timer.clear(timer as ReturnType<typeof Timer.set>);
  },
  now: () => Time.ticks, // monotonic, unlike Date.now() which jumps when SNTP sets the clock
  resolve(name: string, callback: (address: string | undefined, reason?: string) => void) {
    Net.resolve(name, (_name: string, address?: string) => callback(address, address ? undefined : "no address"));
  },
  encodeUTF8Into: (text: string, dest: Uint8Array) => encoder.encodeInto(text, dest).written,
  decodeUTF8: (bytes: Uint8Array) => decoder.decode(bytes),
  report: (message: string) => trace(`${message}\n`),
  defaults: Object.freeze({
    receiveBufferSize: 1460,
    sendBufferSize: 1460,
    maxMessageSize: 16384,
  }),
});
