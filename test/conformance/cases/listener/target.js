/*---
description: the target option is kept, and seen from onReadable
flags: [async, module]
---*/
import Listener from "embedded:io/socket/listener";
import TCP from "embedded:io/socket/tcp";

await $NETWORK.connected;
$TESTMC.timeout(5_000);

const target = [1, 2, 3];
const listener = new Listener({
  port: 8080,
  target,
  onReadable() {
    $DO(() => {
      assert.sameValue(this.target, target, "in onReadable");
      this.close();
    })();
  },
});
assert.sameValue(listener.target, target, "right after construction");
new TCP({ address: "127.0.0.1", port: 8080 });
