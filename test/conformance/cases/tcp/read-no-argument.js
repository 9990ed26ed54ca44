/*---
description: read() with no argument gives every available byte as an ArrayBuffer
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
      const all = this.read();
      assert(all instanceof ArrayBuffer, "an ArrayBuffer");
      assert(all.byteLength >= count, "at least the count reported");
      this.close();
    })();
  },
  onError() { $DONE("connection failed"); },
});
