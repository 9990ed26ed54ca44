// The package as a user gets it: `npm pack`, then `npm install <tarball>` (offline: it has no
// dependencies) into three empty projects — ESM, CommonJS and TypeScript --strict — each running
// the README's loopback example for it; and `npx socketcat --help` in the installed project.
// The tarball itself: every file the manifest and package.json point at, and nothing of the tests.

import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const npx = process.platform === "win32" ? "npx.cmd" : "npx";

function run(command, args, cwd, env = {}) {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env: { ...process.env, npm_config_update_notifier: "false", npm_config_fund: "false", npm_config_audit: "false", ...env }, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }));
  });
}

/** The code block of the README that follows `<!-- package-test: NAME -->`. */
function readmeExample(name) {
  const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
  const m = new RegExp(`<!-- package-test: ${name} -->\\s*\`\`\`\\w*\\n([\\s\\S]*?)\`\`\``).exec(readme);
  if (!m) throw new Error(`README.md has no example marked package-test: ${name}`);
  return m[1];
}

describe("the npm package (npm pack, npm install <tarball>)", function () {
  this.timeout(90000);
  let work;
  let tarball;
  let files;

  before(async function () {
    if (!fs.existsSync(path.join(root, "dist/hosts/node/index.js"))) throw new Error("dist/ is missing: run npm run build (npm test does)");
    work = fs.mkdtempSync(path.join(os.tmpdir(), "accessor-socket-package-"));
    // prepack would build again: npm test has just built, so pack what is there.
    const r = await run(npm, ["pack", "--json", "--ignore-scripts", "--pack-destination", work], root);
    expect(r.code, r.stderr).to.equal(0);
    const [info] = JSON.parse(r.stdout);
    tarball = path.join(work, info.filename);
    files = info.files.map((f) => f.path);
  });

  after(function () {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it("builds afresh on pack, never on a user's install", function () {
    expect(pkg.scripts.prepack).to.match(/rmSync\('dist'.*&& npm run build$/); // no stale file of an earlier build is packed
    for (const hook of ["prepare", "preinstall", "install", "postinstall"]) expect(pkg.scripts, hook).to.not.have.property(hook);
    expect(pkg.dependencies ?? {}).to.deep.equal({});
  });

  it("holds what package.json and manifest.json point at, the docs and the license", function () {
    const targets = [pkg.main, pkg.types, ...Object.values(pkg.bin)];
    for (const entry of Object.values(pkg.exports)) targets.push(...(typeof entry === "string" ? [entry] : Object.values(entry)));
    for (const target of targets) expect(files, target).to.include(path.posix.normalize(target));
    const manifest = JSON.parse(fs.readFileSync(path.join(root, "manifest.json"), "utf8"));
    const sources = [];
    const collect = (modules) => {
      for (const value of Object.values(modules ?? {})) sources.push(...[value].flat());
    };
    collect(manifest.modules);
    for (const platform of Object.values(manifest.platforms)) collect(platform.modules);
    for (const source of sources.filter((s) => s.startsWith("./"))) {
      const base = path.posix.normalize(source);
      const found = base.endsWith("*") ? files.some((f) => f.startsWith(base.slice(0, -1))) : files.some((f) => f.startsWith(`${base}.`));
      expect(found, `manifest.json → ${source}`).to.equal(true);
    }
    for (const f of ["LICENSE", "README.md", "manifest.json", "types/api.d.ts", "types/node.d.ts", "types/socket.d.ts", "docs/protocol.md", "docs/cli.md", "examples/moddable/README.md"])
      expect(files, f).to.include(f);
  });

  it("leaves out the test machinery, sources of the Node build and source maps", function () {
    const results = ["bench/RESULTS.md", "bench/results.svg"]; // the figures, which the README links
    const unwanted = files.filter((f) => !results.includes(f) && /^(test|bench|hosts\/xs|hosts\/node|\.ci|examples\/node)\/|\.map$|^tsconfig|\.tgz$/.test(f));
    expect(unwanted).to.deep.equal([]);
  });

  it("its docs stand alone: every relative link of its Markdown files points at a file in the package", function () {
    const broken = [];
    for (const doc of files.filter((f) => f.endsWith(".md"))) {
      const text = fs.readFileSync(path.join(root, doc), "utf8");
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/i.test(target) || target.startsWith("#")) continue; // a URL, or a heading of the same page
        const file = path.posix.normalize(path.posix.join(path.posix.dirname(doc), target.split("#")[0]));
        if (!files.includes(file) && !files.some((f) => f.startsWith(`${file}/`))) broken.push(`${doc} → ${target}`);
      }
      if (/§|`\.\.\/[^`]*`/.test(text)) broken.push(`${doc} cites a document outside the package (a section sign or a \`../…\` path)`);
    }
    expect(broken).to.deep.equal([]);
  });

  it("installs offline into empty ESM, CommonJS and TypeScript --strict projects, each running the README's example; npx socketcat works", async function () {
    const projects = {
      esm: { "package.json": { name: "esm-user", private: true, type: "module" }, "index.js": readmeExample("esm") },
      cjs: { "package.json": { name: "cjs-user", private: true }, "index.js": readmeExample("cjs") },
      ts: {
        "package.json": { name: "ts-user", private: true, type: "module" },
        "tsconfig.json": {
          compilerOptions: {
            target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, skipLibCheck: false,
            typeRoots: [path.join(root, "node_modules/@types")], types: ["node"],
          },
          files: ["index.ts"],
        },
        "index.ts": readmeExample("ts"),
      },
    };
    await Promise.all(Object.entries(projects).map(async ([name, contents]) => {
      const dir = path.join(work, name);
      fs.mkdirSync(dir);
      for (const [file, text] of Object.entries(contents))
        fs.writeFileSync(path.join(dir, file), typeof text === "string" ? text : JSON.stringify(text, null, 2));
      const install = await run(npm, ["install", "--offline", "--no-audit", "--no-fund", tarball], dir);
      expect(install.code, `${name}: npm install\n${install.stderr}`).to.equal(0);
      expect(install.stderr, `${name}: npm install warned`).to.not.match(/EBADENGINE|prepare|WARN/);
    }));

    const tsc = await run(process.execPath, [path.join(root, "node_modules/typescript/bin/tsc"), "-p", "."], path.join(work, "ts"));
    expect(tsc.stdout + tsc.stderr, "tsc --strict").to.equal("");
    expect(tsc.code).to.equal(0);

    for (const name of Object.keys(projects)) {
      const r = await run(process.execPath, ["index.js"], path.join(work, name));
      expect(r.code, `${name}: ${r.stderr}`).to.equal(0);
      expect(r.stdout, name).to.equal("[ 1, 2147483647 ]\n");
      expect(r.stderr, name).to.equal("");
    }

    const help = await run(npx, ["--no", "--", "socketcat", "--help"], path.join(work, "cjs"), { npm_config_offline: "true" });
    expect(help.code, help.stderr).to.equal(0);
    expect(help.stdout).to.match(/^socketcat — /).and.include("Exit codes");
  });
});
