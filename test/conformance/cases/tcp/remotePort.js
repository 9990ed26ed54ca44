/*---
description: remotePort is the port connected to and cannot be assigned
flags: [async, module]
---*/
import TCP from "embedded:io/socket/tcp";

await $NETWORK.connected;
$TESTMC.timeout(5_000);

new TCP({
  address: await $NETWORK.resolve("web.test"),
  port: 80,
  onWritable() {
    $DO(() => {
      assert.sameValue(this.remotePort, 80);
      assert.throws(TypeError, () => { this.remotePort = 81; }, "assigning it");
      assert.sameValue(this.remotePort, 80, "unchanged");
      this.close();
    })();
  },
  onError() { $DONE("connection failed"); },
});
