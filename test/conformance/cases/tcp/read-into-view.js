/*---
description: read(view) fills only the view's bytes of its buffer
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
      assert(count >= 8, "a status line at least");
      const backing = new ArrayBuffer(100);
      const view = new Uint8Array(backing, 40, 8);
      assert.sameValue(this.read(view), 8);
      assert.sameValue(String.fromArrayBuffer(view.slice().buffer), "HTTP/1.1");
      const all = new Uint8Array(backing);
      for (let i = 0; i < all.length; i++)
        if (i < 40 || i >= 48) assert.sameValue(all[i], 0, `byte ${i} outside the view`);
      this.close();
    })();
  },
  onError() { $DONE("connection failed"); },
});
