/*---
description: reading outside any callback works (into a view, then a byte in number format); before connecting it gives undefined
flags: [async, module]
---*/
import TCP from "embedded:io/socket/tcp";

await $NETWORK.connected;
$TESTMC.timeout(5_000);

const readable = Promise.withResolvers();
let asked = false;
const tcp = new TCP({
  address: await $NETWORK.resolve("web.test"),
  port: 80,
  onWritable() {
    if (asked) return;
    asked = true;
    this.write(ArrayBuffer.fromString("GET / HTTP/1.1\r\nHost: web.test\r\n\r\n"));
  },
  onReadable(count) { readable.resolve(count); },
  onError() { readable.reject("connection failed"); },
});
assert.sameValue(tcp.read(new Uint8Array(2)), undefined, "not connected yet");

assert(await readable.promise >= 9, "a status line");
const head = new Uint8Array(8);
assert.sameValue(tcp.read(head), 8);
assert.sameValue(String.fromArrayBuffer(head.buffer), "HTTP/1.1");
tcp.format = "number";
assert.sameValue(tcp.read(), 32);
tcp.close();
$DONE();
