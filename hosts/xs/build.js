// Builds the xsnap command-line XS engine from the sources that the npm package @agoric/xsnap
// ships (Moddable's XS + xsnap-native), with make and the system C compiler: nothing is
// downloaded. The binary is cached in .xs-build/xsnap-<version>/ (gitignored); a later call
// only checks it is there. Run by hand: node hosts/xs/build.js

import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const PKG = path.join(ROOT, "node_modules/@agoric/xsnap");

/**
 * Path of the cached xsnap binary, building it first if needed. Throws with a clear message.
 * Its XS stack holds $XSNAP_STACK_COUNT slots (4096, xsnap's own size, when unset): it is built
 * from a copy of xsnap.c patched for that (bench/xs-stack.js uses it to find the stack a path needs).
 */
export function buildXsnap({ log = () => {} } = {}) {
  if (os.type() !== "Linux") throw new Error(`XS build: only Linux is supported here (this is ${os.type()})`);
  const pkgJson = path.join(PKG, "package.json");
  if (!fs.existsSync(pkgJson)) throw new Error("XS build: @agoric/xsnap is not installed (run npm install)");
  const version = JSON.parse(fs.readFileSync(pkgJson, "utf8")).version;
  const dir = path.join(ROOT, ".xs-build", `xsnap-${version}-envstack`);
  const bin = path.join(dir, "xsnap");
  if (fs.existsSync(bin)) return bin;

  let makefiles = path.join(PKG, "xsnap-native/xsnap/makefiles/lin"); // checked here, built from a patched copy
  const moddable = path.join(PKG, "moddable");
  for (const needed of [path.join(makefiles, "xsnap.mk"), path.join(moddable, "xs/includes/xs.h")])
    if (!fs.existsSync(needed)) throw new Error(`XS build: ${needed} is missing from @agoric/xsnap@${version}`);
  fs.mkdirSync(path.join(ROOT, ".xs-build"), { recursive: true });
  const work = fs.mkdtempSync(path.join(ROOT, ".xs-build", "tmp-")); // private: parallel runs don't collide
  makefiles = patchedCopy(work);
  const started = Date.now();
  log(`building xsnap ${version} from @agoric/xsnap sources (make, once; cached in ${path.relative(ROOT, dir)})`);
  const make = spawnSync("make", [
    "-f", "xsnap.mk",
    `-j${Math.max(2, os.availableParallelism?.() ?? os.cpus().length)}`,
    `MODDABLE=${moddable}`,
    `BUILD_DIR=${work}`, // keeps node_modules untouched
    "GOAL=release",
  ], { cwd: makefiles, encoding: "utf8", maxBuffer: 64 << 20 });
  if (make.error || make.status !== 0) {
    const output = `${make.stdout ?? ""}${make.stderr ?? ""}`.trim().split("\n").slice(-25).join("\n");
    fs.rmSync(work, { recursive: true, force: true });
    throw new Error(`XS build failed (make ${make.error ? make.error.message : `exit ${make.status}`}). ` +
      `It needs make and a C compiler (Debian: apt-get install build-essential).\n${output}`);
  }
  fs.mkdirSync(dir, { recursive: true });
  fs.renameSync(path.join(work, "bin/lin/release/xsnap"), bin + ".tmp");
  fs.renameSync(bin + ".tmp", bin);
  fs.rmSync(work, { recursive: true, force: true });
  log(`built ${path.relative(ROOT, bin)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return bin;
}

// A copy of xsnap-native/xsnap (makefiles and sources; the XS sources stay where they are) whose
// xsnap.c takes the stack size from the environment. Returns its makefiles/lin directory.
function patchedCopy(work) {
  const from = path.join(PKG, "xsnap-native/xsnap");
  const to = path.join(work, "xsnap");
  for (const part of ["makefiles", "sources"]) fs.cpSync(path.join(from, part), path.join(to, part), { recursive: true });
  const file = path.join(to, "sources/xsnap.c");
  const text = fs.readFileSync(file, "utf8");
  const literal = /4096,(\s*)\/\* stackCount \*\//;
  if (!literal.test(text)) throw new Error("XS build: xsnap.c no longer sets stackCount as expected");
  fs.writeFileSync(file, text.replace(literal, '(getenv("XSNAP_STACK_COUNT") ? atoi(getenv("XSNAP_STACK_COUNT")) : 4096),$1/* stackCount */'));
  return path.join(to, "makefiles/lin");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    console.log(buildXsnap({ log: (m) => console.log(m) }));
  } catch (e) {
    console.error(e.message);
    process.exit(1);
  }
}
