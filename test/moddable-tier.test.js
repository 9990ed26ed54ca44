// The Moddable simulator tier inside the README's test command: with $MODDABLE pointing at an SDK
// whose tools are built (and Xvfb), it runs test/moddable/run.js and passes only if that reports
// every app passed; without them it is reported as pending (skipped), never as passed.

import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const runner = join(dirname(fileURLToPath(import.meta.url)), "moddable", "run.js");

describe("Moddable simulator tier (test/moddable/run.js)", function () {
  it("builds the apps with mcconfig and runs them in mcsim: every app passes", function () {
    this.timeout(30 * 60 * 1000); // clean builds take about a minute per app
    const r = spawnSync(process.execPath, [runner], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    const output = `${r.stdout}${r.stderr}`;
    const skipped = /^SKIPPED: (.*)$/m.exec(output);
    if (skipped) {
      console.log(`      SKIPPED — ${skipped[1]}`);
      this.skip();
    }
    expect(r.status, output.slice(-4000)).to.equal(0);
    expect(output, output.slice(-4000)).to.match(/^Moddable tier: all \d+ passed$/m);
  });
});
