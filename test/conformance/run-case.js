// Runs one conformance case in this process: node test/conformance/run-case.js FILE
// The file's imports of embedded:io/socket/tcp, embedded:io/socket/listener and timer are pointed
// at the shim (a rewritten copy in a temporary directory), the harness globals are installed,
// and the case is imported. Prints "@@RESULT {"ok":…,"error":…}" once, then exits.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { install, report, startHttpResponder } from "./shim.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const file = path.resolve(process.argv[2]);
const targets = {
  "embedded:io/socket/tcp": pathToFileURL(path.join(here, "shim-tcp.js")).href,
  "embedded:io/socket/listener": pathToFileURL(path.join(here, "shim-listener.js")).href,
  timer: pathToFileURL(path.join(here, "shim-timer.js")).href,
};
const source = fs.readFileSync(file, "utf8").replace(/(from\s*)(["'])([^"']+)\2/g, (all, from, quote, specifier) =>
  targets[specifier] ? `${from}${quote}${targets[specifier]}${quote}` : all);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "conformance-"));
const copy = path.join(dir, `${path.basename(file, ".js")}.mjs`);
fs.writeFileSync(copy, source);
process.on("exit", () => fs.rmSync(dir, { recursive: true, force: true }));

install();
await startHttpResponder();
try {
  await import(pathToFileURL(copy).href);
} catch (e) {
  report(false, e);
}
