/*---
description: port checks of the TCP constructor (missing or undefined → Error, out of range → RangeError, Symbol → TypeError)
flags: [async, module]
---*/
import TCP from "embedded:io/socket/tcp";

await $NETWORK.connected;
$TESTMC.timeout(5_000);

const address = await $NETWORK.resolve("web.test");
assert.throws(Error, () => new TCP({ address }), "port left out");
assert.throws(Error, () => new TCP({ address, port: undefined }), "port undefined");
for (const port of [-1, 65536, 1e6])
  assert.throws(RangeError, () => new TCP({ address, port }), `port ${port}`);
assert.throws(TypeError, () => new TCP({ address, port: Symbol.iterator }), "a Symbol for a port");
$DONE();
