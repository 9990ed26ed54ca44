/*---
description: onWritable gets a count; a buffer format write takes buffers only, number format takes numbers; Symbols are TypeErrors
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
      assert.sameValue(typeof count, "number");
      assert(count > 0, "room to write");
      assert.sameValue(this.format, "buffer");
      assert.throws(TypeError, () => this.write(65), "a number in buffer format");
      this.write(new ArrayBuffer(8));
      assert.throws(TypeError, () => this.write(Symbol.species), "a Symbol in buffer format");
      this.format = "number";
      this.write(65);
      assert.throws(TypeError, () => this.write(Symbol.species), "a Symbol in number format");
      this.close();
    })();
  },
  onError() { $DONE("connection failed"); },
});
