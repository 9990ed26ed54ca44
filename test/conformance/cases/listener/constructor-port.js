/*---
description: port checks of the Listener constructor; "0" and no port pick an ephemeral port, read back from port
flags: [async, module]
---*/
import Listener from "embedded:io/socket/listener";

await $NETWORK.connected;
$TESTMC.timeout(5_000);

assert.throws(Error, () => new Listener({ port: undefined }), "port undefined");
assert.throws(RangeError, () => new Listener({ port: -5 }), "negative");
assert.throws(RangeError, () => new Listener({ port: 70000 }), "too large");
assert.throws(TypeError, () => new Listener({ port: Symbol.unscopables }), "a Symbol");
for (const options of [{ port: "0" }, {}]) {
  const listener = new Listener(options);
  assert.sameValue(typeof listener.port, "number", `port of ${JSON.stringify(options)}`);
  assert(listener.port >= 1 && listener.port <= 65535, `port in range: ${listener.port}`);
  listener.close();
}
$DONE();
