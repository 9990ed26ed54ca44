// The network side of the Moddable host on a platform that has one: the ECMA-419 TCP and Listener
// of the platform (embedded:io/socket/*) and name resolution through "net". The library manifest
// maps "accessor-socket/hosts/moddable/transport" here, or to transport-none on a platform without
// a network (plain Raspberry Pi Pico).

import Listener from "embedded:io/socket/listener";
import TCP from "embedded:io/socket/tcp";
import Net from "net";
import Timer from "timer";

export { Listener, TCP };

/** Resolves `name` to an IPv4 literal; calls back once, asynchronously. */
export function resolve(name: string, callback: (address: string | undefined, reason?: string) => void): void {
  try {
    Net.resolve(name, (_name: string, address?: string) => callback(address, address ? undefined : "no address"));
  } catch (e) {
    Timer.set(() => callback(undefined, (e as Error).message), 0); // lwIP's look-up queue is full
  }
}
