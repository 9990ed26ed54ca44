/*---
description: format is "socket/tcp", also in a callback; assigning another value is a RangeError and changes nothing
flags: [async, module]
---*/
import Listener from "embedded:io/socket/listener";
import TCP from "embedded:io/socket/tcp";

await $NETWORK.connected;
$TESTMC.timeout(5_000);

const listener = new Listener({
  port: 8080,
  onReadable() {
    $DO(() => {
      assert.sameValue(this.format, "socket/tcp");
      this.close();
    })();
  },
});
assert.sameValue(listener.format, "socket/tcp");
assert.throws(RangeError, () => { listener.format = "buffer"; });
assert.sameValue(listener.format, "socket/tcp", "unchanged");
new TCP({ address: "127.0.0.1", port: 8080 });
