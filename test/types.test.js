// The public declarations (types/api.d.ts, re-exported by types/node.d.ts for the npm package and
// by types/socket.d.ts for a Moddable app):
// - the type tests of test/types/ compile: *-ok.ts must compile under --strict, and every line
//   marked @ts-expect-error in *-errors.ts must fail (tsc reports a directive with no error);
// - what they declare exists at run time on the Node host: every value export, and every member
//   of the classes' instances (methods, getters, fields), read from the declarations themselves.

import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import ts from "typescript";
import * as api from "accessor-socket";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const tsc = path.join(root, "node_modules/typescript/bin/tsc");

function typecheck(project) {
  return new Promise((resolve) => {
    execFile(process.execPath, [tsc, "-p", path.join(root, project)], { cwd: root }, (error, stdout, stderr) => {
      resolve({ code: error ? error.code ?? 1 : 0, output: `${stdout}${stderr}` });
    });
  });
}

describe("public types", function () {
  this.timeout(60000);

  it("the npm package's declarations accept what users write and refuse the mistakes (test/types/node-*.ts)", async function () {
    const { code, output } = await typecheck("test/types/tsconfig.node.json");
    expect(output, output).to.equal("");
    expect(code).to.equal(0);
  });

  it("the device typings (\"socket\") do too, and the device examples compile against them", async function () {
    const { code, output } = await typecheck("test/types/tsconfig.device.json");
    expect(output, output).to.equal("");
    expect(code).to.equal(0);
  });
});

describe("device typings and the device module agree", function () {
  /** Names a Moddable "socket" module file exports (export { … } lists, classes, default). */
  function exported(file) {
    const text = fs.readFileSync(path.join(root, file), "utf8");
    const names = new Set();
    for (const m of text.matchAll(/^export\s*\{([^}]*)\}/gm)) for (const n of m[1].split(",")) if (n.trim()) names.add(n.trim().split(/\s+as\s+/).pop());
    for (const m of text.matchAll(/^export\s+(?:class|function|const|let)\s+(\w+)/gm)) names.add(m[1]);
    if (/^export default /m.test(text)) names.add("default");
    return names;
  }

  it("every value types/socket.d.ts declares is exported by hosts/moddable/socket-net.js; socket-plain.js has the API", function () {
    const program = ts.createProgram([path.join(root, "types/socket.d.ts")], { strict: true, types: [], noEmit: true, moduleResolution: ts.ModuleResolutionKind.Bundler, module: ts.ModuleKind.ESNext });
    const checker = program.getTypeChecker();
    const file = program.getSourceFile(path.join(root, "types/socket.d.ts"));
    const values = checker.getExportsOfModule(checker.getSymbolAtLocation(file))
      .filter((s) => !s.declarations?.some((d) => ts.isExportSpecifier(d) && (d.isTypeOnly || d.parent.parent.isTypeOnly))) // `export type { … }`
      .filter((s) => ((s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s).flags & ts.SymbolFlags.Value) !== 0)
      .map((s) => s.name)
      .sort();
    expect(values).to.deep.equal(["Listener", "Socket", "SocketClient", "SocketServer", "default", "supportedReceiveTypes", "supportedSendTypes"]);
    expect([...exported("hosts/moddable/socket-net.js")].sort()).to.deep.equal(values);
    expect([...exported("hosts/moddable/socket-plain.js")].sort()).to.deep.equal(["Socket", "SocketClient", "SocketServer", "supportedReceiveTypes", "supportedSendTypes"]);
  });
});

describe("declarations and run time agree (Node host)", function () {
  this.timeout(30000);
  let checker;
  let exports;

  before(function () {
    const program = ts.createProgram([path.join(root, "types/node.d.ts")], {
      strict: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, types: [], noEmit: true,
    });
    checker = program.getTypeChecker();
    const file = program.getSourceFile(path.join(root, "types/node.d.ts"));
    exports = checker.getExportsOfModule(checker.getSymbolAtLocation(file));
  });

  /** The members the declared interface/class `name` promises on an instance. */
  function members(name) {
    const symbol = exports.find((s) => s.name === name);
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    return checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(target)).map((p) => p.name);
  }

  it("every value the declarations export is exported, and nothing public is undeclared", function () {
    const declared = exports
      .filter((s) => ((s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s).flags & ts.SymbolFlags.Value) !== 0)
      .map((s) => s.name)
      .sort();
    expect(declared).to.include.members(["EventEmitter", "Socket", "SocketClient", "SocketServer", "supportedReceiveTypes", "supportedSendTypes"]);
    expect(Object.keys(api).sort()).to.deep.equal(declared);
    for (const name of declared) expect(api[name], name).to.be.a("function");
  });

  it("a SocketClient has every declared member", function () {
    const client = new api.SocketClient(4000, "127.0.0.1");
    const names = members("SocketClient");
    expect(names).to.include.members(["open", "send", "close", "on", "once", "off", "emit", "port", "host", "options", "bufferedAmount", "closed"]);
    for (const name of (names)) expect(name in client, `SocketClient.${name}`).to.equal(true);
    for (const name of (members("ClientOptions"))) expect(client.options, `options.${name}`).to.have.property(name);
    expect(client).to.be.instanceOf(api.EventEmitter);
  });

  it("a SocketServer has every declared member", function () {
    const server = new api.SocketServer({ port: 0 });
    const names = members("SocketServer");
    expect(names).to.include.members(["start", "stop", "port", "options", "on"]);
    for (const name of (names)) expect(name in server, `SocketServer.${name}`).to.equal(true);
    for (const name of (members("ServerOptions"))) expect(server.options, `options.${name}`).to.have.property(name);
  });

  it("a Socket has every declared member (on its prototype: it has no public constructor)", function () {
    const names = members("Socket");
    expect(names).to.include.members(["send", "close", "remoteHost", "remotePort", "bufferedAmount", "closed", "on"]);
    for (const name of (names)) expect(name in api.Socket.prototype, `Socket.${name}`).to.equal(true);
  });

  it("\"error\" gives (message, code) with a declared ErrorCode; send() gives a boolean", async function () {
    const union = checker.getDeclaredTypeOfSymbol(exports.find((s) => s.name === "ErrorCode"));
    const codes = new Set(union.types.map((t) => t.value));
    const seen = [];
    const check = (message, code) => {
      expect(message).to.be.a("string").and.not.equal("");
      expect(codes.has(code), `${code} (${message}) is a declared ErrorCode`).to.equal(true);
      seen.push(code);
    };
    const unused = await new Promise((resolve) => {
      const probe = new api.SocketServer({ port: 0, hostInterface: "127.0.0.1" });
      probe.on("listening", (port) => {
        probe.stop();
        resolve(port);
      });
      probe.start();
    });
    const client = new api.SocketClient(unused, "127.0.0.1", { sendType: "int", reconnectAttempts: 0 });
    await new Promise((resolve) => {
      client.on("error", (message, code) => {
        check(message, code);
        if (code === "ECONNECT") resolve();
      });
      expect(client.send("not a number")).to.equal(false); // EINVALIDDATA
      expect(client.send(1)).to.equal(true); // queued before "open"
      client.open();
      client.open(); // EUSAGE
    });
    expect(seen).to.include.members(["EINVALIDDATA", "EUSAGE", "ECONNECT"]);
  });

  it("supported types are the declared DataType names", function () {
    const union = checker.getDeclaredTypeOfSymbol(exports.find((s) => s.name === "DataType"));
    const declared = (union.types.map((t) => t.value)).sort();
    expect(api.supportedReceiveTypes().slice().sort()).to.deep.equal(declared);
    expect(api.supportedSendTypes().slice().sort()).to.deep.equal(declared);
  });
});
