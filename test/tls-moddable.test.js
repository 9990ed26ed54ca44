// The Moddable host's TLS client in the simulator (test/moddable/tls-run.js), inside the README's test
// command: with $MODDABLE pointing at an SDK whose tools are built (and Xvfb), it builds the app of
// test/moddable/apps/tls and runs it against Node TLS servers on loopback, passing only if every
// check passed; without them it is reported as pending (skipped), never as passed.

import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const runner = join(dirname(fileURLToPath(import.meta.url)), "moddable", "tls-run.js");

describe("Moddable TLS client in the simulator (test/moddable/tls-run.js)", function () {
  it("trusted CA, unknown CA, trustAll, client certificate, settings errors: every check passes", function () {
    this.timeout(10 * 60 * 1000); // a clean build takes about a minute
    const r = spawnSync(process.execPath, [runner], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    const output = `${r.stdout}${r.stderr}`;
    const skipped = /^SKIPPED: (.*)$/m.exec(output);
    if (skipped) {
      console.log(`      SKIPPED — ${skipped[1]}`);
      this.skip();
    }
    expect(r.status, output.slice(-4000)).to.equal(0);
    expect(output, output.slice(-4000)).to.match(/^Moddable TLS tier: passed$/m);
    expect(output.match(/^  PASS /gm) ?? [], output.slice(-4000)).to.have.length(8);
  });
});
