// The XS stack the data path takes, measured: the fewest stack slots with which a 1000-message
// framed echo between a SocketServer and a SocketClient (each app handler nesting 4 calls) runs to
// the end in XS, against the same echo over bare ECMA-419 sockets (the floor: xsnap, the simulated
// network and the scenario harness). The difference is what the module adds on top of the app.
// xsnap takes its stack size from $XSNAP_STACK_COUNT (hosts/xs/build.js);
// the scenarios are test/scenarios/stack.scenarios.js. Deterministic: no timing involved.
//   node bench/xs-stack.js

import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildXsnap, ROOT } from "../hosts/xs/build.js";
import { compileXsHost, runXs } from "../hosts/xs/run.js";

export const MODULE = "stack: 1000 framed ints echoed by the module, each handler nesting 4 calls";
export const FLOOR = "stack floor: 1000 framed ints echoed over bare sockets, each handler nesting 4 calls";
export const DEVICE_SLOTS = 512; // the XS stack of the ESP32 and Pico builds (8 KB of 16-byte slots)

/** Whether `name` runs to the end with `slots` stack slots. */
export async function passes(name, slots, xsnap = buildXsnap()) {
  const dir = path.join(ROOT, ".xs-build/stage-stack");
  const r = (await runXs([{ name, seed: 1 }], { dir, xsnap, env: { XSNAP_STACK_COUNT: String(slots) }, jobs: 1 })).get(`${name}#1`);
  return r.ok;
}

/** The fewest slots (to `step`) with which `name` passes, between lo (fails) and hi (passes). */
export async function fewestSlots(name, { lo = 64, hi = 8192, step = 8 } = {}) {
  const xsnap = buildXsnap();
  if (!(await passes(name, hi, xsnap))) throw new Error(`${name}: fails even with ${hi} slots`);
  while (hi - lo > step) {
    const mid = Math.floor((lo + hi) / 2);
    if (await passes(name, mid, xsnap)) hi = mid;
    else lo = mid;
  }
  return hi;
}

export async function stackFigures() {
  compileXsHost();
  const floor = await fewestSlots(FLOOR);
  const module = await fewestSlots(MODULE);
  return { floor, module, added: module - floor, deviceSlots: DEVICE_SLOTS };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const f = await stackFigures();
  console.log(`XS stack, 1000-message framed echo, app handlers nesting 4 calls (fewest slots that run it, ±8):`);
  console.log(`  bare ECMA-419 sockets (floor: xsnap + simulation + harness): ${f.floor} slots`);
  console.log(`  through the module:                                         ${f.module} slots`);
  console.log(`  the module adds ${f.added} slots = ${((100 * f.added) / f.deviceSlots).toFixed(0)} % of a device's ${f.deviceSlots}-slot stack`);
}
