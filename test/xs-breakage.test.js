// The XS tier must catch what breaks a module on a device. Each case stages a deliberately
// broken copy of the compiled module (only the staged copy is changed; the source tree is not)
// and checks that the scenarios FAIL inside XS, for the expected reason.

import { expect } from "chai";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { compileXsHost, runXs } from "../hosts/xs/run.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const skip = process.env.XS_SKIP === "1" && !process.env.CI;
const SCENARIO = "lifecycle: client and server exchange, close in order";

/** Applies `edit` to one staged file (each test first checks that its edit point still exists). */
function breaking(file, edit) {
  return (rel, text) => (rel === file ? edit(text) : text);
}

(skip ? describe.skip : describe)("XS simulator catches XS-hostile code", function () {
  before(function () {
    this.timeout(300000);
    compileXsHost();
  });

  it("a module that uses Node's Buffer fails in XS", async function () {
    this.timeout(120000);
    const mutate = breaking("modules/socket/socket.js", (t) =>
      t.replace(/(\n\s*open\(\) \{)/, "$1\n        this.scratch = Buffer.alloc(16);"));
    expect(mutate("modules/socket/socket.js", "\n    open() {")).to.include("Buffer.alloc", "edit point found");
    const r = (await runXs([{ name: SCENARIO, seed: 1 }], { mutate, dir: path.join(here, "../.xs-build/stage-buffer") })).get(`${SCENARIO}#1`);
    expect(r.ok, "the broken module must fail in XS").to.equal(false);
    // thrown inside a listener: reported on the console (in the trace) and the scenario never finishes
    expect(`${r.error}\n${(r.trace ?? []).join("\n")}`).to.match(/Buffer/);
  });

  it("a module that mutates module-level state reachable from its exports fails once hardened (preload)", async function () {
    this.timeout(120000);
    const mutate = breaking("modules/socket/socket.js", (t) =>
      t.replace(/(\n\s*open\(\) \{)/, "$1\n        SocketClient.opened++;") + "\nSocketClient.opened = 0;\n");
    expect(mutate("modules/socket/socket.js", "\n    open() {")).to.include("SocketClient.opened++", "edit point found");
    const r = (await runXs([{ name: SCENARIO, seed: 1 }], { mutate, dir: path.join(here, "../.xs-build/stage-state") })).get(`${SCENARIO}#1`);
    expect(r.ok, "the broken module must fail in XS").to.equal(false);
    expect(`${r.error}\n${(r.trace ?? []).join("\n")}`).to.match(/not writable|read-only|frozen/i);
  });

  it("the same scenario passes with the module as built (the failures above are the breakage)", async function () {
    this.timeout(120000);
    const r = (await runXs([{ name: SCENARIO, seed: 1 }], { dir: path.join(here, "../.xs-build/stage-clean") })).get(`${SCENARIO}#1`);
    expect(r.ok, r.error).to.equal(true);
  });
});
