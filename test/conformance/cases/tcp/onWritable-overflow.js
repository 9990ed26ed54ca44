/*---
description: exactly the writable count can be written (byte by byte in number format, then a buffer); one byte more throws
flags: [async, module]
---*/
import TCP from "embedded:io/socket/tcp";

await $NETWORK.connected;
$TESTMC.timeout(5_000);

new TCP({
  address: await $NETWORK.resolve("web.test"),
  port: 80,
  onWritable(count) {
    $DO(() => {
      assert.throws(Error, () => this.write(new Uint8Array(count + 1)), "more than writable");
      this.format = "number";
      for (let i = 1; i < count; i++) this.write(0x41);
      this.format = "buffer";
      this.write(new Uint8Array(1));
      assert.throws(Error, () => this.write(new ArrayBuffer(count)), "nothing left");
      this.close();
    })();
  },
  onError() { $DONE("connection failed"); },
});
