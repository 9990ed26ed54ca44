// The project's style, checked (run by `npm run lint` and by npm test): 2-space indentation with no
// tabs, no trailing whitespace, no "yoda" comparisons (`undefined === x`), no Node API and no
// private instance method in the module itself, and no pointer to documents users do not have.
// Prints each finding; exits 1 if any.

import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");

const CODE = /\.(ts|js|mjs|cjs|java)$/;
const TEXT = /\.(ts|js|mjs|cjs|java|md|json)$/;

const rules = [
  { name: "tab indentation", files: CODE, test: (line) => /^\t/.test(line) },
  { name: "trailing whitespace", files: TEXT, test: (line) => /[ \t]+$/.test(line) },
  { name: "yoda comparison", files: CODE, test: (line) => /[(!&|=,]\s*(undefined|null|true|false|-?\d+|"[^"]*"|'[^']*')\s*[!=]==\s*[\w$#.]/.test(line) },
  { name: "a pointer outside the repository", files: TEXT, test: (line) => /\.\.\/shared|SPEC §|SPEC section|STYLE item|[Ii]ssue \d+/.test(line) },
  {
    // XS installs a private method or accessor on every instance (a heap slot per instance and
    // method); a static private method is on the class once.
    name: "a private instance method in the module (make it static)",
    files: /^(modules|hosts\/moddable)\/.*\.ts$/,
    test: (line) => /^\s+((async|get|set)\s+)?#\w+\s*\(/.test(line),
  },
  {
    name: "a Node API in the module",
    files: /^modules\/.*\.ts$/,
    test: (line) => /from "node:|\bBuffer\.|\bprocess\.|\brequire\(/.test(line),
  },
];

export function lint() {
  const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], { cwd: ROOT, encoding: "utf8" })
    .split("\n")
    .filter((f) => f && TEXT.test(f) && f !== "package-lock.json" && !f.startsWith("tools/lint.js"));
  const findings = [];
  for (const file of files) {
    let text;
    try {
      text = readFileSync(path.join(ROOT, file), "utf8");
    } catch {
      continue; // listed but deleted in the working tree
    }
    text.split("\n").forEach((line, i) => {
      for (const rule of rules) if (rule.files.test(file) && rule.test(line)) findings.push(`${file}:${i + 1}: ${rule.name}: ${line.trim().slice(0, 100)}`);
    });
  }
  return findings;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const findings = lint();
  for (const f of findings) console.log(f);
  console.log(findings.length ? `${findings.length} findings` : "lint: clean");
  process.exit(findings.length ? 1 : 0);
}
