/*---
description: read and close called on anything but a Listener throw SyntaxError, before and after a connection is pending
flags: [async, module]
---*/
import Listener from "embedded:io/socket/listener";
import TCP from "embedded:io/socket/tcp";

await $NETWORK.connected;
$TESTMC.timeout(5_000);

const pending = Promise.withResolvers();
const listener = new Listener({ port: 8080, onReadable(count) { pending.resolve(count); } });

function foreign(name) {
  for (const receiver of [new $TESTMC.HostObject(), new $TESTMC.HostObjectChunk(), "text", [], {}, 0])
    assert.throws(SyntaxError, () => listener[name].call(receiver), `${name} on ${Object.prototype.toString.call(receiver)}`);
}

foreign("read");
new TCP({ address: "127.0.0.1", port: 8080 });
assert.sameValue(await pending.promise, 1, "one pending connection");
foreign("read");
assert(listener.read() instanceof TCP, "the pending connection");
foreign("close");
listener.close();
$DONE();
