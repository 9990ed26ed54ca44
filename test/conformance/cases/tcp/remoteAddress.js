/*---
description: remoteAddress is the address connected to and cannot be assigned
flags: [async, module]
---*/
import TCP from "embedded:io/socket/tcp";

await $NETWORK.connected;
$TESTMC.timeout(5_000);

const address = await $NETWORK.resolve("web.test");
new TCP({
  address,
  port: 80,
  onWritable() {
    $DO(() => {
      assert.sameValue(this.remoteAddress, address);
      assert.throws(TypeError, () => { this.remoteAddress = "10.0.0.1"; }, "assigning it");
      assert.sameValue(this.remoteAddress, address, "unchanged");
      this.close();
    })();
  },
  onError() { $DONE("connection failed"); },
});
