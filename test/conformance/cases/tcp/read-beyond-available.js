/*---
description: reading more than is available throws; reading exactly what is available works
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
    this.write(ArrayBuffer.fromString("GET / HTTP/1.1\r\nHost: web.test\r\n\r\n"));
  },
  onReadable(count) {
    $DO(() => {
      assert.throws(Error, () => this.read(count + 1), "one byte too many");
      assert.throws(Error, () => this.read(count * 10), "far too many");
      const all = this.read(count);
      assert(all instanceof ArrayBuffer);
      assert.sameValue(all.byteLength, count);
      this.close();
    })();
  },
  onError() { $DONE("connection failed"); },
});
