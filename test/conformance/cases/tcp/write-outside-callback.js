/*---
description: write before connecting throws; after the first onWritable, that many bytes can be written from outside a callback
flags: [async, module]
---*/
import TCP from "embedded:io/socket/tcp";

await $NETWORK.connected;
$TESTMC.timeout(5_000);

const writable = Promise.withResolvers();
const tcp = new TCP({
  address: await $NETWORK.resolve("web.test"),
  port: 80,
  onWritable(count) { writable.resolve(count); },
  onError() { writable.reject("connection failed"); },
});
assert.throws(Error, () => tcp.write(new Uint8Array(1)), "not connected yet");

const count = await writable.promise;
assert.sameValue(typeof count, "number");
assert(count > 0, "room to write");
tcp.write(new Uint8Array(count));
tcp.close();
$DONE();
