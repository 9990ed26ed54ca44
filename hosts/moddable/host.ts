// The Moddable host: the platform's ECMA-419 TCP and Listener and name resolution (./transport:
// the manifest maps it per platform; on one without a network TCP and Listener are undefined, and
// only the `tcp` / `listener` options can connect), Timer, TextEncoder/TextDecoder modules.
// Defaults are sized for an ESP32 (see README "Buffers and RAM").

import TextDecoder from "text/decoder";
import TextEncoder from "text/encoder";
import Time from "time";
import Timer from "timer";
import type { TextCodec } from "../../modules/socket/codec.js";
import type { Host, ListenerConstructor, TCPConstructor } from "../../modules/socket/host.js";
import { secure } from "./secure.js";
import { Listener, resolve, TCP } from "./transport.js";

// Module scope is frozen when preloaded (in flash on a device), and a TextEncoder or TextDecoder
// frozen there cannot be used: each connection gets its own, made the first time it is needed.
class ModdableText implements TextCodec {
  #encoder: TextEncoder | null = null;
  #decoder: TextDecoder | null = null;

  encodeUTF8Into(text: string, dest: Uint8Array, at: number, end: number): number {
    const into = at === 0 && end === dest.length ? dest : dest.subarray(at, end);
    return (this.#encoder ??= new TextEncoder()).encodeInto(text, into).written;
  }

  // ASCII, the usual case, is copied as it is by XS's String.fromArrayBuffer (a memcpy; no view to
  // make), which is exactly what a TextDecoder gives when the string has as many characters as
  // there were bytes. Anything else (non-ASCII, or bytes XS refuses) goes through the TextDecoder,
  // which turns invalid sequences into U+FFFD. Measured on a Pico: 1 KiB of ASCII in about a tenth
  // of the TextDecoder's cycles.
  decodeUTF8(bytes: Uint8Array, start: number, end: number): string {
    const n = end - start;
    try {
      const ascii = (String as unknown as FromArrayBuffer).fromArrayBuffer(bytes.buffer, bytes.byteOffset + start, n);
      if (ascii.length === n) return ascii;
    } catch {
      // not UTF-8 by XS's rules: the TextDecoder decides
    }
    return (this.#decoder ??= new TextDecoder()).decode(bytes.subarray(start, end));
  }

  // XS keeps a string as its UTF-8 (a lone surrogate as 3 bytes, as many as the U+FFFD TextEncoder
  // writes for it): this copies it natively, where a loop over the text would index it (O(n) per
  // index in XS).
  utf8Length(text: string): number {
    return (ArrayBuffer as unknown as XSArrayBuffer).fromString(text).byteLength;
  }
}

// XS's own additions to String and ArrayBuffer.
interface FromArrayBuffer {
  fromArrayBuffer(buffer: ArrayBufferLike, byteOffset: number, byteLength: number): string;
}
interface XSArrayBuffer {
  fromString(text: string): ArrayBuffer;
}

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
  textCodec: () => new ModdableText(),
  report: (message: string) => trace(`${message}\n`),
  secure,
  defaults: Object.freeze({
    receiveBufferSize: 1024, // 8 connections at the defaults fit 64 KiB: see README "Buffers and RAM"
    sendBufferSize: 1024,
    maxMessageSize: 4096,
    maxUnsentBytes: 1024, // what the send buffer holds: nothing waits outside it by default
  }),
});
