/*---
description: write, read and close called on anything but a TCP throw SyntaxError; the real socket is unaffected
flags: [async, module]
---*/
import TCP from "embedded:io/socket/tcp";

await $NETWORK.connected;
$TESTMC.timeout(5_000);

const writable = Promise.withResolvers();
const readable = Promise.withResolvers();
let first = true;
const tcp = new TCP({
  address: await $NETWORK.resolve("web.test"),
  port: 80,
  onWritable(count) {
    if (!first) return;
    first = false;
    writable.resolve(count);
  },
  onReadable(count) { readable.resolve(count); },
  onError() {
    writable.reject("no connection");
    readable.reject("no connection");
  },
});

function foreign(name, ...args) {
  for (const receiver of [new $TESTMC.HostObject(), new $TESTMC.HostObjectChunk(), "text", [], {}, 7])
    assert.throws(SyntaxError, () => tcp[name].apply(receiver, args), `${name} on ${Object.prototype.toString.call(receiver)}`);
}

const request = ArrayBuffer.fromString("GET / HTTP/1.1\r\nHost: web.test\r\nConnection: close\r\n\r\n");
assert(await writable.promise >= request.byteLength, "room for the request");
foreign("write", request);
tcp.write(request);

assert(await readable.promise >= 8, "a status line");
const status = new Uint8Array(8);
foreign("read", status);
assert.sameValue(tcp.read(status), 8);
assert.sameValue(String.fromArrayBuffer(status.buffer), "HTTP/1.1");
tcp.format = "number";
foreign("read");
assert.sameValue(tcp.read(), 0x20);
foreign("close");
tcp.close();
$DONE();
