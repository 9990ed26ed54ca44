// Starts a Java peer (a compiled class in `classDir`) and collects the JSON event lines it prints:
// { child, lines, stderr, listening (the port, once it says "listening"), exited }. Used by the
// Java interop tests, plain and TLS.

import { spawn } from "node:child_process";
import { createInterface } from "node:readline";

export function runJavaPeer(classDir, mainClass, args) {
  const child = spawn("java", ["-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", classDir, mainClass, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const peer = { child, lines: [], stderr: "" };
  let onListening;
  peer.listening = new Promise((resolve) => (onListening = resolve));
  createInterface({ input: child.stdout }).on("line", (line) => {
    let event;
    try {
      event = JSON.parse(line);
    } catch {
      event = { event: "unparsable", line };
    }
    peer.lines.push(event);
    if (event.event === "listening") onListening(event.port);
  });
  child.stderr.setEncoding("utf8").on("data", (s) => (peer.stderr += s));
  peer.exited = new Promise((resolve) => child.on("close", (code, signal) => resolve({ code, signal })));
  return peer;
}
