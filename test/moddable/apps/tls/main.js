// The TLS client of the Moddable host (hosts/moddable/tls.ts) in the simulator, against the Node TLS
// servers test/moddable/tls-run.js starts on loopback (config peerPort: a server whose certificate
// the CA resource testca.der signed; badPort: one signed by another CA). The module's SocketClient
// gets the TLS class through its `tcp` option. Prints "PASS <name>" / "FAIL <name>: why", then
// "DONE <failures>".

import config from "mc/config";
import { SocketClient } from "socket";
import { moddableSecure } from "accessor-socket/hosts/moddable/tls";

let failures = 0;
let pending = 0;
const pass = (name) => trace(`PASS ${name}\n`);
const fail = (name, why) => {
  failures++;
  trace(`FAIL ${name}: ${why}\n`);
};
const begin = () => pending++;
const end = () => {
  if (--pending === 0) trace(`DONE ${failures}\n`);
};
const settings = (more) => ({
  role: "client", serverName: "127.0.0.1", trustAll: false, trustedCACertPath: "testca.der",
  pfxKeyCertPath: "", pfxKeyCertPassword: "", clientAuth: "none", ...more,
});
const FRAMED = { rawBytes: false, sendType: "json", receiveType: "json", reconnectAttempts: 0, maxMessageSize: 65536, maxUnsentBytes: 65536 };

// 1. A trusted server: framed json both ways (the Node server echoes), a message over one TLS record.
begin();
{
  const name = "TLS client, trusted CA: framed json echo";
  const big = "x".repeat(20000);
  const sent = [{ from: "moddable", n: [1, 2.5] }, "text", big];
  const got = [];
  const client = new SocketClient(Number(config.peerPort), "127.0.0.1", { ...FRAMED, tcp: moddableSecure(settings()).TCP });
  client.on("open", () => sent.forEach((m) => client.send(m)));
  client.on("data", (d) => {
    got.push(d);
    if (got.length === sent.length) client.close();
  });
  client.on("error", (m) => fail(name, m));
  client.on("close", () => {
    if (JSON.stringify(got) === JSON.stringify(sent)) pass(name);
    else fail(name, `got ${JSON.stringify(got).slice(0, 200)}`);
    end();
  });
  client.open();
}

// 1b. sslTls: true alone: the host cannot reach the TLS module, and says what to do.
begin();
{
  const name = "sslTls: true without the tcp option: an error saying how";
  const client = new SocketClient(Number(config.peerPort), "127.0.0.1", { ...FRAMED, sslTls: true });
  client.on("open", () => fail(name, "opened"));
  client.on("error", (m) => {
    if (m.includes("pass the option tcp: moddableSecure(settings).TCP")) pass(name);
    else fail(name, m);
    end();
  });
  client.open();
}

// 2. A server signed by another CA: an "error" naming the handshake, no "open".
begin();
{
  const name = "TLS client, unknown CA: refused";
  let opened = false;
  const client = new SocketClient(Number(config.badPort), "127.0.0.1", { ...FRAMED, tcp: moddableSecure(settings()).TCP });
  client.on("open", () => (opened = true));
  client.on("error", (m) => {
    if (!opened && m.includes("connection failed: TLS handshake failed: the server's certificate is refused")) pass(name);
    else fail(name, `opened ${opened}: ${m}`);
    end();
  });
  client.open();
}

// 3. The same server with trustAll: opens.
begin();
{
  const name = "TLS client, unknown CA with trustAll: opens";
  const client = new SocketClient(Number(config.badPort), "127.0.0.1", { ...FRAMED, tcp: moddableSecure(settings({ trustAll: true, trustedCACertPath: "" })).TCP });
  client.on("open", () => {
    pass(name);
    client.close();
  });
  client.on("close", () => end());
  client.on("error", (m) => {
    fail(name, m);
    end();
  });
  client.open();
}

// 4. A server that requires a client certificate (config authPort): with the resources
// client.cert.der + client.key.der it works; without, an "error" and no "open": the server's alert
// (or, when the simulator's TCP fails the write and never reports it, the connect timeout).
begin();
{
  const name = "TLS client certificate, clientAuth required: echo";
  let echoed = false;
  const client = new SocketClient(Number(config.authPort), "127.0.0.1", { ...FRAMED, tcp: moddableSecure(settings({ pfxKeyCertPath: "client" })).TCP });
  client.on("open", () => client.send({ with: "certificate" }));
  client.on("data", (d) => {
    echoed = JSON.stringify(d) === JSON.stringify({ with: "certificate" });
    if (!echoed) fail(name, JSON.stringify(d));
    client.close();
  });
  client.on("close", () => {
    if (echoed) pass(name);
    else fail(name, "closed without the echo");
    end();
  });
  client.on("error", (m) => {
    fail(name, m);
    end();
  });
  client.open();
}
begin();
{
  const name = "no client certificate, clientAuth required: error";
  let opened = false;
  const client = new SocketClient(Number(config.authPort), "127.0.0.1", { ...FRAMED, connectTimeout: 3000, tcp: moddableSecure(settings()).TCP });
  client.on("open", () => (opened = true));
  client.on("error", (m) => {
    if (!opened && /TLS handshake failed: the server sent TLS alert|timed out after/.test(m)) pass(`${name}: ${m}`);
    else fail(name, m);
    end();
  });
  client.open();
}

// 5. Settings errors.
begin();
{
  const threw = (f) => {
    try {
      f();
    } catch (e) {
      return e.message;
    }
    return "nothing thrown";
  };
  const server = threw(() => moddableSecure(settings({ role: "server" })));
  if (server === "a Moddable device has no TLS server") pass("role server throws");
  else fail("role server throws", server);
  const missing = threw(() => moddableSecure(settings({ trustedCACertPath: "nosuch.der" })));
  if (missing.startsWith('trustedCACertPath: the app has no resource "nosuch.der"')) pass("missing resource throws");
  else fail("missing resource throws", missing);
  end();
}
