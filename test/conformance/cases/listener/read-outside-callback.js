/*---
description: the pending connection can be read after onReadable returned; then read() gives undefined
flags: [async, module]
---*/
import Listener from "embedded:io/socket/listener";
import TCP from "embedded:io/socket/tcp";

await $NETWORK.connected;
$TESTMC.timeout(5_000);

const pending = Promise.withResolvers();
const listener = new Listener({ port: 8080, onReadable(count) { pending.resolve(count); } });
new TCP({ address: "127.0.0.1", port: 8080 });

assert.sameValue(await pending.promise, 1, "one pending connection");
const accepted = listener.read();
assert(accepted instanceof TCP, "a TCP");
assert.sameValue(accepted.remoteAddress, "127.0.0.1");
assert.sameValue(accepted.format, "buffer");
assert.sameValue(listener.read(), undefined, "nothing more pending");
listener.close();
$DONE();
