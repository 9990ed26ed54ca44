/*---
description: a TCP to a listening peer connects: the first onWritable comes, no onError
flags: [async, module]
---*/
import TCP from "embedded:io/socket/tcp";

await $NETWORK.connected;
$TESTMC.timeout(5_000);

new TCP({
  address: await $NETWORK.resolve("web.test"),
  port: 80,
  onWritable() {
    this.close();
    $DONE();
  },
  onError() {
    $DONE("could not connect");
  },
});
