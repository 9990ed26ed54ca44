/*---
description: onReadable gets a count; read(n), read(view) and number format; bad read arguments (Symbol, 16-bit array, function) are TypeErrors
flags: [async, module]
---*/
import TCP from "embedded:io/socket/tcp";

await $NETWORK.connected;
$TESTMC.timeout(5_000);

let asked = false;
new TCP({
  address: await $NETWORK.resolve("web.test"),
  port: 80,
  onWritable() {
    if (asked) return;
    asked = true;
    this.write(ArrayBuffer.fromString("GET / HTTP/1.1\r\nHost: web.test\r\nConnection: close\r\n\r\n"));
  },
  onReadable(count) {
    $DO(() => {
      assert.sameValue(typeof count, "number");
      assert(count > 0, "bytes to read");
      assert.sameValue(this.format, "buffer");
      assert.throws(TypeError, () => this.read(Symbol.toPrimitive), "a Symbol");
      const four = this.read(4);
      assert(four instanceof ArrayBuffer, "read(n) gives an ArrayBuffer");
      assert.sameValue(String.fromArrayBuffer(four), "HTTP");
      const into = new Uint8Array(4);
      assert.sameValue(this.read(into), 4, "read(view) gives the count");
      assert.sameValue(String.fromArrayBuffer(into.buffer), "/1.1");
      this.format = "number";
      assert.sameValue(this.read(), 32, "one byte, a space");
      this.format = "buffer";
      assert.throws(TypeError, () => this.read(new Uint16Array(1)), "elements of two bytes");
      assert.throws(TypeError, () => this.read(Math.max), "a function");
      this.close();
    })();
  },
  onError() { $DONE("connection failed"); },
});
