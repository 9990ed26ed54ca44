// The XS part of issue 4: codec and framing cost per element as a deterministic count
// (instructions under valgrind --tool=callgrind). It needs the XS command-line engine that the
// "Prove it on XS" issue builds under hosts/xs; until a built xsnap exists this reports why not.

import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CANDIDATES = [
  ".xs-build/xsnap", ".xs-build/bin/xsnap", ".xs-build/xst",
  "node_modules/@agoric/xsnap/xsnap-native/xsnap/build/bin/lin/release/xsnap-worker",
  "node_modules/@agoric/xsnap/xsnap-native/xsnap/build/bin/lin/debug/xsnap-worker",
];

export function findXS() {
  for (const c of CANDIDATES) if (existsSync(ROOT + c)) return ROOT + c;
  return undefined;
}

export async function xsRows() {
  const engine = findXS();
  if (!engine) return { rows: [], note: "not measured: no built XS engine (looked for .xs-build/ and node_modules/@agoric/xsnap builds)" };
  return { rows: [], note: `not measured: an XS engine exists (${engine}) but the callgrind harness is not written yet` };
}
