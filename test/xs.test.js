// The XS tier: the compiled module inside the XS engine (xsnap, built from
// @agoric/xsnap's sources by hosts/xs/build.js and cached in .xs-build/), on a simulated,
// deterministic ECMA-419 network. Every scenario of test/scenarios/ runs in XS (several seeds)
// and, where it makes sense, on the Node host too, where its result must be the same.
// A failed XS build fails this file (it never skips); XS_SKIP=1 skips it, loudly, outside CI only.

import { expect } from "chai";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { compileXsHost, runXs, scenarioFiles } from "../hosts/xs/run.js";
import { runOnNode } from "./scenarios/node-env.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const all = [];
for (const f of scenarioFiles()) all.push(...(await import(path.join(here, "scenarios", f))).scenarios);
const onXs = all.filter((s) => (s.hosts ?? ["xs", "node"]).includes("xs"));
const onNode = all.filter((s) => (s.hosts ?? ["xs", "node"]).includes("node"));
const SEEDS = [1, 2, 3];
const skip = process.env.XS_SKIP === "1" && !process.env.CI;

const key = (name, seed) => `${name}#${seed}`;
function describeFailure(r) {
  return `${r.error}${r.trace?.length ? `\n  last events (virtual ms):\n    ${r.trace.join("\n    ")}` : ""}`;
}

(skip ? describe.skip : describe)("XS simulator (xsnap)", function () {
  if (skip) console.warn("XS tier SKIPPED because XS_SKIP=1: the module was not run inside XS");
  let results;
  before(async function () {
    this.timeout(300000); // the first run builds xsnap (about a minute on 2 cores)
    compileXsHost();
    results = await runXs(onXs.flatMap((s) => SEEDS.map((seed) => ({ name: s.name, seed }))));
  });

  for (const s of onXs) {
    for (const seed of SEEDS) {
      it(`${s.name} [seed ${seed}]`, function () {
        const r = results.get(key(s.name, seed));
        expect(r, "a result from XS").to.be.an("object");
        if (!r.ok) expect.fail(describeFailure(r));
      });
    }
  }

  describe("on the Node host too: same result as in XS", function () {
    for (const s of onNode) {
      it(s.name, async function () {
        this.timeout((s.nodeTimeout ?? 10000) + 5000);
        const r = await runOnNode(s, 1);
        if (!r.ok) expect.fail(`on Node: ${r.error}`);
        const x = results.get(key(s.name, 1));
        expect(x?.ok, `XS run of the same scenario: ${x?.error}`).to.equal(true);
        expect(JSON.parse(JSON.stringify(r.result)), "the result on Node equals the result in XS").to.deep.equal(x.result);
      });
    }
  });

  describe("reproducibility", function () {
    it("the same seed gives the same event sequence, whatever ran before in the machine", async function () {
      this.timeout(120000);
      const requests = onXs.map((s) => ({ name: s.name, seed: 1 }));
      const again = await runXs(requests.slice().reverse(), { jobs: 1, dir: path.join(here, "../.xs-build/stage-again") });
      for (const { name } of requests) {
        const a = results.get(key(name, 1));
        const b = again.get(key(name, 1));
        expect(b.ok, `${name}: ${b.error}`).to.equal(true);
        expect([b.traceHash, b.traceCount, b.log, b.result], name).to.deep.equal([a.traceHash, a.traceCount, a.log, a.result]);
      }
    });

    it("another seed gives another event sequence (the seed drives chunking and latency)", function () {
      const changed = onXs.filter((s) => results.get(key(s.name, 1)).traceHash !== results.get(key(s.name, 2)).traceHash);
      expect(changed.length, "scenarios whose trace differs between seeds 1 and 2").to.be.greaterThan(onXs.length / 2);
    });
  });
});
