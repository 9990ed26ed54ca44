// The world the staged platform modules (embedded:io/socket/*, timer, time) act on. The runner
// installs a fresh World before each scenario, so scenarios run one after another in one XS
// machine (as connections come and go on one device) without sharing network or clock.

import { World } from "./world.js";

const slot: { world: World | null } = { world: null };

export function install(world: World | null): void {
  slot.world = world;
}

export function current(): World {
  const world = slot.world;
  if (!world) throw new Error("no simulated world installed");
  return world;
}
