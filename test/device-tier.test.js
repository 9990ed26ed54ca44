// The device tier inside `npm test`: with the Moddable SDK, the Pico SDK pieces and the RP2040 boot
// ROM named by the variables test/device/run.js documents, it builds the Pico apps and runs them
// in the rp2040js emulator, and passes only if that reports every app passed; without them it is
// reported as pending (skipped) with the reason, never as passed.

import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const runner = join(dirname(fileURLToPath(import.meta.url)), "device", "run.js");

describe("device tier: Raspberry Pi Pico in rp2040js (test/device/run.js)", function () {
  it("builds the apps for pico and pico/pico_w and runs them in the emulator: every app passes", function () {
    this.timeout(40 * 60 * 1000); // clean builds take up to two minutes per app, runs up to a minute
    const r = spawnSync(process.execPath, [runner], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    const output = `${r.stdout}${r.stderr}`;
    const skipped = /^SKIPPED: (.*)$/m.exec(output);
    if (skipped) {
      console.log(`      SKIPPED — ${skipped[1]}`);
      this.skip();
    }
    expect(r.status, output.slice(-6000)).to.equal(0);
    expect(output, output.slice(-6000)).to.match(/^Device tier: all \d+ passed$/m);
  });
});
