/*---
description: the target option is kept, and seen from callbacks
flags: [async, module]
---*/
import TCP from "embedded:io/socket/tcp";

await $NETWORK.connected;
$TESTMC.timeout(5_000);

const target = { name: "mine" };
const tcp = new TCP({
  address: await $NETWORK.resolve("web.test"),
  port: 80,
  target,
  onWritable() {
    $DO(() => {
      assert.sameValue(this.target, target, "in onWritable");
      this.close();
    })();
  },
  onError() { $DONE("connection failed"); },
});
assert.sameValue(tcp.target, target, "right after construction");
