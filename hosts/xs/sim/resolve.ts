// The staged `net` module: Moddable's Net.resolve(name, callback(name, address)) over the world's
// name table (World.names), answered after a simulated latency.

import { current } from "./current.js";

const Net = Object.freeze({
  resolve(name: string, callback: (name: string, address?: string) => void): void {
    const world = current();
    const address = world.names.get(name);
    world.trace(`resolve ${name} -> ${address ?? "none"}`);
    world.at(world.latency(), () => callback(name, address));
  },
});

export default Net;
