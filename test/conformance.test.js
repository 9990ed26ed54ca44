// Moddable's ECMA-419 socket conformance cases (tests/modules/io/socket/tcp/*.js and
// listener/*.js of the Moddable SDK) on the Node host's TCP and Listener, each case in a node
// process of its own under a small stand-in for the SDK's test harness (test/conformance/shim.js:
// loopback only, fixed ports remapped to ephemeral ones, "www.example.com:80" served locally).
// With $MODDABLE pointing at an SDK, its own files run; otherwise our rewrite of every case
// (test/conformance/cases/: the same checks, written for this project).

import { expect } from "chai";
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const runner = path.join(here, "conformance", "run-case.js");
const sdk = process.env.MODDABLE ? path.join(process.env.MODDABLE, "tests", "modules", "io", "socket") : null;
const useSdk = sdk !== null && fs.existsSync(path.join(sdk, "tcp"));
const root = useSdk ? sdk : path.join(here, "conformance", "cases");
const EXPECTED = { tcp: 21, listener: 10 }; // the SDK's count of cases in each directory

function cases(dir) {
  return fs.readdirSync(path.join(root, dir)).filter((f) => f.endsWith(".js")).sort().map((f) => `${dir}/${f}`);
}

function run(file) {
  return new Promise((resolve) => {
    execFile(process.execPath, [runner, path.join(root, file)], { timeout: 20000 }, (error, stdout, stderr) => {
      const line = stdout.split("\n").find((l) => l.startsWith("@@RESULT "));
      if (line) resolve(JSON.parse(line.slice("@@RESULT ".length)));
      else resolve({ ok: false, error: `no result (${error?.killed ? "killed after 20 s" : `exit ${error?.code ?? 0}`}): ${stderr.slice(-800)}` });
    });
  });
}

describe(`ECMA-419 conformance: ${useSdk ? `the Moddable SDK's cases (${root})` : "our rewrite of the Moddable SDK's cases"}`, function () {
  const all = [...cases("tcp"), ...cases("listener")];
  const results = new Map();

  before(async function () {
    this.timeout(120000);
    const queue = all.slice();
    const worker = async () => {
      for (let file = queue.shift(); file; file = queue.shift()) results.set(file, await run(file));
    };
    await Promise.all([worker(), worker(), worker()]);
  });

  it(`has every case (${EXPECTED.tcp} tcp, ${EXPECTED.listener} listener)`, function () {
    expect(cases("tcp")).to.have.length(EXPECTED.tcp);
    expect(cases("listener")).to.have.length(EXPECTED.listener);
  });

  for (const file of all) {
    it(file, function () {
      const r = results.get(file);
      if (!r.ok) expect.fail(r.error);
    });
  }
});
