// The network side of the Moddable host on a platform without one (plain Raspberry Pi Pico: no
// lwIP, no embedded:io/socket/*). There is no TCP or Listener class: a SocketClient or SocketServer
// works only with the `tcp` / `listener` options (an in-memory loopback, a serial bridge …).
// The manifest maps "accessor-socket/hosts/moddable/transport" here on such platforms.

import Timer from "timer";

export const TCP = undefined;
export const Listener = undefined;

/** No resolver either: always calls back (asynchronously) with the reason. */
export function resolve(name: string, callback: (address: string | undefined, reason?: string) => void): void {
  Timer.set(() => callback(undefined, `cannot resolve "${name}": no network on this platform`), 0);
}
